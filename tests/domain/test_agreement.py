"""Spread, flags, the suggested team answer and agreement per area (assessment/domain/agreement.py)."""

import pytest

from assessment.domain.agreement import agreement_by_area, by_spread, median_rounded_down, question_agreements

from .builders import NOT_APPLICABLE_ANSWER, NOT_SURE_ANSWER, area, chose, question, questionnaire


@pytest.mark.parametrize(
    "levels, expected",
    [
        ([], None),
        ([3], 3),
        ([1, 4], 2),
        ([1, 2, 5], 2),
        ([2, 3, 4, 5], 3),
        ([5, 1], 3),
        ([4, 4, 1, 1], 2),
    ],
)
def test_the_suggestion_is_the_median_rounded_down(levels, expected):
    assert median_rounded_down(levels) == expected


def two_areas():
    return questionnaire(
        area("data", question("d1"), question("d2"), question("d3", not_applicable=True)),
        area("ops", question("o1"), question("o2")),
    )


def rows_for(responses):
    q = two_areas()
    return q, {row.question.id: row for row in question_agreements(q, responses)}


def test_the_spread_counts_levels_only():
    _, rows = rows_for(
        {
            "Ana": {"d1": chose(1), "d2": NOT_SURE_ANSWER, "d3": NOT_APPLICABLE_ANSWER, "o1": chose(2)},
            "Ben": {"d1": chose(4), "d2": chose(3), "d3": chose(2)},
            "Cy": {"d1": chose(2), "d2": NOT_SURE_ANSWER},
        }
    )
    # One level alone has no spread: d2, d3 and o1 have one each.
    assert [rows[k].spread for k in ("d1", "d2", "d3", "o1", "o2")] == [3, None, None, None, None]
    assert rows["d1"].disputed and rows["d1"].flagged and not rows["d1"].mixed_not_sure
    assert rows["d2"].mixed_not_sure and rows["d2"].flagged and not rows["d2"].disputed
    assert rows["o1"].suggested_level == 2  # one level is still a suggestion
    assert not rows["o1"].flagged and not rows["o2"].flagged
    assert rows["d1"].suggested_level == 2 and rows["o2"].suggested_level is None
    assert [r.respondent for r in rows["d1"].responses] == ["Ana", "Ben", "Cy"]


def test_all_not_sure_is_not_mixed():
    _, rows = rows_for({"Ana": {"d1": NOT_SURE_ANSWER}, "Ben": {"d1": NOT_SURE_ANSWER}, "Cy": {}})
    assert not rows["d1"].mixed_not_sure


def test_it_sorts_by_spread_then_flag_then_questionnaire_order():
    _, rows = rows_for(
        {
            "Ana": {"d1": chose(2), "d2": NOT_SURE_ANSWER, "o1": chose(1), "o2": chose(3)},
            "Ben": {"d1": chose(3), "d2": chose(2), "o1": chose(5), "o2": chose(4)},
        }
    )
    ordered = [row.question.id for row in by_spread(list(rows.values()))]
    # o1 spread 4; d1 and o2 spread 1, in questionnaire order; d2 (one level, flagged: mixed Not sure)
    # and d3 (no level at all) have no spread and come last.
    assert ordered == ["o1", "d1", "o2", "d2", "d3"]


def test_agreement_is_the_share_of_questions_at_most_one_level_apart():
    q, rows = rows_for(
        {
            "Ana": {"d1": chose(1), "d2": chose(3), "o1": NOT_SURE_ANSWER},
            "Ben": {"d1": chose(4), "d2": chose(4), "d3": chose(5)},
        }
    )
    by_area = {a.area.id: a for a in agreement_by_area(q, list(rows.values()))}
    # d3 has one level (Ben's): no spread, so not counted; a share of 100% from one answer would mislead.
    assert (by_area["data"].agreed, by_area["data"].counted) == (1, 2)
    assert by_area["data"].share == pytest.approx(1 / 2)
    assert (by_area["ops"].agreed, by_area["ops"].counted, by_area["ops"].share) == (0, 0, None)


def test_a_flagged_question_comes_before_an_unflagged_one_of_the_same_spread():
    _, rows = rows_for(
        {
            "Ana": {"d1": chose(3), "d2": chose(3), "d3": NOT_SURE_ANSWER},
            "Ben": {"d1": chose(3), "d2": chose(3), "d3": chose(3)},
            "Cy": {"d1": chose(3), "d2": chose(3), "d3": chose(3)},
        }
    )
    assert [row.question.id for row in by_spread(list(rows.values()))][:3] == ["d3", "d1", "d2"]


def test_the_suggestion_is_rounded_down_to_a_level_the_question_offers():
    q = questionnaire(area("data", question("d1", levels=(1, 3, 5)), question("d2")))
    rows = {
        row.question.id: row
        for row in question_agreements(
            q, {"Ana": {"d1": chose(1), "d2": chose(1)}, "Ben": {"d1": chose(3), "d2": chose(3)}}
        )
    }
    # The median of 1 and 3 is 2: d1 offers no level 2, so the suggestion is 1; d2 offers it.
    assert (rows["d1"].suggested_level, rows["d2"].suggested_level) == (1, 2)
