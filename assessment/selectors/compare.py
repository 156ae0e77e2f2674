"""Two assessments of one team side by side: what moved between them.

Level change per area, every answer and note that changed, roadmap items closed
and opened, the questions that came into or went out of the team's scope (format 2:
listed apart, not as items closed or opened), and the team's actions achieved in
between (an answer out of scope is no observation). Built from two
AssessmentReports, so the figures are those of the results and roadmap pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment import models
from assessment.domain.plan import Observation, action_progress, action_step
from assessment.presentation import answer_in_words
from assessment.selectors.history import Change, _change
from assessment.selectors.results import AssessmentResults, RoadmapEntry, assessment_results


@dataclass(frozen=True)
class AreaComparison:
    title: str
    before: float | None  # None: not scored, or the area is not in that version
    after: float | None
    change: Change


@dataclass(frozen=True)
class AnswerComparison:
    number: str
    area_title: str
    question_key: str
    question_text: str
    before: str
    after: str
    note_before: str
    note_after: str

    @property
    def answer_changed(self) -> bool:
        return self.before != self.after

    @property
    def note_changed(self) -> bool:
        return self.note_before != self.note_after


@dataclass(frozen=True)
class ScopeChange:
    """A question of both versions that one assessment's profile puts in scope and the other's out (format 2)."""

    number: str  # in the later version
    area_title: str
    question_text: str
    reason: str  # the later assessment's "Not in scope: ..." when it went out; "" when it came in


@dataclass(frozen=True)
class Comparison:
    before: models.Assessment
    after: models.Assessment
    areas: list[AreaComparison]
    overall: AreaComparison
    answers: list[AnswerComparison]
    closed: list[RoadmapEntry]  # questions on the earlier roadmap, not on the later one
    opened: list[RoadmapEntry]  # questions on the later roadmap only
    # Actions whose target the later assessment reaches: (action, what to do, its question's text).
    achieved: list[tuple[models.Action, str, str]]
    came_into_scope: list[ScopeChange]
    went_out_of_scope: list[ScopeChange]


def _answers(before: AssessmentResults, after: AssessmentResults) -> list[AnswerComparison]:
    out = []
    seen = set()
    for results in (after, before):  # the later version's order first, then questions it no longer has
        for area, question in results.questionnaire.questions():
            if question.id in seen:
                continue
            seen.add(question.id)
            in_before = question.id in before.questions_by_key
            in_after = question.id in after.questions_by_key
            old = before.answers.get(question.id)
            new = after.answers.get(question.id)
            was = (
                answer_in_words(before.questionnaire, old, before.questions_by_key[question.id][1])
                if in_before
                else "Not in this version"
            )
            now = (
                answer_in_words(after.questionnaire, new, after.questions_by_key[question.id][1])
                if in_after
                else "Not in this version"
            )
            row = AnswerComparison(
                number=results.question_numbers[question.id],
                area_title=area.title,
                question_key=question.id,
                question_text=question.text,
                before=was,
                after=now,
                note_before=old.note if old else "",
                note_after=new.note if new else "",
            )
            if row.answer_changed or row.note_changed:
                out.append(row)
    return out


def _level(results: AssessmentResults, key: str) -> int | None:
    """The level the assessment gives the question; None when not a level or out of its scope."""
    if key in results.score.out_of_scope:
        return None
    answer = results.answers.get(key)
    return answer.level if answer is not None and answer.kind == models.Answer.CHOICE else None


def _scope_changes(before: AssessmentResults, after: AssessmentResults) -> tuple[list[ScopeChange], list[ScopeChange]]:
    """The questions of both versions that came into scope and those that went out of it, the later file's order."""
    was_out, now_out = set(before.score.out_of_scope), set(after.score.out_of_scope)
    came: list[ScopeChange] = []
    went: list[ScopeChange] = []
    for area, question in after.questionnaire.questions():
        if question.id not in before.questions_by_key or (question.id in was_out) == (question.id in now_out):
            continue
        reason = after.out_of_scope_reason(question.id) if question.id in now_out else ""
        change = ScopeChange(after.question_numbers[question.id], area.title, question.text, reason)
        (went if question.id in now_out else came).append(change)
    return came, went


def assessments_compared(before: models.Assessment, after: models.Assessment) -> Comparison:
    """Compare two assessments of the same team; the caller has checked both belong to it."""
    old, new = assessment_results(before), assessment_results(after)
    old_areas = {a.area_key: a for a in old.score.areas}
    areas = []
    for area_score in new.score.areas:
        previous = old_areas.get(area_score.area_key)
        level_before = previous.level if previous else None
        areas.append(
            AreaComparison(area_score.title, level_before, area_score.level, _change(area_score.level, level_before))
        )
    overall = AreaComparison("Overall", old.score.level, new.score.level, _change(new.score.level, old.score.level))
    # By question: a question's items regroup between phases as other answers move, which is no change of
    # its own. The last item of a question holds its highest target level.
    old_items = {e.item.question_key: e for e in old.roadmap_entries}
    new_items = {e.item.question_key: e for e in new.roadmap_entries}
    achieved = []
    slug = new.questionnaire.slug
    for action in models.Action.objects.filter(team=after.team, questionnaire_slug=slug).order_by("pk"):
        observations = [
            Observation("before", _level(old, action.question_key)),
            Observation("after", _level(new, action.question_key)),
        ]
        was_reached = (observations[0].level or -1) >= action.target_level
        if not was_reached and action_progress(action.target_level, False, observations).achieved:
            found = new.questions_by_key.get(action.question_key)
            step = action_step(new.questionnaire, found[1], action.target_level) if found else None
            title = action.title or (step.default_title if step else "") or action.question_key
            achieved.append((action, title, found[1].text if found else action.question_key))
    came, went = _scope_changes(old, new)
    moved = set(old.score.out_of_scope) ^ set(new.score.out_of_scope)  # listed as scope changes, not as items
    return Comparison(
        before=before,
        after=after,
        areas=areas,
        overall=overall,
        answers=_answers(old, new),
        closed=[e for key, e in old_items.items() if key not in new_items and key not in moved],
        opened=[e for key, e in new_items.items() if key not in old_items and key not in moved],
        achieved=achieved,
        came_into_scope=came,
        went_out_of_scope=went,
    )
