"""The whole questionnaire journey in headless Chromium, with the keyboard alone.

A new team member logs in, starts an assessment, answers with Tab, arrow keys
and Enter, leaves half-way, comes back through Continue, finishes, submits and
lands on the results. axe-core checks every page on the way, and no page may
ask anything from another host (checked by the `page` fixture).

Set SCREENSHOT_DIR to keep a screenshot of every page, to look at them.
"""

import os
from itertools import pairwise
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from assessment import models
from tests.browser.conftest import assert_accessible, login
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")


def assert_headings_in_order(page):
    """One h1, first, and no level skipped on the way down (axe leaves this to best practice)."""
    levels = page.evaluate(
        "() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]"
        ".map(h => Number(h.tagName[1]))"
    )
    assert levels and levels[0] == 1 and levels.count(1) == 1, f"{page.url}: headings {levels}"
    for before, after in pairwise(levels):
        assert after <= before + 1, f"{page.url}: heading levels skip from {before} to {after}: {levels}"


def look(page, name):
    """Check the page with axe and the heading order and, when asked, keep a screenshot of it."""
    assert_accessible(page)
    assert_headings_in_order(page)
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
                    value: el.value || '', text: (el.tagName === 'INPUT' ? (el.type === 'submit' ? el.value : '') : (el.innerText || '')).trim()};
        }"""
    )


def tab_until(page, matches, limit=80, key="Tab"):
    """Press Tab until the focused element matches; fail when it never does."""
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached the element; focus ended on {focused(page)}")


def tab_to_text(page, text):
    return tab_until(page, lambda el: el["text"].startswith(text))


def answer_with_keyboard(page, question_key, option_index):
    """Tab into a question's radio group and pick its option_index-th answer with the arrow keys.

    An unanswered question has "No answer yet" checked, the last radio; one
    ArrowDown wraps to the first answer.
    """
    tab_until(page, lambda el: el["name"] == f"answer_{question_key}")
    page.keyboard.press("ArrowDown")
    for _ in range(option_index):
        page.keyboard.press("ArrowDown")
    checked = page.locator(f'input[name="answer_{question_key}"]:checked')
    return checked.get_attribute("value")


def results_page_exists():
    try:
        reverse("assessment-results", args=[1])
    except NoReverseMatch:
        return False
    return True


def test_it_takes_a_new_user_through_the_whole_journey_with_the_keyboard(
    page, live_server, member, team, questionnaire_version
):
    base = live_server.url

    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/login/?next=/")
    look(page, "01-login")
    # Log in with the keyboard: the skip link comes first, then the form.
    tab_until(page, lambda el: el["name"] == "username")
    page.keyboard.type(member.username)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    expect(page.get_by_text("No assessment yet")).to_be_visible()
    look(page, "02-home-empty")

    # The skip link is the first stop and moves focus to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Start a new assessment with the keyboard alone.
    tab_to_text(page, "Start a new assessment")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/teams/{team.pk}/assessments/new/")
    look(page, "03-new")
    tab_until(page, lambda el: el["name"] == "title")
    page.keyboard.press("Control+A")
    page.keyboard.type("Quarterly check")
    tab_to_text(page, "Start the assessment")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/*/areas/data/")
    assessment = models.Assessment.objects.get(team=team)
    assert assessment.title == "Quarterly check"
    expect(page.get_by_text("Area 1 of 3")).to_be_visible()
    expect(page.get_by_text("0 of 4 questions answered")).to_be_visible()
    look(page, "04-area-1")

    # Area 1: level 3 for streaming data, with a note; level 5 (third choice) for discovery.
    assert answer_with_keyboard(page, "streaming-data", 2) == "level-3"
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "note_streaming-data"
    page.keyboard.type("Pipeline runbook on the wiki")
    assert answer_with_keyboard(page, "data-discovery", 2) == "level-5"
    tab_to_text(page, "Save and continue")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/{assessment.pk}/areas/models/")
    expect(page.get_by_text("2 of 4 questions answered")).to_be_visible()
    look(page, "05-area-2")

    # Area 2: answer, then leave half-way with "Save and exit".
    assert answer_with_keyboard(page, "model-versions", 1) == "level-2"
    tab_to_text(page, "Save and exit")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    expect(page.get_by_text("are saved")).to_be_visible()
    expect(page.get_by_text("3 of 4 answered")).to_be_visible()
    look(page, "06-home-draft")

    # Nothing was lost on the way out.
    answers = {a.question.key: a for a in assessment.answers.select_related("question", "choice")}
    assert answers["streaming-data"].choice.level == 3
    assert answers["streaming-data"].note == "Pipeline runbook on the wiki"
    assert answers["data-discovery"].choice.level == 5
    assert answers["model-versions"].choice.level == 2

    # Come back later: Continue lands on the first area with an unanswered question.
    page.context.clear_cookies()
    login(page, live_server, member)
    tab_to_text(page, "Continue")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/{assessment.pk}/areas/operations/")
    expect(page.get_by_text("Area 3 of 3")).to_be_visible()

    # Area 3: "Not sure" is the sixth option here (five levels, then Not sure).
    assert answer_with_keyboard(page, "production-monitoring", 5) == "not_sure"
    page.keyboard.press("Enter")  # Enter in a form submits with its first button, "Save and continue"
    page.wait_for_url(f"{base}/assessments/{assessment.pk}/review/")
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    verify = page.get_by_role("region", name="“Not sure” answers to verify (1)")
    expect(
        verify.get_by_role("link", name="How do you know a model in production still performs well?")
    ).to_be_visible()
    assert page.get_by_text("Every question is answered").count() == 0
    look(page, "07-review")

    tab_to_text(page, "Submit and see results")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/{assessment.pk}/")
    assessment.refresh_from_db()
    assert assessment.is_submitted
    if results_page_exists():
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert "Page not found" not in page.title()
        look(page, "08-results")

    # Submitted: the area pages are read-only for everybody.
    page.goto(f"{base}/assessments/{assessment.pk}/areas/data/")
    expect(page.get_by_text("is locked")).to_be_visible()
    assert page.locator('input[type="radio"]').count() == 0
    look(page, "09-area-locked")


def test_it_shows_an_error_summary_that_links_to_the_field(page, live_server, member, assessment):
    login(page, live_server, member)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/areas/data/")
    page.get_by_label("Not sure").first.check()
    # Bypass the browser's maxlength to post a note that is too long, as a script could.
    page.evaluate(
        "() => { const t = document.querySelector('#id_note_streaming-data'); t.removeAttribute('maxlength'); t.value = 'x'.repeat(2001); }"
    )
    page.get_by_role("button", name="Save and continue").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    link = summary.get_by_role("link", name="the note is 2001 characters long")
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "id_note_streaming-data"
    # What the user chose is kept.
    assert page.get_by_label("Not sure").first.is_checked()
    assert assessment.answers.count() == 0
    look(page, "10-area-error")


def test_it_works_without_javascript(page_without_js, live_server, member, assessment):
    page = page_without_js
    login(page, live_server, member)
    page.get_by_role("link", name="Continue “Q1 assessment” for Data Platform").click()  # the team's primary action
    page.wait_for_url(f"{live_server.url}/assessments/{assessment.pk}/areas/data/")
    page.get_by_label("Defined: A documented shared pipeline").check()
    page.get_by_label("Note or evidence (optional)").first.fill("Ask Sam")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"{live_server.url}/assessments/{assessment.pk}/areas/models/")
    answer = assessment.answers.get(question__key="streaming-data")
    assert (answer.choice.level, answer.note) == (3, "Ask Sam")
    page.get_by_role("button", name="Save and exit").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("1 of 4 answered")).to_be_visible()
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    page.get_by_role("button", name="Submit and see results").click()
    page.wait_for_url(f"{live_server.url}/assessments/{assessment.pk}/")
    assessment.refresh_from_db()
    assert assessment.is_submitted
    assert_accessible(page)


def test_it_reports_axe_violations(page, live_server, member):
    """The accessibility check can fail: an image without text must be caught."""
    login(page, live_server, member)
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/none.png'; document.querySelector('main').append(i); }"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_it_keeps_the_other_pages_accessible(
    page, live_server, member, viewer, team, full_questionnaire_version, questionnaire_version
):
    """The pages off the main path: two questionnaires, a copy, form errors, read-only views."""
    from assessment.services.assessments import assessment_create, assessment_submit

    base = live_server.url
    previous = assessment_create(team=team, version=full_questionnaire_version, title="Q1 2026", user=member)
    assessment_submit(assessment=previous, user=member)
    login(page, live_server, member)
    page.goto(f"{base}/teams/{team.pk}/assessments/new/?questionnaire={full_questionnaire_version.pk}")
    expect(page.get_by_label("Questionnaire")).to_be_visible()
    assert page.get_by_label("Start from the team's previous assessment", exact=False).is_checked()
    look(page, "11-new-full")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("alert").get_by_role("link", name="Enter a title for the assessment.")).to_be_visible()
    look(page, "12-new-error")
    page.get_by_label("Title").fill("Q2 2026")
    page.get_by_role("button", name="Start the assessment").click()
    # Format 2: the journey starts on "About your team"; left "Not stated yet", every area stays in scope.
    page.wait_for_url(f"{base}/assessments/*/profile/")
    expect(page.get_by_role("heading", name="About your team", level=1)).to_be_visible()
    look(page, "13-profile-full")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"{base}/assessments/*/areas/*/")
    expect(page.get_by_text("Area 1 of 7")).to_be_visible()
    look(page, "13-area-full")
    draft = models.Assessment.objects.get(title="Q2 2026")

    page.context.clear_cookies()
    login(page, live_server, viewer)
    look(page, "14-home-viewer")
    first_area = full_questionnaire_version.areas.first().key
    page.goto(f"{base}/assessments/{draft.pk}/areas/{first_area}/")
    expect(page.get_by_text("only members of Data Platform can change it")).to_be_visible()
    look(page, "15-area-viewer")
    page.goto(f"{base}/assessments/{draft.pk}/review/")
    look(page, "16-review-viewer")
    response = page.goto(f"{base}/teams/{team.pk}/assessments/new/")
    assert response.status == 403
    look(page, "17-forbidden")


def test_it_reports_what_the_content_security_policy_blocks(page, live_server):
    """The CSP check can fail: a page of the live server with an inline style attribute must be caught."""
    url = f"{live_server.url}/csp-self-test/"
    page.route(
        url,
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": "style-src 'self'"},
            body='<!DOCTYPE html><html lang="en"><title>t</title><main><p style="color: red">Red</p></main></html>',
        ),
    )
    page.goto(url)
    for _ in range(50):  # the console reports the violation a moment after the load; wait up to 5 s for it
        if page.request_log.csp_violations:
            break
        page.wait_for_timeout(100)
    with pytest.raises(AssertionError, match="Content-Security-Policy"):
        assert_accessible(page)
    page.request_log.csp_violations.clear()


def test_it_says_clearly_when_the_login_fails(page, live_server, member):
    page.request_log.allowed_origin = live_server.url
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").get_by_text("did not match")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.get_by_label("Username").get_attribute("aria-invalid") == "true"
    look(page, "18-login-error")
