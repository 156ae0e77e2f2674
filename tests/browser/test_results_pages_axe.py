"""axe-core (WCAG 2.1 A/AA) on the results, roadmap, practice, history and portfolio pages.

Set SCREENSHOT_DIR to keep a full-page screenshot of each, to look at them.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessment import models
from tests.browser.conftest import assert_accessible, login
from tests.helpers import answer
from tests.results_helpers import all_answers, submitted_assessment

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")


def look(page, url, name):
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert_accessible(page)
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True, timeout=60_000)


@pytest.fixture
def agency_with_history(team, other_team, member, outsider, full_questionnaire_version):
    version = full_questionnaire_version
    first = submitted_assessment(
        team, member, version, all_answers(version, pattern=(1, 2, "not_sure", 2)), title="Baseline", when="2026-03-31"
    )
    latest = submitted_assessment(
        team,
        member,
        version,
        all_answers(version, pattern=(2, 3, 2, 4, "not_sure")),
        title="Second quarter",
        when="2026-06-30",
    )
    submitted_assessment(
        other_team, outsider, version, all_answers(version, pattern=(3, 4, 5)), title="Baseline", when="2026-05-15"
    )
    models.Team.objects.create(agency=team.agency, name="Newcomers", slug="newcomers")
    draft = models.Assessment.objects.create(team=team, questionnaire=version, title="Third quarter (draft)")
    some = dict(list(all_answers(version, pattern=("not_sure", 3)).items())[:20])
    answer(draft, member, some)
    return {"first": first, "latest": latest, "draft": draft, "version": version}


def test_it_keeps_the_executive_pages_accessible(page, live_server, executive, team, agency_with_history):
    base = live_server.url
    latest, version = agency_with_history["latest"], agency_with_history["version"]
    login(page, live_server, executive)
    look(page, base + reverse("assessment-results", args=[latest.pk]), "results")
    look(page, base + reverse("assessment-roadmap", args=[latest.pk]), "roadmap")
    # Later is closed at first; opened, its items pass too.
    later = page.locator("details.roadmap-later")
    assert later.get_attribute("open") is None
    expect(page.locator("details.roadmap-later article").first).not_to_be_visible()
    later.locator("summary").click()
    expect(page.locator("details.roadmap-later article").first).to_be_visible()
    assert_accessible(page)
    practice = models.Practice.objects.filter(questionnaire=version).exclude(note="").first() or (
        models.Practice.objects.filter(questionnaire=version).first()
    )
    look(page, base + reverse("practice-detail", args=[version.pk, practice.key]), "practice")
    look(page, base + reverse("team-history", args=[team.pk]), "history")
    division = models.Division.objects.create(agency=team.agency, name="Data Office")
    models.Team.objects.filter(pk=team.pk).update(division=division)
    look(page, base + reverse("portfolio"), "portfolio")
    # One row per division (Data Office, and the teams in none); without color every cell prints its
    # number and level name.
    cells = page.locator("table.portfolio-heatmap td.heat")
    assert cells.count() == 2 * (1 + len(version.areas.all()))
    for text in cells.all_inner_texts():
        assert any(ch.isdigit() for ch in text) or "Not scored" in text
    # Down to the division's teams, then a filter and a sort, all without JavaScript.
    page.get_by_role("link", name="Data Office").click()
    assert page.locator("table.portfolio-teams tbody tr").count() == 1
    assert_accessible(page)
    look(page, base + reverse("portfolio-teams") + "?sort=-overall", "portfolio-teams")
    page.get_by_label("Area").select_option(label=version.areas.first().title)
    page.get_by_label("Below level").select_option("5")
    page.get_by_role("button", name="Show teams").click()
    assert page.locator("table.portfolio-teams tbody tr").count() >= 1
    assert_accessible(page)
    # A bad filter shows its error next to the field, and still passes.
    page.goto(base + reverse("portfolio-teams") + "?below=3")
    expect(page.locator("#id_area-error")).to_be_visible()
    assert_accessible(page)


def test_it_keeps_a_draft_results_page_accessible(page, live_server, member, agency_with_history):
    draft = agency_with_history["draft"]
    login(page, live_server, member)
    look(page, live_server.url + reverse("assessment-results", args=[draft.pk]), "results-draft")
    # Unanswered and to-verify questions link to their place in the questionnaire.
    link = page.locator("section[aria-labelledby=unanswered-heading] a").first
    assert "#q-" in link.get_attribute("href")
    look(page, live_server.url + reverse("assessment-roadmap", args=[draft.pk]), "roadmap-draft")
