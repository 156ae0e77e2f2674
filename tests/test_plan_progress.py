"""Each action's measured progress and retired flag, stored for the portfolio, stay what the plan page computes.

One test per write path: each changes what decides an action's progress, and
fails if that path forgets to store it again (the stored figures would keep
their old value while the live computation, selectors/plan.py action_rows,
moves on).
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from assessment import models
from assessment.selectors.plan import action_rows, agency_plan_summary
from assessment.services.assessments import assessment_create, assessment_submit, assessments_delete
from assessment.services.backups import assessments_export, assessments_import
from assessment.services.plan import ActionInput, action_update, actions_add_from_roadmap
from assessment.services.versions import version_content_changed, version_new_draft, version_publish
from tests.helpers import answer
from tests.test_plan import roadmap_keys

pytestmark = pytest.mark.django_db


def stored() -> dict[str, tuple[str, bool]]:
    return {
        a.question_key: (a.measured_progress, a.question_retired)
        for a in models.Action.objects.order_by("question_key")
    }


def live() -> dict[str, tuple[str, bool]]:
    rows = action_rows(models.Action.objects.order_by("question_key"))
    return {r.action.question_key: (r.progress.kind, r.retired) for r in rows}


@pytest.fixture
def baseline(assessment, member):
    """A submitted assessment whose roadmap raises streaming-data (answered 1) and data-discovery."""
    answer(assessment, member, {"streaming-data": ("choice", 1), "data-discovery": ("choice", 1)})
    return assessment_submit(assessment=assessment, user=member)


@pytest.fixture
def streaming(baseline, member):
    """The streaming-data action, taken on from the baseline's roadmap."""
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    return models.Action.objects.get(question_key="streaming-data")


def reach_target(team, member, action, previous, *, level=None):
    """A later assessment answering the action's question at its target (or `level`), submitted."""
    later = assessment_create(team=team, version=previous.questionnaire, title="Later", user=member, copy_from=previous)
    answer(later, member, {action.question_key: ("choice", level or action.target_level)})
    return assessment_submit(assessment=later, user=member)


def version_without(version, question_key):
    """A newer published version of the questionnaire without the question."""
    draft = version_new_draft(version, new_version="2026.9")
    models.Question.objects.filter(area__questionnaire=draft, key=question_key).delete()
    version_content_changed(draft)
    return version_publish(draft)


def test_a_submit_stores_achieved_then_regressed(baseline, streaming, member, team, agency):
    assert stored() == {"streaming-data": ("not_measured", False)}
    second = reach_target(team, member, streaming, baseline)
    assert stored() == live() == {"streaming-data": ("achieved", False)}
    assert agency_plan_summary(models.Team.objects.filter(agency=agency)).teams[0][1].achieved == 1
    reach_target(team, member, streaming, second, level=1)
    assert stored() == live() == {"streaming-data": ("regressed", False)}


def test_editing_an_action_stores_done_not_yet_reflected(streaming, member):
    action_update(action=streaming, user=member, given=ActionInput(status="done"))
    assert stored() == live() == {"streaming-data": ("done_unconfirmed", False)}
    action_update(action=streaming, user=member, given=ActionInput(status="in_progress"))
    assert stored() == live() == {"streaming-data": ("not_measured", False)}
    # Derived figures: no history row of their own (two edits, one creation).
    assert streaming.history.count() == 3


def test_an_action_added_while_the_newest_version_lacks_its_question_is_stored_retired(baseline, member, team):
    newer = version_without(baseline.questionnaire, "streaming-data")
    assessment_create(team=team, version=newer, title="On the new version", user=member)
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    assert stored() == live() == {"streaming-data": ("not_measured", True)}


def test_a_draft_on_a_version_without_the_question_retires_the_action(baseline, streaming, member, team, agency):
    newer = version_without(baseline.questionnaire, "streaming-data")
    action_update(action=streaming, user=member, given=ActionInput(due_date=datetime.date(2020, 1, 1)))
    teams = models.Team.objects.filter(agency=agency)
    assert agency_plan_summary(teams).overdue_total == 1
    assessment_create(team=team, version=newer, title="On the new version", user=member)
    assert stored() == live() == {"streaming-data": ("not_measured", True)}
    assert agency_plan_summary(teams).overdue_total == 0  # a retired question's action is not overdue


def test_deleting_the_assessment_that_measured_it_stores_not_measured_again(baseline, streaming, member, team):
    second = reach_target(team, member, streaming, baseline)
    assessments_delete(models.Assessment.objects.filter(pk=second.pk))
    assert stored() == live() == {"streaming-data": ("not_measured", False)}


def test_an_admin_delete_stores_it_again(client, admin_user, baseline, streaming, member, team):
    second = reach_target(team, member, streaming, baseline)
    client.force_login(admin_user)
    response = client.post(reverse("admin:assessment_assessment_delete", args=[second.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored() == live() == {"streaming-data": ("not_measured", False)}


def test_an_import_stores_the_progress_of_the_actions_it_brings(baseline, streaming, member, team):
    reach_target(team, member, streaming, baseline)
    document = assessments_export(team_slug=team.slug)
    models.Action.objects.all().delete()
    models.Assessment.objects.all().delete()
    outcome = assessments_import(document)
    assert outcome.actions_created == 1 and outcome.assessments_created == 2
    assert stored() == live() == {"streaming-data": ("achieved", False)}


def test_a_content_change_stores_it_again_for_the_teams_that_submitted_on_the_version(
    baseline, streaming, member, team
):
    reach_target(team, member, streaming, baseline, level=streaming.target_level - 1)
    assert stored() == {"streaming-data": ("not_measured", False)}
    # The content is corrected: the choice answered now stands for the target level (and the other way round).
    choices = models.Choice.objects.filter(question__area__questionnaire=baseline.questionnaire)
    below = choices.get(question__key="streaming-data", level=streaming.target_level - 1)
    at = choices.get(question__key="streaming-data", level=streaming.target_level)
    models.Choice.objects.filter(pk=below.pk).update(level=99)
    models.Choice.objects.filter(pk=at.pk).update(level=streaming.target_level - 1)
    models.Choice.objects.filter(pk=below.pk).update(level=streaming.target_level)
    version_content_changed(baseline.questionnaire)
    assert stored() == live() == {"streaming-data": ("achieved", False)}


def test_a_content_change_retires_the_actions_of_teams_with_only_a_draft_on_the_version(
    questionnaire_version, other_team, outsider
):
    newer = version_new_draft(questionnaire_version, new_version="2026.9")
    assessment_create(team=other_team, version=newer, title="Draft", user=outsider)
    models.Action.objects.create(
        team=other_team,
        questionnaire_slug=newer.slug,
        question_key="streaming-data",
        target_level=3,
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    question = models.Question.objects.get(area__questionnaire=newer, key="streaming-data")
    question.choices.all().delete()
    question.delete()
    version_content_changed(newer)
    assert stored() == live() == {"streaming-data": ("not_measured", True)}


def test_recompute_summaries_stores_every_actions_progress_again(baseline, streaming, member, team):
    reach_target(team, member, streaming, baseline)
    models.Action.objects.update(measured_progress="regressed", question_retired=True)
    call_command("recompute_summaries", verbosity=0)
    assert stored() == live() == {"streaming-data": ("achieved", False)}


def test_the_data_migration_fills_what_the_services_store(baseline, streaming, member, team, agency):
    second = reach_target(team, member, streaming, baseline)
    reach_target(team, member, streaming, second, level=1)  # regressed
    for key, status in (("data-discovery", models.Action.DONE), ("no-longer-asked", models.Action.PLANNED)):
        models.Action.objects.create(
            team=team,
            questionnaire_slug=streaming.questionnaire_slug,
            question_key=key,
            target_level=3,
            status=status,
            created_at=streaming.created_at,
        )
    models.Action.objects.update(measured_progress="achieved", question_retired=False)
    migration = importlib.import_module("assessment.migrations.0019_action_measured_progress")
    migration.fill_progress(apps, None)
    assert stored() == live()
    assert stored() == {
        "data-discovery": ("done_unconfirmed", False),
        "no-longer-asked": ("not_measured", True),
        "streaming-data": ("regressed", False),
    }
