"""Plain data for a questionnaire and its answers (see docs/questionnaire-format.md).

These dataclasses are what the YAML loader produces, what the database layer
rebuilds from its rows, and what scoring and the roadmap take as input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

EFFORT_POINTS = {"low": 1, "medium": 2, "high": 3}

# Answer kinds, as named in the JSON export (docs/questionnaire-format.md, section 5).
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


# The answers a question can be given; UNANSWERED is the absence of one.
ANSWER_KINDS = (CHOICE, NOT_SURE, NOT_APPLICABLE)


def answer_kinds(*, not_applicable: bool) -> tuple[str, ...]:
    """The kinds of answer a question offers: a choice and Not sure always, Not applicable where the file allows it."""
    return ANSWER_KINDS if not_applicable else (CHOICE, NOT_SURE)


def answer_problem(kind: object, level: object, *, levels: list[int], not_applicable: bool) -> str | None:
    """Why an answer does not fit a question with these choice `levels`; None when it does.

    The one rule of which answers are valid. The answering form offers what
    `answer_kinds` lists, the answer service and the backup import call this, and
    the database's check (a choice iff kind "choice") mirrors its first half.
    The message names no question: each caller says where.
    """
    if kind not in ANSWER_KINDS:
        return f"answer {kind!r} is not one of {', '.join(ANSWER_KINDS)}"
    if kind == CHOICE:
        if isinstance(level, bool) or level not in levels:
            return f"level {level!r} is not a choice of this question (choices: {levels})"
    elif level is not None:
        return f"an answer {kind!r} has no level, got {level!r}"
    if kind not in answer_kinds(not_applicable=not_applicable):
        return '"Not applicable" is not offered for this question'
    return None


def na_reason_text(reason: str, detail: str = "") -> str:
    """A Not applicable answer's reason in words; answers saved before reasons existed have none."""
    if reason == NA_OTHER:
        return f"Other: {detail}" if detail else "Other"
    return NA_REASONS.get(reason, NA_REASON_NOT_GIVEN)


@dataclass(frozen=True)
class ScaleLevel:
    """One level of the maturity scale (`scale` in the file), lowest first."""

    level: int
    name: str
    description: str = ""


@dataclass(frozen=True)
class Reference:
    """A further source a practice cites, besides its main `url`."""

    title: str
    url: str


@dataclass(frozen=True)
class Source:
    """Where the questionnaire's content comes from, shown on the reports."""

    title: str
    publisher: str = ""
    url: str = ""


@dataclass(frozen=True)
class Practice:
    """A best practice that closes gaps; questions and choices name it by `id`, roadmap steps link to it."""

    id: str
    title: str
    summary: str
    url: str
    effort: str  # low | medium | high
    references: tuple[Reference, ...] = ()
    note: str = ""
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Need:
    """A choice's `needs` entry: wait until the question `question_key` reaches `level`."""

    question_key: str  # the YAML id of the needed question (`question` in the file)
    level: int


@dataclass(frozen=True)
class Choice:
    """One answer a question offers: a statement true of a team at `level`."""

    level: int
    text: str
    # What moves a team to this level. None: the question's practices apply;
    # a tuple, even empty, replaces them.
    practices: tuple[str, ...] | None = None
    stage: int | None = None  # None: the choice's own level
    needs: tuple[Need, ...] = ()

    @property
    def roadmap_stage(self) -> int:
        return self.level if self.stage is None else self.stage


@dataclass(frozen=True)
class Question:
    """One question of an area: its choices, lowest level first, and the practices that raise its answer."""

    id: str
    text: str
    choices: tuple[Choice, ...]
    help: str = ""
    weight: float = 1
    not_applicable: bool = False
    practices: tuple[str, ...] = ()
    foundation: bool = False  # groundwork much of the rest depends on: ranked first within a stage
    # Format 2 (see assessment/domain/profile.py): empty tuples and "team" are format 1's behaviour.
    applies_when: tuple[str, ...] = ()  # tags; in scope only when the team's tags hold one of them
    foundation_when: tuple[str, ...] = ()  # tags; a duty (ranked before foundations) when the team's tags hold one
    owner: str = "team"  # OWNER_TEAM | OWNER_AGENCY

    def choice_at(self, level: int) -> Choice | None:
        for choice in self.choices:
            if choice.level == level:
                return choice
        return None

    def choice_of_level(self, level: int) -> Choice:
        """The choice at `level`, one of this question's choice levels (a roadmap step's level)."""
        choice = self.choice_at(level)
        if choice is None:
            raise KeyError(f'question "{self.id}" has no choice at level {level}')
        return choice

    def step_choices(self) -> tuple[Choice, ...]:
        """Every choice but the lowest: the levels a roadmap step can reach."""
        lowest = min((choice.level for choice in self.choices), default=None)
        return tuple(choice for choice in self.choices if choice.level != lowest)

    def practices_for(self, choice: Choice) -> tuple[str, ...]:
        """The practices that move a team to `choice`: its own, else the question's."""
        return self.practices if choice.practices is None else choice.practices


@dataclass(frozen=True)
class Area:
    """One of the questionnaire's areas (the seven challenges), scored on its own and in the overall score."""

    id: str
    title: str
    questions: tuple[Question, ...]
    summary: str = ""
    weight: float = 1
    applies_when: tuple[str, ...] = ()  # format 2: tags; empty means always in scope


OWNER_TEAM = "team"
OWNER_AGENCY = "agency"
OWNERS = (OWNER_TEAM, OWNER_AGENCY)


@dataclass(frozen=True)
class ProfileChoice:
    """One answer to a profile question, and the tags it gives the team."""

    id: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileQuestion:
    """A question about the team asked before the areas (format 2); never scored, its answers give tags."""

    id: str
    text: str
    choices: tuple[ProfileChoice, ...]
    help: str = ""

    def choice_of(self, choice_key: str | None) -> ProfileChoice | None:
        return next((choice for choice in self.choices if choice.id == choice_key), None)


DEFAULT_NOW = 8
DEFAULT_NEXT = 16


@dataclass(frozen=True)
class PhaseSizes:
    """How many roadmap steps go in Now, then in Next; the rest are Later."""

    now: int = DEFAULT_NOW
    next: int = DEFAULT_NEXT


@dataclass(frozen=True)
class PhaseBudget:
    """Effort points for Now and for Next (format 2); None: that phase is sized by PhaseSizes."""

    now: int | None = None
    next: int | None = None


@dataclass(frozen=True)
class Questionnaire:
    """One version of a questionnaire file, as the loader checked it (docs/questionnaire-format.md)."""

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
    phase_sizes: PhaseSizes = field(default_factory=PhaseSizes)
    profile: tuple[ProfileQuestion, ...] = ()  # format 2
    phase_budget: PhaseBudget = field(default_factory=PhaseBudget)  # format 2

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
    def practices_by_key(self) -> dict[str, Practice]:
        return {p.id: p for p in self.practices}

    def practice(self, practice_key: str) -> Practice:
        return self.practices_by_key[practice_key]

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
        """ "Not applicable (does not apply to our work)", "Not applicable (reason not given)"."""
        reason = self.na_reason_text
        return f"Not applicable ({reason[0].lower()}{reason[1:]})"


def answer_token(answer: Answer | None) -> str:
    """A short fingerprint of an answer (None: no answer): what an area page showed for a question.

    The page posts it back, and the save compares it, under the assessment's lock,
    with the answer stored then, to tell a change someone else saved meanwhile.
    The note's line breaks and outer spaces do not count: browsers post CRLF, stored
    notes keep LF. A reason counts only for Not applicable, its detail only for "other".
    """
    if answer is None:
        value, note, reason, detail = "", "", "", ""
    else:
        value = f"level-{answer.level}" if answer.kind == CHOICE else answer.kind
        note = answer.note
        reason = answer.na_reason if answer.kind == NOT_APPLICABLE else ""
        detail = answer.na_reason_detail if reason == NA_OTHER else ""
    note = note.replace("\r", "").strip()
    text = f"{note}\x1f{reason}\x1f{detail.strip()}" if reason else note
    return f"{value}|{hashlib.sha256(text.encode()).hexdigest()[:16]}"
