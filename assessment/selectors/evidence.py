"""Reads of evidence: per question of an assessment, counts per area, what has expired."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assessment import models


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
    """How many answers (assessment, question) of these assessments have expired evidence, in how many teams."""
    today = today or timezone.localdate()
    pairs = set(
        models.Evidence.objects.filter(assessment__in=assessments, valid_until__lt=today).values_list(
            "assessment__team_id", "assessment_id", "question_key"
        )
    )
    return ExpiredEvidence(answers=len(pairs), teams=len({team for team, _, _ in pairs}))
