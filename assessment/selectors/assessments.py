"""Reads of assessments as the plain data that scoring and the roadmap take."""

from __future__ import annotations

from assessment import models
from assessment.domain import model as domain


def answers_domain(assessment: models.Assessment) -> dict[str, domain.Answer]:
    """The assessment's answers keyed by question id (the YAML id), in one query."""
    rows = models.Answer.objects.filter(assessment=assessment).values_list(
        "question__key", "kind", "choice__level", "note", "na_reason", "na_reason_detail"
    )
    return {
        key: domain.Answer(kind=kind, level=level, note=note, na_reason=reason, na_reason_detail=detail)
        for key, kind, level, note, reason, detail in rows
    }


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


def answer_count(assessment: models.Assessment) -> int:
    return models.Answer.objects.filter(assessment=assessment).count()
