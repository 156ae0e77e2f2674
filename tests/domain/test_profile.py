"""Format 2's rules on examples worked by hand: the team's tags, scope, duties, agency steps, effort budgets.

Scale 1..5, default target 4, weights 1, every level a choice (builders.py).
A step (q, L) raises question q to its choice at level L. The profile
question "ai" gives `genai` for "yes" and nothing for "no"; "impact" gives
`high-impact` for "yes".
"""

import pytest

from assessment.domain.model import NOT_APPLICABLE, Answer, Need, PhaseBudget, PhaseSizes
from assessment.domain.profile import in_scope, out_of_scope_keys, team_tags
from assessment.domain.roadmap import (
    AGENCY,
    LATER,
    NEXT,
    NOW,
    answered_levels,
    placed_steps,
    ranked_steps,
    roadmap_for,
    roadmap_steps,
    verify_first,
)
from assessment.domain.scoring import score_assessment, targets_for

from .builders import (
    NOT_SURE_ANSWER,
    area,
    chose,
    practice,
    profile_question,
    question,
    questionnaire,
)

AI = profile_question("ai", yes=["genai"], no=[])
IMPACT = profile_question("impact", yes=["high-impact"], no=[])
KINDS = profile_question("kinds", classic=["classic-ml"], generative=["genai"], both=["classic-ml", "genai"], none=[])


def summary(items):
    """Each item as (position, question, phase, from, to, steps)."""
    return [(i.position, i.question_key, i.phase, i.from_level, i.to_level, i.steps) for i in items]


# --- The team's tags ----------------------------------------------------------


def test_tags_are_the_union_of_the_answered_choices_tags():
    q = questionnaire(area("a", question("q1")), profile=[KINDS, IMPACT])

    assert team_tags(q, {"kinds": "generative", "impact": "yes"}) == {"genai", "high-impact"}
    assert team_tags(q, {"kinds": "both", "impact": "no"}) == {"classic-ml", "genai"}
    assert team_tags(q, {"kinds": "none", "impact": "no"}) == set()


def test_an_unanswered_profile_question_gives_all_its_choices_tags():
    q = questionnaire(area("a", question("q1")), profile=[KINDS, IMPACT])

    assert team_tags(q, {"kinds": "classic"}) == {"classic-ml", "high-impact"}
    assert team_tags(q, {"kinds": "classic", "impact": None}) == {"classic-ml", "high-impact"}
    assert team_tags(q, {"impact": "no"}) == {"classic-ml", "genai"}
    assert team_tags(q) == {"classic-ml", "genai", "high-impact"}


def test_an_answer_naming_no_choice_counts_as_unanswered():
    q = questionnaire(area("a", question("q1")), profile=[AI])

    assert team_tags(q, {"ai": "maybe"}) == {"genai"}


def test_a_format_1_questionnaire_has_no_tags_and_everything_in_scope():
    q = questionnaire(area("a", question("q1"), question("q2")))

    assert team_tags(q, {"ai": "yes"}) == set()
    assert out_of_scope_keys(q, team_tags(q)) == set()


# --- Scope ----------------------------------------------------------------------


def test_a_question_is_in_scope_when_its_areas_and_its_own_applies_when_both_hold():
    genai_only = question("g", applies_when=["genai"])
    impact_only = question("i", applies_when=["high-impact"])
    plain = question("p")
    genai_area = area("a", genai_only, impact_only, plain, applies_when=["genai"])

    assert [in_scope(genai_area, q, frozenset({"genai"})) for q in (genai_only, impact_only, plain)] == [
        True,
        False,
        True,
    ]
    assert [in_scope(genai_area, q, frozenset({"high-impact"})) for q in (genai_only, impact_only, plain)] == [
        False,
        False,
        False,
    ]
    assert in_scope(genai_area, impact_only, frozenset({"genai", "high-impact"}))


def test_applies_when_holds_when_the_tags_hold_at_least_one_of_its_tags():
    either = question("e", applies_when=["genai", "high-impact"])

    assert in_scope(area("a", either), either, frozenset({"high-impact"}))
    assert not in_scope(area("a", either), either, frozenset({"classic-ml"}))


@pytest.fixture
def scoped():
    """Area "a": q1 always, q2 only for generative AI, q3 always; area "g" only for generative AI."""
    return questionnaire(
        area("a", question("q1"), question("q2", applies_when=["genai"]), question("q3")),
        area("g", question("g1"), question("g2"), applies_when=["genai"]),
        profile=[AI],
    )


def test_out_of_scope_answers_are_scored_as_not_applicable(scoped):
    # q1 at 5 scores 1.0; q2 (stored at 1, out of scope) counts as Not applicable, so area a is 1.0, not 0.5.
    answers = {"q1": chose(5), "q2": chose(1), "g1": chose(1), "g2": chose(3)}

    result = score_assessment(scoped, answers, profile={"ai": "no"})
    as_if_not_applicable = score_assessment(
        scoped,
        {"q1": chose(5), "q2": Answer(NOT_APPLICABLE), "g1": Answer(NOT_APPLICABLE), "g2": Answer(NOT_APPLICABLE)},
    )

    area_a, area_g = result.areas
    assert area_a.score == 1.0
    assert area_g.score is None
    assert result.score == 1.0  # area g has no score, so only area a counts
    assert (result.score, area_a.progress_to_target) == (as_if_not_applicable.score, 1.0)
    assert area_a.out_of_scope == ["q2"]
    assert result.out_of_scope == ["q2", "g1", "g2"]


def test_out_of_scope_questions_are_left_out_of_both_completeness_counts(scoped):
    # Area a for a team without generative AI: q1 answered, q3 not, q2 not asked: 1 of 2.
    answers = {"q1": chose(2), "q2": chose(4)}

    result = score_assessment(scoped, answers, profile={"ai": "no"})

    area_a, area_g = result.areas
    assert (area_a.answered, area_a.total, area_a.completeness) == (1, 2, 0.5)
    assert area_a.unanswered == ["q3"]
    # Area g has nothing in scope: completeness 1, no score.
    assert (area_g.answered, area_g.total, area_g.completeness, area_g.score) == (0, 0, 1.0, None)
    assert area_g.unanswered == []
    assert (result.answered, result.total, result.completeness) == (1, 2, 0.5)


def test_progress_leaves_out_of_scope_answers_out(scoped):
    # In scope, q1 at 2 and q3 at 4 against target 4: shortfall 2 of a distance 3 + 3, progress 1 - 2/6.
    answers = {"q1": chose(2), "q2": chose(1), "q3": chose(4)}

    area_a = score_assessment(scoped, answers, profile={"ai": "no"}).areas[0]

    assert area_a.progress_to_target == pytest.approx(1 - 2 / 6)


def test_scope_is_an_input_not_a_filter_on_the_stored_answers(scoped):
    answers = {"q1": chose(5), "q2": chose(1)}

    without = score_assessment(scoped, answers, profile={"ai": "no"}).areas[0]
    back_in_scope = score_assessment(scoped, answers, profile={"ai": "yes"}).areas[0]

    assert answers == {"q1": chose(5), "q2": chose(1)}
    assert without.score == 1.0
    assert back_in_scope.score == 0.5  # (1.0 + 0.0) / 2: the stored answer counts again
    assert (back_in_scope.answered, back_in_scope.total) == (2, 3)


def test_an_unanswered_profile_question_keeps_its_questions_in_scope(scoped):
    result = score_assessment(scoped, {"q2": chose(3)}, profile={})

    assert result.out_of_scope == []
    assert result.total == 5
    assert result.areas[0].score == 0.5


def test_out_of_scope_questions_have_no_steps_and_are_not_to_verify(scoped):
    answers = {"q1": chose(3), "q2": NOT_SURE_ANSWER, "g1": chose(1), "q3": NOT_SURE_ANSWER}

    roadmap = roadmap_for(scoped, answers, profile={"ai": "no"})

    # q1 3 -> 4; q3 Not sure: 1 -> 2, 3, 4 (q2, g1 are out of scope).
    assert sorted({item.question_key for item in roadmap.items}) == ["q1", "q3"]
    assert roadmap.step_count == 4
    assert roadmap.to_verify == ("q3",)
    assert verify_first(scoped, answers, {"ai": "no"}) == ["q3"]
    assert verify_first(scoped, answers, {"ai": "yes"}) == ["q2", "q3"]


def test_a_need_on_an_out_of_scope_question_is_met():
    # t at 3 (weight 2, so ranked first at stage 4) needs g at 4; g is stored at 1 and applies to generative AI only.
    q = questionnaire(
        area(
            "a",
            question("g", applies_when=["genai"]),
            question("t", weight=2, roadmap={4: {"needs": [("g", 4)]}}),
            question("u"),
        ),
        profile=[AI],
    )
    answers = {"g": chose(1), "t": chose(3), "u": chose(3)}

    in_scope_roadmap = roadmap_for(q, answers, profile={"ai": "yes"})
    out_roadmap = roadmap_for(q, answers, profile={"ai": "no"})

    # In scope: t 4 waits for g 2, 3, 4, and says it needs g at 4.
    assert [item.question_key for item in in_scope_roadmap.items] == ["g", "t", "u"]
    assert in_scope_roadmap.items[1].needs == (Need("g", 4),)
    # Out of scope: g has no steps and t 4 needs nothing.
    assert summary(out_roadmap.items) == [(1, "t", NOW, 3, 4, (4,)), (2, "u", NOW, 3, 4, (4,))]
    assert out_roadmap.items[0].needs == ()


# --- foundation_when: duties, then foundations, then the rest -----------------------


@pytest.fixture
def duties():
    """Three questions at 3 (one step each, to 4, stage 4): plain, a foundation, a duty for generative AI."""
    return questionnaire(
        area(
            "a",
            question("plain"),
            question("found", foundation=True),
            question("duty", foundation_when=["genai"]),
        ),
        profile=[AI],
    )


def test_duties_rank_before_foundations_and_foundations_before_the_rest(duties):
    answers = {"plain": chose(3), "found": chose(3), "duty": chose(3)}

    roadmap = roadmap_for(duties, answers, profile={"ai": "yes"})

    assert [item.question_key for item in roadmap.items] == ["duty", "found", "plain"]


def test_a_question_whose_foundation_when_fails_ranks_with_the_rest(duties):
    answers = {"plain": chose(3), "found": chose(3), "duty": chose(3)}

    roadmap = roadmap_for(duties, answers, profile={"ai": "no"})

    # The foundation first, then plain and duty in file order.
    assert [item.question_key for item in roadmap.items] == ["found", "plain", "duty"]


def test_an_unanswered_profile_question_makes_the_duty_a_duty(duties):
    answers = {"plain": chose(3), "found": chose(3), "duty": chose(3)}

    assert [item.question_key for item in roadmap_for(duties, answers)] == ["duty", "found", "plain"]


def test_a_duty_keeps_its_stage():
    # duty at 2 has steps to 3 (stage 3) and 4 (stage 4); plain at 1 has steps to 2, 3, 4.
    # Stage 2: plain 2. Stage 3: duty 3 before plain 3. Stage 4: duty 4 before plain 4.
    q = questionnaire(area("a", question("plain"), question("duty", foundation_when=["genai"])), profile=[AI])
    answers = {"plain": chose(1), "duty": chose(2)}
    tags = team_tags(q, {"ai": "yes"})

    steps = placed_steps(ranked_steps(roadmap_steps(q, answers, targets_for(q), tags)), answered_levels(q, answers))

    assert [(step.question_key, step.level) for step in steps] == [
        ("plain", 2),
        ("duty", 3),
        ("plain", 3),
        ("duty", 4),
        ("plain", 4),
    ]


# --- Agency-owned questions -------------------------------------------------------


@pytest.fixture
def agency():
    """At 3 each, one step to 4: "inventory" is the agency's and a foundation (ranked first), t1 and t2 the team's."""
    return questionnaire(
        area("a", question("inventory", owner="agency", foundation=True), question("t1"), question("t2")),
        phase_sizes=PhaseSizes(now=1, next=1),
        profile=[AI],
    )


def test_phases_count_team_owned_steps_only(agency):
    answers = {"inventory": chose(3), "t1": chose(3), "t2": chose(3)}

    roadmap = roadmap_for(agency, answers)

    # Placed: inventory 4, t1 4, t2 4. Among the team's steps t1 is first (Now) and t2 second (Next).
    assert summary(roadmap.items) == [(1, "t1", NOW, 3, 4, (4,)), (2, "t2", NEXT, 3, 4, (4,))]
    assert roadmap.step_count == 2
    assert roadmap.steps_in(NOW) == 1


def test_agency_steps_are_items_of_their_own_numbered_from_1_in_placement_order():
    # inventory at 1: steps 2, 3, 4; policy at 3: step 4, placed after inventory 4 (less far behind).
    q = questionnaire(
        area(
            "a",
            question("policy", owner="agency"),
            question("inventory", owner="agency"),
            question("t", roadmap={3: {"needs": [("inventory", 3)]}}),
        ),
        phase_sizes=PhaseSizes(now=1, next=1),
        profile=[AI],
    )
    answers = {"policy": chose(3), "inventory": chose(1), "t": chose(2)}

    roadmap = roadmap_for(q, answers)

    assert summary(roadmap.agency_items) == [
        (1, "inventory", AGENCY, 1, 4, (2, 3, 4)),
        (2, "policy", AGENCY, 3, 4, (4,)),
    ]
    # The team's t 3 waits for inventory 3 as before, and says it needs it; its phases are the team's own.
    assert summary(roadmap.items) == [(1, "t", NOW, 2, 3, (3,)), (2, "t", NEXT, 3, 4, (4,))]
    assert roadmap.items[0].needs == (Need("inventory", 3),)


def test_a_format_1_questionnaire_has_no_agency_items():
    q = questionnaire(area("a", question("inventory", foundation=True), question("t1"), question("t2")))

    roadmap = roadmap_for(q, {"inventory": chose(3), "t1": chose(3), "t2": chose(3)})

    assert roadmap.agency_items == ()
    assert [item.question_key for item in roadmap.items] == ["inventory", "t1", "t2"]


# --- Phases sized by effort -----------------------------------------------------------


@pytest.fixture
def efforts():
    """Placed in this order by weight, one step each (3 -> 4): q1 low (1 point), q2 high (3), q3 low (1), q4 none (2)."""
    return questionnaire(
        area(
            "a",
            question("q1", weight=4, practices=["cheap"]),
            question("q2", weight=3, practices=["costly"]),
            question("q3", weight=2, practices=["cheap"]),
            question("q4", weight=1),
        ),
        practices=[practice("cheap", effort="low"), practice("costly", effort="high")],
    )


ALL_AT_3 = {"q1": chose(3), "q2": chose(3), "q3": chose(3), "q4": chose(3)}


def phases(q, budget, sizes=None):
    q = questionnaire(*q.areas, practices=q.practices, phase_budget=budget, phase_sizes=sizes)
    return [(item.question_key, item.phase) for item in roadmap_for(q, ALL_AT_3)]


def test_the_first_step_that_does_not_fit_closes_now(efforts):
    # Now 3: q1 (1) fits; q2 would make 4, so Now closes; q3 (1) would fit but does not jump ahead.
    assert phases(efforts, PhaseBudget(now=3)) == [("q1", NOW), ("q2", NEXT), ("q3", NEXT), ("q4", NEXT)]


def test_a_step_that_fills_the_budget_exactly_fits(efforts):
    # Now 4: q1 + q2 = 4 fits; q3 would make 5.
    assert phases(efforts, PhaseBudget(now=4)) == [("q1", NOW), ("q2", NOW), ("q3", NEXT), ("q4", NEXT)]


def test_a_phase_with_a_budget_holds_at_least_one_step():
    # q2 (high, 3 points) is placed first and is bigger than the budget of 2: Now holds it alone.
    q = questionnaire(
        area("a", question("q2", weight=2, practices=["costly"]), question("q3", practices=["cheap"])),
        practices=[practice("cheap", effort="low"), practice("costly", effort="high")],
        phase_budget=PhaseBudget(now=2, next=1),
    )

    roadmap = roadmap_for(q, {"q2": chose(3), "q3": chose(3)})

    assert [(item.question_key, item.phase) for item in roadmap.items] == [("q2", NOW), ("q3", NEXT)]


def test_next_is_filled_from_where_now_closed(efforts):
    # Now 1 step (phase_sizes): q1. Next 2 points: q2 alone (3, bigger, but the first of Next); q3 is Later.
    assert phases(efforts, PhaseBudget(next=2), PhaseSizes(now=1)) == [
        ("q1", NOW),
        ("q2", NEXT),
        ("q3", LATER),
        ("q4", LATER),
    ]


def test_a_step_without_practices_counts_two_points(efforts):
    # Now 5: q1 + q2 = 4, q3 makes 5; Next 1: q4 (2 points) alone; Later is empty.
    assert phases(efforts, PhaseBudget(now=5, next=1)) == [("q1", NOW), ("q2", NOW), ("q3", NOW), ("q4", NEXT)]


def test_later_may_be_empty(efforts):
    assert phases(efforts, PhaseBudget(now=10, next=10)) == [("q1", NOW), ("q2", NOW), ("q3", NOW), ("q4", NOW)]


def test_agency_steps_spend_no_budget():
    # a (agency, high) is placed first; the team's budget of 3 takes t1 (low) and t2 (medium, no practices).
    q = questionnaire(
        area(
            "a",
            question("a", weight=3, practices=["costly"], owner="agency"),
            question("t1", weight=2, practices=["cheap"]),
            question("t2"),
        ),
        practices=[practice("cheap", effort="low"), practice("costly", effort="high")],
        phase_budget=PhaseBudget(now=3),
    )

    roadmap = roadmap_for(q, {"a": chose(3), "t1": chose(3), "t2": chose(3)})

    assert [(item.question_key, item.phase) for item in roadmap.items] == [("t1", NOW), ("t2", NOW)]
    assert [item.question_key for item in roadmap.agency_items] == ["a"]
