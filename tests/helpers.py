"""Helpers that several test modules share: users, clients, answers, query counts, questionnaire files,
page text, production settings.

Test modules import from here (or from results_helpers, admin_forms, urlwalk),
never from one another or from a conftest.
"""

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.services.assessments import AnswerInput, answers_save
from assessment.services.questionnaires import questionnaire_load
from config.server_env import free_port as free_port  # the tests that start a server import it from here
from config.server_env import production_settings_env

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
PASSWORD = "correct-horse-battery-staple"
HOST = "ml.agency.example"  # the public host name of the production settings under test


def load_questionnaire_file(path: Path) -> models.QuestionnaireVersion:
    questionnaire = parse_questionnaire(path.read_bytes(), str(path))
    return questionnaire_load(questionnaire, loaded_from=path.name).version


def make_user(username, **extra):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def team_user(team, username, role=models.Membership.MEMBER, **extra):
    """A new user (password PASSWORD) with `role` in `team`: a member unless told otherwise."""
    user = make_user(username, **extra)
    models.Membership.objects.create(team=team, user=user, role=role)
    return user


def client_for(user, *, raise_request_exception=True) -> Client:
    """A test client signed in as `user` (anonymous for None) through force_login, which django-axes does not count.

    raise_request_exception=False: a view that crashes answers 500 instead of raising, for a walk over
    many pages that reports every problem at the end.
    """
    client = Client(raise_request_exception=raise_request_exception)
    if user is not None:
        client.force_login(user)
    return client


def answer(assessment, user, answers: dict[str, tuple[str, int | None]], notes: dict[str, str] | None = None):
    """Store answers given by question key as (kind, level), through the service; `notes` by question key.

    answer(assessment, member, {"streaming-data": ("choice", 3), "data-discovery": ("not_sure", None)})
    """
    notes = notes or {}
    answers_save(
        assessment=assessment,
        user=user,
        answers=[AnswerInput(key, kind, level, notes.get(key, "")) for key, (kind, level) in answers.items()],
    )


def count_queries(client, url, *, computed=False) -> int:
    """The queries of one GET of `url` (which must answer 200), after a first GET warmed the
    questionnaire cache as in a running server. computed=True empties the cache in between: the stored
    division views and questionnaire content are computed again, as after a submit."""
    client.get(url)
    if computed:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def text_of(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def error_summary_text(response) -> str | None:
    """The text of the page's error summary (the alert with id "error-summary"), or None without one."""
    html = response.content.decode()
    match = re.search(r'<div[^>]*\bid="error-summary"[^>]*>(.*?)</div>', html, flags=re.S)
    if match is None or 'role="alert"' not in match.group(0).split(">", 1)[0]:
        return None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def row_text(response, header: str) -> str:
    """The text of the table row whose header cell is `header`."""
    html = response.content.decode()
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        headers = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", th)).strip()
            for th in re.findall(r"<th[^>]*>(.*?)</th>", row, flags=re.S)
        ]
        if header in headers:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    raise AssertionError(f"no row {header!r}")


def production_env(**extra) -> dict[str, str]:
    """The environment of a production deployment (config/settings.py reads it), with `extra` on top."""
    deployment = {
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SECURE_SSL": "1",
        "BEHIND_PROXY_TLS": "1",
        # `.invalid` never resolves: if the check tried to connect, it would fail loudly.
        "DATABASE_URL": "postgres://mlready:not-a-real-password@db.invalid:5432/mlready",
    }
    return production_settings_env(**(deployment | extra))


def manage_py(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    """Run `manage.py` in a process of its own with `env`; its output, or the test fails showing why."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def gunicorn_start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """gunicorn with config/gunicorn.conf.py and one worker on 127.0.0.1:`port`, its output into `log`."""
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_ACCESS_LOG": ""}
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=REPO,
        env=server_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def server_wait_until_up(port: int, server: subprocess.Popen, log: Path) -> None:
    """Wait until the server started on `port` answers /healthz; fail with its log if it exits or never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"server on {port} exited:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not answer:\n{log.read_text()}")


def portfolio_teams_bulk(*, agency, divisions, templates, start, count):
    """`count` teams (numbered from `start`) spread over `divisions`, each with one submitted assessment
    whose stored summary rows are copies of one of `templates` (submitted assessments, cycled), and one
    overdue action every tenth team. Bulk inserts, then the divisions' tallies counted as a submit counts
    them: 3,000 teams in seconds, for tests that compare a portfolio of 300 teams with one of 3,000."""
    from datetime import UTC, date, datetime

    from assessment.services.tallies import tallies_store

    sources = [models.AssessmentSummary.objects.get(pk=t.pk) for t in templates]
    areas = {s.pk: list(models.AreaSummary.objects.filter(summary=s)) for s in sources}
    steps = {s.pk: list(models.SummaryStep.objects.filter(summary=s)) for s in sources}
    practices = {s.pk: list(models.SummaryPractice.objects.filter(summary=s)) for s in sources}
    teams = models.Team.objects.bulk_create(
        models.Team(agency=agency, name=f"Team {i:04d}", slug=f"bulk-{i}", division=divisions[i % len(divisions)])
        for i in range(start, start + count)
    )
    when = datetime(2026, 3, 1, tzinfo=UTC)
    assessments = models.Assessment.objects.bulk_create(
        models.Assessment(
            team=team,
            questionnaire_id=sources[i % len(sources)].questionnaire_id,
            title="Bulk",
            status=models.Assessment.SUBMITTED,
            submitted_at=when,
        )
        for i, team in enumerate(teams)
    )
    summaries, rows = [], {models.AreaSummary: [], models.SummaryStep: [], models.SummaryPractice: []}
    for i, assessment in enumerate(assessments):
        source = sources[i % len(sources)]
        fields = {f.attname: getattr(source, f.attname) for f in models.AssessmentSummary._meta.concrete_fields}
        summaries.append(
            models.AssessmentSummary(
                **{**fields, "assessment_id": assessment.pk, "team_id": assessment.team_id, "is_latest": True}
            )
        )
        for model, found in (
            (models.AreaSummary, areas),
            (models.SummaryStep, steps),
            (models.SummaryPractice, practices),
        ):
            for row in found[source.pk]:
                values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields if f.attname != "id"}
                rows[model].append(model(**{**values, "summary_id": assessment.pk, "is_latest": True}))
    models.AssessmentSummary.objects.bulk_create(summaries, batch_size=500)
    for model, found_rows in rows.items():
        model.objects.bulk_create(found_rows, batch_size=2000)
    models.Action.objects.bulk_create(
        models.Action(
            team=team,
            questionnaire_slug=sources[0].questionnaire.slug,
            question_key=steps[sources[0].pk][0].question_key if steps[sources[0].pk] else "none",
            target_level=5,
            due_date=date(2025, 1, 1),
            created_at=when,
        )
        for team in teams[::10]
    )
    tallies_store({(agency.pk, d.pk) for d in divisions})
    return teams
