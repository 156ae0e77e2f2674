"""Where an assessment stands against outside frameworks (NIST AI RMF, OMB M-25-21, ...).

A crosswalk file (docs/questionnaire-format.md, section 7) maps questions of one
questionnaire version to the items of frameworks: "answered at this level or
above, this question addresses the item". This module holds the plain data and
the status rules of section 7.3; the loader is crosswalk_loader.py.

The statuses say what the answers imply, nothing more: an audit needs evidence.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from functools import cached_property

from .model import CHOICE, NOT_APPLICABLE, Answer, Questionnaire
from .profile import ProfileAnswers, in_scope, team_tags
from .scoring import targets_for

# NIST OLIR relation types, read from the question to the item.
EQUAL = "equal"  # the question covers the item
SUBSET = "subset"  # the question covers part of the item
SUPERSET = "superset"  # the question covers the item and more
INTERSECT = "intersect"  # they overlap
RELATIONS = (EQUAL, SUBSET, SUPERSET, INTERSECT)
FULL_RELATIONS = (EQUAL, SUPERSET)  # a met mapping of these alone can meet an item

# A mapping, given the answer to its question.
MAPPING_MET = "met"
MAPPING_SHORT = "short"
MAPPING_UNKNOWN = "unknown"

# An item, given its mappings.
MET = "met"
PARTLY_MET = "partly_met"
NOT_MET = "not_met"
TO_VERIFY = "to_verify"
NOT_APPLICABLE_ITEM = "not_applicable"
NOT_COVERED = "not_covered"
ITEM_STATUSES = (MET, PARTLY_MET, NOT_MET, TO_VERIFY, NOT_APPLICABLE_ITEM, NOT_COVERED)
STATUS_TITLES = {
    MET: "Met",
    PARTLY_MET: "Partly met",
    NOT_MET: "Not met",
    TO_VERIFY: "To verify",
    NOT_APPLICABLE_ITEM: "Not applicable",
    NOT_COVERED: "Not covered",
}
GAPS = (PARTLY_MET, NOT_MET, TO_VERIFY)  # what the answers leave to close or to check
APPLICABLE = (MET, PARTLY_MET, NOT_MET, TO_VERIFY)  # what "share of items met" counts


@dataclass(frozen=True)
class FrameworkItem:
    """One item as the framework numbers it (`GOVERN 1.1`), with a short title in our own words."""

    id: str
    title: str
    url: str = ""
    applies_when: tuple[str, ...] = ()  # format 2 tags; empty: applies to every team


@dataclass(frozen=True)
class Framework:
    id: str  # a slug: nist-ai-rmf
    title: str
    version: str
    url: str
    items: tuple[FrameworkItem, ...]


@dataclass(frozen=True)
class CrosswalkMapping:
    """Question `question_key` answered at `level` or above addresses `item` of `framework`."""

    question_key: str
    framework: str
    item: str
    level: int
    relation: str  # one of RELATIONS


@dataclass(frozen=True)
class Crosswalk:
    """One revision of the crosswalk of one questionnaire version."""

    questionnaire_slug: str
    questionnaire_version: str
    revision: str
    frameworks: tuple[Framework, ...]
    mappings: tuple[CrosswalkMapping, ...]  # in file order

    @cached_property
    def mappings_by_item(self) -> dict[tuple[str, str], tuple[CrosswalkMapping, ...]]:
        """(framework id, item id) -> its mappings, in file order."""
        grouped: dict[tuple[str, str], list[CrosswalkMapping]] = {}
        for mapping in self.mappings:
            grouped.setdefault((mapping.framework, mapping.item), []).append(mapping)
        return {key: tuple(mappings) for key, mappings in grouped.items()}

    def framework(self, framework_key: str) -> Framework:
        return next(framework for framework in self.frameworks if framework.id == framework_key)


@dataclass(frozen=True)
class MappingStatus:
    mapping: CrosswalkMapping
    status: str  # MAPPING_MET | MAPPING_SHORT | MAPPING_UNKNOWN
    answered_level: int | None  # None: Not sure or unanswered
    target: int  # the team's target for the question's area
    beyond_target: bool  # the mapping's level is above the target: the roadmap does not go there


@dataclass(frozen=True)
class ItemStatus:
    framework: str
    item: FrameworkItem
    status: str  # one of ITEM_STATUSES
    mappings: tuple[MappingStatus, ...]  # the mappings taken (in scope, not answered Not applicable)

    @property
    def is_gap(self) -> bool:
        return self.status in GAPS

    @property
    def open_mappings(self) -> tuple[MappingStatus, ...]:
        """The mappings that keep the item from being met: short or unknown."""
        return tuple(m for m in self.mappings if m.status != MAPPING_MET)

    @property
    def beyond_target(self) -> bool:
        """A gap that only closes above the team's target: every open mapping's level is beyond it."""
        open_mappings = self.open_mappings
        return self.is_gap and bool(open_mappings) and all(m.beyond_target for m in open_mappings)

    @property
    def status_title(self) -> str:
        return STATUS_TITLES[self.status]


@dataclass(frozen=True)
class FrameworkStatus:
    framework: Framework
    items: tuple[ItemStatus, ...]  # in the framework's order

    @cached_property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ITEM_STATUSES, 0)
        for item in self.items:
            counts[item.status] += 1
        return counts

    @property
    def applicable(self) -> int:
        return sum(self.counts[status] for status in APPLICABLE)

    @property
    def met(self) -> int:
        return self.counts[MET]

    @property
    def share_met(self) -> float | None:
        """Items met over applicable items (not applicable and not covered left out); None without any."""
        return self.met / self.applicable if self.applicable else None


def mapping_status(mapping: CrosswalkMapping, answer: Answer | None) -> str:
    """met at or above the mapping's level, short below it, unknown for Not sure or unanswered."""
    if answer is None or answer.kind != CHOICE or answer.level is None:
        return MAPPING_UNKNOWN
    return MAPPING_MET if answer.level >= mapping.level else MAPPING_SHORT


def item_status(mappings: tuple[MappingStatus, ...], *, covered: bool = True, applies: bool = True) -> str:
    """The item's status from the mappings taken (section 7.3 of docs/questionnaire-format.md).

    `covered`: some question maps to the item at all; `applies`: its `applies_when` holds for the team.
    """
    if not applies:
        return NOT_APPLICABLE_ITEM
    if not covered:
        return NOT_COVERED
    if not mappings:  # every mapping's question out of scope or answered Not applicable
        return NOT_APPLICABLE_ITEM
    statuses = {m.status for m in mappings}
    if statuses == {MAPPING_MET}:
        return MET if any(m.mapping.relation in FULL_RELATIONS for m in mappings) else PARTLY_MET
    if MAPPING_SHORT in statuses:
        return PARTLY_MET if MAPPING_MET in statuses else NOT_MET
    return TO_VERIFY


def crosswalk_status(
    questionnaire: Questionnaire,
    crosswalk: Crosswalk,
    answers: MappingType[str, Answer],
    area_targets: MappingType[str, int] | None = None,
    *,
    profile: ProfileAnswers | None = None,
) -> tuple[FrameworkStatus, ...]:
    """Every framework's items with their status, for one assessment's answers.

    A format 1 questionnaire has no profile: every question is in scope and
    the team has no tags (the loader refuses `applies_when` there).
    """
    tags = team_tags(questionnaire, profile)
    targets = targets_for(questionnaire, area_targets)
    taken_questions = {
        question.id: targets[area.id]
        for area, question in questionnaire.questions()
        if in_scope(area, question, tags)
        and not ((answer := answers.get(question.id)) is not None and answer.kind == NOT_APPLICABLE)
    }
    frameworks = []
    for framework in crosswalk.frameworks:
        items = []
        for item in framework.items:
            all_mappings = crosswalk.mappings_by_item.get((framework.id, item.id), ())
            taken = tuple(
                MappingStatus(
                    mapping=mapping,
                    status=mapping_status(mapping, answers.get(mapping.question_key)),
                    answered_level=_answered_level(answers.get(mapping.question_key)),
                    target=taken_questions[mapping.question_key],
                    beyond_target=mapping.level > taken_questions[mapping.question_key],
                )
                for mapping in all_mappings
                if mapping.question_key in taken_questions
            )
            applies = not item.applies_when or not tags.isdisjoint(item.applies_when)
            status = item_status(taken, covered=bool(all_mappings), applies=applies)
            items.append(ItemStatus(framework.id, item, status, taken if applies else ()))
        frameworks.append(FrameworkStatus(framework, tuple(items)))
    return tuple(frameworks)


def _answered_level(answer: Answer | None) -> int | None:
    return answer.level if answer is not None and answer.kind == CHOICE else None


__all__ = [
    "APPLICABLE",
    "EQUAL",
    "GAPS",
    "INTERSECT",
    "ITEM_STATUSES",
    "MET",
    "NOT_APPLICABLE_ITEM",
    "NOT_COVERED",
    "NOT_MET",
    "PARTLY_MET",
    "RELATIONS",
    "STATUS_TITLES",
    "SUBSET",
    "SUPERSET",
    "TO_VERIFY",
    "Crosswalk",
    "CrosswalkMapping",
    "Framework",
    "FrameworkItem",
    "FrameworkStatus",
    "ItemStatus",
    "MappingStatus",
    "crosswalk_status",
    "item_status",
    "mapping_status",
]
