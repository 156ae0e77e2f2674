"""Reading and writing questionnaire files (docs/questionnaire-format.md: the file and the loader's rules)."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain import yaml_nodes
from assessment.domain.model import (
    Area,
    Choice,
    Need,
    PhaseSizes,
    Practice,
    Question,
    Questionnaire,
    Reference,
    ScaleLevel,
    Source,
)
from assessment.domain.schema import (
    Problem,
    QuestionnaireInvalid,
    parse_questionnaire,
    questionnaire_to_dict,
    questionnaire_to_yaml,
)

from .broken_files import refusal_tests

DATA = Path(__file__).parent.parent / "data"
BAD = DATA / "bad_questionnaires"
GOOD = DATA / "good_questionnaire.yaml"
SHIPPED = sorted((Path(__file__).parents[2] / "questionnaires").glob("*.yaml"))

# One file per refusal rule: (file, line of the offending node, part of the message).
REFUSALS = [
    ("syntax-error.yaml", 3, "YAML syntax error: mapping values are not allowed"),
    ("not-a-mapping.yaml", 2, "the file must be a mapping of keys (format, slug, ...), got a list"),
    ("two-documents.yaml", 32, "more than one YAML document"),
    ("empty-file.yaml", 1, "the file is empty"),
    ("non-utf8.yaml", 12, "not valid UTF-8 (byte 0xe9)"),
    ("python-tag.yaml", 5, "tag !!python/object/apply:os.system is not allowed"),
    ("custom-tag.yaml", 13, "tag !include is not allowed"),
    ("too-many-aliases.yaml", 83, "more than 50 aliases"),
    ("alias-expansion.yaml", 12, "aliases expand this value beyond 100000 values"),
    ("recursive-alias.yaml", 21, "an alias refers to a node that contains it"),
    ("merge-key.yaml", 16, 'practice "pipeline": merge keys (<<) are not supported'),
    ("unknown-key.yaml", 28, 'question "discovery": unknown key "wieght" (did you mean "weight"?)'),
    ("duplicate-key.yaml", 25, 'area "data": key "title" appears twice'),
    ("missing-required-key.yaml", 11, 'practice "catalog": missing required key "effort"'),
    ("missing-value.yaml", 5, "title must be text, got nothing"),
    ("wrong-type-list.yaml", 21, 'practice "pipeline": requires must be a list, got text (catalog)'),
    ("level-not-integer.yaml", 30, 'question "discovery", choice 2: level must be an integer, got text (3)'),
    ("level-is-bool.yaml", 7, "scale level 1: level must be an integer, got true/false (true)"),
    ("number-too-long.yaml", 7, "a number of 5001 characters: at most 100"),
    ("text-is-bool.yaml", 29, "text must be text, got true/false (No) (put it in quotes)"),
    ("empty-string.yaml", 5, "title is empty"),
    ("whitespace-string.yaml", 13, 'practice "catalog": summary is empty'),
    ("format-not-1.yaml", 2, "format 3 is not supported: formats 1 and 2 exist"),
    ("version-number.yaml", 4, 'version must be text: quote it, as in version: "2026.1"'),
    ("bad-slug.yaml", 3, 'slug "Tiny_ML" may only use a-z, 0-9 and -'),
    ("bad-id.yaml", 26, 'id "Discovery Q" may only use a-z, 0-9 and -'),
    ("duplicate-area-id.yaml", 32, 'area id "data" is used twice among areas (first on line 23)'),
    ("duplicate-question-id.yaml", 35, 'question id "discovery" is used twice in the file (first on line 26)'),
    ("duplicate-practice-id.yaml", 22, 'practice id "pipeline" is used twice among practices (first on line 16)'),
    ("duplicate-choice-level.yaml", 30, 'question "discovery": choice level 1 is used twice'),
    ("choice-level-off-scale.yaml", 30, 'question "discovery": choice level 7 is not on the scale (1-3)'),
    ("too-few-choices.yaml", 29, 'question "discovery": needs at least two choices, got 1'),
    ("empty-questions.yaml", 25, 'area "data": questions is empty'),
    ("scale-too-short.yaml", 7, "scale needs at least two levels, got 1"),
    ("scale-not-consecutive.yaml", 9, "scale: level 4 follows level 2; levels must be consecutive"),
    ("scale-not-lowest-first.yaml", 8, "scale: level 2 follows level 3"),
    ("scale-duplicate-level.yaml", 9, "scale: level 2 appears twice"),
    ("scale-duplicate-name.yaml", 9, 'scale: name "Low" is used by levels 1 and 3'),
    ("weight-nan.yaml", 28, 'question "discovery": weight must be a positive finite number, got .nan'),
    ("weight-inf.yaml", 25, 'area "data": weight must be a positive finite number, got .inf'),
    ("weight-zero.yaml", 28, "weight must be a positive finite number, got 0"),
    ("weight-negative.yaml", 25, "weight must be a positive finite number, got -1"),
    ("weight-is-bool.yaml", 25, 'area "data": weight must be a number, got true/false'),
    ("default-target-off-scale.yaml", 10, "default_target 5 is not on the scale (1-3)"),
    ("effort-invalid.yaml", 20, 'practice "pipeline": effort must be low, medium or high, got "huge"'),
    (
        "unknown-practice.yaml",
        31,
        'question "discovery": practices names unknown practice "catalogue" (did you mean "catalog"?)',
    ),
    ("duplicate-practice-link.yaml", 31, 'question "discovery": practices lists "catalog" twice'),
    ("unknown-required-practice.yaml", 21, 'practice "pipeline": requires names unknown practice "catalogs"'),
    ("requires-cycle.yaml", 22, 'practice "pipeline": requires forms a cycle: catalog -> pipeline -> catalog'),
    ("requires-self.yaml", 16, 'practice "catalog": requires forms a cycle: catalog -> catalog'),
    ("url-not-http.yaml", 14, 'practice "catalog": url must be an absolute http(s) URL, got "ftp://example.org/'),
    ("url-relative.yaml", 16, 'practice "catalog", reference 1: url must be an absolute http(s) URL'),
    ("url-no-host.yaml", 8, 'source: url must be an absolute http(s) URL, got "https:///whitepaper"'),
    # The roadmap keys.
    (
        "choice-practices-unknown.yaml",
        25,
        'question "discovery", choice 3: practices names unknown practice "catalogue" (did you mean "catalog"?)',
    ),
    (
        "roadmap-key-on-lowest-choice.yaml",
        23,
        'question "discovery", choice 1 (level 1): stage is not allowed on the lowest choice of a question',
    ),
    (
        "stage-above-level.yaml",
        24,
        'question "discovery", choice 2 (level 2): stage 3 must be above the lowest level 1 '
        "and at most the choice's level 2",
    ),
    ("stage-at-lowest-level.yaml", 25, 'question "discovery", choice 3 (level 3): stage 1 must be above the lowest'),
    (
        "needs-unknown-question.yaml",
        25,
        'question "discovery", choice 3 (level 3): needs names unknown question "acess" (did you mean "access"?)',
    ),
    (
        "needs-itself.yaml",
        25,
        'question "discovery", choice 3 (level 3): needs names the question itself ("discovery")',
    ),
    (
        "needs-level-not-a-choice.yaml",
        25,
        'question "discovery", choice 3 (level 3): needs level 2 of question "access", '
        "which has no choice at that level (its levels: 1, 3)",
    ),
    (
        "needs-cycle.yaml",
        25,
        'question "discovery", choice level 3: needs form a cycle: '
        "discovery level 3 -> access level 3 -> access level 2 -> discovery level 3",
    ),
    ("phase-sizes-not-positive.yaml", 10, "phase_sizes: now must be a positive integer (steps in that phase), got 0"),
    ("phase-sizes-unknown-key.yaml", 10, 'phase_sizes: unknown key "later"'),
    ("foundation-not-bool.yaml", 29, 'question "access": foundation must be true or false, got an integer (1)'),
    # Format 2 (docs/questionnaire-format.md, section 6.4).
    ("format2-key-in-format1.yaml", 22, 'question "discovery": owner needs format: 2 (this file says format: 1)'),
    ("profile-question-without-id.yaml", 17, 'profile question 2: missing required key "id"'),
    ("profile-question-without-text.yaml", 17, 'profile question "impact": missing required key "text"'),
    ("profile-question-one-choice.yaml", 20, 'profile question "impact": needs at least two choices, got 1'),
    ("profile-choice-without-id.yaml", 21, 'profile question "impact", choice 2: missing required key "id"'),
    ("profile-choice-without-text.yaml", 21, 'profile question "impact", choice 2: missing required key "text"'),
    ("profile-choice-duplicate-id.yaml", 21, 'profile question "impact": choice id "yes" is used twice'),
    ("profile-duplicate-id.yaml", 17, 'profile question id "ai-kinds" is used twice (first on line 11)'),
    ("profile-id-is-question-id.yaml", 32, 'question id "discovery" is also a profile question\'s id (line 17)'),
    (
        "tag-invalid.yaml",
        20,
        'profile question "impact", choice 1: tags: "High-Impact" is not a tag: use lowercase letters, digits and -',
    ),
    ("tags-not-a-list.yaml", 20, 'profile question "impact", choice 1: tags must be a list, got text (high-impact)'),
    (
        "applies-when-unknown-tag.yaml",
        26,
        'area "data": applies_when names tag "gen-ai" that no profile choice gives (did you mean "genai"?)',
    ),
    (
        "foundation-when-unknown-tag.yaml",
        29,
        'question "discovery": foundation_when names tag "high-impact" that no profile choice gives',
    ),
    ("applies-when-empty.yaml", 29, 'question "discovery": applies_when is empty: list at least one tag'),
    ("foundation-when-empty.yaml", 29, 'question "discovery": foundation_when is empty: list at least one tag'),
    ("owner-invalid.yaml", 29, 'question "discovery": owner must be team or agency, got "agencies"'),
    ("phase-budget-not-positive.yaml", 10, "phase_budget: now must be a positive whole number (effort points), got 0"),
    ("phase-budget-not-whole.yaml", 10, "phase_budget: now must be an integer, got a number (7.5)"),
    (
        "phase-budget-and-size.yaml",
        11,
        "phase_budget: next is also given in phase_sizes (line 10): size a phase by steps or by effort points, not both",
    ),
]


def problems_of(data, filename="q.yaml") -> list[Problem]:
    with pytest.raises(QuestionnaireInvalid) as refused:
        parse_questionnaire(data, filename)
    return refused.value.problems


def good_text() -> str:
    return GOOD.read_text(encoding="utf-8")


# --- Refusals ---------------------------------------------------------------


test_it_refuses_each_bad_file_at_the_offending_line, test_every_bad_file_is_in_the_table = refusal_tests(
    BAD, REFUSALS, problems_of
)


def test_it_reports_every_problem_of_a_file_in_line_order():
    problems = problems_of((DATA / "several_problems.yaml").read_bytes(), "several.yaml")

    assert [str(problem) for problem in problems] == [
        'several.yaml:4: version must be text: quote it, as in version: "2"',
        'several.yaml:13: practice "catalog": url must be an absolute http(s) URL, got "catalog.html"',
        'several.yaml:18: area "data": unknown key "wieght" (did you mean "weight"?)',
        'several.yaml:24: question "discovery": choice level 5 is not on the scale (1-2)',
        'several.yaml:25: question "discovery": practices names unknown practice "catalogs" (did you mean "catalog"?)',
    ]


def test_the_exception_lists_one_problem_per_line():
    error = QuestionnaireInvalid([Problem("a.yaml", 3, "first"), Problem("a.yaml", 9, "second")])

    assert str(error) == "a.yaml:3: first\na.yaml:9: second"


def test_it_refuses_files_over_one_mebibyte():
    data = (good_text() + "#" * (1024 * 1024)).encode("utf-8")

    problems = problems_of(data)

    assert [(problem.line, problem.message) for problem in problems] == [
        (1, f"file is larger than 1 MiB ({len(data)} bytes)")
    ]


def test_it_accepts_a_file_of_exactly_one_mebibyte():
    text = good_text()
    padding = 1024 * 1024 - len(text.encode("utf-8")) - 1
    data = (text + "#" * padding + "\n").encode("utf-8")

    assert len(data) == 1024 * 1024
    assert parse_questionnaire(data, "big.yaml").slug == "small-ml"


def test_it_refuses_control_characters_at_their_line():
    problems = problems_of(good_text().replace("title: Operations", "title: Oper\x07ations"))

    assert [(problem.line, problem.message) for problem in problems] == [
        (95, "character U+0007 is not allowed in YAML")
    ]


@pytest.mark.parametrize("depth", [600, 20_000])
@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
def test_it_refuses_deep_nesting_without_crashing(loader, depth, monkeypatch):
    if loader == "pure-python":
        monkeypatch.setattr(yaml_nodes, "Loader", yaml_nodes._BoundedSafeLoader)

    problems = problems_of("title: " + "[" * depth + "]" * depth + "\n")

    assert len(problems) == 1
    assert "nest" in problems[0].message


def test_it_names_a_date_version_and_asks_for_quotes():
    problems = problems_of(good_text().replace('version: "2026.1"', "version: 2026-01-15"))

    assert [(problem.line, problem.message) for problem in problems] == [
        (4, 'version must be text: quote it, as in version: "2026-01-15"')
    ]


def test_it_suggests_nothing_for_a_key_unlike_any_known_key():
    problems = problems_of(good_text().replace("format: 1\n", "format: 1\ncolour: red\n"))

    assert [(problem.line, problem.message) for problem in problems] == [(3, 'unknown key "colour"')]


def test_it_names_an_item_by_position_when_its_id_is_missing():
    text = good_text().replace("      - id: model-versions\n        text:", "      - text:")

    problems = problems_of(text)

    assert [(problem.line, problem.message) for problem in problems] == [
        (82, 'question 1 of area "models": missing required key "id"')
    ]


def test_it_names_all_missing_keys_in_one_problem():
    problems = problems_of("format: 1\ntitle: Only a title\n")

    assert [(problem.line, problem.message) for problem in problems] == [
        (1, 'missing required keys "slug", "version", "scale", "areas"')
    ]


# --- Reading a valid file ---------------------------------------------------


def test_it_reads_the_good_file():
    q = parse_questionnaire(GOOD.read_bytes(), "good_questionnaire.yaml")

    assert (q.format, q.slug, q.version, q.default_target) == (1, "small-ml", "2026.1", 4)
    assert q.summary == (
        "A short questionnaire used by the tests. It covers data, models and operations in a few questions each."
    )
    assert q.source == Source(
        title="Machine Learning Best Practices for Public Sector Organizations",
        publisher="Amazon Web Services",
        url="https://docs.aws.amazon.com/whitepapers/latest/ml-best-practices-public-sector-organizations/"
        "ml-best-practices-public-sector-organizations.html",
    )
    assert [(s.level, s.name) for s in q.scale] == [
        (1, "Initial"),
        (2, "Developing"),
        (3, "Defined"),
        (4, "Managed"),
        (5, "Optimized"),
    ]
    assert [p.id for p in q.practices] == ["data-catalog", "streaming-ingestion", "model-registry", "model-monitoring"]
    assert q.practice("model-monitoring").requires == ("model-registry", "streaming-ingestion")
    assert q.practice("model-monitoring").effort == "high"
    assert q.practice("streaming-ingestion").references == (
        Reference(
            title="Whitepaper: Data ingestion and preparation",
            url="https://docs.aws.amazon.com/whitepapers/latest/ml-best-practices-public-sector-organizations/"
            "data-ingestion-and-preparation.html",
        ),
    )
    assert q.practice("model-registry").note == "The console pages were renamed in 2024; the API is unchanged."
    assert [(a.id, a.weight) for a in q.areas] == [("data", 1), ("models", 1.5), ("operations", 1)]
    streaming = q.areas[0].questions[0]
    assert (streaming.id, streaming.weight, streaming.not_applicable) == ("streaming-data", 2, True)
    assert streaming.help == (
        "Streaming data arrives continuously, for example sensor readings or clicks on a public website."
    )
    assert q.areas[0].questions[1].choices == (
        Choice(1, "They ask around"),
        Choice(3, "A shared list of datasets"),
        Choice(5, "A searchable catalog with owners and sensitivity"),
    )


def test_it_reads_the_roadmap_keys():
    q = parse_questionnaire(GOOD.read_bytes(), "good_questionnaire.yaml")

    assert q.phase_sizes == PhaseSizes(now=2, next=16)
    assert [question.id for _, question in q.questions() if question.foundation] == ["data-discovery"]
    model_versions = q.areas[1].questions[0]
    assert model_versions.choice_at(4) == Choice(
        4, "In a model registry", practices=("model-registry",), stage=3, needs=(Need("data-discovery", 3),)
    )
    # A choice without practices uses the question's; [] replaces them with none.
    assert model_versions.practices_for(model_versions.choice_at(5)) == ("model-registry", "data-catalog")
    monitoring = q.areas[2].questions[0]
    assert monitoring.practices_for(monitoring.choice_at(3)) == ()
    assert monitoring.choice_at(3).roadmap_stage == 3 and model_versions.choice_at(4).roadmap_stage == 3


def test_it_reports_every_roadmap_problem_of_a_file():
    text = good_text().replace("phase_sizes: {now: 2}", "phase_sizes: {now: 2, next: -1}")
    text = text.replace(
        "needs: [{question: data-discovery, level: 3}]", "needs: [{question: data-discovery, level: 4}]"
    )
    text = text.replace("{level: 1, text: On laptops}", "{level: 1, text: On laptops, practices: []}")

    problems = problems_of(text)

    assert [(problem.line, problem.message) for problem in problems] == [
        (20, "phase_sizes: next must be a positive integer (steps in that phase), got -1"),
        (
            85,
            'question "model-versions", choice 1 (level 1): practices is not allowed on the lowest choice of a '
            "question (there is no step to it)",
        ),
        (
            91,
            'question "model-versions", choice 3 (level 4): needs level 4 of question "data-discovery", '
            "which has no choice at that level (its levels: 1, 3, 5)",
        ),
    ]


def test_a_phase_size_may_be_given_alone():
    q = parse_questionnaire(good_text().replace("phase_sizes: {now: 2}", "phase_sizes: {next: 4}"), "q.yaml")

    assert q.phase_sizes == PhaseSizes(now=8, next=4)


def test_it_applies_the_defaults():
    text = good_text().replace("default_target: 4\n", "")
    text = text[: text.index("practices:\n")] + text[text.index("areas:\n") :]
    text = text.replace("        practices: [", "        #practices: [")

    q = parse_questionnaire(text, "defaults.yaml")

    assert q.default_target == 5
    assert q.practices == ()
    discovery = q.areas[0].questions[1]
    assert (discovery.weight, discovery.not_applicable, discovery.help, discovery.practices) == (1, False, "", ())
    assert (q.areas[1].summary, q.areas[2].weight) == ("", 1)
    assert q.practices == () and q.scale[0].description == "Ad hoc, depends on individuals"


def test_it_reads_str_and_bytes_with_or_without_a_byte_order_mark_alike():
    expected = parse_questionnaire(good_text(), "good.yaml")

    assert parse_questionnaire(GOOD.read_bytes(), "good.yaml") == expected
    assert parse_questionnaire(b"\xef\xbb\xbf" + GOOD.read_bytes(), "good.yaml") == expected


def test_it_strips_text_but_keeps_inner_line_breaks():
    text = good_text().replace(
        "        text: How are trained models kept?",
        '        text: "  How are trained models kept?  "\n'
        "        help: |\n"
        "          First line.\n"
        "          Second line.\n",
    )

    question = parse_questionnaire(text, "q.yaml").areas[1].questions[0]

    assert question.text == "How are trained models kept?"
    assert question.help == "First line.\nSecond line."


def test_it_accepts_a_few_aliases():
    text = good_text().replace("        practices: [data-catalog]", "        practices: &catalog [data-catalog]")
    text = text.replace("\n        practices: [model-registry, data-catalog]", "\n        practices: *catalog")

    q = parse_questionnaire(text, "q.yaml")

    assert q.areas[1].questions[0].practices == ("data-catalog",)


# --- Writing ----------------------------------------------------------------


@pytest.mark.parametrize("path", [GOOD, *SHIPPED], ids=lambda path: path.name)
def test_a_file_reads_back_the_same_after_writing(path):
    q = parse_questionnaire(path.read_bytes(), path.name)

    assert parse_questionnaire(questionnaire_to_yaml(q), "written.yaml") == q


def test_the_dict_follows_the_format_order_and_leaves_defaults_out():
    data = questionnaire_to_dict(parse_questionnaire(GOOD.read_bytes(), "good.yaml"))

    assert list(data) == [
        "format",
        "slug",
        "version",
        "title",
        "summary",
        "source",
        "scale",
        "default_target",
        "phase_sizes",
        "practices",
        "areas",
    ]
    assert data["phase_sizes"] == {"now": 2}
    assert list(data["areas"][0]["questions"][1]) == ["id", "text", "foundation", "choices", "practices"]
    assert data["areas"][1]["questions"][0]["choices"][2] == {
        "level": 4,
        "text": "In a model registry",
        "practices": ["model-registry"],
        "stage": 3,
        "needs": [{"question": "data-discovery", "level": 3}],
    }
    assert data["areas"][2]["questions"][0]["choices"][2] == {
        "level": 3,
        "text": "Scheduled manual reviews",
        "practices": [],
    }
    assert list(data["practices"][1]) == ["id", "title", "summary", "url", "references", "effort", "requires"]
    assert list(data["practices"][2]) == ["id", "title", "summary", "url", "note", "effort"]
    assert list(data["areas"][0]) == ["id", "title", "summary", "questions"]
    assert list(data["areas"][1]) == ["id", "title", "weight", "questions"]
    assert list(data["areas"][0]["questions"][0]) == [
        "id",
        "text",
        "help",
        "weight",
        "not_applicable",
        "choices",
        "practices",
    ]
    assert data["scale"][0] == {"level": 1, "name": "Initial", "description": "Ad hoc, depends on individuals"}
    assert data["areas"][0]["questions"][1]["choices"][0] == {"level": 1, "text": "They ask around"}


def test_the_dict_leaves_out_a_default_target_at_the_top_level():
    q = parse_questionnaire(good_text().replace("default_target: 4", "default_target: 5"), "q.yaml")

    assert "default_target" not in questionnaire_to_dict(q)


def test_the_yaml_keeps_the_version_quoted_and_long_text_readable():
    q = parse_questionnaire(good_text().replace('version: "2026.1"', "version: v1"), "q.yaml")

    text = questionnaire_to_yaml(q)

    assert '\nversion: "v1"\n' in text
    assert "\nsummary: >-\n  A short questionnaire used by the tests." in text
    assert "    requires: [model-registry, streaming-ingestion]\n" in text
    assert "      - {level: 1, text: They ask around}\n" in text


def test_the_yaml_writes_text_with_line_breaks_as_a_literal_block():
    q = parse_questionnaire(
        good_text().replace("summary: How data reaches your ML teams.", "summary: |\n      One.\n      Two."), "q.yaml"
    )

    text = questionnaire_to_yaml(q)

    assert "    summary: |-\n      One.\n      Two.\n" in text


# Any valid questionnaire reads back equal after writing, whatever its text holds.

ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10)
texts = st.one_of(
    st.text(max_size=100).map(str.strip),
    st.sampled_from(["yes", "No", "~", "null", "1.0", "0x1F", "- item", "a: b", "#", "'q'", '"q"', "[x]", "*a", "&a"]),
    st.lists(
        st.sampled_from(["word", "long-word", " ", "  ", "\n", "\n\n", ":", "#", "\t", "é", "\u2028", "\x85"]),
        max_size=40,
    )
    .map("".join)
    .map(str.strip),
).filter(bool)
urls = st.builds(
    "{}://{}.org/{}".format,
    st.sampled_from(["http", "https"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-._~%/?=&#", max_size=20),
)
optional_texts = st.just("") | texts
weights = st.one_of(
    st.just(1),
    st.integers(1, 100),
    st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False),
)


@st.composite
def questionnaires(draw) -> Questionnaire:
    lo = draw(st.integers(-2, 3))
    levels = list(range(lo, lo + draw(st.integers(2, 6))))
    names = draw(st.lists(texts, min_size=len(levels), max_size=len(levels), unique=True))
    scale = tuple(ScaleLevel(level, name, draw(optional_texts)) for level, name in zip(levels, names, strict=True))

    practice_ids = draw(st.lists(ids, max_size=4, unique=True))
    practices = tuple(
        Practice(
            id=practice_id,
            title=draw(texts),
            summary=draw(texts),
            url=draw(urls),
            effort=draw(st.sampled_from(["low", "medium", "high"])),
            references=tuple(draw(st.lists(st.builds(Reference, texts, urls), max_size=2))),
            note=draw(optional_texts),
            requires=tuple(draw(st.lists(st.sampled_from(practice_ids[:number]), unique=True))) if number else (),
        )
        for number, practice_id in enumerate(practice_ids)
    )

    question_ids = iter(draw(st.lists(ids, min_size=6, max_size=6, unique=True)))
    earlier: list[Question] = []  # needs name earlier questions only, so they form no cycle
    areas = []
    for area_key in draw(st.lists(ids, min_size=1, max_size=3, unique=True)):
        questions = []
        for _ in range(draw(st.integers(1, 2))):
            offered = draw(st.lists(st.sampled_from(levels), min_size=2, unique=True))
            choices = tuple(
                Choice(level, draw(texts))
                if level == min(offered)
                else Choice(
                    level,
                    draw(texts),
                    practices=draw(st.none() | st.lists(st.sampled_from(practice_ids), unique=True).map(tuple))
                    if practice_ids
                    else draw(st.none() | st.just(())),
                    stage=draw(st.none() | st.integers(lo + 1, level)) if level > lo else None,
                    needs=tuple(
                        Need(other.id, draw(st.sampled_from([c.level for c in other.choices])))
                        for other in draw(st.lists(st.sampled_from(earlier), max_size=2, unique_by=lambda q: q.id))
                    )
                    if earlier
                    else (),
                )
                for level in offered
            )
            questions.append(
                Question(
                    id=next(question_ids),
                    text=draw(texts),
                    choices=choices,
                    help=draw(optional_texts),
                    weight=draw(weights),
                    not_applicable=draw(st.booleans()),
                    practices=tuple(draw(st.lists(st.sampled_from(practice_ids), unique=True))) if practice_ids else (),
                    foundation=draw(st.booleans()),
                )
            )
            earlier.append(questions[-1])
        areas.append(
            Area(
                id=area_key,
                title=draw(texts),
                questions=tuple(questions),
                summary=draw(optional_texts),
                weight=draw(weights),
            )
        )

    return Questionnaire(
        slug=draw(ids),
        version=draw(texts),
        title=draw(texts),
        scale=scale,
        areas=tuple(areas),
        default_target=draw(st.sampled_from(levels)),
        summary=draw(optional_texts),
        source=draw(st.none() | st.builds(Source, texts, optional_texts, st.just("") | urls)),
        practices=practices,
        phase_sizes=draw(st.builds(PhaseSizes, st.integers(1, 30), st.integers(1, 30))),
    )


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(questionnaires())
def test_any_questionnaire_reads_back_equal_after_writing(q):
    assert parse_questionnaire(questionnaire_to_yaml(q), "generated.yaml") == q


# --- Format 2 keys ------------------------------------------------------------

FORMAT2_IN_FORMAT1 = [
    # (text replaced in the good file, its replacement, the key, where the message says it is)
    (
        "areas:\n",
        "profile:\n  - {id: p, text: P?, choices: [{id: a, text: A}, {id: b, text: B}]}\nareas:\n",
        "profile",
        "",
    ),
    ("areas:\n", "phase_budget: {now: 4}\nareas:\n", "phase_budget", ""),
    ("  - id: data\n", "  - id: data\n    applies_when: [genai]\n", "applies_when", 'area "data": '),
    (
        "      - id: data-discovery\n",
        "      - id: data-discovery\n        applies_when: [genai]\n",
        "applies_when",
        'question "data-discovery": ',
    ),
    (
        "      - id: data-discovery\n",
        "      - id: data-discovery\n        foundation_when: [genai]\n",
        "foundation_when",
        'question "data-discovery": ',
    ),
    (
        "      - id: data-discovery\n",
        "      - id: data-discovery\n        owner: agency\n",
        "owner",
        'question "data-discovery": ',
    ),
]


@pytest.mark.parametrize("old, new, key, where", FORMAT2_IN_FORMAT1)
def test_it_refuses_each_format2_key_in_a_format1_file_at_the_key(old, new, key, where):
    text = good_text().replace(old, new, 1)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if row.strip().startswith(f"{key}:"))

    problems = problems_of(text)

    assert [(problem.line, problem.message) for problem in problems] == [
        (line, f"{where}{key} needs format: 2 (this file says format: 1)")
    ]


def test_a_format2_file_without_a_profile_knows_no_tags():
    text = (
        good_text()
        .replace("format: 1", "format: 2")
        .replace("      - id: data-discovery\n", "      - id: data-discovery\n        applies_when: [genai]\n", 1)
    )

    problems = problems_of(text)

    assert [problem.message for problem in problems] == [
        'question "data-discovery": applies_when names tag "genai" that no profile choice gives'
    ]


def test_a_format1_file_reads_as_before_with_format2_defaults():
    questionnaire = parse_questionnaire(good_text(), "good.yaml")

    assert questionnaire.profile == ()
    assert all(
        (question.applies_when, question.foundation_when, question.owner) == ((), (), "team")
        for _area, question in questionnaire.questions()
    )
    assert "profile" not in questionnaire_to_dict(questionnaire)
    assert "phase_budget" not in questionnaire_to_dict(questionnaire)
