"""The crosswalk loader (docs/questionnaire-format.md, section 7.2): one broken file per refusal, located."""

from pathlib import Path

import pytest

from assessment.domain.crosswalk import EQUAL, CrosswalkMapping
from assessment.domain.crosswalk_loader import CrosswalkInvalid, crosswalk_to_yaml, parse_crosswalk
from assessment.domain.schema import parse_questionnaire

from .broken_files import refusal_tests

DATA = Path(__file__).parent.parent / "data"
BAD = DATA / "bad_crosswalks"
GOOD = DATA / "format2_crosswalk.yaml"
QUESTIONNAIRES = Path(__file__).parents[2] / "questionnaires"
FORMAT2 = parse_questionnaire((DATA / "format2_questionnaire.yaml").read_bytes(), "format2_questionnaire.yaml")

# One file per refusal rule: (file, line of the offending node, part of the message).
REFUSALS = [
    ("unknown-question.yaml", 34, 'maps: unknown question "genai-guardrail" (did you mean "genai-guardrails"?)'),
    ("question-twice.yaml", 34, 'maps: question "ai-inventory" appears twice'),
    (
        "unknown-item.yaml",
        35,
        'maps, question "genai-guardrails": unknown item "MEASURE 2.8" of framework "nist-ai-rmf" '
        '(did you mean "MEASURE 2.7"?)',
    ),
    ("unknown-framework.yaml", 31, 'unknown framework "nist-rmf" (did you mean "nist-ai-rmf"?)'),
    (
        "level-not-a-choice.yaml",
        31,
        'maps, question "impact-assessment": level 7 is not among the question\'s choice levels (1, 2, 3, 4)',
    ),
    ("level-lowest.yaml", 28, "level 1 is the question's lowest level, which every answer reaches"),
    ("unknown-relation.yaml", 33, 'unknown relation "covers": use equal, subset, superset or intersect'),
    ("item-twice.yaml", 32, 'item "MAP 1.1" of "nist-ai-rmf" is mapped twice (first on line 31)'),
    ("unknown-version.yaml", 3, 'questionnaire "small-ml-format2" has no version "2027.9" loaded'),
    (
        "applies-when-unknown-tag.yaml",
        18,
        'item "4(b)(iv)": applies_when names tag "high-risk" that no profile choice of the questionnaire gives '
        '(did you mean "high-impact"?)',
    ),
    ("duplicate-framework-id.yaml", 26, 'framework id "omb-m-25-21" is used twice'),
    ("duplicate-item-id.yaml", 26, 'framework "nist-ai-rmf": item id "MAP 1.1" is used twice'),
    ("revision-number.yaml", 4, 'revision must be text: quote it, as in revision: "1"'),
]


def questionnaire_of(slug, version):
    return FORMAT2 if (slug, version) == (FORMAT2.slug, FORMAT2.version) else None


def problems_of(data, filename="c.yaml"):
    with pytest.raises(CrosswalkInvalid) as refused:
        parse_crosswalk(data, filename, questionnaire_of)
    return refused.value.problems


test_it_refuses_each_bad_file_at_the_offending_line, test_every_broken_file_is_in_the_table = refusal_tests(
    BAD, REFUSALS, problems_of
)


def test_it_refuses_a_misspelt_key_naming_the_item():
    text = GOOD.read_text(encoding="utf-8").replace("title: Impact assessment before use", "titel: Impact")

    messages = [problem.message for problem in problems_of(text)]

    assert 'framework "omb-m-25-21", item "4(b)(i)": unknown key "titel" (did you mean "title"?)' in messages


def test_it_reads_the_good_file():
    crosswalk, warnings = parse_crosswalk(GOOD.read_bytes(), GOOD.name, questionnaire_of)

    assert warnings == []
    assert (crosswalk.questionnaire_slug, crosswalk.questionnaire_version, crosswalk.revision) == (
        "small-ml-format2",
        "2027.1",
        "1",
    )
    assert [framework.id for framework in crosswalk.frameworks] == ["omb-m-25-21", "nist-ai-rmf"]
    assert crosswalk.frameworks[0].items[1].applies_when == ("high-impact",)
    assert crosswalk.mappings[0] == CrosswalkMapping("ai-inventory", "omb-m-25-21", "3(a)", 3, EQUAL)


def test_it_warns_of_a_framework_no_question_maps_to():
    text = (
        GOOD.read_text(encoding="utf-8")
        .replace(
            '  genai-guardrails:\n    - {framework: nist-ai-rmf, item: "MEASURE 2.7", level: 4, relation: intersect}\n',
            "",
        )
        .replace('    - {framework: nist-ai-rmf, item: "MAP 1.1", level: 2, relation: subset}\n', "")
    )

    _crosswalk, warnings = parse_crosswalk(text, "c.yaml", questionnaire_of)

    assert [str(warning) for warning in warnings] == ['c.yaml:20: framework "nist-ai-rmf": no question maps to it']


def test_it_writes_a_file_that_reads_back_equal():
    crosswalk, _ = parse_crosswalk(GOOD.read_bytes(), GOOD.name, questionnaire_of)

    again, _ = parse_crosswalk(crosswalk_to_yaml(crosswalk), "again.yaml", questionnaire_of)

    assert again == crosswalk


def test_the_shipped_crosswalks_load_against_the_shipped_questionnaires():
    # A draft in questionnaires/drafts/ may have its crosswalk written beside it before it is published.
    paths = sorted(QUESTIONNAIRES.glob("*.yaml")) + sorted((QUESTIONNAIRES / "drafts").glob("*.yaml"))
    shipped = [parse_questionnaire(path.read_bytes(), path.name) for path in paths]
    by_version = {(q.slug, q.version): q for q in shipped}
    files = sorted((QUESTIONNAIRES / "crosswalks").glob("*.yaml"))

    loaded = [parse_crosswalk(path.read_bytes(), path.name, lambda s, v: by_version.get((s, v))) for path in files]

    assert files, "no crosswalk shipped"
    for path, (crosswalk, warnings) in zip(files, loaded, strict=True):
        assert path.name == f"{crosswalk.questionnaire_slug}-{crosswalk.questionnaire_version}.yaml"
        assert warnings == []
