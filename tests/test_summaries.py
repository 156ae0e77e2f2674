"""Stored assessment summaries: written at submit and on content changes, equal to live figures."""

import io

import pytest
from django.core.management import call_command

from assessment import models
from assessment.selectors.summaries import assessment_summaries, summaries_compute
from assessment.services.versions import version_content_changed

from .results_helpers import all_answers, submitted_assessment

pytestmark = pytest.mark.django_db


def _submitted():
    return list(
        models.Assessment.objects.filter(status=models.Assessment.SUBMITTED)
        .select_related("questionnaire")
        .order_by("pk")
    )


def test_it_stores_the_same_figures_as_computed_for_every_demo_assessment(
    settings, tmp_path, full_questionnaire_version
):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    assessments = _submitted()
    assert len(assessments) >= 6
    assert models.AssessmentSummary.objects.count() == len(assessments)
    stored = assessment_summaries(assessments)
    fresh = summaries_compute(assessments)
    for assessment in assessments:
        assert stored[assessment.pk] == fresh[assessment.pk], assessment.title
        row = models.AssessmentSummary.objects.get(pk=assessment.pk)
        assert (row.score, row.level, row.completeness) == (
            fresh[assessment.pk].score.score,
            fresh[assessment.pk].score.level,
            fresh[assessment.pk].score.completeness,
        )
        areas = dict(models.AreaSummary.objects.filter(summary=row).values_list("area_key", "level"))
        assert areas == {a.area_key: a.level for a in fresh[assessment.pk].score.areas}
        now_steps = sorted(models.SummaryStep.objects.filter(summary=row).values_list("question_key", "level"))
        assert now_steps == sorted(
            (item.question_key, level)
            for item in fresh[assessment.pk].roadmap
            if item.phase == "now"
            for level in item.steps
        )
    # The demo's teams are grouped in divisions.
    assert set(models.Team.objects.values_list("division__name", flat=True)) == {
        "Service Delivery",
        "Integrity and Compliance",
    }


def test_the_recompute_command_is_idempotent(team, member, questionnaire_version):
    submitted_assessment(team, member, questionnaire_version, all_answers(questionnaire_version))
    before = list(models.AreaSummary.objects.order_by("area_key").values_list("area_key", "score", "level"))
    out = io.StringIO()
    call_command("recompute_summaries", stdout=out)
    call_command("recompute_summaries", stdout=out)
    assert "Recomputed the summaries of 1 submitted assessment(s)." in out.getvalue()
    assert models.AssessmentSummary.objects.count() == 1
    assert list(models.AreaSummary.objects.order_by("area_key").values_list("area_key", "score", "level")) == before


def test_drafts_have_no_stored_summary_and_are_computed_live(team, member, questionnaire_version):
    from assessment.services.assessments import assessment_create

    draft = assessment_create(team=team, version=questionnaire_version, title="Draft", user=member)
    assert not models.AssessmentSummary.objects.exists()
    draft = models.Assessment.objects.select_related("questionnaire").get(pk=draft.pk)
    assert assessment_summaries([draft])[draft.pk].score.answered == 0


def test_a_content_change_rewrites_the_stored_figures_in_its_transaction(team, member, questionnaire_version):
    assessment = submitted_assessment(team, member, questionnaire_version, {"model-versions": ("choice", 2)})
    row = models.AreaSummary.objects.get(summary_id=assessment.pk, area_key="models")
    assert row.level == 2.0
    # An editor moves the chosen answer to the top of the scale (level 2 becomes level 5).
    choice = models.Choice.objects.get(
        question__key="model-versions", level=2, question__area__questionnaire=questionnaire_version
    )
    models.Choice.objects.filter(question=choice.question, level=5).delete()
    models.Choice.objects.filter(pk=choice.pk).update(level=5)
    version_content_changed(questionnaire_version)
    assert models.AreaSummary.objects.get(summary_id=assessment.pk, area_key="models").level == 5.0
