"""The action plan's journey on the demo (issue 15, "done when"), with axe on every new page.

The lead of Citizen Services adds three Now items to the plan with owners and due
dates; a new assessment copies the previous one, the lead raises one of those
questions to its target level and submits; the action shows "Achieved" and the
comparison lists the change; the executive sees the team's overdue and achieved counts.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessment import models
from tests.browser.conftest import assert_accessible, login
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings, tmp_path, monkeypatch, demo_questionnaire_version):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("seed_demo", stdout=io.StringIO())
    return models.Team.objects.get(slug="citizen-services")


def row_of(page, text):
    return page.locator("tr", has_text=text).first


def test_the_lead_plans_raises_and_the_executive_sees_the_counts(page, live_server, demo):
    base, team = live_server.url, demo
    lead = models.Membership.objects.get(team=team, role="member").user
    latest = models.Assessment.objects.filter(team=team, status="submitted").order_by("-submitted_at").first()
    login(page, live_server, lead)

    # 1. Three Now items to the plan, ticked together.
    page.goto(base + reverse("assessment-roadmap", args=[latest.pk]))
    assert_accessible(page)
    boxes = page.locator("#phase-now ~ article input[name=items], section.roadmap-phase-now input[name=items]")
    for i in range(3):
        boxes.nth(i).check()
    page.get_by_role("button", name="Add the ticked items to the plan").first.click()
    page.wait_for_url(base + reverse("team-plan", args=[team.pk]))
    expect(page.get_by_text("3 actions added to the plan")).to_be_visible()
    assert_accessible(page)
    actions = list(models.Action.objects.filter(team=team).order_by("pk"))
    assert len(actions) == 3
    today = timezone.localdate()
    dues = [
        today - datetime.timedelta(days=10),
        today + datetime.timedelta(days=30),
        today + datetime.timedelta(days=60),
    ]
    owners = [lead.get_full_name(), None, lead.get_full_name()]
    for action, due, owner in zip(actions, dues, owners, strict=True):
        page.goto(base + reverse("team-plan-action", args=[team.pk, action.pk]))
        if owner:
            page.get_by_label("Owner (team member)").select_option(label=owner)
        else:
            page.get_by_label("Owner outside the app").fill("Olu Outside")
        page.get_by_label("Due date").fill(due.isoformat())
        page.get_by_label("In progress").check()
        page.get_by_role("button", name="Save the action").click()
        page.wait_for_url(base + reverse("team-plan", args=[team.pk]))
    overdue_first = page.locator("table.plan-table tbody tr").first
    assert "Overdue" in overdue_first.inner_text()
    assert_accessible(page)
    page.goto(base + reverse("team-plan-action", args=[team.pk, actions[0].pk]))
    assert "Added to the plan" in page.locator("table.action-history").inner_text()
    assert_accessible(page)

    # 2. A new assessment copies the previous one; the lead raises the third action's question and submits.
    raised = actions[2]
    page.goto(base + reverse("assessment-new", args=[team.pk]))
    page.get_by_label("Title").fill("Next quarter")
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(f"{base}/assessments/*/review/")  # a copy with every answer opens on the review
    draft = models.Assessment.objects.get(team=team, title="Next quarter")
    assert draft.copied_from_id == latest.pk
    question = models.Question.objects.get(area__questionnaire=draft.questionnaire, key=raised.question_key)
    choice = question.choices.get(level=raised.target_level)
    page.goto(base + reverse("assessment-area", args=[draft.pk, question.area.key]))
    page.locator(f"#q-{question.key} input[type=radio][value='level-{choice.level}']").check()
    page.get_by_role("button", name="Save and exit").click()
    page.goto(base + reverse("assessment-review", args=[draft.pk]))
    page.get_by_role("button", name="Submit and see results").click()
    page.wait_for_url(base + reverse("assessment-results", args=[draft.pk]))

    # 3. The action shows "Achieved" with that assessment; the comparison lists the change.
    page.goto(base + reverse("team-plan", args=[team.pk]))
    achieved = page.locator(
        "tr", has=page.locator(f"a[href='{reverse('team-plan-action', args=[team.pk, raised.pk])}']")
    )
    assert "Achieved: Next quarter" in " ".join(achieved.inner_text().split())
    page.goto(base + reverse("team-history", args=[team.pk]))
    page.get_by_role("link", name="Compare two assessments").click()
    assert_accessible(page)
    changed = " ".join(page.locator("table.compare-answers").inner_text().split())
    assert question.text in changed and choice.text in changed
    assert question.text in page.locator("ul.compare-achieved").inner_text()

    # 4. The executive sees the team's overdue and achieved counts, and the overdue action.
    page.context.clear_cookies()
    login(page, live_server, models.Executive.objects.get().user)
    page.goto(base + reverse("portfolio"))
    counts = " ".join(page.locator("table.portfolio-plan-counts tr", has_text="Citizen Services").inner_text().split())
    assert counts == "Citizen Services 2 1 1"  # open (the overdue one among them), overdue, achieved
    # The demo's other teams have overdue actions of their own (seed_demo): Citizen Services has one.
    assert page.locator("table.portfolio-overdue tbody tr", has_text="Citizen Services").count() == 1
    assert_accessible(page)

    # 5. The calendar file parses back with its three due dates.
    from icalendar import Calendar

    page.context.clear_cookies()
    login(page, live_server, lead)
    response = page.request.get(base + reverse("team-plan-ics", args=[team.pk]))
    events = Calendar.from_ical(response.body()).walk("VEVENT")
    assert sorted(e.decoded("dtstart") for e in events) == sorted(dues)


def test_the_plan_works_without_javascript(page_without_js, live_server, demo):
    page, base, team = page_without_js, live_server.url, demo
    lead = models.Membership.objects.get(team=team, role="member").user
    latest = models.Assessment.objects.filter(team=team, status="submitted").order_by("-submitted_at").first()
    login(page, live_server, lead)
    page.goto(base + reverse("assessment-roadmap", args=[latest.pk]))
    page.locator("section.roadmap-phase-now").get_by_role("button", name="Add to plan").first.click()
    page.wait_for_url(base + reverse("team-plan", args=[team.pk]))
    action = models.Action.objects.get(team=team)
    page.locator("table.plan-table tbody th a").first.click()
    page.get_by_label("Won't do", exact=True).check()
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_role("alert").get_by_role("link", name="Say why the team won't do this action.")).to_be_visible()
    page.get_by_label("Reason for won't do").fill("A shared service covers it")
    page.get_by_role("button", name="Save the action").click()
    page.wait_for_url(base + reverse("team-plan", args=[team.pk]))
    action.refresh_from_db()
    assert (action.status, action.wont_do_reason) == ("wont_do", "A shared service covers it")
    page.get_by_label("Status").select_option("wont_do")
    page.get_by_role("button", name="Show").click()
    assert page.locator("table.plan-table tbody tr").count() == 1
