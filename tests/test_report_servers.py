"""Two app servers sharing one database serve a report that a worker rendered once.

Real processes, as in the README's deployment: two gunicorn servers on
loopback, one `db_worker`, and one database: a SQLite file, or, when
DATABASE_URL points at PostgreSQL, a database of its own made there for the
test and dropped after it.
"""

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.helpers import free_port, production_env
from tests.helpers import gunicorn_start as start_server
from tests.helpers import manage_py as manage
from tests.helpers import server_wait_until_up as wait_until_up

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow  # starts two gunicorn servers and a worker

SEED = """
import json
from django.db import transaction
from django.test import Client
from assessment import models
from assessment.services.assessments import assessment_submit
from tests.helpers import answer, load_questionnaire_file, DATA, make_user
from tests.results_helpers import EXAMPLE_ANSWERS

version = load_questionnaire_file(DATA / "good_questionnaire.yaml")
agency = models.Agency.objects.create(name="Shared Agency")
team = models.Team.objects.create(agency=agency, name="Data Platform", slug="data-platform")
user = make_user("member")
models.Membership.objects.create(team=team, user=user, role=models.Membership.MEMBER)
assessment = models.Assessment.objects.create(team=team, questionnaire=version, title="Q1", created_by=user)
answer(assessment, user, EXAMPLE_ANSWERS)
with transaction.atomic():
    assessment_submit(assessment=assessment, user=user)
client = Client()
client.force_login(user)
print(json.dumps({"assessment": assessment.pk, "session": client.cookies["sessionid"].value}))
"""

STORED = """
import json
from assessment.models import StoredReport
print(json.dumps([
    {"kind": r.kind, "status": r.status, "rendered_at": r.rendered_at.isoformat() if r.rendered_at else None,
     "size": len(r.pdf)}
    for r in StoredReport.objects.order_by("kind")
]))
"""


@pytest.fixture
def shared_database(tmp_path):
    """A DATABASE_URL for the servers: PostgreSQL when the suite runs on it, else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'mlready'}_servers_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get(port, path, session) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_report_rendered_once_is_served_by_both_servers(tmp_path, shared_database):
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL="0",
        BEHIND_PROXY_TLS="0",
        STATIC_USE_FINDERS="1",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=shared_database,
        REPORT_WAIT_SECONDS="3600",  # the servers never render: only the worker does
    )
    manage(env, "migrate", "--no-input")
    seeded = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    path, session = f"/assessments/{seeded['assessment']}/report.pdf", seeded["session"]

    ports = [free_port(), free_port()]
    logs = [tmp_path / f"server-{port}.log" for port in ports]
    servers = [start_server(env, port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        for port, server, log in zip(ports, servers, logs, strict=True):
            wait_until_up(port, server, log)
        status, body = get(ports[0], path, session)
        assert status == 202 and b"being prepared" in body, "the job has not run yet"

        manage(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
        stored = json.loads(manage(env, "shell", "-c", STORED).strip().splitlines()[-1])
        report = next(r for r in stored if r["kind"] == "assessment")
        assert report["status"] == "ready"

        bodies = []
        for port in ports + ports:
            status, body = get(port, path, session)
            assert status == 200, (port, body[:300])
            bodies.append(body)
        assert bodies[0].startswith(b"%PDF-") and len(bodies[0]) == report["size"]
        assert all(body == bodies[0] for body in bodies), "both servers serve the same stored PDF"
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    assert json.loads(manage(env, "shell", "-c", STORED).strip().splitlines()[-1]) == stored, "nothing rendered again"
    for log in logs:
        assert "Rendered the" not in log.read_text(), f"a server rendered the report itself:\n{log.read_text()}"
