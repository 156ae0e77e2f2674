"""The crosswalk's status rules (docs/questionnaire-format.md, section 7.3) on examples worked by hand.

Scale 1..5, default target 4, every level a choice (builders.py). Each
framework item below is mapped from questions "a" and "b" (area "core") or
"g" (area "genai", in scope only for teams tagged genai); `m(q, level, relation)`
is a mapping to the item under test.
"""

import pytest

from assessment.domain.crosswalk import (
    MAPPING_MET,
    MAPPING_SHORT,
    MAPPING_UNKNOWN,
    MET,
    NOT_APPLICABLE_ITEM,
    NOT_COVERED,
    NOT_MET,
    PARTLY_MET,
    TO_VERIFY,
    Crosswalk,
    CrosswalkMapping,
    Framework,
    FrameworkItem,
    crosswalk_status,
    mapping_status,
)

from .builders import NOT_APPLICABLE_ANSWER, NOT_SURE_ANSWER, area, chose, profile_question, question, questionnaire

AI = profile_question("ai", yes=["genai"], no=[])
IMPACT = profile_question("impact", yes=["high-impact"], no=[])
FORMAT1 = questionnaire(area("core", question("a"), question("b")))
FORMAT2 = questionnaire(
    area("core", question("a"), question("b")),
    area("genai", question("g"), applies_when=["genai"]),
    profile=[AI, IMPACT],
)


def m(question_key, level, relation="equal", item="X"):
    return CrosswalkMapping(question_key, "fw", item, level, relation)


def crosswalk(*mappings, items=None):
    items = items or (FrameworkItem("X", "Item X"),)
    return Crosswalk(
        "test", "1", "1", (Framework("fw", "Framework", "1.0", "https://example.org/fw", items),), mappings
    )


def status_of(mappings, answers, q=FORMAT1, profile=None, items=None, area_targets=None):
    [framework] = crosswalk_status(q, crosswalk(*mappings, items=items), answers, area_targets, profile=profile)
    return framework.items[0]


# --- A mapping --------------------------------------------------------------


def test_a_mapping_is_met_at_or_above_its_level_short_below_unknown_without_a_level():
    mapping = m("a", 3)

    assert mapping_status(mapping, chose(3)) == MAPPING_MET
    assert mapping_status(mapping, chose(5)) == MAPPING_MET
    assert mapping_status(mapping, chose(2)) == MAPPING_SHORT
    assert mapping_status(mapping, NOT_SURE_ANSWER) == MAPPING_UNKNOWN
    assert mapping_status(mapping, None) == MAPPING_UNKNOWN


# --- An item, one test per status ---------------------------------------------


def test_an_item_is_met_when_every_mapping_is_met_and_one_is_equal_or_superset():
    # a at 3 >= 3 (subset, met), b at 4 >= 2 (superset, met).
    item = status_of([m("a", 3, "subset"), m("b", 2, "superset")], {"a": chose(3), "b": chose(4)})

    assert item.status == MET


def test_an_item_met_only_through_subset_or_intersect_is_partly_met():
    # Both met, but neither covers the whole item.
    item = status_of([m("a", 3, "subset"), m("b", 2, "intersect")], {"a": chose(3), "b": chose(4)})

    assert item.status == PARTLY_MET


def test_an_item_is_partly_met_when_one_mapping_is_met_and_one_short():
    # a at 3 >= 3: met; b at 1 < 2: short.
    item = status_of([m("a", 3), m("b", 2)], {"a": chose(3), "b": chose(1)})

    assert item.status == PARTLY_MET
    assert [s.status for s in item.mappings] == [MAPPING_MET, MAPPING_SHORT]


def test_an_item_is_not_met_when_none_is_met_and_one_is_short():
    # a at 2 < 3: short; b Not sure: unknown. None met.
    item = status_of([m("a", 3), m("b", 2)], {"a": chose(2), "b": NOT_SURE_ANSWER})

    assert item.status == NOT_MET


def test_an_item_is_to_verify_when_none_is_short_and_one_is_unknown():
    # a at 4 >= 3: met; b unanswered: unknown. Not all met, none short.
    item = status_of([m("a", 3), m("b", 2)], {"a": chose(4)})

    assert item.status == TO_VERIFY
    assert item.is_gap


def test_an_item_is_to_verify_when_its_only_question_is_not_sure():
    item = status_of([m("a", 3)], {"a": NOT_SURE_ANSWER})

    assert item.status == TO_VERIFY


def test_an_item_is_not_applicable_when_every_mapping_question_is_answered_not_applicable():
    item = status_of([m("a", 3), m("b", 2)], {"a": NOT_APPLICABLE_ANSWER, "b": NOT_APPLICABLE_ANSWER})

    assert item.status == NOT_APPLICABLE_ITEM
    assert item.mappings == ()


def test_a_question_answered_not_applicable_is_left_out_of_the_item():
    # b is Not applicable; only a counts, and it is met with equal.
    item = status_of([m("a", 3), m("b", 2)], {"a": chose(3), "b": NOT_APPLICABLE_ANSWER})

    assert item.status == MET
    assert [s.mapping.question_key for s in item.mappings] == ["a"]


def test_an_item_is_not_applicable_when_every_mapping_question_is_out_of_scope():
    # g is in the genai area; the team answered "no" to ai: no genai tag.
    item = status_of([m("g", 3)], {"g": chose(1)}, q=FORMAT2, profile={"ai": "no", "impact": "no"})

    assert item.status == NOT_APPLICABLE_ITEM


def test_the_same_item_applies_when_the_question_is_in_scope():
    item = status_of([m("g", 3)], {"g": chose(1)}, q=FORMAT2, profile={"ai": "yes", "impact": "no"})

    assert item.status == NOT_MET


def test_an_item_is_not_applicable_when_its_applies_when_does_not_hold():
    items = (FrameworkItem("X", "High-impact practice", applies_when=("high-impact",)),)

    low = status_of([m("a", 3)], {"a": chose(1)}, q=FORMAT2, profile={"ai": "no", "impact": "no"}, items=items)
    high = status_of([m("a", 3)], {"a": chose(1)}, q=FORMAT2, profile={"ai": "no", "impact": "yes"}, items=items)
    # An unanswered profile question may apply: its tags all count.
    unknown = status_of([m("a", 3)], {"a": chose(1)}, q=FORMAT2, profile={}, items=items)

    assert (low.status, high.status, unknown.status) == (NOT_APPLICABLE_ITEM, NOT_MET, NOT_MET)


def test_an_item_no_question_maps_to_is_not_covered():
    items = (FrameworkItem("X", "Item X"), FrameworkItem("Y", "Item Y"))
    [framework] = crosswalk_status(FORMAT1, crosswalk(m("a", 3), items=items), {"a": chose(3)})

    assert [item.status for item in framework.items] == [MET, NOT_COVERED]


# --- Share of items met, beyond your target -----------------------------------


def test_the_share_of_items_met_counts_applicable_items_only():
    items = tuple(FrameworkItem(key, f"Item {key}", applies_when=("genai",) if key == "N" else ()) for key in "MPVNC")
    mappings = (
        m("a", 3, item="M"),  # met
        m("a", 3, "subset", item="P"),  # partly met
        m("b", 2, item="V"),  # b unanswered: to verify
        m("a", 2, item="N"),  # applies_when genai does not hold: not applicable
    )  # C: not covered
    [framework] = crosswalk_status(
        FORMAT2, crosswalk(*mappings, items=items), {"a": chose(3)}, profile={"ai": "no", "impact": "no"}
    )

    assert [item.status for item in framework.items] == [MET, PARTLY_MET, TO_VERIFY, NOT_APPLICABLE_ITEM, NOT_COVERED]
    assert (framework.met, framework.applicable) == (1, 3)
    assert framework.share_met == pytest.approx(1 / 3)


def test_a_framework_with_nothing_applicable_has_no_share():
    [framework] = crosswalk_status(FORMAT1, crosswalk(m("a", 3)), {"a": NOT_APPLICABLE_ANSWER})

    assert framework.share_met is None


def test_a_gap_above_the_target_is_beyond_your_target():
    # Target 3 for "core": a mapping at level 4 answered 3 is short, and beyond the target.
    beyond = status_of([m("a", 4)], {"a": chose(3)}, area_targets={"core": 3})
    within = status_of([m("a", 3)], {"a": chose(2)}, area_targets={"core": 3})
    # One open mapping within the target: the roadmap closes part of it, so not beyond.
    mixed = status_of([m("a", 4), m("b", 3)], {"a": chose(3), "b": chose(2)}, area_targets={"core": 3})

    assert (beyond.status, beyond.beyond_target) == (NOT_MET, True)
    assert (within.status, within.beyond_target) == (NOT_MET, False)
    assert (mixed.status, mixed.beyond_target) == (NOT_MET, False)


def test_a_met_item_is_never_beyond_the_target():
    item = status_of([m("a", 5)], {"a": chose(5)}, area_targets={"core": 3})

    assert (item.status, item.beyond_target) == (MET, False)
