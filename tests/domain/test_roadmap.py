"""The roadmap (method 2: next steps, foundations first), on examples worked by hand.

Scale 1..5 unless said otherwise, default target 4, weights 1, practices of
medium effort. A step (q, L) raises question q to its choice at level L;
`placed` lists the steps as (question, L) in the order they are placed.
"""

import pytest

from assessment.domain.model import Need, PhaseSizes
from assessment.domain.roadmap import (
    LATER,
    NEXT,
    NOW,
    answered_levels,
    phase_of,
    placed_steps,
    ranked_steps,
    roadmap_for,
    roadmap_steps,
    step_levels,
)
from assessment.domain.scoring import targets_for

from .builders import (
    NOT_APPLICABLE_ANSWER,
    NOT_SURE_ANSWER,
    area,
    chose,
    practice,
    question,
    questionnaire,
)


def placed(q, answers, area_targets=None):
    targets = targets_for(q, area_targets)
    steps = placed_steps(ranked_steps(roadmap_steps(q, answers, targets)), answered_levels(q, answers))
    return [(step.question_key, step.level) for step in steps]


def summary(roadmap):
    """Each item as (position, question, phase, from, to, steps)."""
    return [
        (item.position, item.question_key, item.phase, item.from_level, item.to_level, item.steps)
        for item in roadmap.items
    ]


# --- Which steps --------------------------------------------------------------


@pytest.mark.parametrize(
    "choices, level, target, steps",
    [
        ([1, 2, 3, 4, 5], 1, 4, [2, 3, 4]),
        ([1, 2, 3, 4, 5], 3, 4, [4]),
        ([1, 2, 3, 4, 5], 4, 4, []),  # at target: nothing to do
        ([1, 2, 3, 4, 5], 5, 4, []),  # above target
        ([1, 3, 5], 1, 4, [3, 5]),  # holes: 3 is short of 4, 5 is the first to reach it
        ([1, 3, 5], 3, 4, [5]),
        ([1, 3, 5], 1, 3, [3]),
        ([1, 2, 3], 1, 5, [2, 3]),  # no choice reaches the target: all above the level
        ([2, 3, 4, 5], 1, 4, [2, 3, 4]),  # Not sure (lo) below the lowest choice
    ],
)
def test_step_levels(choices, level, target, steps):
    assert step_levels(choices, level, target) == steps


def test_choice_levels_with_holes():
    q = questionnaire(area("a", question("q1", levels=[1, 3, 5]), question("q2", levels=[1, 3, 5])))
    # q1 at 1: steps 1 -> 3 (stage 3), 3 -> 5 (stage 5). q2 at 3: 3 -> 5 (stage 5).
    roadmap = roadmap_for(q, {"q1": chose(1), "q2": chose(3)})
    assert placed(q, {"q1": chose(1), "q2": chose(3)}) == [("q1", 3), ("q1", 5), ("q2", 5)]
    # q1's two steps are one item, from 1 straight to 5 in two steps of two levels.
    assert summary(roadmap) == [(1, "q1", NOW, 1, 5, (3, 5)), (2, "q2", NOW, 3, 5, (5,))]
    assert roadmap.step_count == 3


def test_questions_at_target_not_applicable_or_unanswered_have_no_steps():
    q = questionnaire(
        area("a", question("at"), question("above"), question("na", not_applicable=True), question("none")),
        area("b", question("raised")),
    )
    answers = {"at": chose(4), "above": chose(5), "na": NOT_APPLICABLE_ANSWER, "raised": chose(4)}
    assert roadmap_for(q, answers).items == ()
    # A target set on the assessment: area b at 5 gives "raised" one step.
    assert summary(roadmap_for(q, answers, {"b": 5})) == [(1, "raised", NOW, 4, 5, (5,))]


# --- Not sure -----------------------------------------------------------------


def test_not_sure_starts_at_the_lowest_level_and_is_to_verify_first():
    q = questionnaire(area("a", question("q1"), question("q2")), area("b", question("q3")))
    answers = {"q3": NOT_SURE_ANSWER, "q1": NOT_SURE_ANSWER, "q2": chose(2)}
    roadmap = roadmap_for(q, answers)
    assert roadmap.to_verify == ("q1", "q3")  # file order
    # q1 and q3 both from 1; q2 from 2. Stage 2: q1, q3 (position). Stage 3: q1 and
    # q3 (behind 3) before q2 (behind 2). Stage 4: same.
    assert placed(q, answers) == [
        ("q1", 2),
        ("q3", 2),
        ("q1", 3),
        ("q3", 3),
        ("q2", 3),
        ("q1", 4),
        ("q3", 4),
        ("q2", 4),
    ]
    first = roadmap.items[0]
    assert (first.question_key, first.from_level, first.not_sure) == ("q1", 1, True)
    assert [item.not_sure for item in roadmap.items] == [True, True, False]


def test_not_sure_on_a_question_whose_lowest_choice_is_above_lo():
    q = questionnaire(area("a", question("q", levels=[2, 3, 4, 5])))
    roadmap = roadmap_for(q, {"q": NOT_SURE_ANSWER})
    # Not sure counts as 1; the first step goes to the lowest choice, 2.
    assert summary(roadmap) == [(1, "q", NOW, 1, 4, (2, 3, 4))]
    assert roadmap.items[0].not_sure


def test_not_sure_with_the_lowest_target_is_only_to_verify():
    q = questionnaire(area("a", question("q")))
    roadmap = roadmap_for(q, {"q": NOT_SURE_ANSWER}, {"a": 1})
    assert roadmap.items == () and roadmap.to_verify == ("q",)


# --- Order --------------------------------------------------------------------


def test_lower_levels_first_then_foundations():
    q = questionnaire(area("a", question("q1"), question("q2", foundation=True)))
    # q1 at 1: -> 2 (stage 2), -> 3, -> 4; q2 (a foundation) at 2: -> 3, -> 4.
    # Stage 2: q1. Stage 3: q2 (foundation) before q1. Stage 4: the same.
    assert placed(q, {"q1": chose(1), "q2": chose(2)}) == [("q1", 2), ("q2", 3), ("q1", 3), ("q2", 4), ("q1", 4)]


def test_heavier_first_area_weight_times_question_weight():
    q = questionnaire(
        area("light", question("q1", weight=3)),  # 1 * 3 = 3
        area("heavy", question("q2", weight=2), weight=2),  # 2 * 2 = 4
    )
    assert placed(q, {"q1": chose(3), "q2": chose(3)}) == [("q2", 4), ("q1", 4)]


def test_weights_within_a_billionth_are_equal():
    q = questionnaire(
        area("first", question("q1", weight=0.3)),  # 0.3
        area("second", question("q2", weight=0.1), weight=3),  # 0.30000000000000004
    )
    # Equal, so file position decides (without the tolerance q2 would lead).
    assert placed(q, {"q1": chose(3), "q2": chose(3)}) == [("q1", 4), ("q2", 4)]


def test_further_behind_first():
    q = questionnaire(area("a", question("q1"), question("q2")))
    # Stage 3: q1 (at 2, 2 behind) and q2 (at 1, 3 behind): q2 first, although later in the file.
    assert placed(q, {"q1": chose(2), "q2": chose(1)}) == [("q2", 2), ("q2", 3), ("q1", 3), ("q2", 4), ("q1", 4)]


def test_less_effort_first_and_no_practice_counts_as_medium():
    q = questionnaire(
        area(
            "a",
            question("hard", practices=["big", "small"]),  # highest: high (3)
            question("none"),  # no practices: 2
            question("easy", practices=["small"]),  # low (1)
        ),
        practices=[practice("big", effort="high"), practice("small", effort="low")],
    )
    answers = {"hard": chose(3), "none": chose(3), "easy": chose(3)}
    assert placed(q, answers) == [("easy", 4), ("none", 4), ("hard", 4)]


def test_a_stage_brings_a_level_forward():
    def with_stage(stage):
        roadmap = {3: {"stage": stage}} if stage else None
        return questionnaire(area("a", question("q1"), question("q2", roadmap=roadmap)))

    answers = {"q1": chose(1), "q2": chose(2)}
    # Without: q2 -> 3 is stage 3, after q1 -> 3 (further behind).
    assert placed(with_stage(None), answers) == [("q1", 2), ("q1", 3), ("q2", 3), ("q1", 4), ("q2", 4)]
    # With stage 2 it ranks among the level-2 steps, after q1 -> 2 (further behind).
    assert placed(with_stage(2), answers) == [("q1", 2), ("q2", 3), ("q1", 3), ("q1", 4), ("q2", 4)]


# --- Needs --------------------------------------------------------------------


def needing(q2_answer, q2_target=4):
    """q1, a foundation at 1, whose level 2 needs q2 at level 3; q2 in area b."""
    q = questionnaire(
        area("a", question("q1", foundation=True, roadmap={2: {"needs": [("q2", 3)]}})),
        area("b", question("q2", not_applicable=True)),
    )
    answers = {"q1": chose(1)}
    if q2_answer is not None:
        answers["q2"] = q2_answer
    return q, answers, {"b": q2_target}


def test_a_step_waits_for_what_it_needs():
    q, answers, targets = needing(chose(1))
    # Ranked: (q1,2) (q2,2) (q1,3) (q2,3) (q1,4) (q2,4). (q1,2) needs q2 at 3, so it waits
    # until q2's steps from 1 and from 2 are placed; (q1,3) waits for (q1,2).
    assert placed(q, answers, targets) == [("q2", 2), ("q2", 3), ("q1", 2), ("q1", 3), ("q1", 4), ("q2", 4)]
    roadmap = roadmap_for(q, answers, targets)
    assert summary(roadmap) == [(1, "q2", NOW, 1, 4, (2, 3, 4)), (2, "q1", NOW, 1, 4, (2, 3, 4))]
    assert roadmap.items[1].needs == (Need("q2", 3),)
    assert roadmap.items[0].needs == ()


def test_a_need_already_met_by_the_answer_is_not_shown():
    q, answers, targets = needing(chose(3))
    assert placed(q, answers, targets) == [("q1", 2), ("q1", 3), ("q1", 4), ("q2", 4)]
    assert all(item.needs == () for item in roadmap_for(q, answers, targets).items)


@pytest.mark.parametrize("q2_answer", [NOT_APPLICABLE_ANSWER, None], ids=["not-applicable", "unanswered"])
def test_a_need_on_a_question_not_applicable_or_unanswered_is_met(q2_answer):
    q, answers, targets = needing(q2_answer)
    assert placed(q, answers, targets) == [("q1", 2), ("q1", 3), ("q1", 4)]
    roadmap = roadmap_for(q, answers, targets)
    assert summary(roadmap) == [(1, "q1", NOW, 1, 4, (2, 3, 4))]
    assert roadmap.items[0].needs == ()


def test_a_need_above_the_needed_questions_target():
    # q2's area has target 2, so its only step is 1 -> 2; the need (q2 at 3) is met
    # once that step is placed.
    q, answers, targets = needing(chose(1), q2_target=2)
    assert placed(q, answers, targets) == [("q2", 2), ("q1", 2), ("q1", 3), ("q1", 4)]
    roadmap = roadmap_for(q, answers, targets)
    assert roadmap.items[1].needs == (Need("q2", 3),)  # still shown: the answer is below 3


def test_a_need_above_the_target_of_a_question_at_its_target_is_met_at_once():
    q, answers, targets = needing(chose(2), q2_target=2)
    assert placed(q, answers, targets) == [("q1", 2), ("q1", 3), ("q1", 4)]
    assert roadmap_for(q, answers, targets).items[0].needs == (Need("q2", 3),)


# --- Phases and items --------------------------------------------------------


def test_default_phases_are_8_and_16_steps():
    q = questionnaire(area("a", *[question(f"q{n}") for n in range(10)]))
    roadmap = roadmap_for(q, {f"q{n}": chose(1) for n in range(10)})  # 3 steps each
    assert roadmap.step_count == 30
    assert (roadmap.steps_in(NOW), roadmap.steps_in(NEXT), roadmap.steps_in(LATER)) == (8, 16, 6)
    # Stage 2: the ten level-2 steps, q0..q9; the first 8 are Now.
    assert [item.question_key for item in roadmap.in_phase(NOW)] == [f"q{n}" for n in range(8)]


def test_custom_phase_sizes():
    q = questionnaire(
        area("a", *[question(f"q{n}") for n in range(1, 5)]),
        phase_sizes=PhaseSizes(now=1, next=2),
    )
    roadmap = roadmap_for(q, {f"q{n}": chose(3) for n in range(1, 5)})
    assert [(item.question_key, item.phase) for item in roadmap] == [
        ("q1", NOW),
        ("q2", NEXT),
        ("q3", NEXT),
        ("q4", LATER),
    ]
    assert [item.position for item in roadmap] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "position, phase",
    [(0, NOW), (2, NOW), (3, NEXT), (4, NEXT), (5, LATER), (40, LATER)],
)
def test_phase_of(position, phase):
    assert phase_of(position, PhaseSizes(now=3, next=2)) == phase


def test_a_question_split_across_the_now_next_boundary():
    q = questionnaire(area("a", question("q1"), question("q2")), phase_sizes=PhaseSizes(now=2, next=16))
    # Placed: (q1,2) (q2,2) | (q1,3) (q2,3) (q1,4) (q2,4). Now holds the first two.
    roadmap = roadmap_for(q, {"q1": chose(1), "q2": chose(1)})
    assert summary(roadmap) == [
        (1, "q1", NOW, 1, 2, (2,)),
        (2, "q2", NOW, 1, 2, (2,)),
        (3, "q1", NEXT, 2, 4, (3, 4)),
        (4, "q2", NEXT, 2, 4, (3, 4)),
    ]


def test_steps_of_one_question_within_a_phase_are_one_item_at_its_first_step():
    q = questionnaire(area("a", question("q1"), question("q2")))
    # Placed (q1,2) (q2,2) (q1,3) (q2,3): q1's steps are not next to each other,
    # still one item at the first one's position.
    assert placed(q, {"q1": chose(1), "q2": chose(1)}, {"a": 3}) == [("q1", 2), ("q2", 2), ("q1", 3), ("q2", 3)]
    roadmap = roadmap_for(q, {"q1": chose(1), "q2": chose(1)}, {"a": 3})
    assert summary(roadmap) == [(1, "q1", NOW, 1, 3, (2, 3)), (2, "q2", NOW, 1, 3, (2, 3))]


def test_item_practices_in_order_once_and_their_highest_effort():
    q = questionnaire(
        area(
            "a",
            question(
                "q",
                practices=["a", "b"],
                roadmap={3: {"practices": ["c", "a"]}, 4: {"practices": []}},  # [] replaces: none
            ),
        ),
        practices=[practice("a", effort="low"), practice("b"), practice("c", effort="high")],
    )
    roadmap = roadmap_for(q, {"q": chose(1)})
    (item,) = roadmap.items
    # Step 2: the question's a, b; step 3: c, a; step 4: none.
    assert item.practices == ("a", "b", "c")
    assert item.effort == "high"
    # From 3 only the step to 4, which has no practices: no effort shown.
    (item,) = roadmap_for(q, {"q": chose(3)}).items
    assert (item.practices, item.effort) == ((), None)
    # From 2: step 3 (c, a) and step 4: the highest is c's.
    (item,) = roadmap_for(q, {"q": chose(2)}).items
    assert (item.practices, item.effort) == (("c", "a"), "high")
