"""Scores of one assessment (docs/questionnaire-format.md, section 3).

Pure functions over the dataclasses of ``model.py``: no Django, no database.
The same numbers feed the results page, the PDF and the JSON export, so every
rounding rule lives here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from .model import CHOICE, NOT_APPLICABLE, NOT_SURE, Answer, Questionnaire
from .profile import ProfileAnswers, out_of_scope_keys, team_tags

# Float sums such as 0.1 + 0.2 miss a boundary by ~1e-16; the format asks for
# comparisons with a level boundary (and halves when rounding) to allow 1e-9.
TOLERANCE = 1e-9
_HALF = Decimal("0.5") - Decimal("1e-9")


def round_half_up(x: float, ndigits: int = 0) -> float:
    """Round ``x`` to ``ndigits`` decimals, halves away from zero.

    Works on the decimal that ``repr`` shows, so 0.125 -> 0.13 and 2.675 ->
    2.68 at 2 digits although their binary floats lie just below, and counts a
    fraction within 1e-9 (in units of the last digit kept) below a half as a
    half, so 100 * 0.285 = 28.499999999999996 still rounds to 29.
    """
    if not math.isfinite(x):
        raise ValueError(f"cannot round {x!r}")
    scaled = abs(Decimal(repr(float(x)))).scaleb(ndigits)
    whole = scaled.to_integral_value(rounding=ROUND_FLOOR)
    if scaled - whole >= _HALF:
        whole += 1
    return math.copysign(float(whole.scaleb(-ndigits)), x)


def display_percent(x: float | None) -> int | None:
    """Score in [0, 1] as a whole percentage, halves rounded up (0.625 -> 63)."""
    if x is None:
        return None
    return int(round_half_up(100 * x))


def _level_of(questionnaire: Questionnaire, x: float) -> float:
    return questionnaire.lo + x * (questionnaire.hi - questionnaire.lo)


def display_level(questionnaire: Questionnaire, x: float | None) -> float | None:
    """Score in [0, 1] as a level on the scale, to one decimal (halves up)."""
    if x is None:
        return None
    return round_half_up(_level_of(questionnaire, x), 1)


def level_name_for(questionnaire: Questionnaire, x: float | None) -> str | None:
    """Name of the whole level a score has reached: floor of its level.

    A level within 1e-9 below a whole level counts as that level, so a score
    whose level is 3 on paper but 2.9999999999999996 in floats is "level 3".
    """
    if x is None:
        return None
    level = math.floor(_level_of(questionnaire, x) + TOLERANCE)
    level = min(max(level, questionnaire.lo), questionnaire.hi)
    return questionnaire.level_name(level)


@dataclass(frozen=True)
class AreaScore:
    area_key: str
    title: str
    weight: float
    score: float | None  # in [0, 1]; None when no question is scored
    percent: int | None
    level: float | None  # on the scale, one decimal
    level_name: str | None
    completeness: float  # answered / total
    answered: int  # choice, Not applicable or Not sure
    total: int
    target: int
    progress_to_target: float  # in [0, 1]
    to_verify: list[str] = field(default_factory=list)  # Not sure, display order
    unanswered: list[str] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)  # format 2: not asked of this team, display order


@dataclass(frozen=True)
class AssessmentScore:
    """The overall figures, then one AreaScore per area in display order."""

    score: float | None  # None when no area has a score
    percent: int | None
    level: float | None
    level_name: str | None
    completeness: float
    answered: int
    total: int
    progress_to_target: float
    areas: list[AreaScore] = field(default_factory=list)
    to_verify: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)


def targets_for(questionnaire: Questionnaire, area_targets: Mapping[str, int] | None = None) -> dict[str, int]:
    """Target level of every area: the assessment's, else ``default_target``.

    Targets for area ids the questionnaire does not have are ignored; a target
    off the scale is a programming error and raises ValueError.
    """
    area_targets = area_targets or {}
    targets = {}
    for area in questionnaire.areas:
        target = area_targets.get(area.id, questionnaire.default_target)
        if not questionnaire.lo <= target <= questionnaire.hi:
            raise ValueError(f"target {target!r} of area {area.id!r} is off the scale")
        targets[area.id] = target
    return targets


def scored_level(questionnaire: Questionnaire, answer: Answer | None) -> int | None:
    """Level an answer scores at: its choice, ``lo`` for Not sure, else None."""
    if answer is None or answer.kind == NOT_APPLICABLE:
        return None
    if answer.kind == NOT_SURE:
        return questionnaire.lo
    if answer.kind == CHOICE:
        level = answer.level
        if level is None or not questionnaire.lo <= level <= questionnaire.hi:
            raise ValueError(f"choice level {level!r} is off the scale")
        return level
    return None  # UNANSWERED, should a caller pass one: same as absent


def _figures(questionnaire: Questionnaire, score: float | None, answered: int, total: int) -> dict[str, Any]:
    """What an area's and the overall score both carry: the score as shown, and how complete the answers are."""
    return {
        "score": score,
        "percent": display_percent(score),
        "level": display_level(questionnaire, score),
        "level_name": level_name_for(questionnaire, score),
        "completeness": answered / total if total else 1.0,
        "answered": answered,
        "total": total,
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _progress(gap: float, span: float) -> float:
    # 1 when there is nothing to close, including when no question is scored
    # or the target is the lowest level (span 0).
    if gap <= 0 or span <= 0:
        return 1.0
    return 1 - gap / span


def score_assessment(
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer],
    area_targets: Mapping[str, int] | None = None,
    *,
    profile: ProfileAnswers | None = None,
) -> AssessmentScore:
    """Every figure of docs/questionnaire-format.md, section 3, for one assessment's answers.

    `profile` holds the answers to a format 2 profile (none: every profile
    question unanswered). A question out of scope is scored as Not applicable
    whatever its stored answer, and left out of both completeness counts.
    """
    lo, hi = questionnaire.lo, questionnaire.hi
    targets = targets_for(questionnaire, area_targets)
    out_of_scope = out_of_scope_keys(questionnaire, team_tags(questionnaire, profile))
    areas = []
    # Overall sums: area scores weighted by w_a, and the progress sums of all
    # areas with each term also times w_a.
    weighted_scores = area_weights = all_gap = all_span = 0.0
    for area in questionnaire.areas:
        target = targets[area.id]
        weighted = weights = gap = span = 0.0
        answered = 0
        to_verify, unanswered, not_asked = [], [], []
        for question in area.questions:
            if question.id in out_of_scope:
                not_asked.append(question.id)
                continue
            answer = answers.get(question.id)
            if answer is None or answer.kind not in (CHOICE, NOT_APPLICABLE, NOT_SURE):
                unanswered.append(question.id)
                continue
            answered += 1
            if answer.kind == NOT_SURE:
                to_verify.append(question.id)
            level = scored_level(questionnaire, answer)
            if level is None:
                continue
            weighted += question.weight * (level - lo) / (hi - lo)
            weights += question.weight
            gap += question.weight * max(0, target - level)
            span += question.weight * (target - lo)
        score = _ratio(weighted, weights)
        total = len(area.questions) - len(not_asked)
        areas.append(
            AreaScore(
                area_key=area.id,
                title=area.title,
                weight=area.weight,
                **_figures(questionnaire, score, answered, total),
                target=target,
                progress_to_target=_progress(gap, span),
                to_verify=to_verify,
                unanswered=unanswered,
                out_of_scope=not_asked,
            )
        )
        if score is not None:
            weighted_scores += area.weight * score
            area_weights += area.weight
        all_gap += area.weight * gap
        all_span += area.weight * span

    overall = _ratio(weighted_scores, area_weights)
    answered = sum(a.answered for a in areas)
    total = sum(a.total for a in areas)
    return AssessmentScore(
        **_figures(questionnaire, overall, answered, total),
        progress_to_target=_progress(all_gap, all_span),
        areas=areas,
        to_verify=[q for a in areas for q in a.to_verify],
        unanswered=[q for a in areas for q in a.unanswered],
        out_of_scope=[q for a in areas for q in a.out_of_scope],
    )
