"""The one way to get an assessment's figures: its score and roadmap outline.

A submitted assessment's figures are stored when it is submitted or its content
changes (services/summaries.py writes them, in the same transaction), so lists
of many assessments read them in one query. Drafts change with every answer and
are computed live, with the same pure functions (summary_compute), so a stored
figure and a live one cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from assessment import models
from assessment.domain import model as domain
from assessment.domain.roadmap import roadmap_for
from assessment.domain.scoring import AreaScore, AssessmentScore, score_assessment
from assessment.selectors.questionnaires import questionnaire_domain


@dataclass(frozen=True)
class SummaryItem:
    """What lists of assessments keep of one roadmap item."""

    question_key: str
    phase: str
    steps: tuple[int, ...]
    practices: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentFigures:
    """What the portfolio, the history and the home page need of one assessment."""

    score: AssessmentScore
    roadmap: tuple[SummaryItem, ...]  # in roadmap order


def answers_for_assessments(assessment_ids) -> dict[int, dict[str, domain.Answer]]:
    """Answers of many assessments in one query, keyed by assessment id then question key."""
    answers: dict[int, dict[str, domain.Answer]] = defaultdict(dict)
    rows = models.Answer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "question__key", "kind", "choice__level"
    )
    for assessment_id, key, kind, level in rows:
        answers[assessment_id][key] = domain.Answer(kind=kind, level=level)
    return answers


def targets_for_assessments(assessment_ids) -> dict[int, dict[str, int]]:
    """Area targets set on many assessments in one query, keyed by assessment id then area key."""
    targets: dict[int, dict[str, int]] = defaultdict(dict)
    rows = models.AreaTarget.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "area__key", "target"
    )
    for assessment_id, key, target in rows:
        targets[assessment_id][key] = target
    return targets


def profiles_for_assessments(assessment_ids) -> dict[int, dict[str, str | None]]:
    """Profile answers (format 2) of many assessments in one query: assessment id -> question key -> choice key."""
    profiles: dict[int, dict[str, str | None]] = defaultdict(dict)
    rows = models.ProfileAnswer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "question__key", "choice__key"
    )
    for assessment_id, key, choice in rows:
        profiles[assessment_id][key] = choice
    return profiles


def summary_compute(
    questionnaire: domain.Questionnaire, answers: dict[str, domain.Answer], targets: dict[str, int]
) -> AssessmentFigures:
    return AssessmentFigures(
        score=score_assessment(questionnaire, answers, targets),
        roadmap=tuple(
            SummaryItem(item.question_key, item.phase, item.steps, item.practices)
            for item in roadmap_for(questionnaire, answers, targets)
        ),
    )


def summaries_compute(assessments) -> dict[int, AssessmentFigures]:
    """Figures of assessments (models or refs with .pk and .questionnaire) computed from their answers.

    Two queries whatever their number: all answers, all targets.
    """
    ids = [a.pk for a in assessments]
    if not ids:
        return {}
    answers, targets = answers_for_assessments(ids), targets_for_assessments(ids)
    return {
        a.pk: summary_compute(questionnaire_domain(a.questionnaire), answers.get(a.pk, {}), targets.get(a.pk, {}))
        for a in assessments
    }


def summary_to_json(summary: AssessmentFigures) -> dict[str, Any]:
    return {"score": asdict(summary.score), "roadmap": [asdict(item) for item in summary.roadmap]}


def summary_from_json(data: dict[str, Any]) -> AssessmentFigures:
    score = dict(data["score"])
    score["areas"] = [AreaScore(**area) for area in score["areas"]]
    return AssessmentFigures(
        score=AssessmentScore(**score),
        roadmap=tuple(
            SummaryItem(item["question_key"], item["phase"], tuple(item["steps"]), tuple(item["practices"]))
            for item in data["roadmap"]
        ),
    )


def assessment_summaries(assessments) -> dict[int, AssessmentFigures]:
    """Figures of many assessments, keyed by pk: stored ones in one query, the rest (drafts) live.

    Assessments are models or refs with .pk, .status (optional) and .questionnaire.
    """
    submitted = [
        a.pk for a in assessments if getattr(a, "status", models.Assessment.SUBMITTED) == models.Assessment.SUBMITTED
    ]
    found: dict[int, AssessmentFigures] = {}
    if submitted:
        rows = models.AssessmentSummary.objects.filter(assessment_id__in=submitted).values_list(
            "assessment_id", "detail"
        )
        found = {pk: summary_from_json(detail) for pk, detail in rows}
    missing = [a for a in assessments if a.pk not in found]
    found.update(summaries_compute(missing))
    return found
