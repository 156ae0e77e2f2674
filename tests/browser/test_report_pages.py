"""The pages a PDF download shows while the report is being prepared, and when it could not be produced."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessment import models
from tests.browser.conftest import assert_accessible, login
from tests.results_helpers import EXAMPLE_ANSWERS, submitted_assessment

pytestmark = pytest.mark.browser


def test_the_waiting_and_error_pages_are_accessible(page, live_server, settings, member, team, questionnaire_version):
    # Jobs stay queued (no worker runs in tests), and the download waits for one.
    settings.REPORT_WAIT_SECONDS = 30
    settings.REPORT_REFRESH_SECONDS = 120  # no reload while axe runs
    assessment = submitted_assessment(team, member, questionnaire_version, EXAMPLE_ANSWERS)
    url = live_server.url + reverse("assessment-pdf", args=[assessment.pk])
    login(page, live_server, member)

    response = page.goto(url)
    assert response.status == 202
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == "120"
    assert page.get_by_role("status").inner_text().startswith("It usually takes a few seconds.")
    # axe reads any timed refresh as a failure of WCAG 2.2.1 (technique F41). The
    # issue asks for the refresh; the page says it refreshes, and its first link
    # turns it off (checked next, with every rule); REPORT_REFRESH_SECONDS=0 turns
    # it off for everyone.
    assert_accessible(page, allow=("meta-refresh",))

    page.get_by_role("link", name="Stop checking automatically").click()
    page.wait_for_url("**?refresh=off")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    expect(page.get_by_role("link", name="Check again now")).to_be_visible()
    assert_accessible(page)

    models.StoredReport.objects.filter(assessment=assessment).update(status=models.StoredReport.FAILED, attempts=3)
    response = page.goto(url)
    assert response.status == 503
    assert page.get_by_role("heading", level=1).inner_text() == "The PDF report could not be produced"
    page.get_by_role("link", name="Back to the results").click()
    page.wait_for_url(live_server.url + reverse("assessment-results", args=[assessment.pk]))
    page.go_back()
    assert_accessible(page)
