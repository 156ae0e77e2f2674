"""Helpers for the results, roadmap, export, history and portfolio tests.

EXAMPLE_ANSWERS on tests/data/good_questionnaire.yaml (scale 1..5, default
target 4), worked by hand:

- data (weight 1): streaming-data (w 2) level 3 -> 0.5; data-discovery (w 1)
  Not sure -> 0. S = (2 * 0.5 + 0) / 3 = 1/3: 33 %, level 2.3 Developing;
  progress 1 - (2*1 + 1*3) / (2*3 + 1*3) = 4/9: 44 %.
- models (weight 1.5): model-versions level 2 -> 0.25: 25 %, level 2.0
  Developing; progress 1 - 2/3: 33 %.
- operations (weight 1): production-monitoring unanswered: not scored, 0 of 1.
- overall: (1/3 + 1.5 * 0.25) / 2.5 = 0.28333: 28 %, level 2.1 Developing;
  completeness 3 of 4 (75 %); progress 1 - (5 + 1.5*2) / (9 + 1.5*3) = 0.4074: 41 %.
- roadmap (phase_sizes now 2, next 16): steps data-discovery 1 -> 3 and
  3 -> 5 (Not sure counts as 1; choices 1, 3, 5; a foundation), model-versions
  2 -> 4 (stage 3, needs data-discovery at 3), streaming-data 3 -> 4. Ranked:
  stage 3 data-discovery (foundation) then model-versions; stage 4
  streaming-data; stage 5 data-discovery. model-versions' need is met once
  data-discovery's step from 1 is placed. Items: 1 data-discovery 1 -> 3 and
  2 model-versions 2 -> 4 (Now); 3 streaming-data 3 -> 4 and 4 data-discovery
  3 -> 5 (Next). Verify first: data-discovery.
"""

from __future__ import annotations

from datetime import UTC, datetime

from assessment import models
from assessment.services.assessments import assessment_create, assessment_submit
from assessment.services.summaries import summaries_mark_latest
from tests.helpers import answer

EXAMPLE_ANSWERS = {
    "streaming-data": ("choice", 3),
    "data-discovery": ("not_sure", None),
    "model-versions": ("choice", 2),
}


def submitted_assessment(team, user, version, answers, *, title="Assessment", when=None, targets=None):
    """A submitted assessment with the given answers, submitted at `when` (a datetime or ISO date)."""
    assessment = assessment_create(team=team, version=version, title=title, user=user, targets=targets)
    answer(assessment, user, answers)
    assessment_submit(assessment=assessment, user=user)
    if when is not None:
        if isinstance(when, str):
            when = datetime.fromisoformat(when).replace(tzinfo=UTC)
        models.Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when)
        summaries_mark_latest([team.pk])  # the team's latest submission may have changed
    assessment.refresh_from_db()
    return assessment


def all_answers(version, pattern=(1, 2, 3, "not_sure")):
    """An answer to every question of a version: levels taken in turn from its choices, some Not sure."""
    answers = {}
    questions = models.Question.objects.filter(area__questionnaire=version).prefetch_related("choices")
    for i, question in enumerate(questions.order_by("area__position", "position")):
        pick = pattern[i % len(pattern)]
        if pick == "not_sure":
            answers[question.key] = ("not_sure", None)
        else:
            levels = [c.level for c in question.choices.all()]
            answers[question.key] = ("choice", levels[min(pick, len(levels)) - 1])
    return answers
