"""Scores (docs/questionnaire-format.md, section 3), on examples worked by hand.

The scale is 1..5 unless said otherwise: lo = 1, hi = 5, hi - lo = 4, so a
choice at level L scores (L - 1) / 4: 1 -> 0, 2 -> 0.25, 3 -> 0.5, 4 -> 0.75,
5 -> 1. The default target is 4.
"""

import pytest

from assessment.domain.model import UNANSWERED, Answer
from assessment.domain.scoring import (
    display_level,
    display_percent,
    level_name_for,
    round_half_up,
    score_assessment,
    targets_for,
)

from .builders import (
    NOT_APPLICABLE_ANSWER,
    NOT_SURE_ANSWER,
    area,
    chose,
    question,
    questionnaire,
)


def three_areas():
    # data (weight 2): d1 (weight 2), d2, d3 (may be N/A), d4
    # models (weight 1): m1, m2
    # ops (weight 3): o1 (may be N/A), o2
    return questionnaire(
        area(
            "data",
            question("d1", weight=2),
            question("d2"),
            question("d3", not_applicable=True),
            question("d4"),
            weight=2,
        ),
        area("models", question("m1"), question("m2")),
        area("ops", question("o1", not_applicable=True), question("o2"), weight=3),
    )


THREE_AREAS_ANSWERS = {
    "d1": chose(3),
    "d2": NOT_SURE_ANSWER,
    "d3": NOT_APPLICABLE_ANSWER,
    # d4 unanswered
    "m1": chose(5),
    "m2": chose(2),
    "o1": NOT_APPLICABLE_ANSWER,
    # o2 unanswered
}


@pytest.fixture
def result():
    return score_assessment(three_areas(), THREE_AREAS_ANSWERS, {"data": 5})


def test_area_score_weighs_questions_and_counts_not_sure_as_lowest_level(result):
    data = result.areas[0]
    # d1: 2 * 0.5; d2 (Not sure) scores as level 1: 1 * 0; d3 N/A and d4
    # unanswered take no part: (1 + 0) / (2 + 1) = 1/3
    assert data.area_key == "data"
    assert data.score == pytest.approx(1 / 3)
    assert data.percent == 33  # 33.33
    assert data.level == 2.3  # 1 + 4/3 = 2.333
    assert data.level_name == "Developing"  # floor(2.333) = 2


def test_area_counts_not_applicable_and_not_sure_as_answered(result):
    data = result.areas[0]
    # d1, d2, d3 answered; d4 not: 3 / 4
    assert (data.answered, data.total) == (3, 4)
    assert data.completeness == 0.75
    assert data.to_verify == ["d2"]
    assert data.unanswered == ["d4"]


def test_area_uses_the_target_set_on_the_assessment(result):
    data = result.areas[0]
    # target 5 (set on the assessment), scored: d1 level 3 weight 2, d2 level 1
    # gap  = 2 * (5 - 3) + 1 * (5 - 1) = 4 + 4 = 8
    # span = 2 * (5 - 1) + 1 * (5 - 1) = 8 + 4 = 12
    # progress = 1 - 8 / 12 = 1/3
    assert data.target == 5
    assert data.progress_to_target == pytest.approx(1 / 3)


def test_area_falls_back_to_the_default_target(result):
    models = result.areas[1]
    # m1 = 1, m2 = 0.25: (1 + 0.25) / 2 = 0.625 -> 62.5 % rounds half up to 63
    # level 1 + 0.625 * 4 = 3.5, "Defined"
    assert models.score == pytest.approx(0.625)
    assert models.percent == 63
    assert models.level == 3.5
    assert models.level_name == "Defined"
    assert models.completeness == 1.0
    # default target 4: gap = max(0, 4 - 5) + (4 - 2) = 0 + 2 = 2
    # span = (4 - 1) + (4 - 1) = 6; progress = 1 - 2/6 = 2/3
    assert models.target == 4
    assert models.progress_to_target == pytest.approx(2 / 3)


def test_area_without_a_scored_question_has_no_score(result):
    ops = result.areas[2]
    # o1 N/A, o2 unanswered: nothing scored, nothing to close
    assert ops.score is None
    assert ops.percent is None
    assert ops.level is None
    assert ops.level_name is None
    assert ops.completeness == 0.5
    assert ops.unanswered == ["o2"]
    assert ops.progress_to_target == 1.0


def test_overall_weighs_areas_with_a_score_only(result):
    # data 1/3 (weight 2), models 0.625 (weight 1), ops undefined (weight 3,
    # left out): (2 * 1/3 + 0.625) / 3 = (16/24 + 15/24) / 3 = 31/72 = 0.4306
    # percent 43.06 -> 43; level 1 + 4 * 31/72 = 2.722 -> 2.7, "Developing"
    assert result.score == pytest.approx(31 / 72)
    assert result.percent == 43
    assert result.level == 2.7
    assert result.level_name == "Developing"


def test_overall_completeness_and_lists(result):
    # answered: d1 d2 d3, m1 m2, o1 = 6 of 8
    assert (result.answered, result.total) == (6, 8)
    assert result.completeness == 0.75
    assert result.to_verify == ["d2"]
    assert result.unanswered == ["d4", "o2"]


def test_overall_progress_weighs_each_area_term(result):
    # gap  = 2 * 8 (data) + 1 * 2 (models) + 3 * 0 (ops) = 18
    # span = 2 * 12 + 1 * 6 + 3 * 0 = 30; progress = 1 - 18/30 = 0.4
    assert result.progress_to_target == pytest.approx(0.4)


def test_question_weights():
    q = questionnaire(area("a", question("heavy", weight=3), question("light")))
    result = score_assessment(q, {"heavy": chose(5), "light": chose(1)})
    # (3 * 1 + 1 * 0) / (3 + 1) = 0.75, not the unweighted 0.5
    assert result.areas[0].score == pytest.approx(0.75)
    assert result.percent == 75
    assert result.level == 4.0  # 1 + 0.75 * 4


def test_area_weights():
    q = questionnaire(area("strong", question("s"), weight=3), area("weak", question("w")))
    result = score_assessment(q, {"s": chose(5), "w": chose(1)})
    # (3 * 1 + 1 * 0) / (3 + 1) = 0.75
    assert result.score == pytest.approx(0.75)


def test_no_answers_at_all():
    result = score_assessment(three_areas(), {})
    assert result.score is None
    assert result.percent is None
    assert result.level_name is None
    assert result.completeness == 0.0
    assert result.progress_to_target == 1.0
    assert result.unanswered == ["d1", "d2", "d3", "d4", "m1", "m2", "o1", "o2"]


def test_an_unanswered_kind_counts_as_absent():
    q = questionnaire(area("a", question("q1"), question("q2")))
    result = score_assessment(q, {"q1": Answer(UNANSWERED), "q2": chose(3)})
    assert result.unanswered == ["q1"]
    assert result.score == pytest.approx(0.5)


def test_progress_is_complete_when_every_answer_reaches_the_target():
    q = questionnaire(area("a", question("q1"), question("q2")))
    result = score_assessment(q, {"q1": chose(4), "q2": chose(5)})
    # gap = max(0, 4 - 4) + max(0, 4 - 5) = 0
    assert result.areas[0].progress_to_target == 1.0
    assert result.progress_to_target == 1.0


def test_progress_is_complete_when_the_target_is_the_lowest_level():
    q = questionnaire(area("a", question("q1")))
    result = score_assessment(q, {"q1": NOT_SURE_ANSWER}, {"a": 1})
    # span = 1 * (1 - 1) = 0: nothing to close
    assert result.areas[0].progress_to_target == 1.0


def test_progress_counts_not_sure_from_the_lowest_level():
    q = questionnaire(area("a", question("q1"), question("q2")))
    result = score_assessment(q, {"q1": NOT_SURE_ANSWER, "q2": chose(4)})
    # gap = (4 - 1) + 0 = 3; span = 3 + 3 = 6; progress = 1 - 3/6 = 0.5
    assert result.areas[0].progress_to_target == pytest.approx(0.5)


def test_targets_for_takes_the_assessments_else_the_default():
    q = questionnaire(area("a", question("q1")), area("b", question("q2")))
    assert targets_for(q, {"b": 2, "unknown": 5}) == {"a": 4, "b": 2}
    assert targets_for(q, {}) == {"a": 4, "b": 4}


def test_targets_for_refuses_a_target_off_the_scale():
    q = questionnaire(area("a", question("q1")))
    with pytest.raises(ValueError):
        targets_for(q, {"a": 6})


def test_a_choice_off_the_scale_is_refused():
    q = questionnaire(area("a", question("q1")))
    with pytest.raises(ValueError):
        score_assessment(q, {"q1": chose(7)})


# Rounding: Python's round() rounds halves to even and works on the binary
# float; the format wants halves up on the decimal value.


@pytest.mark.parametrize(
    "x, ndigits, expected",
    [
        (0.125, 2, 0.13),  # round() gives 0.12
        (2.25, 1, 2.3),  # round() gives 2.2
        (2.675, 2, 2.68),  # binary 2.67499999...; round() gives 2.67
        (12.5, 0, 13),  # round() gives 12
        (13.5, 0, 14),
        (2.24, 1, 2.2),
        (0.4999, 0, 0),
        (28.499999999999996, 0, 29),  # 100 * 0.285 in floats: a half on paper
        (-2.5, 0, -3),  # halves away from zero
    ],
)
def test_round_half_up(x, ndigits, expected):
    assert round_half_up(x, ndigits) == expected


def test_percent_rounds_half_up():
    q = questionnaire(area("a", *[question(f"q{i}") for i in (1, 2, 3, 4)]))
    # 0 + 0 + 0.25 + 0.25 = 0.5 over 4 questions = 0.125 -> 12.5 % -> 13
    result = score_assessment(q, {"q1": chose(1), "q2": chose(1), "q3": chose(2), "q4": chose(2)})
    assert result.score == 0.125
    assert result.percent == 13
    assert result.level == 1.5  # 1 + 0.125 * 4


def test_level_rounds_half_up():
    q = questionnaire(area("a", question("q1", weight=3), question("q2")))
    # (3 * 0.25 + 1 * 0.5) / 4 = 1.25 / 4 = 0.3125
    # level 1 + 0.3125 * 4 = 2.25 -> 2.3; percent 31.25 -> 31
    result = score_assessment(q, {"q1": chose(2), "q2": chose(3)})
    assert result.level == 2.3
    assert result.percent == 31
    assert result.level_name == "Developing"


def test_level_name_at_a_boundary_despite_float_error():
    q = questionnaire(
        area(
            "a",
            question("q1", weight=0.1),
            question("q2", weight=0.1),
            question("q3", weight=0.1),
        )
    )
    # On paper: (0.1 * 0.25 + 0.1 * 1 + 0.1 * 0.25) / 0.3 = 0.15 / 0.3 = 0.5,
    # level 1 + 0.5 * 4 = 3, "Defined". In floats 0.1 + 0.1 + 0.1 is
    # 0.30000000000000004 and the score comes out a hair under 0.5.
    result = score_assessment(q, {"q1": chose(2), "q2": chose(5), "q3": chose(2)})
    assert result.level_name == "Defined"
    assert result.level == 3.0
    assert result.percent == 50


def test_level_name_for_tolerates_1e_9_only():
    q = questionnaire(area("a", question("q1")))
    # level = 1 + 4x; x = 0.5 is level 3
    assert level_name_for(q, 0.5) == "Defined"
    assert level_name_for(q, 0.5 - 1e-12) == "Defined"  # level 3 - 4e-12
    assert level_name_for(q, 0.5 - 1e-6) == "Developing"  # level 3 - 4e-6
    assert level_name_for(q, 0.0) == "Initial"
    assert level_name_for(q, 1.0) == "Optimized"
    assert level_name_for(q, None) is None


def test_display_helpers():
    q = questionnaire(area("a", question("q1")))
    assert display_percent(0.285) == 29  # 28.5 on paper
    assert display_percent(0.4375) == 44  # 43.75
    assert display_percent(None) is None
    assert display_level(q, 0.4375) == 2.8  # 1 + 1.75 = 2.75 -> 2.8
    assert display_level(q, None) is None
