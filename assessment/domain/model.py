"""Plain data for a questionnaire and its answers (see questionnaire-format.md).

These dataclasses are what the YAML loader produces, what the database layer
rebuilds from its rows, and what scoring and the roadmap take as input.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

EFFORT_POINTS = {"low": 1, "medium": 2, "high": 3}

# Answer kinds, as named in the JSON export (section 5 of the format).
CHOICE = "choice"
NOT_APPLICABLE = "not_applicable"
NOT_SURE = "not_sure"
UNANSWERED = "unanswered"

# Why a question is "Not applicable", as named in the exports. Scoring ignores
# them: a Not applicable answer leaves the question out whatever the reason.
NA_DOES_NOT_APPLY = "does_not_apply"
NA_BUSINESS_PRIORITY = "business_priority"
NA_SHARED_SERVICE = "shared_service"
NA_OTHER = "other"
NA_REASONS = {
    NA_DOES_NOT_APPLY: "Does not apply to our work",
    NA_BUSINESS_PRIORITY: "Decided not to do it (business priority)",
    NA_SHARED_SERVICE: "Provided by another agency or a shared service",
    NA_OTHER: "Other",
}
NA_REASON_NOT_GIVEN = "Reason not given"
NA_REASON_DETAIL_MAX_LENGTH = 200


def na_reason_text(reason: str, detail: str = "") -> str:
    """A Not applicable answer's reason in words; answers saved before reasons existed have none."""
    if reason == NA_OTHER:
        return f"Other: {detail}" if detail else "Other"
    return NA_REASONS.get(reason, NA_REASON_NOT_GIVEN)


@dataclass(frozen=True)
class ScaleLevel:
    level: int
    name: str
    description: str = ""


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str = ""
    url: str = ""


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    summary: str
    url: str
    effort: str  # low | medium | high
    references: tuple[Reference, ...] = ()
    note: str = ""
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    level: int
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    choices: tuple[Choice, ...]
    help: str = ""
    weight: float = 1
    not_applicable: bool = False
    practices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    questions: tuple[Question, ...]
    summary: str = ""
    weight: float = 1


@dataclass(frozen=True)
class Questionnaire:
    slug: str
    version: str
    title: str
    scale: tuple[ScaleLevel, ...]
    areas: tuple[Area, ...]
    default_target: int
    summary: str = ""
    source: Source | None = None
    practices: tuple[Practice, ...] = ()
    format: int = 1

    @property
    def lo(self) -> int:
        return self.scale[0].level

    @property
    def hi(self) -> int:
        return self.scale[-1].level

    def level_name(self, level: int) -> str:
        for s in self.scale:
            if s.level == level:
                return s.name
        raise KeyError(level)

    # cached_property writes to the instance __dict__, which a frozen dataclass
    # allows; these are derived once per questionnaire, not per roadmap.
    @cached_property
    def practices_by_id(self) -> dict[str, Practice]:
        return {p.id: p for p in self.practices}

    @cached_property
    def prerequisites(self) -> dict[str, frozenset[str]]:
        """For each practice, every practice it requires, directly or through others."""
        closure = {}
        for practice in self.practices:
            found: set[str] = set()
            stack = list(practice.requires)
            while stack:
                required = stack.pop()
                if required not in found:
                    found.add(required)
                    stack.extend(self.practices_by_id[required].requires if required in self.practices_by_id else ())
            closure[practice.id] = frozenset(found)
        return closure

    def practice(self, practice_id: str) -> Practice:
        return self.practices_by_id[practice_id]

    def questions(self) -> Iterator[tuple[Area, Question]]:
        """Every question with its area, in display order."""
        for area in self.areas:
            for question in area.questions:
                yield area, question


@dataclass(frozen=True)
class Answer:
    """One stored answer. Absent answers are simply missing from the mapping."""

    kind: str  # CHOICE | NOT_APPLICABLE | NOT_SURE
    level: int | None = None  # set only for CHOICE
    note: str = ""
    na_reason: str = ""  # one of NA_REASONS, set only for NOT_APPLICABLE; "" when not given
    na_reason_detail: str = ""  # what "other" means

    @property
    def na_reason_text(self) -> str:
        return na_reason_text(self.na_reason, self.na_reason_detail)

    @property
    def not_applicable_text(self) -> str:
        """"Not applicable (does not apply to our work)", "Not applicable (reason not given)"."""
        reason = self.na_reason_text
        return f"Not applicable ({reason[0].lower()}{reason[1:]})"
