"""The roadmap of one assessment (section 4 of questionnaire-format.md).

Pure functions over the dataclasses of ``model.py``: which practices close the
gaps between the answers and the targets, in which order, in which phase.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cmp_to_key

from .model import EFFORT_POINTS, NOT_SURE, Answer, Questionnaire
from .scoring import TOLERANCE, scored_level, targets_for

NOW, NEXT, LATER = "now", "next", "later"


@dataclass(frozen=True)
class Gap:
    """A question answered below its area's target: the *why* of an item."""

    question_id: str
    area_id: str
    level: int  # current level; lo for Not sure
    target: int
    not_sure: bool = False  # so a page can say "Not sure" rather than "level 1"


@dataclass(frozen=True)
class RoadmapItem:
    practice_id: str
    phase: str  # NOW | NEXT | LATER
    priority: float  # impact / effort points
    impact: float
    effort: str  # low | medium | high
    gaps: list[Gap] = field(default_factory=list)  # questionnaire display order
    position: int = 0  # from 0, in roadmap order


def phase_for(i: int, n: int) -> str:
    """Phase of the item at position ``i`` (from 0) of ``n`` items."""
    if i < -(-n // 3):  # ceil(n / 3)
        return NOW
    if i < -(-2 * n // 3):  # ceil(2n / 3)
        return NEXT
    return LATER


def _compare(a: tuple[str, float, float], b: tuple[str, float, float]) -> int:
    """Priority, then impact, highest first; then id. Floats within 1e-9 tie."""
    for x, y in ((a[1], b[1]), (a[2], b[2])):
        if abs(x - y) > TOLERANCE:
            return -1 if x > y else 1
    return (a[0] > b[0]) - (a[0] < b[0])


def _respect_requires(questionnaire: Questionnaire, ranked: list[str]) -> list[str]:
    """Repeatedly take the first practice whose prerequisites are taken.

    Only prerequisites on the roadmap count, but they count through practices
    that are not: if A requires B, B requires C, and only A and C are on the
    roadmap, C still comes before A.
    """
    on_roadmap = set(ranked)
    waits_for = {p: questionnaire.prerequisites.get(p, frozenset()) & on_roadmap for p in ranked}
    remaining, ordered = list(ranked), []
    taken: set[str] = set()
    while remaining:
        # remaining[0] only on a cycle in requires, which the loader refuses.
        pick = next((p for p in remaining if waits_for[p] <= taken), remaining[0])
        remaining.remove(pick)
        taken.add(pick)
        ordered.append(pick)
    return ordered


def roadmap_for(
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer],
    area_targets: Mapping[str, int] | None = None,
) -> list[RoadmapItem]:
    """The practices linked from gap questions, in roadmap order with phases."""
    targets = targets_for(questionnaire, area_targets)
    span = questionnaire.hi - questionnaire.lo
    gaps: dict[str, list[Gap]] = {}
    impact: dict[str, float] = {}
    for area, question in questionnaire.questions():
        answer = answers.get(question.id)
        level = scored_level(questionnaire, answer)
        target = targets[area.id]
        if level is None or level >= target:
            continue
        gap = Gap(question.id, area.id, level, target, not_sure=answer is not None and answer.kind == NOT_SURE)
        for practice_id in dict.fromkeys(question.practices):  # each link once
            gaps.setdefault(practice_id, []).append(gap)
            impact[practice_id] = (
                impact.get(practice_id, 0.0)
                + area.weight * question.weight * (target - level) / span
            )

    effort = {p: questionnaire.practice(p).effort for p in impact}
    priority = {p: impact[p] / EFFORT_POINTS[effort[p]] for p in impact}
    ranked = [
        p for p, _, _ in sorted(
            ((p, priority[p], impact[p]) for p in impact), key=cmp_to_key(_compare)
        )
    ]
    ordered = _respect_requires(questionnaire, ranked)
    n = len(ordered)
    return [
        RoadmapItem(
            practice_id=p,
            phase=phase_for(i, n),
            priority=priority[p],
            impact=impact[p],
            effort=effort[p],
            gaps=gaps[p],
            position=i,
        )
        for i, p in enumerate(ordered)
    ]
