"""Benchmark of the executive portfolio: server time for a department of many teams in divisions.

    .venv/bin/python bench/portfolio.py [--teams 3000] [--divisions 30] [--compare 300] [--assessments 4] [--runs 15]
                                        [--format2 0.2]

Uses a throwaway SQLite database file (or DATABASE_URL if set: then it must be
an empty database you can throw away), loads the seven-area questionnaire
(questionnaires/public-sector-ml.yaml), and seeds two agencies: one of
`--teams` teams and one of `--compare` teams, each spread over `--divisions`
divisions, with `--assessments` submitted assessments per team (every
question answered: mixed levels, some Not sure and Not applicable; some area
targets) and zero to three actions per team (a third of them overdue). With
`--format2 SHARE`, that share of the teams answer the format 2 example
(tests/data/format2_questionnaire.yaml) instead, with a profile (each profile
question answered by a random choice, or one in five left unanswered): their
summaries store tags and agency-owned answers, their portfolio an agency roadmap. It
stores their summaries and division tallies (`manage.py recompute_summaries`,
timed), then times, as each agency's signed-in executive through
django.test.Client:

- the division view, GET /portfolio/;
- a division's team page, GET /portfolio/teams/?division=<first>;
- a filtered query, GET /portfolio/teams/?area=<first>&below=3&sort=-overall;
- with `--format2`, the teams with a tag, GET /portfolio/teams/?tag=high-impact&sort=-overall;
- and the division view right after a change, `--runs` times: a team submits a
  new assessment (assessment_submit: its summary, its division's tallies and its
  actions' measured progress stored), then the first view, whose stored division
  view and action plans no longer match, computes them again.

For each: the warm median of `--runs` requests, the median of three first
views right after a restart (each in a fresh Python process on the same
database), the HTML size and the query count, at both sizes; then whether the
query counts are the same. Exits 1 if a median misses 300 ms, a page passes
300 KiB or a query count differs. Not a test.
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
FORMAT2 = ROOT / "tests" / "data" / "format2_questionnaire.yaml"
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


def _version(path: Path):
    from assessment import models
    from assessment.domain.schema import parse_questionnaire
    from assessment.services.questionnaires import questionnaire_load

    version = models.QuestionnaireVersion.objects.filter(loaded_from=path.name).first()
    if version is None:
        version = questionnaire_load(parse_questionnaire(path.read_bytes(), str(path)), loaded_from=path.name).version
    return version


def _questions(version):
    from assessment import models

    questions = list(
        models.Question.objects.filter(area__questionnaire=version).prefetch_related("choices").order_by("pk")
    )
    return questions, {q.pk: [(c.pk, c.level) for c in q.choices.all()] for q in questions}


def seed(
    agency_name: str, username: str, teams: int, per_team: int, division_count: int, prefix: str, format2: float = 0.0
):
    """One agency of `teams` teams in `division_count` divisions, answered and with actions; its executive.

    A share `format2` of the teams (every n-th) answers the format 2 example, with a profile."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from assessment import models

    version = _version(FULL)
    version2 = _version(FORMAT2) if format2 else None
    agency = models.Agency.objects.create(name=agency_name)
    executive = get_user_model().objects.create_user(username=username, password="not-used-for-login-0")
    models.Executive.objects.create(user=executive, agency=agency)
    every = round(1 / format2) if format2 else 0  # every n-th team answers format 2
    content = {version.pk: _questions(version)}
    areas = {version.pk: list(models.Area.objects.filter(questionnaire=version))}
    top = {
        v.pk: v.scale_levels.order_by("-level").values_list("level", flat=True).first()
        for v in (version, version2)
        if v
    }
    profile: list = []
    if version2 is not None:
        content[version2.pk] = _questions(version2)
        areas[version2.pk] = list(models.Area.objects.filter(questionnaire=version2))
        profile = [(q, list(q.choices.all())) for q in models.ProfileQuestion.objects.filter(questionnaire=version2)]
    rng = random.Random(teams)
    now = timezone.now()
    today = now.date()
    with transaction.atomic():
        divisions = models.Division.objects.bulk_create(
            models.Division(agency=agency, name=f"Division {d:02d}") for d in range(division_count)
        )
        team_rows = models.Team.objects.bulk_create(
            models.Team(
                agency=agency,
                name=f"Team {i:04d}",
                slug=f"{prefix}-team-{i:04d}",
                division=divisions[i % len(divisions)] if divisions else None,
            )
            for i in range(teams)
        )
        assessment_rows = models.Assessment.objects.bulk_create(
            models.Assessment(
                team=team,
                questionnaire=version2 if every and i % every == 0 else version,
                title=f"Quarter {q + 1}",
                status=models.Assessment.SUBMITTED,
                submitted_at=now - timedelta(days=90 * (per_team - q)),
            )
            for i, team in enumerate(team_rows)
            for q in range(per_team)
        )
        answers, targets, profile_answers = [], [], []
        for assessment in assessment_rows:
            questions, choices = content[assessment.questionnaire_id]
            if assessment.questionnaire_id != version.pk:
                for question, options in profile:
                    if rng.random() >= 0.2:  # one in five left unanswered: every tag assumed
                        profile_answers.append(
                            models.ProfileAnswer(assessment=assessment, question=question, choice=rng.choice(options))
                        )
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
            for area in rng.sample(areas[assessment.questionnaire_id], 2):
                levels = [t for t in (3, 4, 5) if t <= top[assessment.questionnaire_id]]  # on the version's scale
                targets.append(models.AreaTarget(assessment=assessment, area=area, target=rng.choice(levels)))
        models.Answer.objects.bulk_create(answers, batch_size=5000)
        models.AreaTarget.objects.bulk_create(targets)
        models.ProfileAnswer.objects.bulk_create(profile_answers, batch_size=5000)
        # Action plans: taken on a year ago, due within four months either side of today.
        statuses = [models.Action.PLANNED, models.Action.IN_PROGRESS, models.Action.DONE]
        models.Action.objects.bulk_create(
            models.Action(
                team=team,
                questionnaire_slug=version.slug,
                question_key=question.key,
                target_level=rng.choice([3, 4, 5]),
                due_date=today + timedelta(days=rng.randint(-120, 120)),
                status=rng.choice(statuses),
                created_at=now - timedelta(days=365),
            )
            for team in team_rows
            for question in rng.sample(content[version.pk][0], rng.choice([0, 1, 2, 3]))
        )
    return executive, len(answers)


def pages(area_key: str, division_id: int | None, tag: str = "") -> dict[str, str]:
    """The pages timed; with `tag` (format 2 teams seeded), the team page filtered by it too."""
    division = f"?division={division_id}" if division_id is not None else ""
    urls = {
        "division view": "/portfolio/",
        "a division's teams": f"/portfolio/teams/{division}",
        "filtered query": f"/portfolio/teams/?area={area_key}&below=3&sort=-overall",
    }
    if tag:
        urls["teams with a tag"] = f"/portfolio/teams/?tag={tag}&sort=-overall"
    return urls


def first_view(db_path: str | None, username: str, url: str) -> None:
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
    client.force_login(get_user_model().objects.get(username=username))
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    print(f"{elapsed:.1f}")


def measure(client, db_path: str | None, username: str, urls: dict[str, str], runs: int) -> dict[str, tuple]:
    """Per page: warm median, min, max, median after a restart (ms), HTML KiB, queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = {}
    for name, url in urls.items():
        for _ in range(2):  # warm-up: template loading, questionnaire cache
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        query_count = len(captured)  # now: every request clears the log
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        size = len(response.content) / 1024
        connection.close()  # SQLite: let the fresh processes read without waiting
        cold = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, __file__, "--first-view", db_path or "-", username, url],
                check=True,
                capture_output=True,
                text=True,
                env=os.environ.copy(),
            ).stdout
            cold.append(float(out.strip().splitlines()[-1]))
        figures[name] = (
            statistics.median(timings),
            min(timings),
            max(timings),
            statistics.median(cold),
            size,
            query_count,
        )
    return figures


def after_submits(client, agency, url: str, count: int) -> tuple[list[float], list[float], int]:
    """`count` teams of different divisions submit a new assessment (a copy of their latest); after each, the
    first view of `url`. Returns the submit times, the first-view times (ms) and the last view's query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment import models
    from assessment.services.assessments import assessment_create, assessment_submit

    submits, views, queries = [], [], 0
    teams = list(models.Team.objects.filter(agency=agency).order_by("division__name", "name"))
    step = max(1, len(teams) // count)
    user = models.Executive.objects.select_related("user").filter(agency=agency).earliest("pk").user
    for team in teams[::step][:count]:
        latest = models.Assessment.objects.filter(team=team, status=models.Assessment.SUBMITTED).latest("submitted_at")
        draft = assessment_create(
            team=team, version=latest.questionnaire, title="After a change", user=user, copy_from=latest
        )
        start = time.perf_counter()
        assessment_submit(assessment=draft, user=user)
        submits.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            views.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries = len(captured)
    return submits, views, queries


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # collected static files: not needed here
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=3000)
    parser.add_argument("--compare", type=int, default=300, help="teams of the second agency (query counts)")
    parser.add_argument("--divisions", type=int, default=30)
    parser.add_argument("--assessments", type=int, default=4, help="submitted assessments per team")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--format2", type=float, default=0.0, help="share of teams on a format 2 questionnaire")
    parser.add_argument("--keep", metavar="FILE", help="seed into this SQLite file and keep it (reused when it exists)")
    parser.add_argument("--first-view", nargs=3, metavar=("DB", "USER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_view:
        warnings.filterwarnings("ignore")
        db, username, url = args.first_view
        first_view(None if db == "-" else db, username, url)
        return 0

    sizes = {"exec-small": args.compare, "exec": args.teams}
    with tempfile.TemporaryDirectory() as tmp:
        db_path = None if os.environ.get("DATABASE_URL") else args.keep or str(Path(tmp) / "bench.sqlite3")
        reuse = bool(args.keep and Path(args.keep).exists())
        setup_django(db_path)
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from assessment import models

        if reuse:
            print(f"Reusing {args.keep}")
        else:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            answer_count = 0
            for username, teams in sizes.items():
                answer_count += seed(
                    f"Department of {teams} teams",
                    username,
                    teams,
                    args.assessments,
                    args.divisions,
                    username,
                    args.format2,
                )[1]
            print(
                f"Seeded {args.teams} and {args.compare} teams in {args.divisions} divisions each x "
                f"{args.assessments} submitted assessments, {answer_count} answers, "
                f"{models.Action.objects.count()} actions in {time.perf_counter() - started:.1f} s ({connection.vendor})"
                + (f"; every {round(1 / args.format2)}th team on format 2" if args.format2 else "")
            )
            started = time.perf_counter()
            call_command("recompute_summaries", stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(
                f"Stored the summaries and division tallies of {models.Assessment.objects.count()} assessments in "
                f"{time.perf_counter() - started:.1f} s (manage.py recompute_summaries)"
            )
        ok = True
        results: dict[int, dict[str, tuple]] = {}
        print(
            f"{'teams':>6} {'page':<29} {'warm median':>12} {'min':>6} {'max':>6} {'after restart':>14} "
            f"{'HTML':>9} {'queries':>8}"
        )
        for username, teams in sizes.items():
            executive = get_user_model().objects.get(username=username)
            agency = models.Executive.objects.get(user=executive).agency
            division = models.Division.objects.filter(agency=agency).order_by("name").first()
            area = models.Area.objects.order_by("position", "pk").values_list("key", flat=True).first()
            if area is None:
                print(f"No questionnaire area in the database{f' {args.keep}' if reuse else ''}.", file=sys.stderr)
                return 1
            urls = pages(area, division.pk if division else None, "high-impact" if args.format2 else "")
            connection.close()
            client = Client()
            client.force_login(executive)
            figures = measure(client, db_path, username, urls, args.runs)
            submits, views, queries = after_submits(client, agency, urls["division view"], args.runs)
            figures["division view after a change"] = (
                statistics.median(views),
                min(views),
                max(views),
                None,
                None,
                queries,
            )
            results[teams] = figures
            for name, (median, low, high, cold, size, count) in figures.items():
                ok = ok and median < TARGET_MEDIAN_MS and (cold or 0) < TARGET_MEDIAN_MS
                ok = ok and (size or 0) <= TARGET_HTML_KIB
                restart = f"{cold:>11.0f} ms" if cold is not None else f"{'':>14}"
                html = f"{size:>5.0f} KiB" if size is not None else f"{'':>9}"
                print(f"{teams:>6} {name:<29} {median:>9.0f} ms {low:>6.0f} {high:>6.0f} {restart} {html} {count:>8}")
            print(
                f"{teams:>6} a submit (its summary and its division's tallies stored): "
                f"median {statistics.median(submits):.0f} ms, min {min(submits):.0f}, max {max(submits):.0f}"
            )
        small, large = (results[n] for n in sizes.values())
        same = all(small[name][5] == large[name][5] for name in large)
        ok = ok and same
        print(
            f"Query counts at {args.compare} and {args.teams} teams: "
            + ", ".join(f"{name} {small[name][5]}/{large[name][5]}" for name in large)
            + (": the same" if same else ": DIFFERENT")
        )
        print(
            f"Targets: every median under {TARGET_MEDIAN_MS} ms, warm, after a restart and after a change; "
            f"at most {TARGET_HTML_KIB} KiB of HTML; the same query counts: {'met' if ok else 'MISSED'}"
        )
        connection.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
