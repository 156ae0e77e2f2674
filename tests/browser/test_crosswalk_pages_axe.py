"""Against the frameworks in a browser: axe (WCAG 2.2 AA) on the assessment's and the portfolio's pages,
no sideways scroll at 390 px, and the framework tabs working without JavaScript."""

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import assessment_create, assessment_submit, profile_save
from assessment.services.crosswalks import crosswalk_import
from tests.browser.conftest import AXE_TAGS_STRICT, _check_requests, _new_page, assert_accessible, login
from tests.helpers import DATA, answer, load_questionnaire_file

pytestmark = pytest.mark.browser

WIDTH = 390
ANSWERS = {"ai-inventory": ("choice", 3), "impact-assessment": ("choice", 1), "genai-red-teaming": ("not_sure", None)}


@pytest.fixture
def measured(team, member):
    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    crosswalk_import((DATA / "format2_crosswalk.yaml").read_bytes(), "format2_crosswalk.yaml")
    assessment = assessment_create(team=team, version=version, title="Against the frameworks", user=member)
    answer(assessment, member, ANSWERS)
    profile_save(assessment=assessment, user=member, answers={"ai-kinds": "both", "impact": "yes"})
    assessment_submit(assessment=assessment, user=member)
    return assessment


def urls(live_server, assessment):
    page_url = live_server.url + reverse("assessment-frameworks", args=[assessment.pk])
    portfolio_url = live_server.url + reverse("portfolio-frameworks")
    return [page_url, page_url + "?framework=nist-ai-rmf", portfolio_url, portfolio_url + "?framework=omb-m-25-21"]


def test_the_pages_pass_axe_and_fit_a_phone(browser, request, live_server, executive, measured):
    context, page = _new_page(browser, request, viewport={"width": WIDTH, "height": 844}, is_mobile=True)
    login(page, live_server, executive)
    for url in urls(live_server, measured):
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page, tags=AXE_TAGS_STRICT)
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, url
    assert page.locator("table.crosswalk-conditional tbody tr").count() == 1
    context.close()
    _check_requests(page)


def test_the_framework_tabs_work_without_javascript(page_without_js, live_server, member, measured):
    page = page_without_js
    login(page, live_server, member)
    page.goto(live_server.url + reverse("assessment-frameworks", args=[measured.pk]))
    assert "1 of 3 applicable items met" in page.locator(".crosswalk-share").inner_text()

    page.get_by_role("link", name="NIST AI Risk Management Framework").click()

    assert page.locator("h2#framework-title").inner_text().startswith("NIST AI Risk Management Framework")
    assert page.get_by_role("link", name="NIST AI Risk Management Framework").get_attribute("aria-current") == "page"
    assert models.Assessment.objects.get(pk=measured.pk).is_submitted
