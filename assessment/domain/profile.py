"""The team's profile (format 2): its tags, and which questions are in scope and which are duties.

docs/questionnaire-format.md, section 6. A profile answer is a profile choice's
id, or None (or no entry) when the question is left unanswered. A format 1
questionnaire has no profile and no `applies_when` or `foundation_when`, so
every question is in scope and none is a duty, whatever the answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Area, Question, Questionnaire

# Question id of each profile question -> the id of the choice answered, None when unanswered.
ProfileAnswers = Mapping[str, str | None]


def team_tags(questionnaire: Questionnaire, profile: ProfileAnswers | None = None) -> frozenset[str]:
    """The union of the tags of the answered choices, and of all choices of each unanswered question.

    Unknown means "it may apply": an unanswered question (or an answer that
    names no choice of it) gives every tag its choices could give.
    """
    profile = profile or {}
    tags: set[str] = set()
    for question in questionnaire.profile:
        choice = question.choice_of(profile.get(question.id))
        if choice is None:
            tags.update(tag for option in question.choices for tag in option.tags)
        else:
            tags.update(choice.tags)
    return frozenset(tags)


def _holds(applies_when: tuple[str, ...], tags: frozenset[str]) -> bool:
    return not applies_when or not tags.isdisjoint(applies_when)


def in_scope(area: Area, question: Question, tags: frozenset[str]) -> bool:
    """The area's `applies_when` (if any) and the question's (if any) both hold for `tags`."""
    return _holds(area.applies_when, tags) and _holds(question.applies_when, tags)


def out_of_scope_keys(questionnaire: Questionnaire, tags: frozenset[str]) -> frozenset[str]:
    """The keys of the questions not in scope for a team with `tags`."""
    return frozenset(question.id for area, question in questionnaire.questions() if not in_scope(area, question, tags))


def is_duty(question: Question, tags: frozenset[str]) -> bool:
    """The question's `foundation_when` holds: its steps rank before the foundations'."""
    return not tags.isdisjoint(question.foundation_when)


__all__ = ["ProfileAnswers", "in_scope", "is_duty", "out_of_scope_keys", "team_tags"]
