"""The shipped questionnaire, questionnaires/public-sector-ml.yaml, says what the product promises.

No database: the file is read with yaml.safe_load for the content rules below,
and with the format validator (assessment.domain.schema.parse_questionnaire),
which must accept it without a single problem.
"""
import re
from pathlib import Path

import pytest
import yaml

from assessment.domain.schema import parse_questionnaire

PATH = Path(__file__).resolve().parent.parent / "questionnaires" / "public-sector-ml.yaml"
WHITEPAPER = "https://docs.aws.amazon.com/whitepapers/latest/ml-best-practices-public-sector-organizations/"

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
# Services the whitepaper names that were since renamed, folded in or retired.
NOTED_PRACTICES = {
    "mlops-workload-orchestrator": "MLOps Framework",
    "replace-elastic-inference": "Elastic Inference",
    "canvas-data-wrangler": "Canvas",
    "clarify-bias-detection": "no longer open to new customers",
}
VENDOR_WORDS = re.compile(r"\b(AWS|Amazon|SageMaker)\b")


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def practices(data):
    return {practice["id"]: practice for practice in data["practices"]}


def questions(data):
    for area in data["areas"]:
        for question in area["questions"]:
            yield area, question


def test_it_passes_the_format_validator():
    questionnaire = parse_questionnaire(PATH.read_bytes(), str(PATH))

    assert questionnaire.slug == "public-sector-ml"
    assert questionnaire.version == "2026.1"
    assert [area.title for area in questionnaire.areas] == AREA_TITLES


def test_it_identifies_itself_and_its_source(data):
    assert data["format"] == 1
    assert data["slug"] == "public-sector-ml"
    assert data["version"] == "2026.1"
    assert data["title"].strip() and data["summary"].strip()
    assert data["source"]["publisher"] == "Amazon Web Services"
    assert data["source"]["url"].startswith(WHITEPAPER)
    assert data["default_target"] == 4


def test_it_has_five_named_levels_each_described(data):
    scale = data["scale"]

    assert [level["level"] for level in scale] == [1, 2, 3, 4, 5]
    assert [level["name"] for level in scale] == ["Initial", "Developing", "Defined", "Managed", "Optimized"]
    assert all(level["description"].strip() for level in scale)


def test_it_has_the_seven_areas_in_order(data):
    assert [area["title"] for area in data["areas"]] == AREA_TITLES
    assert all(area["id"] and area["summary"].strip() for area in data["areas"])


def test_each_area_has_five_to_nine_questions(data):
    counts = {area["title"]: len(area["questions"]) for area in data["areas"]}

    assert all(5 <= count <= 9 for count in counts.values()), counts


def test_each_question_offers_one_choice_per_level(data):
    for _, question in questions(data):
        assert [choice["level"] for choice in question["choices"]] == [1, 2, 3, 4, 5], question["id"]
        assert all(choice["text"].strip() for choice in question["choices"]), question["id"]
        assert question["help"].strip(), question["id"]


def test_every_question_links_an_existing_practice(data, practices):
    for _, question in questions(data):
        assert question["practices"], question["id"]
        unknown = set(question["practices"]) - set(practices)
        assert not unknown, (question["id"], unknown)


def test_every_practice_is_linked_from_a_question(data, practices):
    linked = {practice_id for _, question in questions(data) for practice_id in question["practices"]}

    assert set(practices) - linked == set()


def test_it_covers_at_least_35_practices(practices):
    assert len(practices) >= 35


def test_every_url_is_http(data, practices):
    urls = [data["source"]["url"]]
    for practice in practices.values():
        urls.append(practice["url"])
        urls.extend(reference["url"] for reference in practice.get("references", []))

    assert [url for url in urls if not url.startswith(("http://", "https://"))] == []


def test_each_practice_cites_its_whitepaper_section(practices):
    section_pages = {WHITEPAPER + page + ".html" for page in AREA_PAGES}
    for practice in practices.values():
        cited = {reference["url"] for reference in practice.get("references", [])}
        assert cited & section_pages, practice["id"]


@pytest.mark.parametrize("practice_id, mention", sorted(NOTED_PRACTICES.items()))
def test_renamed_or_retired_services_carry_a_note(practices, practice_id, mention):
    note = practices[practice_id].get("note", "")

    assert mention in note


def test_questions_name_no_vendor(data):
    for _, question in questions(data):
        texts = [question["text"], question["help"]] + [choice["text"] for choice in question["choices"]]
        named = [text for text in texts if VENDOR_WORDS.search(text)]
        assert named == [], question["id"]
