"""Benchmark of the read API: every team's latest scores, page by page, and one assessment in full.

    .venv/bin/python bench/api.py [--teams 3000] [--assessments 1] [--divisions 30] [--runs 30] [--keep FILE]

Seeds one agency of `--teams` teams with bench/portfolio.py's builder (seed: the seven-area
questionnaire, every question answered, area targets, actions) and stores their summaries
(`manage.py recompute_summaries`). Then, with the agency executive's personal access token
(Authorization: Bearer) through django.test.Client, it times:

- the list, GET /api/v1/assessments/?latest=true&page_size=100, following `next` to the end
  (one request per page; `--runs` passes over all pages are not needed: each page is one sample);
- one assessment in full, GET /api/v1/assessments/<id>/, `--runs` times;
- and in the same run the same data from the JSON export view, GET /assessments/<id>/export.json
  (signed in), `--runs` times: reading every team's scores that way is one download per team.

Prints p50 and p95 of each, the query count of each request (and whether the list's is the same on
every page and at page sizes 10 and 100), and exits 1 if the list's p50 or p95 misses 300 ms or its
query count varies. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portfolio import seed, setup_django  # noqa: E402  (the 3,000-team builder)

TARGET_MS = 300


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_get(client, url: str, **extra) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url, **extra)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed, len(captured), response


def line(what: str, times: list[float], queries: set[int], size: int) -> None:
    print(
        f"{what:<52} {len(times):>5} {statistics.median(times):>8.1f} {percentile(times, 0.95):>8.1f} "
        f"{'/'.join(str(q) for q in sorted(queries)):>8} {size / 1024:>9.1f}"
    )


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=3000)
    parser.add_argument("--assessments", type=int, default=1, help="submitted assessments per team")
    parser.add_argument("--divisions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", metavar="FILE", help="seed into this SQLite file and keep it (reused when it exists)")
    args = parser.parse_args()
    os.environ.setdefault("API_RATE", "1000000/minute")  # the benchmark is not what the throttle is for
    with tempfile.TemporaryDirectory() as tmp:
        db_path = None if os.environ.get("DATABASE_URL") else args.keep or str(Path(tmp) / "bench.sqlite3")
        reuse = bool(args.keep and Path(args.keep).exists())
        setup_django(db_path)
        import datetime

        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from assessment import models
        from assessment.services.api_tokens import api_token_create

        if not reuse:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            seed(f"Department of {args.teams} teams", "exec", args.teams, args.assessments, args.divisions, "api")
            call_command("recompute_summaries", stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(
                f"Seeded and summarised {args.teams} teams x {args.assessments} submitted assessments in "
                f"{time.perf_counter() - started:.1f} s ({connection.vendor})"
            )
        executive = get_user_model().objects.get(username="exec")
        secret = api_token_create(
            user=executive, name="bench", expires_on=timezone.localdate() + datetime.timedelta(days=2)
        ).secret
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        browser = Client()
        browser.force_login(executive)

        print(f"{'request':<52} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KiB each':>9}")
        ok = True
        for page_size in (100, 10):
            url = f"/api/v1/assessments/?latest=true&page_size={page_size}"
            timed_get(api, url)  # warm: questionnaire content cached, as in a running server
            times, queries, rows, size, pages = [], set(), 0, 0, 0
            while url and (page_size == 100 or pages < args.runs):
                elapsed, count, response = timed_get(api, url)
                body = response.json()
                times.append(elapsed)
                queries.add(count)
                rows += len(body["results"])
                size = max(size, len(response.content))
                pages += 1
                url = body["next"]
            line(f"list latest, pages of {page_size} ({rows} rows read)", times, queries, size)
            if page_size == 100:
                list_queries = queries
                ok &= rows == args.teams and statistics.median(times) < TARGET_MS
                ok &= percentile(times, 0.95) < TARGET_MS
            else:
                same = queries == list_queries
                print(f"query counts at page sizes 100 and 10: {'the same' if same else 'DIFFER'}")
                ok &= same and len(list_queries) == 1

        latest = (
            models.AssessmentSummary.objects.filter(is_latest=True)
            .order_by("pk")
            .values_list("assessment_id", flat=True)
        )
        sample = list(latest[: args.runs])
        for what, client, pattern in (
            ("one assessment in full, API", api, "/api/v1/assessments/{}/"),
            ("one assessment, JSON export view", browser, "/assessments/{}/export.json"),
        ):
            timed_get(client, pattern.format(sample[0]))
            times, queries, size = [], set(), 0
            for pk in sample:
                elapsed, count, response = timed_get(client, pattern.format(pk))
                times.append(elapsed)
                queries.add(count)
                size = max(size, len(response.content))
            line(what, times, queries, size)
            if "export" in what:
                print(
                    f"every team's scores through the export view: {args.teams} downloads, "
                    f"about {args.teams * statistics.median(times) / 1000:.0f} s at the p50"
                )
        print("OK" if ok else f"MISSED: a list page over {TARGET_MS} ms, a row missing, or query counts differ")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
