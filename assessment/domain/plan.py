"""Measured progress of an action: what the team's later assessments say of it.

Pure functions. An action raises one question (by its YAML id) to a target
level. The submitted assessments after the action was taken on are read in
order; each that answers the question with a level is an observation:

- the latest observation at or above the target: "achieved", shown with the
  first assessment of that run;
- the latest observation below the target after an earlier one reached it:
  "regressed", shown with the assessment that slipped;
- no observation at the target, and the team marked it done: "done, not yet
  reflected in the answers";
- otherwise nothing is measured yet (the status the team set speaks alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from assessment.domain.model import Practice, Question, Questionnaire

ACHIEVED = "achieved"
REGRESSED = "regressed"
DONE_UNCONFIRMED = "done_unconfirmed"
NOT_MEASURED = "not_measured"

PROGRESS_WORDS = {
    ACHIEVED: "Achieved",
    REGRESSED: "Regressed",
    DONE_UNCONFIRMED: "Done, not yet reflected in the answers",
    NOT_MEASURED: "Not reached yet",
}

Ref = TypeVar("Ref")


@dataclass(frozen=True)
class Observation(Generic[Ref]):
    """The level one submitted assessment gives the question (None: not answered with a level)."""

    assessment: Ref
    level: int | None


@dataclass(frozen=True)
class Progress(Generic[Ref]):
    kind: str
    assessment: Ref | None = None  # the assessment that shows it (achieved, regressed)

    @property
    def words(self) -> str:
        return PROGRESS_WORDS[self.kind]

    @property
    def achieved(self) -> bool:
        return self.kind == ACHIEVED


def action_progress(target: int, done: bool, observations: Sequence[Observation[Ref]]) -> Progress[Ref]:
    """The progress of an action from the observations after it was taken on, oldest first."""
    reached_once = False
    run_start: Ref | None = None
    latest: Observation[Ref] | None = None
    for observation in observations:
        if observation.level is None:
            continue
        if observation.level >= target:
            if latest is None or latest.level is None or latest.level < target:
                run_start = observation.assessment
            reached_once = True
        latest = observation
    if latest is not None and latest.level is not None:
        if latest.level >= target:
            return Progress(ACHIEVED, run_start)
        if reached_once:
            return Progress(REGRESSED, latest.assessment)
    return Progress(DONE_UNCONFIRMED if done else NOT_MEASURED)


__all__ = [
    "ACHIEVED",
    "DONE_UNCONFIRMED",
    "NOT_MEASURED",
    "PROGRESS_WORDS",
    "REGRESSED",
    "Observation",
    "Progress",
    "action_progress",
]


TITLE_MAX_LENGTH = 200


@dataclass(frozen=True)
class ActionStep:
    """What an action asks of the team, read from the content: the statement that is true once done, the practices."""

    done_when: str
    practices: tuple[Practice, ...]

    @property
    def default_title(self) -> str:
        """The first practice's title, else the statement to make true: what to do, in a few words."""
        if self.practices:
            return self.practices[0].title
        return f"Make this true: {self.done_when}"[:TITLE_MAX_LENGTH]


def action_step(questionnaire: Questionnaire, question: Question, target_level: int) -> ActionStep | None:
    """The step of `question` that reaches `target_level`; None when the level is not one of its choices."""
    choice = question.choice_at(target_level)
    if choice is None:
        return None
    by_key = questionnaire.practices_by_key
    practices = tuple(by_key[key] for key in dict.fromkeys(question.practices_for(choice)) if key in by_key)
    return ActionStep(done_when=choice.text, practices=practices)
