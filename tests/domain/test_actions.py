"""Measured progress of an action (assessment/domain/plan.py)."""

from assessment.domain.plan import (
    ACHIEVED,
    DONE_UNCONFIRMED,
    NOT_MEASURED,
    REGRESSED,
    Observation,
    action_progress,
)


def obs(*levels):
    return [Observation(f"A{i}", level) for i, level in enumerate(levels, 1)]


def test_it_is_not_measured_without_an_observation_at_the_target():
    assert action_progress(3, False, []).kind == NOT_MEASURED
    assert action_progress(3, False, obs(1, 2, None)).kind == NOT_MEASURED


def test_it_says_done_not_yet_reflected_when_the_team_marked_it_done():
    progress = action_progress(3, True, obs(2))
    assert progress.kind == DONE_UNCONFIRMED
    assert progress.words == "Done, not yet reflected in the answers"


def test_it_is_achieved_with_the_first_assessment_at_the_target():
    progress = action_progress(3, False, obs(2, 3, 4))
    assert (progress.kind, progress.assessment) == (ACHIEVED, "A2")
    # Done and confirmed: achieved wins over "not yet reflected".
    assert action_progress(3, True, obs(3)).kind == ACHIEVED


def test_it_regresses_when_a_later_assessment_slips_below_the_target():
    progress = action_progress(3, False, obs(3, 2))
    assert (progress.kind, progress.assessment) == (REGRESSED, "A2")


def test_it_is_achieved_again_after_a_regression_with_the_assessment_that_recovered():
    progress = action_progress(3, False, obs(3, 2, 3))
    assert (progress.kind, progress.assessment) == (ACHIEVED, "A3")


def test_an_assessment_without_a_level_for_the_question_changes_nothing():
    assert action_progress(3, False, obs(3, None)).kind == ACHIEVED
    assert action_progress(3, False, obs(3, 2, None)).kind == REGRESSED
