"""tests/data/format2_questionnaire.yaml: it loads, and its scores and roadmaps are those worked out by hand below.

The file: scale 1..4, default target 3, Now by a budget of 4 effort points,
Next by a size of 3 steps. Questions and their practices' effort points:

    data        data-catalog (low 1), pipelines (high 3)
    governance  ai-inventory (agency-owned, foundation; low 1),
                impact-assessment (a duty for high-impact; high 3; level 3 at stage 2)
    genai       (genai only) genai-guardrails (medium 2),
                genai-red-teaming (high-impact only; medium 2)

Both teams stored the same answers: data-catalog 2, pipelines 1,
ai-inventory 1, impact-assessment 1, genai-guardrails 1, genai-red-teaming
Not sure. With target 3, a question at 1 has steps to 2 and 3, one at 2 a
step to 3.
"""

from pathlib import Path

import pytest

from assessment.domain.model import CHOICE, NOT_SURE, OWNER_AGENCY, Answer, PhaseBudget, PhaseSizes
from assessment.domain.profile import team_tags
from assessment.domain.roadmap import AGENCY, LATER, NEXT, NOW, roadmap_for
from assessment.domain.schema import parse_questionnaire, questionnaire_to_yaml
from assessment.domain.scoring import score_assessment

EXAMPLE = Path(__file__).parent.parent / "data" / "format2_questionnaire.yaml"
ANSWERS = {
    "data-catalog": Answer(CHOICE, 2),
    "pipelines": Answer(CHOICE, 1),
    "ai-inventory": Answer(CHOICE, 1),
    "impact-assessment": Answer(CHOICE, 1),
    "genai-guardrails": Answer(CHOICE, 1),
    "genai-red-teaming": Answer(NOT_SURE),
}
CLASSIC = {"ai-kinds": "classic", "impact": "no"}  # tags: classic-ml
GENAI_IMPACT_UNSTATED = {"ai-kinds": "generative"}  # tags: genai, and high-impact from the unanswered question


@pytest.fixture(scope="module")
def example():
    return parse_questionnaire(EXAMPLE.read_bytes(), EXAMPLE.name)


def items(roadmap_items):
    return [(i.position, i.question_key, i.phase, i.from_level, i.to_level, i.steps) for i in roadmap_items]


def test_it_loads_every_format2_key(example):
    assert example.format == 2
    assert [question.id for question in example.profile] == ["ai-kinds", "impact"]
    assert example.profile[1].choices[0].tags == ("high-impact",)
    assert example.phase_budget == PhaseBudget(now=4)
    assert example.phase_sizes == PhaseSizes(next=3)
    by_key = {question.id: question for _area, question in example.questions()}
    assert by_key["ai-inventory"].owner == OWNER_AGENCY
    assert by_key["impact-assessment"].foundation_when == ("high-impact",)
    assert by_key["genai-red-teaming"].applies_when == ("high-impact",)
    assert example.areas[2].applies_when == ("genai",)


def test_it_writes_back_to_a_file_that_reads_back_equal(example):
    assert parse_questionnaire(questionnaire_to_yaml(example), "again.yaml") == example


# --- A team using classic ML only: the generative AI area is out of scope ------------------


def test_classic_team_scores(example):
    assert team_tags(example, CLASSIC) == {"classic-ml"}

    score = score_assessment(example, ANSWERS, profile=CLASSIC)

    data, governance, genai = score.areas
    # data: (2 - 1) / 3 and 0, mean 1/6; governance: 0 and 0.
    assert data.score == pytest.approx(1 / 6)
    assert (data.percent, data.level) == (17, 1.5)
    assert governance.score == 0.0
    # The whole area is out of scope: no score, nothing asked, complete.
    assert (genai.score, genai.answered, genai.total, genai.completeness) == (None, 0, 0, 1.0)
    assert genai.out_of_scope == ["genai-guardrails", "genai-red-teaming"]
    # Overall: the two scored areas, (1/6 + 0) / 2; 4 of 4 questions in scope answered.
    assert score.score == pytest.approx(1 / 12)
    assert (score.answered, score.total, score.completeness) == (4, 4, 1.0)
    assert score.to_verify == []  # red-teaming's Not sure is out of scope


def test_classic_team_roadmap(example):
    roadmap = roadmap_for(example, ANSWERS, profile=CLASSIC)

    # Ranked and placed: ai-inventory 2 (stage 2, foundation), pipelines 2, impact-assessment 2 and 3
    # (stage 2, file order), ai-inventory 3 (stage 3, foundation), pipelines 3 (further behind), data-catalog 3.
    # The team's steps and points: pipelines 2 (3), impact 2 (3), impact 3 (3), pipelines 3 (3), catalog 3 (1).
    # Now (4 points): pipelines 2; impact 2 would make 6 and closes Now, high-effort as it is.
    # Next (3 steps): impact 2, impact 3, pipelines 3. Later: catalog 3.
    assert items(roadmap.items) == [
        (1, "pipelines", NOW, 1, 2, (2,)),
        (2, "impact-assessment", NEXT, 1, 3, (2, 3)),
        (3, "pipelines", NEXT, 2, 3, (3,)),
        (4, "data-catalog", LATER, 2, 3, (3,)),
    ]
    # The agency's inventory is ranked first, but leaves Now to the team's pipelines 2.
    assert items(roadmap.agency_items) == [(1, "ai-inventory", AGENCY, 1, 3, (2, 3))]
    assert roadmap.step_count == 5
    assert roadmap.to_verify == ()


# --- A team using generative AI that did not say whether a use is high-impact ----------------


def test_genai_team_with_the_impact_question_unanswered_scores(example):
    assert team_tags(example, GENAI_IMPACT_UNSTATED) == {"genai", "high-impact"}

    score = score_assessment(example, ANSWERS, profile=GENAI_IMPACT_UNSTATED)

    data, governance, genai = score.areas
    assert data.score == pytest.approx(1 / 6)
    assert governance.score == 0.0
    # guardrails at 1 and red-teaming Not sure (counted as 1): both 0.
    assert (genai.score, genai.answered, genai.total) == (0.0, 2, 2)
    # (1/6 + 0 + 0) / 3
    assert score.score == pytest.approx(1 / 18)
    assert (score.answered, score.total, score.out_of_scope) == (6, 6, [])
    assert score.to_verify == ["genai-red-teaming"]


def test_genai_team_roadmap(example):
    roadmap = roadmap_for(example, ANSWERS, profile=GENAI_IMPACT_UNSTATED)

    # impact-assessment is a duty (high-impact assumed): at stage 2 it comes first, before the foundation.
    # Stage 2: impact 2, impact 3, ai-inventory 2, then guardrails 2 and red-teaming 2 (medium) before
    # pipelines 2 (high). Stage 3: ai-inventory 3, guardrails 3, red-teaming 3, pipelines 3, then
    # data-catalog 3 (least behind).
    # The team's points: impact 2 (3), impact 3 (3), guardrails 2 (2), red-teaming 2 (2), pipelines 2 (3), ...
    # Now (4 points): impact 2, the duty moved into Now; impact 3 would make 6.
    # Next (3 steps): impact 3, guardrails 2, red-teaming 2. Later: the rest.
    assert items(roadmap.items) == [
        (1, "impact-assessment", NOW, 1, 2, (2,)),
        (2, "impact-assessment", NEXT, 2, 3, (3,)),
        (3, "genai-guardrails", NEXT, 1, 2, (2,)),
        (4, "genai-red-teaming", NEXT, 1, 2, (2,)),
        (5, "pipelines", LATER, 1, 3, (2, 3)),
        (6, "genai-guardrails", LATER, 2, 3, (3,)),
        (7, "genai-red-teaming", LATER, 2, 3, (3,)),
        (8, "data-catalog", LATER, 2, 3, (3,)),
    ]
    assert roadmap.items[3].not_sure
    assert items(roadmap.agency_items) == [(1, "ai-inventory", AGENCY, 1, 3, (2, 3))]
    assert roadmap.step_count == 9
    assert roadmap.to_verify == ("genai-red-teaming",)


def test_the_reference_example_loads():
    docs = (Path(__file__).parents[2] / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    section = docs[docs.index("### 6.1 An example with every key") :]
    text = section[section.index("```yaml\n") + len("```yaml\n") : section.index("```\n", section.index("```yaml"))]

    questionnaire = parse_questionnaire(text, "docs example")

    assert questionnaire.format == 2
    assert questionnaire.phase_budget == PhaseBudget(now=5)
    assert [area.applies_when for area in questionnaire.areas] == [(), ("genai",)]


# --- What the pages say of the profile -------------------------------------------------------


def test_it_names_the_profile_answers_that_put_a_question_out_of_scope(example):
    from assessment.domain.profile import scope_reasons

    data, _governance, genai = example.areas
    # The area's applies_when fails (no genai): the kinds-of-AI question, answered "classic".
    reasons = scope_reasons(example, genai, genai.questions[1], CLASSIC)
    assert [(q.id, c.id) for q, c in reasons] == [("ai-kinds", "classic")]
    # With genai, red-teaming fails on its own applies_when: the impact question, answered "no".
    generative_no = {"ai-kinds": "generative", "impact": "no"}
    assert [(q.id, c.id) for q, c in scope_reasons(example, genai, genai.questions[1], generative_no)] == [
        ("impact", "no")
    ]
    assert scope_reasons(example, data, data.questions[0], CLASSIC) == []  # in scope


def test_it_lists_the_questions_a_profile_change_brings_in_and_takes_out(example):
    from assessment.domain.profile import scope_changes

    came_in, went_out = scope_changes(example, CLASSIC, {"ai-kinds": "both", "impact": "no"})
    assert (came_in, went_out) == (["genai-guardrails"], [])
    came_in, went_out = scope_changes(example, {}, CLASSIC)  # from nothing stated: everything was in scope
    assert (came_in, went_out) == ([], ["genai-guardrails", "genai-red-teaming"])


def test_answered_tags_leave_out_what_is_assumed(example):
    from assessment.domain.profile import answered_tags

    assert answered_tags(example, GENAI_IMPACT_UNSTATED) == {"genai"}
    assert answered_tags(example, {}) == frozenset()


def test_the_effort_points_of_now(example):
    from assessment.domain.roadmap import phase_points

    # Classic: Now holds pipelines 2 (high, 3 points); Next impact 2, impact 3, pipelines 3 (3 each).
    classic = roadmap_for(example, ANSWERS, profile=CLASSIC)
    assert (phase_points(example, classic, NOW), phase_points(example, classic, NEXT)) == (3, 9)
    # Generative, impact unstated: Now holds impact 2 (3); Next impact 3 (3), guardrails 2 (2), red-teaming 2 (2).
    genai = roadmap_for(example, ANSWERS, profile=GENAI_IMPACT_UNSTATED)
    assert (phase_points(example, genai, NOW), phase_points(example, genai, NEXT)) == (3, 7)
