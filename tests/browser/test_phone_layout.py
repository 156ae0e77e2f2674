"""The area page on a phone (390 x 844): the questions on the first screen, the area
list one tap away, the top bar's padding kept, and axe satisfied.

Set SCREENSHOT_DIR to keep screenshots of the pages, to look at them.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessment import models
from tests.browser.conftest import _check_requests, _new_page, assert_accessible, login

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(browser, request):
    context, page = _new_page(browser, request, java_script_enabled=request.param, **PHONE)
    yield page
    context.close()
    _check_requests(page)


def keep(page, name):
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"))


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_first_question_is_on_the_first_screen(phone, live_server, member, team, full_questionnaire_version):
    assessment = models.Assessment.objects.create(team=team, questionnaire=full_questionnaire_version, title="Q3")
    area = models.Area.objects.filter(questionnaire=full_questionnaire_version).order_by("position")[3]
    login(phone, live_server, member)
    phone.goto(live_server.url + reverse("assessment-area", args=[assessment.pk, area.key]))
    keep(phone, f"phone-area-{'js' if phone.js_enabled else 'nojs'}")

    height = phone.viewport_size["height"]
    # Title, progress and the first question with its first choices, without scrolling.
    assert phone.evaluate("() => window.scrollY") == 0
    assert box(phone, "h1")["y"] >= 0
    expect(phone.get_by_text("0 of", exact=False).first).to_be_visible()
    legend = box(phone, "fieldset.question legend")
    first_choice = box(phone, "fieldset.question .form-check")
    assert legend["y"] + legend["height"] <= height, f"the first question ends at {legend['y'] + legend['height']}"
    assert first_choice["y"] + first_choice["height"] <= height
    # The long area list is folded away: one line, "All areas (4 of 7)".
    summary = phone.locator("details.area-jump > summary")
    assert summary.inner_text().strip() == "All areas (4 of 7)"
    expect(summary).to_be_visible()
    assert box(phone, "details.area-jump")["height"] < 60
    expect(phone.locator(".journey-sidebar")).not_to_be_visible()
    # The brand keeps the top bar's padding.
    assert box(phone, ".navbar-brand")["x"] >= 10
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)

    # The list opens without JavaScript and leads to another area.
    summary.click()
    links = phone.locator("details.area-jump nav a")
    assert links.count() == 1 + 7 + 1  # "About your team", every area, then the review
    assert links.nth(0).inner_text().strip() == "About your team"
    assert links.nth(4).get_attribute("aria-current") == "step"
    keep(phone, f"phone-areas-open-{'js' if phone.js_enabled else 'nojs'}")
    assert_accessible(phone)
    links.nth(1).click()
    first = models.Area.objects.filter(questionnaire=full_questionnaire_version).order_by("position")[0]
    phone.wait_for_url(f"**/areas/{first.key}/")

    # The journey starts on "About your team": its first question is on the first screen too.
    phone.locator("details.area-jump > summary").click()
    phone.locator("details.area-jump nav a").nth(0).click()
    phone.wait_for_url("**" + reverse("assessment-profile", args=[assessment.pk]))
    keep(phone, f"phone-profile-{'js' if phone.js_enabled else 'nojs'}")
    assert phone.evaluate("() => window.scrollY") == 0
    legend = box(phone, "fieldset.question legend")
    first_choice = box(phone, "fieldset.question .form-check")
    assert legend["y"] + legend["height"] <= height, f"the first question ends at {legend['y'] + legend['height']}"
    assert first_choice["y"] + first_choice["height"] <= height
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)


def test_not_applicable_asks_why_only_once_chosen(phone, live_server, member, team, full_questionnaire_version):
    assessment = models.Assessment.objects.create(team=team, questionnaire=full_questionnaire_version, title="Q3")
    question = models.Question.objects.filter(
        area__questionnaire=full_questionnaire_version, not_applicable=True
    ).first()
    login(phone, live_server, member)
    phone.goto(
        live_server.url + reverse("assessment-area", args=[assessment.pk, question.area.key]) + f"#q-{question.key}"
    )
    reason = phone.locator(f'select[name="na_reason_{question.key}"]')
    other = phone.locator(f'input[name="na_other_{question.key}"]')
    expect(reason).not_to_be_visible()
    expect(other).not_to_be_visible()
    phone.locator(f'input[name="answer_{question.key}"][value="not_applicable"]').check()
    expect(reason).to_be_visible()
    expect(other).not_to_be_visible()
    reason.select_option("other")
    expect(other).to_be_visible()
    phone.get_by_label("Other reason").first.fill("Run for us by the state")
    reason.scroll_into_view_if_needed()
    keep(phone, f"phone-na-reason-{'js' if phone.js_enabled else 'nojs'}")
    assert_accessible(phone)
    phone.get_by_role("button", name="Save and exit").click()
    phone.wait_for_url(f"{live_server.url}/")
    saved = assessment.answers.get(question=question)
    assert (saved.kind, saved.na_reason, saved.na_reason_detail) == (
        "not_applicable",
        "other",
        "Run for us by the state",
    )
