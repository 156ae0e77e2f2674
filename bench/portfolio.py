"""Benchmark of the executive portfolio page: server time for an agency of many teams.

    .venv/bin/python bench/portfolio.py [--teams 300] [--assessments 4] [--runs 15]

Uses a throwaway SQLite database file (or DATABASE_URL if set: then it must be
an empty database you can throw away), loads the seven-area questionnaire
(questionnaires/public-sector-ml.yaml), seeds `--teams` teams with
`--assessments` submitted assessments each (every question answered: mixed
levels, some Not sure and Not applicable; some area targets), warms up, then
times GET /portfolio/ through django.test.Client as a signed-in executive
`--runs` times. Prints median, min and max milliseconds and the query count,
then the same after clearing the in-memory score cache (the first view after
a restart); exits 1 if the warm median misses the 300 ms target. Not a test.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT / "questionnaires" / "public-sector-ml.yaml"
TARGET_MEDIAN_MS = 300


def setup_django(db_path: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    if db_path:
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def seed(teams: int, per_team: int):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from assessment import models
    from assessment.domain.schema import parse_questionnaire
    from assessment.services.questionnaires import questionnaire_load

    call_command("migrate", verbosity=0)
    version = questionnaire_load(parse_questionnaire(FULL.read_bytes(), str(FULL)), loaded_from=FULL.name).version
    agency = models.Agency.objects.create(name="Department of Benchmarks")
    executive = get_user_model().objects.create_user(username="exec", password="not-used-for-login-0")
    models.Executive.objects.create(user=executive, agency=agency)
    questions = list(
        models.Question.objects.filter(area__questionnaire=version).prefetch_related("choices").order_by("pk")
    )
    choices = {q.pk: [(c.pk, c.level) for c in q.choices.all()] for q in questions}
    areas = list(models.Area.objects.filter(questionnaire=version))
    rng = random.Random(300)
    now = timezone.now()
    with transaction.atomic():
        team_rows = models.Team.objects.bulk_create(
            models.Team(agency=agency, name=f"Team {i:03d}", slug=f"team-{i:03d}") for i in range(teams)
        )
        assessment_rows = models.Assessment.objects.bulk_create(
            models.Assessment(
                team=team,
                questionnaire=version,
                title=f"Quarter {q + 1}",
                status=models.Assessment.SUBMITTED,
                submitted_at=now - timedelta(days=90 * (per_team - q)),
            )
            for team in team_rows
            for q in range(per_team)
        )
        answers, targets = [], []
        for assessment in assessment_rows:
            base = rng.randint(1, 4)
            for question in questions:
                roll = rng.random()
                if roll < 0.04 and question.not_applicable:
                    answers.append(models.Answer(assessment=assessment, question=question, kind="not_applicable"))
                elif roll < 0.12:
                    answers.append(models.Answer(assessment=assessment, question=question, kind="not_sure"))
                else:
                    options = choices[question.pk]
                    pk, _level = options[min(len(options) - 1, max(0, base - 1 + rng.randint(-1, 1)))]
                    answers.append(models.Answer(assessment=assessment, question=question, kind="choice", choice_id=pk))
            for area in rng.sample(areas, 2):
                targets.append(models.AreaTarget(assessment=assessment, area=area, target=rng.choice([3, 4, 5])))
        models.Answer.objects.bulk_create(answers, batch_size=5000)
        models.AreaTarget.objects.bulk_create(targets)
    return executive, len(answers)


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # collected static files: not needed here
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--assessments", type=int, default=4, help="submitted assessments per team")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "bench.sqlite3"))
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        started = time.perf_counter()
        executive, answer_count = seed(args.teams, args.assessments)
        print(
            f"Seeded {args.teams} teams x {args.assessments} submitted assessments, {answer_count} answers "
            f"in {time.perf_counter() - started:.1f} s ({connection.vendor})"
        )
        client = Client()
        client.force_login(executive)
        for _ in range(2):  # warm-up: template loading, questionnaire cache
            response = client.get("/portfolio/")
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as captured:
            client.get("/portfolio/")
        query_count = len(captured)  # now: the count reads the connection's log lazily
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get("/portfolio/")
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        from assessment.selectors.portfolio import clear_summary_cache

        cold = []
        for _ in range(3):  # as after a restart: every team's latest assessment scored again
            clear_summary_cache()
            start = time.perf_counter()
            client.get("/portfolio/")
            cold.append((time.perf_counter() - start) * 1000)
        print(
            f"GET /portfolio/ ({args.runs} runs, {len(response.content) // 1024} KiB of HTML): "
            f"median {median:.0f} ms, min {min(timings):.0f} ms, max {max(timings):.0f} ms; "
            f"{query_count} queries"
        )
        print(
            f"With the score cache cleared (first view after a restart), 3 runs: median {statistics.median(cold):.0f} ms, "
            f"min {min(cold):.0f} ms, max {max(cold):.0f} ms; {query_count + 2} queries"
        )
        ok = median < TARGET_MEDIAN_MS
        print(f"Target: median under {TARGET_MEDIAN_MS} ms: {'met' if ok else 'MISSED'}")
        connection.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
