"""Writes of stored assessment summaries (read by selectors/summaries.py).

Called by the services that submit an assessment or change the content it
uses, inside their transaction, and by `manage.py recompute_summaries` after a
change to the scoring rules. Storing is idempotent: an assessment's rows are
replaced by freshly computed ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessment import models
from assessment.domain.roadmap import NOW
from assessment.selectors.summaries import summaries_compute, summary_to_json
from assessment.services.crosswalks import framework_summaries_build
from assessment.services.plan import plan_progress_store, plan_progress_store_all
from assessment.services.tallies import tallies_store_all, tallies_store_for_teams

BATCH = 500
# The figures of an overall or an area score, stored under the scoring's own names.
_SCORE_FIELDS = ("score", "level", "completeness", "progress_to_target")
# The rows that copy their summary's is_latest flag, so the portfolio reads them without a join.
_LATEST_COPIES = (
    models.AreaSummary,
    models.SummaryStep,
    models.SummaryPractice,
    models.SummaryTag,
    models.SummaryAgencyAnswer,
    models.FrameworkSummary,
)


def summaries_store(assessment_ids: Iterable[int], *, tallies: bool = True) -> int:
    """Compute and store the summaries of these submitted assessments. Returns how many were stored.

    Then their divisions' tallies (services/tallies.py) and their teams' actions' measured
    progress (services/plan.py), in the caller's transaction when there is one (a submit,
    a content change). `tallies=False` (neither) only for the data migration that fills
    summaries before the tally tables and the stored progress exist.
    """
    ids = list(assessment_ids)
    stored = 0
    team_ids: set[int] = set()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        stored += _store_batch(batch)
        team_ids.update(models.Assessment.objects.filter(pk__in=batch).values_list("team_id", flat=True))
    if tallies:
        tallies_store_for_teams(team_ids)
        plan_progress_store(team_ids)
    return stored


@transaction.atomic
def _store_batch(ids: list[int]) -> int:
    assessments = list(
        models.Assessment.objects.filter(pk__in=ids, status=models.Assessment.SUBMITTED).select_related("questionnaire")
    )
    models.AssessmentSummary.objects.filter(assessment_id__in=ids).delete()  # drafts keep none
    computed = summaries_compute(assessments)
    now = timezone.now()
    summaries, areas, steps, practices, tags, agency = [], [], [], [], [], []
    for assessment in assessments:
        summary = computed[assessment.pk]
        score = summary.score
        row = models.AssessmentSummary(
            assessment_id=assessment.pk,
            team_id=assessment.team_id,
            questionnaire_id=assessment.questionnaire_id,
            **models.domain_fields(score, _SCORE_FIELDS),
            detail=summary_to_json(summary),
            computed_at=now,
        )
        summaries.append(row)
        areas += [
            models.AreaSummary(
                summary_id=assessment.pk,
                area_key=area.area_key,
                **models.domain_fields(area, _SCORE_FIELDS),
            )
            for area in score.areas
        ]
        in_now: dict[str, bool] = {}
        for item in summary.roadmap:
            now_item = item.phase == NOW
            if now_item:
                steps += [
                    models.SummaryStep(summary_id=assessment.pk, question_key=item.question_key, level=level)
                    for level in item.steps
                ]
            for key in item.practices:
                in_now[key] = in_now.get(key, False) or now_item
        practices += [
            models.SummaryPractice(summary_id=assessment.pk, practice_key=key, in_now=flag)
            for key, flag in in_now.items()
        ]
        # Format 2 only (format 1 figures have none): what the portfolio filters and its agency roadmap count.
        tags += [models.SummaryTag(summary_id=assessment.pk, tag=tag) for tag in summary.tags]
        agency += [
            models.SummaryAgencyAnswer(
                summary_id=assessment.pk,
                question_key=answer.question_key,
                answer=answer.answer,
                level=answer.level,
                agency_step=answer.agency_step,
            )
            for answer in summary.agency_answers
        ]
    models.AssessmentSummary.objects.bulk_create(summaries)
    models.AreaSummary.objects.bulk_create(areas)
    models.SummaryStep.objects.bulk_create(steps)
    models.SummaryPractice.objects.bulk_create(practices)
    if tags:
        models.SummaryTag.objects.bulk_create(tags)
    if agency:
        models.SummaryAgencyAnswer.objects.bulk_create(agency)
    models.FrameworkSummary.objects.bulk_create(framework_summaries_build(assessments))
    summaries_mark_latest({a.team_id for a in assessments}, tallies=False)  # summaries_store counts them once
    return len(summaries)


def summaries_mark_latest(team_ids: Iterable[int], *, tallies: bool = True) -> None:
    """Flag each team's latest submitted assessment's summary, the one the portfolio shows.

    Then, unless `tallies` is False, count the teams' divisions' tallies again and store
    their actions' measured progress again (a deleted assessment no longer counts).
    """
    team_ids = list(team_ids)
    if not team_ids:
        return
    latest = (
        models.Assessment.objects.filter(team=OuterRef("pk"), status=models.Assessment.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    latest_ids = list(
        models.Team.objects.filter(pk__in=team_ids)
        .annotate(latest_id=Subquery(latest))
        .values_list("latest_id", flat=True)
    )
    # The teams' summaries by id first: an UPDATE whose WHERE joins another table
    # (summary__team_id) can get a plan on PostgreSQL that takes seconds per call.
    summary_ids = list(
        models.AssessmentSummary.objects.filter(team_id__in=team_ids, is_latest=True).values_list("pk", flat=True)
    )
    models.AssessmentSummary.objects.filter(pk__in=summary_ids).update(is_latest=False)
    for model in _LATEST_COPIES:
        model.objects.filter(summary_id__in=summary_ids, is_latest=True).update(is_latest=False)
    for start in range(0, len(latest_ids), BATCH):
        batch = [pk for pk in latest_ids[start : start + BATCH] if pk is not None]
        models.AssessmentSummary.objects.filter(assessment_id__in=batch).update(is_latest=True)
        for model in _LATEST_COPIES:
            model.objects.filter(summary_id__in=batch).update(is_latest=True)
    if tallies:
        tallies_store_for_teams(team_ids)
        plan_progress_store(team_ids)


def summaries_store_for_version(version_id: int) -> int:
    """After a change to a version's content: its submitted assessments' figures again."""
    ids = models.Assessment.objects.filter(questionnaire_id=version_id, status=models.Assessment.SUBMITTED).values_list(
        "pk", flat=True
    )
    return summaries_store(list(ids))


def summaries_recompute_all(*, tallies: bool = True) -> int:
    """Every submitted assessment's summary, computed again (after a change to the scoring rules)."""
    ids = (
        models.Assessment.objects.filter(status=models.Assessment.SUBMITTED).order_by("pk").values_list("pk", flat=True)
    )
    stored = summaries_store(list(ids), tallies=False)
    if tallies:
        tallies_store_all()  # every division's, those without a submitted assessment left included
        plan_progress_store_all()
    return stored
