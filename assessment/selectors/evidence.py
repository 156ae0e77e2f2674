"""Reads of evidence: per question of an assessment, counts per area, what has expired."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.presentation import answer_in_words

if TYPE_CHECKING:
    from assessment.selectors.results import AssessmentResults


def evidence_by_question(assessment: models.Assessment) -> dict[str, list[models.Evidence]]:
    """Question key -> its evidence, oldest first. One query."""
    grouped: dict[str, list[models.Evidence]] = defaultdict(list)
    for evidence in models.Evidence.objects.filter(assessment=assessment).select_related("added_by"):
        grouped[evidence.question_key].append(evidence)
    return dict(grouped)


def evidence_of_assessment(assessment: models.Assessment, evidence_id) -> models.Evidence:
    """One piece of evidence of an assessment the caller may read; 404 for any other id."""
    return get_object_or_404(
        models.Evidence.objects.select_related("assessment"), pk=evidence_id, assessment=assessment
    )


def expired_question_keys(evidence: dict[str, list[models.Evidence]], today: datetime.date | None = None) -> set[str]:
    """The questions with at least one piece of evidence past its "valid until" date."""
    today = today or timezone.localdate()
    return {key for key, items in evidence.items() if any(e.expired_on(today) for e in items)}


@dataclass(frozen=True)
class ExpiredEvidence:
    """Evidence past its date among some assessments: on how many answers, in how many teams."""

    answers: int
    teams: int

    def __bool__(self) -> bool:
        return self.answers > 0


def expired_evidence(assessments: QuerySet[models.Assessment], today: datetime.date | None = None) -> ExpiredEvidence:
    """How many answers (assessment, question) of these assessments have expired evidence, in how many teams.

    Format 2: only the questions in the team's scope count, as its results list them; the scope is
    the stored summary's (a submitted assessment's profile no longer changes), read in the same query.
    An assessment without a summary (a draft) counts every question."""
    today = today or timezone.localdate()
    rows = models.Evidence.objects.filter(assessment__in=assessments, valid_until__lt=today).values_list(
        "assessment__team_id", "assessment_id", "question_key", "assessment__summary__detail__score__out_of_scope"
    )
    pairs = {(team, assessment, key) for team, assessment, key, out_of_scope in rows if key not in (out_of_scope or ())}
    return ExpiredEvidence(answers=len(pairs), teams=len({team for team, _, _ in pairs}))


@dataclass(frozen=True)
class AnswerEvidence:
    number: str  # "2.3"
    question: domain.Question
    answer: str  # the answer in words
    items: list[models.Evidence]
    expired: bool


@dataclass(frozen=True)
class AreaEvidence:
    """An area's answers with their evidence, as the results page lists them."""

    area: domain.Area
    answers: list[AnswerEvidence]

    @property
    def pieces(self) -> int:
        return sum(len(a.items) for a in self.answers)

    @property
    def with_evidence(self) -> int:
        return sum(1 for a in self.answers if a.items)

    @property
    def expired(self) -> int:
        return sum(1 for a in self.answers if a.expired)


def evidence_by_area(results: AssessmentResults) -> list[AreaEvidence]:
    """Each area of the results with each answer in scope and its evidence, and the counts. One query.

    Format 2: only the questions in the team's scope, as the journey asks them; an area with none
    in scope is left out (its questions are listed under "Not in scope")."""
    evidence = evidence_by_question(results.assessment)
    expired = expired_question_keys(evidence)
    numbers = results.question_numbers
    out = set(results.score.out_of_scope)
    blocks = []
    for area in results.questionnaire.areas:
        questions = [q for q in area.questions if q.id not in out]
        if area.questions and not questions:
            continue
        answers = [
            AnswerEvidence(
                number=numbers[question.id],
                question=question,
                answer=answer_in_words(results.questionnaire, results.answers.get(question.id), question),
                items=evidence.get(question.id, []),
                expired=question.id in expired,
            )
            for question in questions
        ]
        blocks.append(AreaEvidence(area=area, answers=answers))
    return blocks


def latest_submitted(teams: QuerySet[models.Team]) -> QuerySet[models.Assessment]:
    """The latest submitted assessment of each of these teams: the one the portfolio and the plan stand on."""
    return models.Assessment.objects.filter(summary__is_latest=True, team__in=teams)


def expired_evidence_of_team(team: models.Team) -> tuple[ExpiredEvidence, models.Assessment | None]:
    """Expired evidence on the team's latest submitted assessment, and that assessment (None: none yet)."""
    latest = latest_submitted(models.Team.objects.filter(pk=team.pk)).first()
    if latest is None:
        return ExpiredEvidence(0, 0), None
    return expired_evidence(models.Assessment.objects.filter(pk=latest.pk)), latest


def expired_evidence_in_agency(agency: models.Agency, division_ids: frozenset[int] | None) -> ExpiredEvidence:
    teams = models.Team.objects.filter(agency=agency)
    if division_ids is not None:
        teams = teams.filter(division_id__in=division_ids)
    return expired_evidence(latest_submitted(teams))
