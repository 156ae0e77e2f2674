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
from assessment.domain.profile import answered_tags
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
class AgencyAnswer:
    """What a team answered to an agency-owned question (format 2), as the agency roadmap counts it."""

    question_key: str
    answer: str  # models.SummaryAgencyAnswer.LEVEL, NOT_SURE, NOT_APPLICABLE, UNANSWERED or OUT_OF_SCOPE
    level: int | None  # for LEVEL only
    agency_step: bool  # the question is among the team's agency-wide steps


@dataclass(frozen=True)
class AssessmentFigures:
    """What the portfolio, the history and the home page need of one assessment."""

    score: AssessmentScore
    roadmap: tuple[SummaryItem, ...]  # in roadmap order
    # Format 2 (empty for format 1): the answered tags, sorted (not the assumed ones: docs/questionnaire-format.md),
    # the agency-wide items in placement order, and the answers to the agency-owned questions, file order.
    tags: tuple[str, ...] = ()
    agency_items: tuple[SummaryItem, ...] = ()
    agency_answers: tuple[AgencyAnswer, ...] = ()


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
    """Profile answers (format 2) of many assessments in one query, keyed by assessment id then question key."""
    profiles: dict[int, dict[str, str | None]] = defaultdict(dict)
    rows = models.ProfileAnswer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "question__key", "choice__key"
    )
    for assessment_id, key, choice in rows:
        profiles[assessment_id][key] = choice
    return profiles


def agency_answers(
    questionnaire: domain.Questionnaire,
    answers: dict[str, domain.Answer],
    out_of_scope: set[str],
    agency_steps: set[str],
) -> tuple[AgencyAnswer, ...]:
    """The team's answer to each agency-owned question, file order: out of scope before any stored answer
    (scope is an input of scoring, not a filter on stored answers)."""
    found = []
    for _, question in questionnaire.questions():
        if question.owner != domain.OWNER_AGENCY:
            continue
        answer = answers.get(question.id)
        level = None
        if question.id in out_of_scope:
            kind = models.SummaryAgencyAnswer.OUT_OF_SCOPE
        elif answer is None:
            kind = models.SummaryAgencyAnswer.UNANSWERED
        elif answer.kind == domain.CHOICE:
            kind, level = models.SummaryAgencyAnswer.LEVEL, answer.level
        else:
            kind = answer.kind  # NOT_SURE, NOT_APPLICABLE: the stored names are the domain's
        found.append(AgencyAnswer(question.id, kind, level, question.id in agency_steps))
    return tuple(found)


def _summary_item(item) -> SummaryItem:
    return SummaryItem(item.question_key, item.phase, item.steps, item.practices)


def summary_compute(
    questionnaire: domain.Questionnaire,
    answers: dict[str, domain.Answer],
    targets: dict[str, int],
    profile: dict[str, str | None] | None = None,
) -> AssessmentFigures:
    score = score_assessment(questionnaire, answers, targets, profile=profile)
    roadmap = roadmap_for(questionnaire, answers, targets, profile=profile)
    if questionnaire.format != 2:
        return AssessmentFigures(score=score, roadmap=tuple(_summary_item(item) for item in roadmap))
    return AssessmentFigures(
        score=score,
        roadmap=tuple(_summary_item(item) for item in roadmap),
        tags=tuple(sorted(answered_tags(questionnaire, profile))),
        agency_items=tuple(_summary_item(item) for item in roadmap.agency_items),
        agency_answers=agency_answers(
            questionnaire, answers, set(score.out_of_scope), {item.question_key for item in roadmap.agency_items}
        ),
    )


def summaries_compute(assessments) -> dict[int, AssessmentFigures]:
    """Figures of assessments (models or refs with .pk and .questionnaire) computed from their answers.

    Two queries whatever their number: all answers, all targets; a third, the profile answers,
    when one of them is on a format 2 questionnaire.
    """
    ids = [a.pk for a in assessments]
    if not ids:
        return {}
    answers, targets = answers_for_assessments(ids), targets_for_assessments(ids)
    questionnaires = {a.pk: questionnaire_domain(a.questionnaire) for a in assessments}
    format2 = [pk for pk, q in questionnaires.items() if q.format == 2]
    profiles = profiles_for_assessments(format2) if format2 else {}
    return {
        a.pk: summary_compute(
            questionnaires[a.pk], answers.get(a.pk, {}), targets.get(a.pk, {}), profiles.get(a.pk, {})
        )
        for a in assessments
    }


def summary_to_json(summary: AssessmentFigures) -> dict[str, Any]:
    data: dict[str, Any] = {"score": asdict(summary.score), "roadmap": [asdict(item) for item in summary.roadmap]}
    if summary.tags or summary.agency_items or summary.agency_answers:  # format 2; format 1 keeps its two keys
        data["tags"] = list(summary.tags)
        data["agency_items"] = [asdict(item) for item in summary.agency_items]
        data["agency_answers"] = [asdict(answer) for answer in summary.agency_answers]
    return data


def _item_from_json(item: dict[str, Any]) -> SummaryItem:
    return SummaryItem(item["question_key"], item["phase"], tuple(item["steps"]), tuple(item["practices"]))


def summary_from_json(data: dict[str, Any]) -> AssessmentFigures:
    score = dict(data["score"])
    score["areas"] = [AreaScore(**area) for area in score["areas"]]
    return AssessmentFigures(
        score=AssessmentScore(**score),
        roadmap=tuple(_item_from_json(item) for item in data["roadmap"]),
        tags=tuple(data.get("tags", ())),
        agency_items=tuple(_item_from_json(item) for item in data.get("agency_items", ())),
        agency_answers=tuple(AgencyAnswer(**answer) for answer in data.get("agency_answers", ())),
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
