"""The roadmap of section 4, on examples worked by hand.

Scale 1..5 unless said otherwise (hi - lo = 4), default target 4. A gap at
level L under target t adds w_a * w_q * (t - L) / 4 to the impact of each
practice its question links; with weights 1 and target 4: level 1 -> 0.75,
level 2 -> 0.5, level 3 -> 0.25. Effort points: low 1, medium 2, high 3.
"""
import pytest

from assessment.domain.model import ScaleLevel
from assessment.domain.roadmap import Gap, phase_for, roadmap_for

from .builders import (
    NOT_APPLICABLE_ANSWER,
    NOT_SURE_ANSWER,
    area,
    chose,
    practice,
    question,
    questionnaire,
)


def order(items):
    return [item.practice_id for item in items]


def platform():
    return questionnaire(
        area(
            "data",
            question("q1", practices=["streaming", "catalog"]),
            question("q2", weight=2, practices=["streaming"]),
            weight=2,
        ),
        area(
            "ops",
            question("q3", practices=["monitoring"]),
            question("q4", practices=["catalog"]),
            question("q5", not_applicable=True, practices=["monitoring"]),
            question("q6", practices=["monitoring"]),
        ),
        practices=[
            practice("catalog", effort="low"),
            practice("streaming", effort="medium", requires=["catalog"]),
            practice("monitoring", effort="high"),
        ],
    )


PLATFORM_ANSWERS = {
    "q1": chose(2),
    "q2": chose(3),
    "q3": NOT_SURE_ANSWER,
    "q4": chose(5),  # above target: no gap, adds nothing to catalog
    "q5": NOT_APPLICABLE_ANSWER,
    # q6 unanswered: no gap
}


def test_impact_priority_and_order():
    items = roadmap_for(platform(), PLATFORM_ANSWERS)
    # streaming: q1 2 * 1 * (4 - 2) / 4 = 1.0, q2 2 * 2 * (4 - 3) / 4 = 1.0
    #            impact 2.0, priority 2.0 / 2 (medium) = 1.0
    # catalog:   q1 1.0, impact 1.0, priority 1.0 / 1 (low) = 1.0
    # monitoring: q3 Not sure counts as level 1: 1 * 1 * (4 - 1) / 4 = 0.75,
    #            priority 0.75 / 3 (high) = 0.25
    # Sorted: streaming (1.0, impact 2.0), catalog (1.0, 1.0), monitoring;
    # streaming requires catalog, so catalog goes first.
    assert order(items) == ["catalog", "streaming", "monitoring"]
    by_id = {item.practice_id: item for item in items}
    assert by_id["streaming"].impact == pytest.approx(2.0)
    assert by_id["streaming"].priority == pytest.approx(1.0)
    assert by_id["catalog"].impact == pytest.approx(1.0)
    assert by_id["catalog"].priority == pytest.approx(1.0)
    assert by_id["monitoring"].impact == pytest.approx(0.75)
    assert by_id["monitoring"].priority == pytest.approx(0.25)
    assert [item.effort for item in items] == ["low", "medium", "high"]
    assert [item.position for item in items] == [0, 1, 2]
    assert [item.phase for item in items] == ["now", "next", "later"]


def test_gaps_say_why():
    by_id = {i.practice_id: i for i in roadmap_for(platform(), PLATFORM_ANSWERS)}
    assert by_id["streaming"].gaps == [
        Gap("q1", "data", level=2, target=4),
        Gap("q2", "data", level=3, target=4),
    ]
    # q4 at level 5 is above target: catalog only answers q1
    assert by_id["catalog"].gaps == [Gap("q1", "data", level=2, target=4)]
    # Not sure is a gap at the lowest level; N/A (q5) and unanswered (q6) are not
    assert by_id["monitoring"].gaps == [
        Gap("q3", "ops", level=1, target=4, not_sure=True)
    ]


def test_gaps_follow_display_order():
    q = questionnaire(
        area("first", question("a1", practices=["p"])),
        area(
            "second",
            question("b1", practices=["p"]),
            question("b2", practices=["p"]),
        ),
        practices=[practice("p")],
    )
    items = roadmap_for(q, {"b2": chose(1), "a1": chose(3), "b1": chose(2)})
    assert [g.question_id for g in items[0].gaps] == ["a1", "b1", "b2"]
    # impact 0.25 + 0.5 + 0.75 = 1.5
    assert items[0].impact == pytest.approx(1.5)


def test_targets_set_on_the_assessment_make_gaps():
    q = questionnaire(
        area("raised", question("r", practices=["up"])),
        area("default", question("d", practices=["same"])),
        practices=[practice("up"), practice("same")],
    )
    items = roadmap_for(q, {"r": chose(4), "d": chose(4)}, {"raised": 5})
    # r: level 4 under target 5: 1 * 1 * (5 - 4) / 4 = 0.25
    # d: level 4 meets the default target 4: no gap
    assert order(items) == ["up"]
    assert items[0].impact == pytest.approx(0.25)
    assert items[0].gaps == [Gap("r", "raised", level=4, target=5)]


def test_not_sure_is_no_gap_when_the_target_is_the_lowest_level():
    q = questionnaire(
        area("a", question("q", practices=["p"])), practices=[practice("p")]
    )
    assert roadmap_for(q, {"q": NOT_SURE_ANSWER}, {"a": 1}) == []


def test_nothing_to_do():
    q = questionnaire(
        area("a", question("q", practices=["p"])), practices=[practice("p")]
    )
    assert roadmap_for(q, {"q": chose(4)}) == []
    assert roadmap_for(q, {}) == []


def test_ties_on_priority_go_to_the_higher_impact():
    q = questionnaire(
        area(
            "a",
            question("q1", practices=["cheap"]),
            question("q2", weight=2, practices=["broad"]),
        ),
        practices=[practice("cheap", effort="low"), practice("broad", effort="medium")],
    )
    items = roadmap_for(q, {"q1": chose(2), "q2": chose(2)})
    # cheap: 1 * (4 - 2) / 4 = 0.5, priority 0.5 / 1 = 0.5
    # broad: 2 * (4 - 2) / 4 = 1.0, priority 1.0 / 2 = 0.5 -> higher impact first
    assert order(items) == ["broad", "cheap"]


def test_full_ties_go_by_id():
    q = questionnaire(
        area(
            "a",
            question("q1", practices=["zeta"]),
            question("q2", practices=["alpha"]),
        ),
        practices=[practice("zeta"), practice("alpha")],
    )
    items = roadmap_for(q, {"q1": chose(3), "q2": chose(3)})
    assert order(items) == ["alpha", "zeta"]


def test_float_error_does_not_break_a_tie():
    scale = (ScaleLevel(1, "No"), ScaleLevel(2, "Yes"))
    q = questionnaire(
        area(
            "a",
            question("q1", weight=0.1, practices=["zeta"], scale=scale),
            question("q2", weight=0.2, practices=["zeta"], scale=scale),
            question("q3", weight=0.3, practices=["alpha"], scale=scale),
        ),
        practices=[practice("zeta", effort="low"), practice("alpha", effort="low")],
        default_target=2,
        scale=scale,
    )
    items = roadmap_for(q, {"q1": chose(1), "q2": chose(1), "q3": chose(1)})
    # hi - lo = 1, every gap closes 1 level: zeta 0.1 + 0.2, alpha 0.3. Equal on
    # paper, but 0.1 + 0.2 = 0.30000000000000004 in floats; the tie goes by id.
    assert order(items) == ["alpha", "zeta"]


def requiring(catalog_level, deploy_requires=("catalog",), extra_practices=()):
    """deploy (priority 0.75), other (0.5), catalog (0.25 when level 3)."""
    q = questionnaire(
        area(
            "a",
            question("q-deploy", practices=["deploy"]),
            question("q-other", practices=["other"]),
            question("q-catalog", practices=["catalog"]),
        ),
        practices=[
            practice("deploy", effort="low", requires=deploy_requires),
            practice("other", effort="low"),
            practice("catalog", effort="low"),
            *extra_practices,
        ],
    )
    # deploy level 1: 0.75; other level 2: 0.5; catalog level 3: 0.25
    answers = {
        "q-deploy": chose(1),
        "q-other": chose(2),
        "q-catalog": chose(catalog_level),
    }
    return roadmap_for(q, answers)


def test_a_practice_waits_for_what_it_requires():
    # By priority: deploy, other, catalog. deploy waits for catalog; other is
    # the first free one, then catalog, then deploy.
    assert order(requiring(catalog_level=3)) == ["other", "catalog", "deploy"]


def test_a_requirement_off_the_roadmap_is_ignored():
    # catalog at level 4 meets the target: not on the roadmap, deploy is free.
    assert order(requiring(catalog_level=4)) == ["deploy", "other"]


def test_a_requirement_counts_through_a_practice_off_the_roadmap():
    # deploy requires bridge (linked from no question), which requires
    # catalog (on the roadmap): catalog still comes before deploy.
    items = requiring(
        catalog_level=3,
        deploy_requires=("bridge",),
        extra_practices=[practice("bridge", requires=["catalog"])],
    )
    assert order(items) == ["other", "catalog", "deploy"]


@pytest.mark.parametrize(
    "n, phases",
    [
        # ceil(n/3), ceil(2n/3)
        (1, ["now"]),  # 1, 1
        (2, ["now", "next"]),  # 1, 2
        (3, ["now", "next", "later"]),  # 1, 2
        (4, ["now", "now", "next", "later"]),  # 2, 3
        (7, ["now", "now", "now", "next", "next", "later", "later"]),  # 3, 5
    ],
)
def test_phase_for(n, phases):
    assert [phase_for(i, n) for i in range(n)] == phases


def test_phases_of_a_roadmap_of_four():
    ids = ["p1", "p2", "p3", "p4"]
    q = questionnaire(
        area("a", *[question(f"q-{p}", practices=[p]) for p in ids]),
        practices=[practice(p) for p in ids],
    )
    answers = {"q-p1": chose(1), "q-p2": chose(2), "q-p3": chose(3), "q-p4": chose(1)}
    items = roadmap_for(q, answers)
    # impacts (all medium, priority = impact / 2): p1 0.75, p2 0.5, p3 0.25, p4 0.75
    # p1 and p4 tie at 0.75 (id order), then p2, p3
    assert order(items) == ["p1", "p4", "p2", "p3"]
    assert [i.phase for i in items] == ["now", "now", "next", "later"]
