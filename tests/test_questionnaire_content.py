"""The shipped questionnaires say what the product promises.

Every file in questionnaires/ is one content version of a questionnaire; the
newest of a slug is the one new assessments get, the older ones stay for the
assessments that use them. No database: the files are read with yaml.safe_load
for the content rules below, and with the format validator
(assessment.domain.schema.parse_questionnaire), which must accept them without
a single problem. The roadmap rules are those of docs/questionnaire-format.md,
section 4.

Most rules hold for every shipped version. The content review of 2026.2 (public
bodies' own practices and questions, retired AWS services, vendor-neutral
practice titles, plain summaries, more foundations) added rules that 2026.1
does not meet: 2026.1 stays as it was shipped, because assessments use it and a
version in use never changes. Those rules run on 2026.2 and every later version.

Facts that one version changes on purpose are pinned to the file that has them:
2026.2's to `public-sector-ml-2026.2.yaml` by name, the current content's (2026.3,
format 2, docs/content-2026.3.md) to `public-sector-ml.yaml`. A newer version
moves the current content's expectations with it.
"""

import itertools
import re
from pathlib import Path

import pytest
import yaml

from assessment.domain.profile import in_scope, team_tags
from assessment.domain.schema import parse_questionnaire

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
SHIPPED = {
    path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(QUESTIONNAIRES.glob("*.yaml"))
}
REVIEWED_FROM = "2026.2"  # the version whose content review added the rules of the `reviewed` fixture
V2026_2 = "public-sector-ml-2026.2.yaml"
CURRENT = "public-sector-ml.yaml"  # the current content, version 2026.3
FORMAT_OF = {"public-sector-ml-2026.1.yaml": 1, V2026_2: 1, CURRENT: 2}


def version_key(version: str) -> tuple[int, ...]:
    """Versions compared by their numbers, so that "2026.10" comes after "2026.9"."""
    return tuple(int(number) for number in re.findall(r"\d+", version))


REVIEWED = [name for name, content in SHIPPED.items() if version_key(content["version"]) >= version_key(REVIEWED_FROM)]
WHITEPAPER = "https://docs.aws.amazon.com/whitepapers/latest/ml-best-practices-public-sector-organizations/"

AREA_IDS = ["data-ingestion", "training", "mlops", "governance", "security", "cost", "bias"]
AREA_TITLES = [
    "Data Ingestion and Preparation",
    "Model Training and Tuning",
    "ML Operations (MLOps)",
    "Management and Governance",
    "Security and Compliance",
    "Cost Optimization",
    "Bias and Explainability",
]
# The whitepaper's section page for each area, in the same order.
AREA_PAGES = [
    "data-ingestion-and-preparation",
    "model-training-and-tuning",
    "mlops",
    "management-and-governance",
    "security-and-compliance",
    "cost-optimization",
    "bias-and-explainability",
]
# Services the whitepaper names that were since renamed, folded in or closed:
# the practice that covers the job says so in its note. 2026.3 names no service
# in its titles, so the notes of right-size-inference, data-prep-jobs and
# explain-results went with their services.
NOTED_PRACTICES = {
    V2026_2: {
        "release-pipeline": "MLOps Framework",
        "right-size-inference": "Elastic Inference",
        "data-prep-jobs": "Canvas",
        "fairness-testing": "no longer open to new customers",
        "labeling-workflow": "Ground Truth",
        "explain-results": "Debugger",
    },
    CURRENT: {
        "release-pipeline": "MLOps Workload Orchestrator",
        "serving-right-size": "Elastic Inference",
        "fairness-testing": "no longer open to new customers",
        "labeling-workflow": "Ground Truth",
    },
}
# Services closed to new customers or discontinued (status checked for 2026.2).
RETIRED = re.compile(
    r"\b(Clarify|Debugger|Ground Truth|Elastic Inference|Augmented AI|A2I|Edge Manager|Data Science SDK)\b"
)
VENDOR_WORDS = re.compile(r"\b(AWS|Amazon|SageMaker|S3|IAM|Kinesis|Glue|EMR|KMS|VPC|ECR)\b")
EXAMPLE = re.compile(r"\s*\(for example [^()]*\)\s*$")
# What public bodies need and the whitepaper lacks: practice id and the host of
# its authoritative reference.
PUBLIC_SECTOR_HOSTS = {
    "use-case-intake": "www.nist.gov",
    "impact-assessment": "www.canada.ca",
    "ai-use-case-inventory": "www.whitehouse.gov",
    "data-ownership": "strategy.data.gov",
    "human-review-appeal": "www.tbs-sct.canada.ca",
    "ml-incident-response": "csrc.nist.gov",
}
PUBLIC_SECTOR_PRACTICES = {
    V2026_2: {**PUBLIC_SECTOR_HOSTS, "production-monitoring": "docs.aws.amazon.com"},
    # 2026.3's main references are neutral authorities or open tools (issue 28, point 8).
    CURRENT: {**PUBLIC_SECTOR_HOSTS, "production-monitoring": "docs.evidentlyai.com"},
}
M_25_21 = "M-25-21"
DADM = "https://www.tbs-sct.canada.ca/pol/doc-eng.aspx?id=32592"


@pytest.fixture(scope="module", params=list(SHIPPED))
def data(request):
    """The content of one shipped file (each test runs once per file)."""
    return SHIPPED[request.param]


@pytest.fixture(scope="module")
def practices(data):
    return {practice["id"]: practice for practice in data["practices"]}


@pytest.fixture(scope="module", params=REVIEWED)
def reviewed(request):
    """The content of one shipped file of version REVIEWED_FROM or later."""
    return SHIPPED[request.param]


@pytest.fixture(scope="module")
def reviewed_practices(reviewed):
    return {practice["id"]: practice for practice in reviewed["practices"]}


def by_slug() -> dict[str, list[dict]]:
    """The shipped contents of each slug, oldest version first."""
    found: dict[str, list[dict]] = {}
    for content in SHIPPED.values():
        found.setdefault(content["slug"], []).append(content)
    return {slug: sorted(contents, key=lambda c: version_key(c["version"])) for slug, contents in found.items()}


def questions(data):
    for area in data["areas"]:
        for question in area["questions"]:
            yield area, question


def steps(data):
    """Every choice above a question's lowest: each is a roadmap step's target."""
    for _, question in questions(data):
        lowest = min(choice["level"] for choice in question["choices"])
        for choice in question["choices"]:
            if choice["level"] > lowest:
                yield question, choice


def choice_practices(question, choice):
    return choice["practices"] if "practices" in choice else question.get("practices", [])


# --- the files load ---------------------------------------------------------


@pytest.mark.parametrize("name", list(SHIPPED))
def test_it_passes_the_format_validator(name):
    path = QUESTIONNAIRES / name
    questionnaire = parse_questionnaire(path.read_bytes(), str(path))

    assert (questionnaire.slug, questionnaire.version) == (SHIPPED[name]["slug"], SHIPPED[name]["version"])
    assert [area.title for area in questionnaire.areas] == AREA_TITLES


def test_every_version_is_shipped_once_under_the_one_slug():
    """Older versions stay loadable beside the newest; a (slug, version) pair names one content."""
    pairs = [(content["slug"], content["version"]) for content in SHIPPED.values()]

    assert len(pairs) >= 2 and len(set(pairs)) == len(pairs), pairs
    assert {slug for slug, _ in pairs} == {"public-sector-ml"}


def test_the_newest_version_of_each_slug_meets_the_review_rules():
    """New content goes into a new version, which must keep the rules the 2026.2 review added."""
    for slug, contents in by_slug().items():
        newest = contents[-1]
        assert version_key(newest["version"]) >= version_key(REVIEWED_FROM), (slug, newest["version"])


# --- identity and structure -------------------------------------------------


@pytest.mark.parametrize("name", list(SHIPPED))
def test_it_identifies_itself_and_its_source(name):
    data = SHIPPED[name]
    assert data["format"] == FORMAT_OF[name]
    assert data["slug"] == "public-sector-ml"
    assert isinstance(data["version"], str) and data["version"].strip()
    assert data["title"].strip() and data["summary"].strip()
    assert data["source"]["publisher"] == "Amazon Web Services"
    assert data["source"]["url"].startswith(WHITEPAPER)
    assert data["default_target"] == 4


def test_it_has_five_named_levels_each_described(data):
    scale = data["scale"]

    assert [level["level"] for level in scale] == [1, 2, 3, 4, 5]
    assert [level["name"] for level in scale] == ["Initial", "Developing", "Defined", "Managed", "Optimized"]
    assert all(level["description"].strip() for level in scale)


def test_it_keeps_the_seven_areas_in_order(data):
    assert [area["id"] for area in data["areas"]] == AREA_IDS
    assert [area["title"] for area in data["areas"]] == AREA_TITLES
    assert all(area["summary"].strip() for area in data["areas"])


def test_each_area_has_five_to_nine_questions(data):
    counts = {area["title"]: len(area["questions"]) for area in data["areas"]}

    assert all(5 <= count <= 9 for count in counts.values()), counts


def test_each_question_offers_one_choice_per_level(data):
    for _, question in questions(data):
        assert [choice["level"] for choice in question["choices"]] == [1, 2, 3, 4, 5], question["id"]
        assert all(choice["text"].strip() for choice in question["choices"]), question["id"]
        assert question["help"].strip(), question["id"]


# The ids a version drops on purpose, because a level no longer describes the same state or the
# question was folded into another (docs/content-2026.3.md, section 2).
RETIRED_IDS = {
    "2026.3": {
        "mt-large-jobs",
        "mt-accuracy-target",
        "ops-release-process",
        "ops-edge-devices",
        "gov-use-case-approval",
        "gov-licenses",
        "gov-workspaces",
        "gov-policy-checks",
        "sec-access-control",
        "sec-network-isolation",
        "sec-compliance-evidence",
        "cost-storage",
        "bias-explain-public",
        "bias-accuracy-vs-explanation",
    },
}


def test_question_ids_of_each_version_carry_over_in_their_area_to_the_next():
    """Stable ids let actions and comparisons carry over to a newer version; only the listed ids retire."""
    for contents in by_slug().values():
        for older, newer in itertools.pairwise(contents):
            now = {question["id"]: area["id"] for area, question in questions(newer)}
            before = {question["id"]: area["id"] for area, question in questions(older)}
            retired = RETIRED_IDS.get(newer["version"], set())

            assert retired <= set(before) and not retired & set(now), (newer["version"], retired & set(now))
            kept = {qid: area for qid, area in before.items() if qid not in retired}
            assert {qid: now.get(qid) for qid in kept} == kept, (older["version"], newer["version"])


def test_it_asks_the_questions_public_bodies_need(reviewed):
    """The 2026.2 review added these; later versions keep them."""
    asked = {question["id"] for _, question in questions(reviewed)}

    assert {
        "di-data-ownership",
        "gov-ai-inventory",
        "sec-sensitive-data",
        "ops-monitoring",
        "ops-incident-response",
        "bias-human-review",
    } <= asked


# --- links between questions and practices, both ways -----------------------


def test_every_step_names_known_practices(data, practices):
    for question, choice in steps(data):
        named = choice_practices(question, choice)
        assert named, (question["id"], choice["level"])
        assert set(named) <= set(practices), (question["id"], choice["level"], set(named) - set(practices))


def test_the_lowest_choice_takes_no_roadmap_keys(data):
    for _, question in questions(data):
        lowest = min(question["choices"], key=lambda choice: choice["level"])
        assert not {"practices", "stage", "needs"} & set(lowest), question["id"]


def test_every_practice_is_named_by_some_step(data, practices):
    named = {practice_id for question, choice in steps(data) for practice_id in choice_practices(question, choice)}

    assert set(practices) - named == set()


def test_practice_requires_name_known_practices_without_cycles(practices):
    graph = {pid: practice.get("requires", []) for pid, practice in practices.items()}
    assert all(set(required) <= set(practices) for required in graph.values())
    assert _cycle(graph) is None


def test_it_covers_at_least_35_practices(practices):
    assert len(practices) >= 35


# --- roadmap keys -------------------------------------------------------------


def test_at_least_eight_foundations_each_reach_defined_at_stage_2(reviewed):
    foundations = [question for _, question in questions(reviewed) if question.get("foundation")]

    assert len(foundations) >= 8
    for question in foundations:
        level_3 = next(choice for choice in question["choices"] if choice["level"] == 3)
        assert level_3.get("stage") == 2, question["id"]


BASICS = {"gov-ai-inventory", "sec-sensitive-data", "sec-audit-logging", "di-data-ownership"}
BASICS |= {"sec-version-history", "sec-data-lifecycle"}


def test_the_basics_are_foundations_in_2026_2():
    foundations = {question["id"] for _, question in questions(SHIPPED[V2026_2]) if question.get("foundation")}

    assert BASICS | {"gov-use-case-approval", "sec-access-control", "sec-network-isolation"} <= foundations


def test_the_basics_are_foundations_in_the_current_content():
    foundations = {question["id"] for _, question in questions(SHIPPED[CURRENT]) if question.get("foundation")}

    assert BASICS | {"gov-intake", "gov-team-uses", "sec-access-roles", "sec-network-egress"} <= foundations
    assert {"di-privacy-review", "ops-incident-response"} <= foundations


def test_stages_are_within_the_scale(data):
    for question, choice in steps(data):
        assert 1 < choice.get("stage", choice["level"]) <= choice["level"], (question["id"], choice["level"])


def test_needs_name_another_question_at_one_of_its_levels(data):
    levels = {question["id"]: {choice["level"] for choice in question["choices"]} for _, question in questions(data)}
    for question, choice in steps(data):
        for need in choice.get("needs", []):
            assert need["question"] != question["id"], question["id"]
            assert need["level"] in levels.get(need["question"], set()), (question["id"], need)


def test_needs_make_no_cycle_among_question_levels(data):
    graph = {}
    for _, question in questions(data):
        levels = sorted(choice["level"] for choice in question["choices"])
        by_level = {choice["level"]: choice for choice in question["choices"]}
        for below, level in zip([None, *levels[:-1]], levels, strict=True):
            edges = [(question["id"], below)] if below is not None else []
            edges += [(need["question"], need["level"]) for need in by_level[level].get("needs", [])]
            graph[(question["id"], level)] = edges

    assert _cycle(graph) is None


def test_phase_sizes_are_the_defaults_or_positive(data):
    sizes = data.get("phase_sizes", {})

    assert set(sizes) <= {"now", "next"}
    assert all(isinstance(size, int) and size > 0 for size in sizes.values())


# --- practice titles and services ---------------------------------------------


def test_practice_titles_lead_with_a_vendor_neutral_action(reviewed_practices):
    for practice in reviewed_practices.values():
        action = EXAMPLE.sub("", practice["title"])
        assert action and action[0].isupper(), practice["id"]
        assert not VENDOR_WORDS.search(action), (practice["id"], action)


def test_a_practice_naming_an_aws_service_names_it_as_an_example_in_2026_2():
    named = [p for p in SHIPPED[V2026_2]["practices"] if VENDOR_WORDS.search(p["title"])]

    assert len(named) >= 40
    assert all(EXAMPLE.search(p["title"]) for p in named), [p["id"] for p in named if not EXAMPLE.search(p["title"])]


def test_no_practice_title_of_the_current_content_names_a_vendor():
    """2026.3 is vendor-neutral: AWS, Azure, Google Cloud and on-premises equivalents are in the summaries."""
    assert [p["id"] for p in SHIPPED[CURRENT]["practices"] if VENDOR_WORDS.search(p["title"])] == []


def test_no_step_relies_on_a_retired_service_alone(reviewed, reviewed_practices):
    for question, choice in steps(reviewed):
        titles = [reviewed_practices[practice_id]["title"] for practice_id in choice_practices(question, choice)]
        assert any(not RETIRED.search(title) for title in titles), (question["id"], choice["level"], titles)


def test_no_practice_title_offers_a_retired_service(reviewed_practices):
    assert [p["id"] for p in reviewed_practices.values() if RETIRED.search(p["title"])] == []


@pytest.mark.parametrize(
    "name, practice_id, mention",
    [(name, pid, mention) for name, notes in NOTED_PRACTICES.items() for pid, mention in sorted(notes.items())],
)
def test_renamed_or_retired_services_carry_a_note(name, practice_id, mention):
    practices = {practice["id"]: practice for practice in SHIPPED[name]["practices"]}

    assert mention in practices[practice_id].get("note", "")


def test_efforts_are_low_medium_or_high(practices):
    assert {practice["effort"] for practice in practices.values()} == {"low", "medium", "high"}


# --- references -----------------------------------------------------------------


def test_every_url_is_http(data, practices):
    urls = [data["source"]["url"]]
    for practice in practices.values():
        urls.append(practice["url"])
        urls.extend(reference["url"] for reference in practice.get("references", []))

    assert [url for url in urls if not re.match(r"https?://[^/\s]+", url)] == []


SECTION_PAGES = {WHITEPAPER + page + ".html" for page in AREA_PAGES}
NOT_IN_WHITEPAPER = "Not in the 2021 whitepaper"


def cites_its_section(practice) -> bool:
    return bool({reference["url"] for reference in practice.get("references", [])} & SECTION_PAGES)


@pytest.mark.parametrize("name", [name for name in SHIPPED if FORMAT_OF[name] == 1])
def test_each_format1_practice_cites_its_whitepaper_section_or_says_it_is_new(name):
    for practice in SHIPPED[name]["practices"]:
        assert cites_its_section(practice) or NOT_IN_WHITEPAPER in practice.get("note", ""), practice["id"]


def test_each_current_practice_cites_its_whitepaper_section_or_is_marked_new_in_a_comment():
    """The editor's remark is a YAML comment `# new` above the practice, never shown to users (issue 28, point 11)."""
    text = (QUESTIONNAIRES / CURRENT).read_text(encoding="utf-8")
    marked = set(re.findall(r"^  # new\b[^\n]*\n  - id: ([a-z0-9-]+)", text, flags=re.MULTILINE))
    practices = SHIPPED[CURRENT]["practices"]

    assert marked, "no practice is marked # new"
    assert [p["id"] for p in practices if not cites_its_section(p) and p["id"] not in marked] == []


def test_the_current_content_shows_no_editors_remark():
    """No user-visible string (a note, summary, help, any text the app stores) says "Not in the 2021 whitepaper"."""
    assert [text for text in _strings(SHIPPED[CURRENT]) if NOT_IN_WHITEPAPER.lower() in text.lower()] == []


@pytest.mark.parametrize(
    "name, practice_id, host",
    [(name, pid, host) for name, hosts in PUBLIC_SECTOR_PRACTICES.items() for pid, host in sorted(hosts.items())],
)
def test_public_sector_practices_cite_an_authority(name, practice_id, host):
    practices = {practice["id"]: practice for practice in SHIPPED[name]["practices"]}

    assert practices[practice_id]["url"].startswith(f"https://{host}/")


def test_use_case_intake_cites_the_us_and_canadian_rules(reviewed_practices):
    intake = reviewed_practices["use-case-intake"]
    cited = [reference["url"] for reference in intake["references"]]

    assert intake["url"] == "https://www.nist.gov/itl/ai-risk-management-framework"
    assert any(M_25_21 in url for url in cited) and DADM in cited
    assert reviewed_practices["impact-assessment"]["url"].endswith("/algorithmic-impact-assessment.html")


# --- what 2026.3 promises (issue 28) ---------------------------------------------

# M-25-21's minimum practices for high-impact AI, each a question of its own.
M_25_21_DUTIES = {
    "mt-pre-deployment-testing",
    "gov-impact-assessment",
    "ops-monitoring",
    "bias-operator-oversight",
    "bias-human-review",
    "bias-public-feedback",
}
# Duties too for a high-impact system: its authorization to operate rests on NIST SP 800-53
# AC-2/IA-2 and SC-7, and M-22-09 requires phishing-resistant MFA (docs/content-2026.3.md, section 8).
HIGH_IMPACT_SECURITY_DUTIES = {"sec-access-roles", "sec-network-egress"}
AGENCY_OWNED = {"gov-ai-inventory", "gov-ai-policy", "gov-intake", "gov-environment-setup", "sec-audit-logging"}
# The level-2 texts of 2026.2 that review section 3, problem 3, lists as deficient states.
DEFICIENT_LEVEL_2 = [
    "re-checked only after a complaint",
    "covers no ML cases",
    "look at model results now and then",
    "would take days",
    "not linked to a model version",
    "gathered by hand when an audit is announced",
    "informal owner",
]


def current_questions():
    return {question["id"]: question for _, question in questions(SHIPPED[CURRENT])}


def test_every_m_25_21_duty_is_a_high_impact_duty_reaching_defined_at_stage_2():
    asked = current_questions()
    for qid in sorted(M_25_21_DUTIES | HIGH_IMPACT_SECURITY_DUTIES):
        assert asked[qid].get("foundation_when") == ["high-impact"], qid
        level_3 = next(choice for choice in asked[qid]["choices"] if choice["level"] == 3)
        assert level_3.get("stage") == 2, qid


def test_the_practices_of_access_and_egress_say_why_they_are_duties():
    practices = {practice["id"]: practice for practice in SHIPPED[CURRENT]["practices"]}
    for qid, control in (("sec-access-roles", "AC-2"), ("sec-network-egress", "SC-7")):
        question = current_questions()[qid]
        named = {
            pid for choice in question["choices"] if choice["level"] == 3 for pid in choice_practices(question, choice)
        }
        summaries = " ".join(practices[pid]["summary"] for pid in named)
        assert "high-impact" in summaries and control in summaries, (qid, sorted(named))


def test_the_agency_owned_capabilities_are_the_agencys():
    asked = current_questions()

    assert {qid for qid, question in asked.items() if question.get("owner") == "agency"} == AGENCY_OWNED


def test_a_classic_ml_team_in_one_cloud_buying_no_ai_and_not_high_impact_sees_at_most_55_questions():
    questionnaire = parse_questionnaire((QUESTIONNAIRES / CURRENT).read_bytes(), CURRENT)
    profile = {"ai-kinds": "classic", "impact": "no", "hosting": "cloud", "buying": "no"}
    tags = team_tags(questionnaire, profile)

    shown = [question.id for area, question in questionnaire.questions() if in_scope(area, question, tags)]

    assert len(shown) <= 55, len(shown)


def test_the_summary_gives_the_range_of_questions_across_profiles():
    questionnaire = parse_questionnaire((QUESTIONNAIRES / CURRENT).read_bytes(), CURRENT)
    options = [[None, *(choice.id for choice in question.choices)] for question in questionnaire.profile]
    counts = set()
    for answers in itertools.product(*options):
        tags = team_tags(questionnaire, dict(zip((q.id for q in questionnaire.profile), answers, strict=True)))
        counts.add(sum(in_scope(area, question, tags) for area, question in questionnaire.questions()))

    assert f"you see {min(counts)} to {max(counts)} questions" in " ".join(SHIPPED[CURRENT]["summary"].split())


def test_no_deficient_level_2_text_of_the_review_survives():
    for qid, question in current_questions().items():
        level_2 = next(choice["text"] for choice in question["choices"] if choice["level"] == 2)
        assert [phrase for phrase in DEFICIENT_LEVEL_2 if phrase.lower() in level_2.lower()] == [], qid


# --- plain language -------------------------------------------------------------


def test_questions_name_no_vendor(data):
    for _, question in questions(data):
        texts = [question["text"], question["help"]] + [choice["text"] for choice in question["choices"]]
        named = [text for text in texts if VENDOR_WORDS.search(text)]
        assert named == [], question["id"]


def test_questions_read_at_grade_10_or_below(data):
    for _, question in questions(data):
        text = " ".join([question["text"], question["help"]] + [choice["text"] for choice in question["choices"]])
        assert _grade(text) <= 10, (question["id"], round(_grade(text), 1))


def test_practice_summaries_are_short_and_plain(reviewed_practices):
    for practice in reviewed_practices.values():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", practice["summary"].strip()) if s]
        assert 1 <= len(sentences) <= 5, practice["id"]
        assert max(len(s.split()) for s in sentences) <= 40, practice["id"]
        assert _grade(practice["summary"]) <= 10, (practice["id"], round(_grade(practice["summary"]), 1))


def _grade(text: str) -> float:
    """Flesch-Kincaid grade level, with a vowel-group syllable count."""
    sentences = max(1, len(re.findall(r"[.!?;:](\s|$)", text)))
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)

    def syllables(word):
        groups = re.findall(r"[aeiouy]+", word.lower())
        count = len(groups) - (1 if word.lower().endswith("e") and len(groups) > 1 else 0)
        return max(1, count)

    total = sum(syllables(word) for word in words)
    return 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59


def _strings(value):
    """Every string in a YAML value, recursively (keys too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _cycle(graph):
    """A node on a cycle of `graph` (node -> list of nodes), or None."""
    state = {}

    def visit(node):
        state[node] = "open"
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open" or (nxt not in state and visit(nxt)):
                return True
        state[node] = "done"
        return False

    for node in graph:
        if node not in state and visit(node):
            return node
    return None
