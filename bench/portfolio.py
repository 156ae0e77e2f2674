"""Benchmark of the executive portfolio: server time for a department of many teams in divisions.

    .venv/bin/python bench/portfolio.py [--teams 300] [--divisions 30] [--assessments 4] [--runs 15]

Uses a throwaway SQLite database file (or DATABASE_URL if set: then it must be
an empty database you can throw away), loads the seven-area questionnaire
(questionnaires/public-sector-ml.yaml), seeds `--teams` teams spread over
`--divisions` divisions with `--assessments` submitted assessments each (every
question answered: mixed levels, some Not sure and Not applicable; some area
targets), stores their summaries (`manage.py recompute_summaries`, timed), then
times three pages through django.test.Client as a signed-in executive:

- the division view, GET /portfolio/;
- a division's team page, GET /portfolio/teams/?division=<first>;
- a filtered query, GET /portfolio/teams/?area=<first>&below=3&sort=-overall;
- and the division view right after a change (its aggregates computed again).

For each: the warm median of `--runs` requests, the median of three first
views right after a restart (each in a fresh Python process on the same
database), the HTML size and the query count. Exits 1 if a median misses
300 ms or a page passes 300 KiB. Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT / "questionnaires" / "public-sector-ml.yaml"
TARGET_MEDIAN_MS = 300
TARGET_HTML_KIB = 300


def setup_django(db_path: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    if db_path:
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def seed(teams: int, per_team: int, division_count: int):
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
        divisions = models.Division.objects.bulk_create(
            models.Division(agency=agency, name=f"Division {d:02d}") for d in range(division_count)
        )
        team_rows = models.Team.objects.bulk_create(
            models.Team(
                agency=agency,
                name=f"Team {i:04d}",
                slug=f"team-{i:04d}",
                division=divisions[i % len(divisions)] if divisions else None,
            )
            for i in range(teams)
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


def pages(area_key: str, division_id: int | None) -> dict[str, str]:
    division = f"?division={division_id}" if division_id is not None else ""
    return {
        "division view": "/portfolio/",
        "a division's teams": f"/portfolio/teams/{division}",
        "filtered query": f"/portfolio/teams/?area={area_key}&below=3&sort=-overall",
    }


def first_view(db_path: str | None, url: str) -> None:
    """In a fresh process, as right after a restart: print the milliseconds of the first GET of `url`.

    The process starts as a web worker does (config/wsgi.py: settings, apps, then
    config/warmup.py); every cache of the app's own is empty.
    """
    setup_django(db_path)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from config.warmup import warm_up

    warm_up()

    client = Client()
    client.force_login(get_user_model().objects.get(username="exec"))
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    print(f"{elapsed:.1f}")


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # collected static files: not needed here
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--divisions", type=int, default=30)
    parser.add_argument("--assessments", type=int, default=4, help="submitted assessments per team")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", metavar="FILE", help="seed into this SQLite file and keep it (reused when it exists)")
    parser.add_argument("--first-view", nargs=2, metavar=("DB", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_view:
        warnings.filterwarnings("ignore")
        first_view(None if args.first_view[0] == "-" else args.first_view[0], args.first_view[1])
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        db_path = None if os.environ.get("DATABASE_URL") else args.keep or str(Path(tmp) / "bench.sqlite3")
        reuse = bool(args.keep and Path(args.keep).exists())
        setup_django(db_path)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from assessment import models

        if reuse:
            from django.contrib.auth import get_user_model

            executive = get_user_model().objects.get(username="exec")
            print(f"Reusing {args.keep}")
        else:
            started = time.perf_counter()
            executive, answer_count = seed(args.teams, args.assessments, args.divisions)
            print(
                f"Seeded {args.teams} teams in {args.divisions} divisions x {args.assessments} submitted assessments, "
                f"{answer_count} answers in {time.perf_counter() - started:.1f} s ({connection.vendor})"
            )
            started = time.perf_counter()
            call_command("recompute_summaries", stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(
                f"Stored the summaries of {args.teams * args.assessments} assessments in "
                f"{time.perf_counter() - started:.1f} s (manage.py recompute_summaries)"
            )
        division = models.Division.objects.order_by("name").first()
        area = models.Area.objects.order_by("position", "pk").values_list("key", flat=True).first()
        urls = pages(area, division.pk if division else None)
        connection.close()

        client = Client()
        client.force_login(executive)
        ok = True
        print(
            f"{'page':<20} {'warm median':>12} {'min':>6} {'max':>6} {'after restart':>14} {'HTML':>9} {'queries':>8}"
        )
        for name, url in urls.items():
            for _ in range(2):  # warm-up: template loading, questionnaire cache
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            query_count = len(captured)
            timings = []
            for _ in range(args.runs):
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            size = len(response.content) / 1024
            connection.close()  # SQLite: let the fresh processes read without waiting
            cold = []
            for _ in range(3):
                out = subprocess.run(
                    [sys.executable, __file__, "--first-view", db_path or "-", url],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=os.environ.copy(),
                ).stdout
                cold.append(float(out.strip().splitlines()[-1]))
            median, cold_median = statistics.median(timings), statistics.median(cold)
            ok = ok and median < TARGET_MEDIAN_MS and cold_median < TARGET_MEDIAN_MS and size <= TARGET_HTML_KIB
            print(
                f"{name:<20} {median:>9.0f} ms {min(timings):>6.0f} {max(timings):>6.0f} {cold_median:>11.0f} ms "
                f"{size:>5.0f} KiB {query_count:>8}"
            )
        from django.core.cache import cache

        computed = []
        for _ in range(3):  # after a submit: the division view's aggregates computed again, then stored
            cache.clear()
            start = time.perf_counter()
            client.get(urls["division view"])
            computed.append((time.perf_counter() - start) * 1000)
        ok = ok and statistics.median(computed) < TARGET_MEDIAN_MS
        print(
            f"division view, first after a change (aggregates computed and stored): "
            f"median {statistics.median(computed):.0f} ms, min {min(computed):.0f}, max {max(computed):.0f}"
        )
        print(
            f"Targets: every median under {TARGET_MEDIAN_MS} ms, warm and after a restart; "
            f"at most {TARGET_HTML_KIB} KiB of HTML: {'met' if ok else 'MISSED'}"
        )
        connection.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
