"""Scores of many assessments at once, for lists such as the home page.

A fixed number of queries whatever the number of rows: one for the answers, one
for the targets, and the questionnaire content from its in-memory cache.
"""
from __future__ import annotations

from collections import defaultdict

from assessment import models
from assessment.domain import model as domain
from assessment.domain.scoring import AssessmentScore, score_assessment
from assessment.selectors.questionnaires import questionnaire_domain


def assessment_scores(assessments: list[models.Assessment]) -> dict[int, AssessmentScore]:
    """Score of each assessment, keyed by its pk. Assessments need their questionnaire selected."""
    ids = [a.pk for a in assessments]
    if not ids:
        return {}
    answers: dict[int, dict[str, domain.Answer]] = defaultdict(dict)
    rows = models.Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "question__key", "kind", "choice__level"
    )
    for assessment_id, key, kind, level in rows:
        answers[assessment_id][key] = domain.Answer(kind=kind, level=level)
    targets: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, key, target in models.AreaTarget.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "area__key", "target"
    ):
        targets[assessment_id][key] = target
    scores = {}
    for assessment in assessments:
        questionnaire = questionnaire_domain(assessment.questionnaire)
        scores[assessment.pk] = score_assessment(questionnaire, answers[assessment.pk], targets[assessment.pk])
    return scores
