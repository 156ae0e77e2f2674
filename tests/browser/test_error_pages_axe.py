"""axe (WCAG 2.2 AA) on the pages that refuse: a form's address opened with GET (405), an export asked for with a
bad filter (400), an unknown framework (400), and the API tokens page at its cap with ended tokens folded away.
On a desktop and at 390 px, where nothing may scroll sideways.

Set SCREENSHOT_DIR to keep a full-page screenshot of each, to look at them.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessment import models
from assessment.services.api_tokens import api_token_create
from assessment.services.assessments import assessment_create, assessment_submit
from assessment.services.crosswalks import crosswalk_import
from tests.browser.conftest import AXE_TAGS_STRICT, _check_requests, _new_page, assert_accessible, login
from tests.helpers import DATA, load_questionnaire_file

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def refusals(team, member, settings):
    """The addresses of the refusing pages, with the status and the words each must show."""
    settings.API_TOKENS_MAX_ACTIVE = 2
    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    crosswalk_import((DATA / "format2_crosswalk.yaml").read_bytes(), "format2_crosswalk.yaml")
    assessment = assessment_create(team=team, version=version, title="Refusals", user=member)
    measured = assessment_create(team=team, version=version, title="Measured", user=member)
    assessment_submit(assessment=measured, user=member)
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    old = api_token_create(user=member, name="old script", expires_on=next_month).token
    models.ApiToken.objects.filter(pk=old.pk).update(revoked_at=timezone.now())
    for name in ("laptop", "dashboard"):
        api_token_create(user=member, name=name, expires_on=next_month)
    models.Action.objects.create(
        team=team, questionnaire_slug=version.slug, question_key="pipelines", target_level=3, created_at=timezone.now()
    )
    return [
        ("405", reverse("assessment-submit", args=[assessment.pk]), 405, "only takes a form submission"),
        ("plan-csv-400", reverse("team-plan-csv", args=[team.pk]) + "?status=nonsense", 400, "Choose a status"),
        ("frameworks-400", reverse("assessment-frameworks", args=[measured.pk]) + "?framework=nope", 400, "nope"),
    ]


def _look(page, name):
    assert_accessible(page, tags=AXE_TAGS_STRICT)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width} px"
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True, timeout=60_000)


@pytest.mark.parametrize("size", WIDTHS)
def test_the_refusing_pages_pass_axe_and_fit(browser, request, live_server, member, refusals, size):
    context, page = _new_page(browser, request, viewport=WIDTHS[size], is_mobile=size == "phone")
    login(page, live_server, member)
    for name, url, status, words in refusals:
        response = page.goto(live_server.url + url)
        assert response.status == status, f"{url} answered {response.status}"
        expect(page.locator("main")).to_contain_text(words)
        if status == 400:
            expect(page.get_by_role("alert")).to_contain_text(words)
        _look(page, f"refused-{name}-{size}")

    # One token more than the cap: refused at the form; the revoked one is folded away below.
    page.goto(live_server.url + reverse("api-tokens"))
    page.get_by_label("Name").fill("one too many")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("alert")).to_contain_text("the most one person may have (2)")
    folded = page.locator("details").filter(has_text="revoked or expired in the last")
    expect(folded.get_by_role("cell", name="Revoked")).not_to_be_visible()
    folded.locator("summary").click()
    expect(folded.get_by_role("rowheader", name="old script")).to_be_visible()
    _look(page, f"refused-api-token-cap-{size}")
    assert models.ApiToken.objects.filter(name="one too many").count() == 0

    # A filtered plan: its downloads say they hold what the page shows, and carry the filter.
    team = models.Action.objects.get().team
    page.goto(live_server.url + reverse("team-plan", args=[team.pk]) + "?status=planned")
    csv = page.get_by_role("link", name="Spreadsheet (CSV) of the 1 action shown")
    expect(csv).to_have_attribute("href", reverse("team-plan-csv", args=[team.pk]) + "?status=planned")
    _look(page, f"plan-filtered-{size}")
    context.close()
    _check_requests(page)
