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
