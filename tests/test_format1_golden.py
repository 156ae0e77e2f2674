"""Format 1 files load and behave exactly as when tests/data/format1_golden.json was made.

The same digest, and for the demo answers and 50 seeded random answer sets the
same scores and the same roadmap (JSON export shape). Regenerate the golden
file (`.venv/bin/python -m tests.format1_golden`) only when a change is meant
to alter format 1 results.
"""

import json

import pytest

from tests.format1_golden import FILES, GOLDEN, REPO, _normalized, golden_of, relative

EXPECTED = json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_golden_file_covers_every_format1_file():
    assert sorted(EXPECTED) == sorted(relative(path) for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=relative)
def test_each_format1_file_keeps_its_digest_scores_and_roadmaps(path):
    expected = EXPECTED[relative(path)]

    actual = _normalized(golden_of(path))

    assert actual["digest"] == expected["digest"]
    assert actual["demo"] == expected["demo"]
    assert len(actual["random"]) == len(expected["random"]) == 50
    for number, (got, want) in enumerate(zip(actual["random"], expected["random"], strict=True)):
        assert got == want, f"random answer set {number}"


def test_the_golden_file_skips_format2_files():
    assert REPO / "questionnaires" / "public-sector-ml.yaml" not in FILES
    assert REPO / "questionnaires" / "public-sector-ml-2026.2.yaml" in FILES


def test_the_frozen_demo_answers_apply_to_the_last_format1_content():
    demo = EXPECTED["questionnaires/public-sector-ml-2026.2.yaml"]["demo"]

    assert len(demo) == 8
    assert all(figures["roadmap"] for figures in demo.values())
