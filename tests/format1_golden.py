"""The golden file of format 1: what every loadable format 1 file gives today, kept to prove it never changes.

For each format 1 file (questionnaires/*.yaml with `format: 1`, and
tests/data/good_questionnaire.yaml) it holds the content digest and, for the
demo answers (the files that hold every question of them) and 50 seeded random
answer sets, the scores and the roadmap in the JSON export's shape, computed
by the domain functions. The demo answers are those of the demo while it was on
format 1 content (2026.2), frozen in tests/data/format1_demo_answers.json: the
demo itself has moved on to format 2. tests/test_format1_golden.py compares each file with it.

Regenerate it only when a change is meant to alter format 1 results (and say
so in the commit):

    .venv/bin/python -m tests.format1_golden
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "data" / "format1_golden.json"
DEMO_ANSWERS = REPO / "tests" / "data" / "format1_demo_answers.json"
SEED = 20261207
RANDOM_SETS = 50
# The random answers are seeded with the file's name; a file renamed since its golden entry was made
# keeps the name it was seeded with (2026.2 was questionnaires/public-sector-ml.yaml until 2026.3).
SEEDED_AS = {"public-sector-ml-2026.2.yaml": "public-sector-ml.yaml"}
# The figures of a score as they were when the golden file was made: fields added later are not compared.
SCORE_KEYS = ("score", "percent", "level", "level_name", "completeness", "answered", "total", "progress_to_target")
AREA_KEYS = ("area_key", "title", "weight", *SCORE_KEYS, "target", "to_verify", "unanswered")


def is_format1(path: Path) -> bool:
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("format", 1) == 1


FILES = [
    *(path for path in sorted((REPO / "questionnaires").glob("*.yaml")) if is_format1(path)),
    REPO / "tests" / "data" / "good_questionnaire.yaml",
]


def demo_answer_sets() -> dict[str, dict[str, str | int]]:
    """Each format 1 demo assessment's answers by question key (a level, "na" or "ns"), as seed_demo built them."""
    sets: dict[str, dict[str, str | int]] = json.loads(DEMO_ANSWERS.read_text(encoding="utf-8"))
    return sets


def _answer(value: str | int) -> Any:
    from assessment.domain import model

    if value == "na":
        return model.Answer(model.NOT_APPLICABLE, na_reason=model.NA_DOES_NOT_APPLY)
    if value == "ns":
        return model.Answer(model.NOT_SURE)
    return model.Answer(model.CHOICE, level=int(value))


def random_answer_sets(questionnaire: Any, rng: random.Random) -> list[tuple[dict[str, str | int], dict[str, int]]]:
    """Answer sets (with Not sure, Not applicable and unanswered) and area targets (every other set the default)."""
    sets = []
    for number in range(RANDOM_SETS):
        answers: dict[str, str | int] = {}
        for _area, question in questionnaire.questions():
            pick = rng.choice([*(c.level for c in question.choices), "ns", "na", None])
            if pick is not None:
                answers[question.id] = pick
        targets = {}
        if number % 2:
            levels = [s.level for s in questionnaire.scale]
            targets = {area.id: rng.choice(levels) for area in questionnaire.areas}
        sets.append((answers, targets))
    return sets


def figures_of(questionnaire: Any, answers: dict[str, str | int], targets: dict[str, int]) -> dict[str, Any]:
    """The scores and the JSON roadmap of one answer set."""
    from assessment.domain.roadmap import roadmap_for
    from assessment.domain.scoring import score_assessment
    from assessment.exports.results import roadmap_item_to_dict

    domain_answers = {key: _answer(value) for key, value in answers.items()}
    score = score_assessment(questionnaire, domain_answers, targets)
    roadmap = roadmap_for(questionnaire, domain_answers, targets)
    return {
        "answers": answers,
        "targets": targets,
        "overall": {
            **{key: getattr(score, key) for key in SCORE_KEYS},
            "to_verify": score.to_verify,
            "unanswered": score.unanswered,
        },
        "areas": [{key: getattr(area, key) for key in AREA_KEYS} for area in score.areas],
        "to_verify": list(roadmap.to_verify),
        "roadmap": [roadmap_item_to_dict(item) for item in roadmap],
        "step_count": roadmap.step_count,
    }


def golden_of(path: Path) -> dict[str, Any]:
    """What the golden file holds for one questionnaire file."""
    from assessment.domain.schema import parse_questionnaire
    from assessment.services.questionnaires import content_digest

    questionnaire = parse_questionnaire(path.read_bytes(), path.name)
    question_keys = {question.id for _area, question in questionnaire.questions()}
    demo = {
        name: figures_of(questionnaire, answers, {})
        for name, answers in demo_answer_sets().items()
        if set(answers) <= question_keys
    }
    rng = random.Random(f"{SEED}:{SEEDED_AS.get(path.name, path.name)}")
    return {
        "digest": content_digest(questionnaire),
        "demo": demo,
        "random": [
            figures_of(questionnaire, answers, targets) for answers, targets in random_answer_sets(questionnaire, rng)
        ],
    }


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def golden_all() -> dict[str, Any]:
    return {relative(path): golden_of(path) for path in FILES}


def _normalized(data: Any) -> Any:
    """As written to and read back from JSON (tuples become lists)."""
    return json.loads(json.dumps(data))


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    django.setup()
    GOLDEN.write_text(json.dumps(golden_all(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {relative(GOLDEN)}: {len(FILES)} files")


if __name__ == "__main__":
    main()
