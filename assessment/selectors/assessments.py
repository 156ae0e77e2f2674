"""Reads of assessments as the plain data that scoring and the roadmap take."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from assessment import models
from assessment.domain import model as domain

# What an answer row (a team's or a respondent's) gives: its question id, then answer_from_values' values.
ANSWER_VALUES = ("question__key", "kind", "choice__level", "note", "na_reason", "na_reason_detail")


def answer_from_values(values: Sequence[Any]) -> domain.Answer:
    """A domain answer from the values of an answer row that follow its question id (see ANSWER_VALUES)."""
    kind, level, note, reason, detail = values
    return domain.Answer(kind=kind, level=level, note=note, na_reason=reason, na_reason_detail=detail)


def answers_by_question(answers: QuerySet[Any]) -> dict[str, domain.Answer]:
    """Answer rows (a team's, or one respondent's) keyed by question id (the YAML id), in one query."""
    return {key: answer_from_values(values) for key, *values in answers.values_list(*ANSWER_VALUES)}


def answers_domain(assessment: models.Assessment) -> dict[str, domain.Answer]:
    """The assessment's answers keyed by question id (the YAML id), in one query."""
    return answers_by_question(models.Answer.objects.filter(assessment=assessment))


def profile_answers(assessment: models.Assessment) -> dict[str, str | None]:
    """The team's profile answers (format 2): profile question id -> choice id, in one query; unanswered ones absent."""
    return dict(models.ProfileAnswer.objects.filter(assessment=assessment).values_list("question__key", "choice__key"))


def area_targets(assessment: models.Assessment) -> dict[str, int]:
    """Targets set on the assessment, keyed by area id; areas without one use the default."""
    return dict(models.AreaTarget.objects.filter(assessment=assessment).values_list("area__key", "target"))


def assessments_for_reports(ids) -> dict[int, models.Assessment]:
    """Assessments by pk, with what their reports show (team, agency, questionnaire), in one query."""
    return models.Assessment.objects.select_related("team__agency", "questionnaire").in_bulk(list(ids))


def previous_assessment(team: models.Team) -> models.Assessment | None:
    """The assessment a new one can copy: the latest submitted, else the latest at all."""
    assessments = models.Assessment.objects.filter(team=team)
    return (
        assessments.filter(status=models.Assessment.SUBMITTED).order_by("-submitted_at", "-pk").first()
        or assessments.order_by("-created_at", "-pk").first()
    )


def drafts_in_progress(team: models.Team) -> list[models.Assessment]:
    """The team's drafts, latest change first, with who started them and their respondents (`panel`)."""
    return list(
        models.Assessment.objects.filter(team=team, status=models.Assessment.DRAFT)
        .select_related("created_by", "panel")
        .order_by("-updated_at", "-pk")
    )


def answer_count(assessment: models.Assessment) -> int:
    return models.Answer.objects.filter(assessment=assessment).count()
