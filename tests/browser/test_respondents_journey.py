"""Several respondents, one team answer, in headless Chromium.

A lead opens a draft to two respondents; Ana answers with the keyboard alone,
Ben with the mouse, three levels apart on one question; the disagreement view
puts that question first; the lead reconciles it; the results show the
agreement figure and the PDF lists the disputed question. axe-core checks every
new page on the way.
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assessment import models
from assessment.pdf.render import assessment_pdf
from assessment.selectors.results import assessment_results
from tests.browser.conftest import assert_accessible, login
from tests.helpers import make_user

pytestmark = pytest.mark.browser


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {name: el.getAttribute('name') || '', text: (el.innerText || el.value || '').trim()};
        }"""
    )


def tab_until(page, matches, limit=120):
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached the element; focus ended on {focused(page)}")


def answer_with_keyboard(page, question_key, option_index):
    """Tab into a question's radios ("No answer yet" checked, the last) and arrow to the option_index-th answer."""
    tab_until(page, lambda el: el["name"] == f"answer_{question_key}")
    for _ in range(option_index + 1):
        page.keyboard.press("ArrowDown")
    return page.locator(f'input[name="answer_{question_key}"]:checked').get_attribute("value")


def switch_user(page, live_server, user):
    page.context.clear_cookies()
    login(page, live_server, user)


@pytest.fixture
def people(team):
    ana = make_user("ana", first_name="Ana", last_name="Engineer")
    ben = make_user("ben", first_name="Ben", last_name="Security")
    models.Membership.objects.create(team=team, user=ana, role=models.Membership.MEMBER)
    models.Membership.objects.create(team=team, user=ben, role=models.Membership.VIEWER)
    return ana, ben


def test_a_lead_opens_an_assessment_to_two_respondents_and_reconciles_their_answers(
    page, live_server, member, assessment, people
):
    ana, ben = people
    base = live_server.url
    a = assessment.pk

    # 1. The lead opens the draft to Ana and Ben.
    login(page, live_server, member)
    page.goto(f"{base}/assessments/{a}/review/")
    page.get_by_role("link", name="Respondents").first.click()
    page.wait_for_url(f"{base}/assessments/{a}/respondents/")
    assert_accessible(page)
    # Nobody chosen: a located error, and the page with its error summary passes axe too.
    page.get_by_role("button", name="Open to respondents").click()
    expect(page.get_by_role("alert").get_by_text("Choose at least one respondent")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ana Engineer (member)").check()
    page.get_by_label("Ben Security (viewer)").check()
    page.get_by_role("button", name="Open to respondents").click()
    page.wait_for_url(f"{base}/assessments/{a}/respondents/")
    expect(page.get_by_role("row", name=re.compile("Ana Engineer Not started"))).to_be_visible()
    assert_accessible(page)

    # 2. Ana answers with the keyboard alone: home, her answers, the data area, submit.
    switch_user(page, live_server, ana)
    tab_until(page, lambda el: el["text"].startswith("Your answers"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/{a}/respond/areas/data/")
    assert_accessible(page)
    assert answer_with_keyboard(page, "streaming-data", 0) == "level-1"
    tab_until(page, lambda el: el["name"] == "note_streaming-data")
    page.keyboard.type("Only scripts")
    assert answer_with_keyboard(page, "data-discovery", 1) == "level-3"
    tab_until(page, lambda el: el["text"] == "Save and exit")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    # Save and resume: back where she left off, her answers kept.
    tab_until(page, lambda el: el["text"].startswith("Your answers"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/{a}/respond/areas/models/")
    expect(page.get_by_text("Your own answers, Ana Engineer")).to_be_visible()
    for next_url in ("areas/operations/", "review/"):
        tab_until(page, lambda el: el["text"] == "Save and continue")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/assessments/{a}/respond/{next_url}")
    assert_accessible(page)
    assert "2 of 4 questions" in page.locator("main").inner_text()
    tab_until(page, lambda el: el["text"] == "Submit my response")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/assessments/{a}/disagreements/")
    # Before Ben answers, Ana sees only her own answers.
    assert "Only scripts" in page.content()

    # Ben answers with the mouse, three levels above Ana on streaming data.
    switch_user(page, live_server, ben)
    page.goto(f"{base}/assessments/{a}/respond/areas/data/")
    page.locator('input[name="answer_streaming-data"][value="level-4"]').check()
    page.locator('input[name="answer_data-discovery"][value="level-3"]').check()
    page.get_by_label("Note or evidence (optional)").first.fill("We run a managed stream")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"{base}/assessments/{a}/respond/areas/models/")
    page.goto(f"{base}/assessments/{a}/disagreements/")
    assert "Only scripts" not in page.content(), "Ben must not see Ana's answers before submitting his own"
    page.goto(f"{base}/assessments/{a}/respond/review/")
    page.get_by_role("button", name="Submit my response").click()
    page.wait_for_url(f"{base}/assessments/{a}/disagreements/")

    # 3. The disagreement view puts the 3-levels-apart question first.
    switch_user(page, live_server, member)
    page.goto(f"{base}/assessments/{a}/disagreements/")
    assert_accessible(page)
    first = page.locator(".disagreement h2").first.inner_text()
    assert "How does your organization collect streaming data" in first and first.startswith("Flag:")
    assert "Spread: 3 levels" in page.locator(".disagreement").first.inner_text()

    # 4. The lead reconciles it, from the median rounded down.
    page.get_by_role("link", name="Set the team answer to question 1.1").click()
    page.wait_for_url(re.compile(rf"{base}/assessments/{a}/reconcile/data/"))
    assert_accessible(page)
    assert page.locator('input[name="answer_streaming-data"][value="level-2"]').is_checked()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"{base}/assessments/{a}/reconcile/models/")
    assert models.Answer.objects.get(assessment=assessment, question__key="streaming-data").choice.level == 2

    # 5. The results show the agreement; the PDF lists the disputed question.
    page.goto(f"{base}/assessments/{a}/")
    expect(page.get_by_role("row", name=re.compile("Data Ingestion and Preparation 50% 1 of 2"))).to_be_visible()
    assert_accessible(page)
    # The PDF a worker stores for the download, rendered here from the same data.
    pdf = assessment_pdf(assessment_results(models.Assessment.objects.get(pk=a)))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Agreement between respondents" in text
    assert "1.1 How does your organization collect streaming data for ML?: spread 3; levels 1, 4" in text
