"""The roadmap of one assessment: next steps, foundations first.

The rules are those of docs/questionnaire-format.md, section 4. Pure
functions over the dataclasses of ``model.py``, in the order a reader would
follow them:

1. ``roadmap_steps``: every step, one question raised by one choice level;
2. ``ranked_steps``: sorted by stage, duty or foundation, weight, gap, effort, position;
3. ``placed_steps``: taken in that order, each once it is ready (the step
   below it placed, the capabilities it needs in place);
4. ``roadmap_items``: the phases (Now, Next, Later) of the team-owned steps,
   by count or by effort budget, and the items, the steps of one question
   within one phase; agency-owned steps (format 2) become items of their own.

``roadmap_for`` runs them all; ``verify_first`` lists the Not sure answers.
Format 2's profile (``profile.py``) is an input: a question out of scope is
taken as answered Not applicable, whatever is stored for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cmp_to_key

from .model import (
    EFFORT_POINTS,
    NOT_APPLICABLE,
    NOT_SURE,
    OWNER_AGENCY,
    Answer,
    Need,
    PhaseBudget,
    PhaseSizes,
    Question,
    Questionnaire,
)
from .profile import ProfileAnswers, is_duty, out_of_scope_keys, team_tags
from .scoring import TOLERANCE, scored_level, targets_for

NOW, NEXT, LATER = "now", "next", "later"
PHASES = (NOW, NEXT, LATER)
AGENCY = "agency"  # the "phase" of an agency-wide item: it is in none of the team's phases
NO_PRACTICE_EFFORT = EFFORT_POINTS["medium"]  # effort points of a step without practices
_EFFORT_BY_POINTS = {points: name for name, points in EFFORT_POINTS.items()}


@dataclass(frozen=True)
class Step:
    """Raise one question from `from_level` to the choice at `level`."""

    question_key: str
    area_key: str
    from_level: int
    level: int  # the choice reached: its text is the definition of done
    stage: int
    foundation: bool
    weight: float  # area weight times question weight
    behind: int  # target minus the answered level (Not sure: lo)
    effort_points: int  # highest among its practices; 2 without practices
    practices: tuple[str, ...]
    needs: tuple[Need, ...]
    area_position: int
    question_position: int
    not_sure: bool = False  # the question is answered Not sure
    duty: bool = False  # format 2: the question's foundation_when holds for the team
    agency: bool = False  # format 2: the question is owned by the agency (owner: agency)

    @property
    def foundation_rank(self) -> int:
        """Key 2 of the order: duties (0), then foundations (1), then the others (2)."""
        return 0 if self.duty else 1 if self.foundation else 2


@dataclass(frozen=True)
class RoadmapItem:
    """The steps of one question within one phase, shown and exported as one."""

    position: int  # from 1, in roadmap order
    question_key: str
    area_key: str
    phase: str  # NOW | NEXT | LATER; AGENCY for an agency-wide item
    from_level: int  # lo when the question is answered Not sure
    to_level: int
    steps: tuple[int, ...]  # the choice levels reached, lowest first
    practices: tuple[str, ...]  # in order of first appearance, each once
    effort: str | None  # highest among the practices; None without practices
    needs: tuple[Need, ...] = ()  # needs the answers do not meet yet
    not_sure: bool = False  # starts from a Not sure answer

    @property
    def step_count(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class Roadmap:
    items: tuple[RoadmapItem, ...]  # the team's items, Now, Next and Later
    to_verify: tuple[str, ...]  # question keys answered Not sure, file order
    step_count: int  # the team-owned steps
    phase_sizes: PhaseSizes
    phase_budget: PhaseBudget = field(default_factory=PhaseBudget)
    agency_items: tuple[RoadmapItem, ...] = ()  # format 2: the agency-wide steps, numbered from 1

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[RoadmapItem]:
        return iter(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def in_phase(self, phase: str) -> list[RoadmapItem]:
        return [item for item in self.items if item.phase == phase]

    def steps_in(self, phase: str) -> int:
        return sum(item.step_count for item in self.items if item.phase == phase)


# --- 1. Steps -----------------------------------------------------------------


def step_levels(choice_levels: list[int], level: int, target: int) -> list[int]:
    """The choice levels a question at `level` goes through to reach `target`.

    Those above `level`, lowest first, up to the first that reaches the target
    (all of them when none does); none when `level` is at the target already.
    """
    if level >= target:
        return []
    levels = []
    for choice_level in sorted(choice_levels):
        if choice_level > level:
            levels.append(choice_level)
            if choice_level >= target:
                break
    return levels


def roadmap_steps(
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer],
    targets: Mapping[str, int],
    tags: frozenset[str] = frozenset(),
) -> list[Step]:
    """Every step of every question answered with a choice or Not sure, in file order.

    `tags` are the team's (profile.team_tags): they decide which questions are duties.
    """
    practices = questionnaire.practices_by_key
    steps = []
    for area_position, area in enumerate(questionnaire.areas):
        target = targets[area.id]
        for question_position, question in enumerate(area.questions):
            answer = answers.get(question.id)
            level = scored_level(questionnaire, answer)
            if level is None:
                continue
            from_level = level
            for to_level in step_levels([c.level for c in question.choices], level, target):
                choice = question.choice_of_level(to_level)
                step_practices = tuple(dict.fromkeys(question.practices_for(choice)))
                steps.append(
                    Step(
                        question_key=question.id,
                        area_key=area.id,
                        from_level=from_level,
                        level=to_level,
                        stage=choice.roadmap_stage,
                        foundation=question.foundation,
                        weight=area.weight * question.weight,
                        behind=target - level,
                        effort_points=max(
                            (EFFORT_POINTS[practices[p].effort] for p in step_practices if p in practices),
                            default=NO_PRACTICE_EFFORT,
                        ),
                        practices=step_practices,
                        needs=choice.needs,
                        area_position=area_position,
                        question_position=question_position,
                        not_sure=answer is not None and answer.kind == NOT_SURE,
                        duty=is_duty(question, tags),
                        agency=question.owner == OWNER_AGENCY,
                    )
                )
                from_level = to_level
    return steps


# --- 2. Rank ------------------------------------------------------------------


def _compare_steps(a: Step, b: Step) -> int:
    """Stage, duties then foundations first, heavier, further behind, less effort, position, level."""
    if a.stage != b.stage:
        return -1 if a.stage < b.stage else 1
    if a.foundation_rank != b.foundation_rank:
        return -1 if a.foundation_rank < b.foundation_rank else 1
    if abs(a.weight - b.weight) > TOLERANCE:  # weights within 1e-9 are equal
        return -1 if a.weight > b.weight else 1
    rest_a = (-a.behind, a.effort_points, a.area_position, a.question_position, a.level)
    rest_b = (-b.behind, b.effort_points, b.area_position, b.question_position, b.level)
    return (rest_a > rest_b) - (rest_a < rest_b)


def ranked_steps(steps: list[Step]) -> list[Step]:
    return sorted(steps, key=cmp_to_key(_compare_steps))


# --- 3. Place -----------------------------------------------------------------


def placed_steps(ranked: list[Step], levels: Mapping[str, int]) -> list[Step]:
    """Repeatedly take the first ranked step that is ready.

    `levels` holds the answered level (Not sure: lo) of every question answered
    with a choice or Not sure. A step is ready when the step below it on the
    same question is placed and each of its needs is met: the needed question
    is not answered with a choice or Not sure, or is at the level already, or
    every step of it starting below that level is placed.
    """
    # The steps of one question are placed lowest first, so the unplaced ones
    # are always its last few: the from level of the next one says enough.
    by_question: dict[str, list[Step]] = {}
    for step in sorted(ranked, key=lambda s: (s.question_key, s.level)):
        by_question.setdefault(step.question_key, []).append(step)
    next_index = dict.fromkeys(by_question, 0)

    def next_from(question_key: str) -> int | None:
        steps = by_question.get(question_key, ())
        index = next_index.get(question_key, 0)
        return steps[index].from_level if index < len(steps) else None

    def need_met(need: Need) -> bool:
        if need.question_key not in levels or levels[need.question_key] >= need.level:
            return True
        pending = next_from(need.question_key)
        return pending is None or pending >= need.level

    def ready(step: Step) -> bool:
        return next_from(step.question_key) == step.from_level and all(need_met(n) for n in step.needs)

    remaining, placed = list(ranked), []
    while remaining:
        # The loader refuses cycles among (question, level) pairs, so some step is
        # always ready; remaining[0] only guards content built around the loader.
        index = next((i for i, step in enumerate(remaining) if ready(step)), 0)
        step = remaining.pop(index)
        next_index[step.question_key] += 1
        placed.append(step)
    return placed


# --- 4. Phases and items ------------------------------------------------------


def phase_of(position: int, sizes: PhaseSizes) -> str:
    """Phase of the step at `position` (from 0) in placement order."""
    if position < sizes.now:
        return NOW
    if position < sizes.now + sizes.next:
        return NEXT
    return LATER


def step_phases(steps: list[Step], sizes: PhaseSizes, budget: PhaseBudget | None = None) -> list[str]:
    """The phase of each of `steps` (team-owned, in placement order).

    A phase with a budget takes steps while their points (effort_points) add up
    to at most the budget; the first step that does not fit closes it, and it
    holds at least one step when steps remain. A phase without a budget takes
    its size in steps. The rest are Later.
    """
    budget = budget or PhaseBudget()
    phases: list[str] = []
    start = 0
    for phase, size, points in ((NOW, sizes.now, budget.now), (NEXT, sizes.next, budget.next)):
        end = start
        if points is None:
            end = min(start + size, len(steps))
        else:
            spent = 0
            while end < len(steps) and (end == start or spent + steps[end].effort_points <= points):
                spent += steps[end].effort_points
                end += 1
        phases += [phase] * (end - start)
        start = end
    return phases + [LATER] * (len(steps) - start)


def _unmet_needs(steps: list[Step], levels: Mapping[str, int]) -> tuple[Need, ...]:
    """The needs of `steps` that the answers do not meet: one per question, its highest level."""
    highest: dict[str, int] = {}
    for step in steps:
        for need in step.needs:
            if need.question_key in levels and levels[need.question_key] < need.level:
                highest[need.question_key] = max(highest.get(need.question_key, need.level), need.level)
    return tuple(Need(question_key, level) for question_key, level in highest.items())


def roadmap_items(questionnaire: Questionnaire, placed: list[Step], levels: Mapping[str, int]) -> list[RoadmapItem]:
    """The team-owned steps of one question within one phase as one item, at its first step's position."""
    team_steps = [step for step in placed if not step.agency]
    phases = step_phases(team_steps, questionnaire.phase_sizes, questionnaire.phase_budget)
    return _items(questionnaire, zip(phases, team_steps, strict=True), levels)


def agency_items(questionnaire: Questionnaire, placed: list[Step], levels: Mapping[str, int]) -> list[RoadmapItem]:
    """The agency-owned steps (format 2): one item per question, numbered from 1 in placement order."""
    return _items(questionnaire, ((AGENCY, step) for step in placed if step.agency), levels)


def _items(
    questionnaire: Questionnaire, phased: Iterable[tuple[str, Step]], levels: Mapping[str, int]
) -> list[RoadmapItem]:
    groups: dict[tuple[str, str], list[Step]] = {}
    for phase, step in phased:
        groups.setdefault((phase, step.question_key), []).append(step)
    items = []
    for number, ((phase, question_key), steps) in enumerate(groups.items(), 1):
        practices = tuple(dict.fromkeys(p for step in steps for p in step.practices))
        known = [p for p in practices if p in questionnaire.practices_by_key]
        effort_points = max((EFFORT_POINTS[questionnaire.practice(p).effort] for p in known), default=None)
        items.append(
            RoadmapItem(
                position=number,
                question_key=question_key,
                area_key=steps[0].area_key,
                phase=phase,
                from_level=steps[0].from_level,
                to_level=steps[-1].level,
                steps=tuple(step.level for step in steps),
                practices=practices,
                effort=None if effort_points is None else _EFFORT_BY_POINTS[effort_points],
                needs=_unmet_needs(steps, levels),
                not_sure=steps[0].not_sure and steps[0].from_level == questionnaire.lo,
            )
        )
    return items


def step_points(questionnaire: Questionnaire, question: Question, level: int) -> int:
    """The effort points of the step that reaches `level`: its practices' highest effort, 2 without any."""
    practices = questionnaire.practices_by_key
    keys = question.practices_for(question.choice_of_level(level))
    return max((EFFORT_POINTS[practices[p].effort] for p in keys if p in practices), default=NO_PRACTICE_EFFORT)


def phase_points(questionnaire: Questionnaire, roadmap: Roadmap, phase: str) -> int:
    """The effort points of the steps of one phase (what a phase_budget counts)."""
    questions = {question.id: question for _, question in questionnaire.questions()}
    return sum(
        step_points(questionnaire, questions[item.question_key], level)
        for item in roadmap.in_phase(phase)
        for level in item.steps
    )


# --- All together ------------------------------------------------------------


def scoped_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], profile: ProfileAnswers | None = None
) -> dict[str, Answer]:
    """The answers the roadmap works from: each question out of scope as Not applicable.

    The stored answers are left as they are; only what scoring and the roadmap see changes.
    """
    out_of_scope = out_of_scope_keys(questionnaire, team_tags(questionnaire, profile))
    scoped = dict(answers)
    for question_key in out_of_scope:
        scoped[question_key] = Answer(NOT_APPLICABLE)
    return scoped


def answered_levels(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, int]:
    """The level of every question answered with a choice (its level) or Not sure (lo)."""
    levels = {}
    for _area, question in questionnaire.questions():
        level = scored_level(questionnaire, answers.get(question.id))
        if level is not None:
            levels[question.id] = level
    return levels


def verify_first(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], profile: ProfileAnswers | None = None
) -> list[str]:
    """Question keys answered Not sure and in scope, in file order: to check before acting on the roadmap."""
    answers = scoped_answers(questionnaire, answers, profile)
    return [
        question.id
        for _area, question in questionnaire.questions()
        if (answer := answers.get(question.id)) is not None and answer.kind == NOT_SURE
    ]


def roadmap_for(
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer],
    area_targets: Mapping[str, int] | None = None,
    *,
    profile: ProfileAnswers | None = None,
) -> Roadmap:
    """The steps from the answers to the targets, in order, grouped into items and phases.

    `profile` holds the answers to a format 2 profile (none: every profile
    question unanswered); a format 1 questionnaire has no profile.
    """
    targets = targets_for(questionnaire, area_targets)
    tags = team_tags(questionnaire, profile)
    answers = scoped_answers(questionnaire, answers, profile)
    levels = answered_levels(questionnaire, answers)
    placed = placed_steps(ranked_steps(roadmap_steps(questionnaire, answers, targets, tags)), levels)
    return Roadmap(
        items=tuple(roadmap_items(questionnaire, placed, levels)),
        to_verify=tuple(verify_first(questionnaire, answers)),
        step_count=sum(1 for step in placed if not step.agency),
        phase_sizes=questionnaire.phase_sizes,
        phase_budget=questionnaire.phase_budget,
        agency_items=tuple(agency_items(questionnaire, placed, levels)),
    )


__all__ = [
    "AGENCY",
    "LATER",
    "NEXT",
    "NOW",
    "PHASES",
    "Roadmap",
    "RoadmapItem",
    "Step",
    "agency_items",
    "answered_levels",
    "phase_of",
    "phase_points",
    "placed_steps",
    "ranked_steps",
    "roadmap_for",
    "roadmap_items",
    "roadmap_steps",
    "scoped_answers",
    "step_levels",
    "step_phases",
    "step_points",
    "verify_first",
]
