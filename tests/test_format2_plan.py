"""Action plans and the compare page of a format 2 team (issue 27, contract section 7): an action on a question
that went out of scope, agency-wide steps never added to a team plan, scope changes listed apart."""

import datetime

import pytest
from django.urls import reverse

from assessment import models
from assessment.selectors.compare import assessments_compared
from assessment.selectors.plan import ActionCounts, action_counts_by_team, agency_plan_summary, team_actions
from assessment.selectors.results import assessment_results
from assessment.services.assessments import assessment_create, assessment_submit, profile_save
from assessment.services.plan import ActionInvalid, actions_add_from_roadmap, item_key
from tests.format2_helpers import ANSWERS, CLASSIC, EVERYTHING, format2_draft
from tests.helpers import answer, client_for, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(team, member, format2_version):
    """A submitted assessment with everything in scope; the guardrails (level 1) taken on to level 2."""
    assessment = format2_draft(team, member, format2_version, EVERYTHING, title="Q1")
    assessment = assessment_submit(assessment=assessment, user=member)
    actions_add_from_roadmap(assessment=assessment, user=member, item_keys=[item_key("genai-guardrails", 2)])
    return assessment


@pytest.fixture
def second(first, team, member, format2_version):
    """Then the team says it uses classic ML only, and answers the guardrails at level 4 anyway."""
    assessment = assessment_create(team=team, version=format2_version, title="Q2", user=member, copy_from=first)
    profile_save(assessment=assessment, user=member, answers=CLASSIC)
    answer(assessment, member, {"genai-guardrails": ("choice", 4), "pipelines": ("choice", 3)})
    return assessment_submit(assessment=assessment, user=member)


def test_agency_wide_steps_are_never_added_to_a_team_plan(first, member):
    (agency_item,) = assessment_results(first).roadmap.agency_items
    with pytest.raises(ActionInvalid, match="agency-wide step"):
        actions_add_from_roadmap(
            assessment=first, user=member, item_keys=[item_key(agency_item.question_key, agency_item.to_level)]
        )
    assert not models.Action.objects.filter(question_key="ai-inventory").exists()


def test_items_are_taken_from_the_roadmap_of_the_teams_profile(team, member, format2_version):
    assessment = models.Assessment.objects.create(
        team=team, questionnaire=format2_version, title="C", created_by=member
    )
    answer(assessment, member, ANSWERS)
    profile_save(assessment=assessment, user=member, answers=CLASSIC)
    with pytest.raises(ActionInvalid, match="is not an item of this roadmap"):
        actions_add_from_roadmap(assessment=assessment, user=member, item_keys=[item_key("genai-guardrails", 2)])


def test_an_out_of_scope_answer_is_no_observation_and_the_action_says_out_of_scope(second, team, member):
    (row,) = team_actions(team, second.questionnaire.slug)
    assert row.out_of_scope
    assert not row.progress.achieved  # level 4 is stored, but out of scope
    assert row.progress.kind == "not_measured"
    assert models.Action.objects.get().measured_progress == "not_measured"  # as stored for the portfolio
    page = text_of(client_for(member).get(reverse("team-plan", args=[team.pk])))
    assert "Out of scope" in page


def test_the_compare_page_lists_scope_changes_apart_from_items(first, second, member):
    comparison = assessments_compared(first, second)
    assert [(c.number, c.question_text) for c in comparison.went_out_of_scope] == [
        ("3.1", "Are prompts and outputs filtered and logged?"),
        ("3.2", "Is generative AI tested against misuse before release?"),
    ]
    assert comparison.went_out_of_scope[0].reason.startswith("Not in scope: “Which kinds of AI")
    assert comparison.came_into_scope == []
    closed = [e.item.question_key for e in comparison.closed]
    assert "genai-guardrails" not in closed and "genai-red-teaming" not in closed
    assert comparison.achieved == []  # the guardrails' level 4 is out of scope: not an achievement
    page = text_of(client_for(member).get(reverse("team-compare", args=[first.team_id])))
    assert "Went out of scope (2) 3.1 Are prompts and outputs filtered and logged? (Generative AI) Not in scope" in page
    assert "Came into scope (0)" in page
    # And back: the questions come into scope again.
    back = assessments_compared(second, first)
    assert [c.number for c in back.came_into_scope] == ["3.1", "3.2"] and back.went_out_of_scope == []


def overdue(action, member):
    from assessment.services.plan import ActionInput, action_update

    return action_update(action=action, user=member, given=ActionInput(due_date=datetime.date(2020, 6, 1)))


def test_the_portfolio_counts_an_out_of_scope_action_as_the_plan_page_does(first, second, team, member, executive):
    overdue(models.Action.objects.get(), member)
    (row,) = team_actions(team, second.questionnaire.slug)
    assert row.out_of_scope and not row.overdue  # the plan page: out of scope, not overdue, not open
    teams = models.Team.objects.filter(pk=team.pk)
    summary = agency_plan_summary(teams)
    assert {t.pk: counts for t, counts in summary.teams} == action_counts_by_team([team.pk])
    assert summary.teams[0][1] == ActionCounts(open=0, overdue=0, achieved=0)
    assert summary.overdue_total == 0 and summary.overdue == []
    assert "Overdue actions (0)" in text_of(client_for(executive).get(reverse("portfolio")))


def test_a_profile_saved_on_the_newest_draft_moves_the_portfolio_counts_at_once(first, team, member, executive):
    overdue(models.Action.objects.get(), member)
    client = client_for(executive)
    assert "Overdue actions (1)" in text_of(client.get(reverse("portfolio")))  # and kept in the cache
    draft = assessment_create(team=team, version=first.questionnaire, title="Q2", user=member, copy_from=first)
    profile_save(assessment=draft, user=member, answers=CLASSIC)
    assert models.Action.objects.get().question_out_of_scope  # stored, as the plan page computes it
    assert team_actions(team, first.questionnaire.slug)[0].out_of_scope
    assert agency_plan_summary(models.Team.objects.filter(pk=team.pk)).overdue_total == 0
    assert "Overdue actions (0)" in text_of(client.get(reverse("portfolio")))
    profile_save(assessment=draft, user=member, answers=EVERYTHING)  # and back into scope
    assert not models.Action.objects.get().question_out_of_scope
    assert "Overdue actions (1)" in text_of(client.get(reverse("portfolio")))
