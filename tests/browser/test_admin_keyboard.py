"""An editor fixes a typo in a question and publishes a new version with the keyboard alone.

The same journey as test_admin_editor.py, without the mouse: every step moves the
focus with Tab (or Shift+Tab), then presses Enter or Space, or types. Nothing is
clicked; the only address typed is the login page's. Each element reached must
show where the focus is (WCAG 2.4.7).
"""

import pytest
from playwright.sync_api import expect

from assessment import models
from tests.browser.conftest import assert_accessible
from tests.browser.test_admin_editor import _setup
from tests.helpers import PASSWORD

TYPO = "How do teams find the data they need?"
FIXED = "How do teams find the datasets they need?"
MAX_TABS = 400


def focused(page, target) -> bool:
    return target.evaluate("el => el === document.activeElement")


def tab_to(page, target, *, backwards=False):
    """Press Tab (Shift+Tab) until `target` has the focus; fail if it never gets it."""
    target.wait_for()
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if focused(page, target):
            break
        page.keyboard.press(key)
    else:
        raise AssertionError(f"{MAX_TABS} presses of {key} on {page.url} never reached {target}")
    indicator = target.evaluate(
        """el => { const s = getComputedStyle(el);
                   return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"""
    )
    assert indicator, f"{target} on {page.url} has the focus but shows no focus outline"


def press_on(page, target, key="Enter"):
    """Tab to `target` and press `key`, waiting for the page it opens."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, target, text):
    tab_to(page, target)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


@pytest.mark.django_db(transaction=True)
def test_it_lets_an_editor_fix_a_typo_and_publish_with_the_keyboard_alone(page, live_server):
    version, assessment, editor, _member = _setup()
    page.goto(f"{live_server.url}/login/")
    type_into(page, page.get_by_label("Username"), editor.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    press_on(page, page.get_by_role("link", name="Administration"))
    press_on(page, page.locator("#content-main").get_by_role("link", name="Questionnaire versions"))
    press_on(page, page.locator("#result_list").get_by_role("link", name="small-ml"))
    expect(page.get_by_text("This content is read-only")).to_be_visible()
    press_on(page, page.get_by_role("button", name="New draft version"), "Space")
    expect(page.get_by_text('Draft "2026.1-draft" created')).to_be_visible()

    type_into(page, page.get_by_label("Version:"), "2026.2")
    press_on(page, page.get_by_role("button", name="Save and continue editing"))
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    press_on(page, page.locator("#areas-group a.inlinechangelink").first)
    press_on(page, page.locator("#questions-group a.inlinechangelink").nth(1))
    expect(page.get_by_label("Text:")).to_have_value(TYPO)
    type_into(page, page.get_by_label("Text:"), FIXED)
    press_on(page, page.get_by_role("button", name="Save", exact=True), "Space")
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    press_on(page, page.locator("div.breadcrumbs").get_by_role("link", name="Home"))
    press_on(page, page.locator("#content-main").get_by_role("link", name="Questionnaire versions"))
    press_on(page, page.locator("#result_list").get_by_role("link", name="2026.2"))
    expect(page.get_by_text("It passes every check")).to_be_visible()
    # Publish sits in the object tools at the top: reach it going backwards from the form's end.
    tab_to(page, page.get_by_role("button", name="Save", exact=True))
    tab_to(page, page.get_by_role("button", name="Publish"), backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("is published: new assessments start with it")).to_be_visible()
    assert_accessible(page)

    published = models.QuestionnaireVersion.objects.get(slug=version.slug, version="2026.2")
    assert published.status == models.QuestionnaireVersion.PUBLISHED
    assert models.Question.objects.get(area__questionnaire=published, text=FIXED)
    assessment.refresh_from_db()
    assert assessment.questionnaire_id == version.pk
    assert models.Question.objects.filter(area__questionnaire=version, text=TYPO).count() == 1
    assert not models.Question.objects.filter(area__questionnaire=version, text=FIXED).exists()
