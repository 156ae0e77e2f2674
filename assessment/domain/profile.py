"""The team's profile (format 2): its tags, and which questions are in scope and which are duties.

docs/questionnaire-format.md, section 6. A profile answer is a profile choice's
id, or None (or no entry) when the question is left unanswered. A format 1
questionnaire has no profile and no `applies_when` or `foundation_when`, so
every question is in scope and none is a duty, whatever the answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Area, ProfileChoice, ProfileQuestion, Question, Questionnaire

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


def scope_reasons(
    questionnaire: Questionnaire, area: Area, question: Question, profile: ProfileAnswers | None = None
) -> list[tuple[ProfileQuestion, ProfileChoice]]:
    """Why a question is out of scope: the profile questions whose choices give a tag of the failing
    `applies_when` (the area's when it fails, else the question's), each with the choice the team answered.

    Empty for a question in scope. An unanswered profile question gives all its tags, so every
    profile question named here is answered.
    """
    tags = team_tags(questionnaire, profile)
    failing = next((when for when in (area.applies_when, question.applies_when) if not _holds(when, tags)), ())
    profile = profile or {}
    reasons = []
    for profile_question in questionnaire.profile:
        choice = profile_question.choice_of(profile.get(profile_question.id))
        gives = {tag for option in profile_question.choices for tag in option.tags}
        if choice is not None and not gives.isdisjoint(failing):
            reasons.append((profile_question, choice))
    return reasons


def scope_changes(
    questionnaire: Questionnaire, before: ProfileAnswers | None, after: ProfileAnswers | None
) -> tuple[list[str], list[str]]:
    """The question keys that come into scope and those that go out of it, file order, when the profile changes."""
    was_out = out_of_scope_keys(questionnaire, team_tags(questionnaire, before))
    now_out = out_of_scope_keys(questionnaire, team_tags(questionnaire, after))
    keys = [question.id for _, question in questionnaire.questions()]
    return [k for k in keys if k in was_out and k not in now_out], [
        k for k in keys if k in now_out and k not in was_out
    ]


def answered_tags(questionnaire: Questionnaire, profile: ProfileAnswers | None = None) -> frozenset[str]:
    """The tags of the answered choices only: what the portfolio's tag filters match (no assumed tags)."""
    profile = profile or {}
    tags: set[str] = set()
    for question in questionnaire.profile:
        choice = question.choice_of(profile.get(question.id))
        if choice is not None:
            tags.update(choice.tags)
    return frozenset(tags)


__all__ = [
    "ProfileAnswers",
    "answered_tags",
    "in_scope",
    "is_duty",
    "out_of_scope_keys",
    "scope_changes",
    "scope_reasons",
    "team_tags",
]
