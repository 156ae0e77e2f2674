"""The embedded SQLite default under concurrent writers: a save waits for the lock, never a 500.

Real processes on a SQLite FILE (not the suite's in-memory database, whose
shared cache locks differently): the app in a server process of its own with
the production settings, and the lock taken by a second sqlite3 connection
holding `BEGIN IMMEDIATE` (what the report worker does when it claims a job).
The last test runs what `make run` runs: the development server and
`manage.py db_worker`, with several people writing at once.
"""

import json
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from django.db import OperationalError

from assessment.views import errors
from tests.helpers import REPO, free_port, gunicorn_start, manage_py, production_env, server_wait_until_up

# Every test starts the app in a server process of its own.
pytestmark = pytest.mark.slow

# A short busy timeout for the server under test, so that a lock held longer is quick to show.
BUSY_TIMEOUT_SECONDS = 4

SEED = """
import json
from django.test import Client
from assessment import models
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.versions import version_new_draft
from tests.helpers import DATA, load_questionnaire_file, make_user, team_user

version = load_questionnaire_file(DATA / "good_questionnaire.yaml")
agency = models.Agency.objects.create(name="Busy Agency")
team = models.Team.objects.create(agency=agency, name="Data Platform", slug="data-platform")
people = {name: team_user(team, name) for name in ("lead-a", "lead-b", "starter")}
people["root"] = make_user("root", is_staff=True, is_superuser=True)
drafts = {
    name: models.Assessment.objects.create(team=team, questionnaire=version, title=f"Draft of {name}", created_by=user)
    .pk
    for name, user in people.items()
    if name.startswith("lead")
}
editions = [version_new_draft(version, new_version=f"2026.1-edition-{i}").pk for i in range(3)]
sessions = {}
for name, user in people.items():
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies["sessionid"].value
areas = [
    {"key": area.id, "questions": [{"key": q.id, "level": q.choices[-1].level} for q in area.questions]}
    for area in questionnaire_domain(version).areas
]
print(json.dumps({"team": team.pk, "drafts": drafts, "editions": editions, "sessions": sessions, "areas": areas}))
"""


class Person:
    """One signed-in browser against the server: its session cookie and the CSRF token of its forms."""

    def __init__(self, origin: str, session: str):
        self.origin = origin
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session)
        self.http.get(f"{origin}/", timeout=60)  # the page's logout form sets the CSRF cookie
        self.csrf_token = self.http.cookies["csrftoken"]

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(
            f"{self.origin}{path}",
            {**data, "csrfmiddlewaretoken": self.csrf_token},
            allow_redirects=False,
            timeout=120,
        )


def area_post(area: dict, note: str) -> dict:
    """The form of one area page with every question answered (its highest choice) and `note` on each."""
    data = {"action": "exit"}
    for question in area["questions"]:
        data[f"answer_{question['key']}"] = f"level-{question['level']}"
        data[f"note_{question['key']}"] = note
    return data


def notes_saved(database: Path, assessment_id: int) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT note FROM assessment_answer WHERE assessment_id = ?", (assessment_id,))
        return {note for (note,) in rows}


def server_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The production settings on a SQLite file in `tmp_path`, migrated and seeded."""
    return production_env(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL="0",
        BEHIND_PROXY_TLS="0",
        STATIC_USE_FINDERS="1",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )


def seed(env: dict[str, str]) -> dict:
    manage_py(env, "migrate", "--no-input")
    return json.loads(manage_py(env, "shell", "-c", SEED).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """gunicorn on a migrated, seeded SQLite file, with a busy timeout of BUSY_TIMEOUT_SECONDS."""
    tmp_path = tmp_path_factory.mktemp("sqlite-locking")
    env = server_environment(tmp_path, SQLITE_BUSY_TIMEOUT_SECONDS=str(BUSY_TIMEOUT_SECONDS))
    seeded = seed(env)
    port, log = free_port(), tmp_path / "server.log"
    server = gunicorn_start(env, port, log)
    try:
        server_wait_until_up(port, server, log)
        yield {"origin": f"http://127.0.0.1:{port}", "database": tmp_path / "db.sqlite3", "log": log, **seeded}
    finally:
        server.terminate()
        server.wait(timeout=30)


def hold_write_lock(database: Path, seconds: float) -> threading.Timer:
    """Take SQLite's write lock in another connection now, and give it back after `seconds`."""
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    def release():
        holder.execute("COMMIT")
        holder.close()

    timer = threading.Timer(seconds, release)
    timer.start()
    return timer


def test_a_save_waits_for_another_writer_and_is_saved(app_server):
    lead = Person(app_server["origin"], app_server["sessions"]["lead-a"])
    draft, area = app_server["drafts"]["lead-a"], app_server["areas"][0]
    released = hold_write_lock(app_server["database"], 2)
    try:
        response = lead.post(f"/assessments/{draft}/areas/{area['key']}/", area_post(area, "saved while locked"))
    finally:
        released.join()
    assert response.status_code == 302, (response.status_code, response.text[:300])
    assert notes_saved(app_server["database"], draft) == {"saved while locked"}


def test_a_lock_held_past_the_busy_timeout_answers_try_again_and_saves_nothing(app_server):
    lead = Person(app_server["origin"], app_server["sessions"]["lead-b"])
    draft, area = app_server["drafts"]["lead-b"], app_server["areas"][1]
    path, form = f"/assessments/{draft}/areas/{area['key']}/", area_post(area, "must not be half saved")
    released = hold_write_lock(app_server["database"], BUSY_TIMEOUT_SECONDS + 4)
    try:
        response = lead.post(path, form)
    finally:
        released.join()
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert response.headers["Retry-After"] == "5"
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))
    assert "The database is busy: try again" in page and "Nothing was saved" in page
    assert "Skip to main content" in page  # the site's layout, not a bare error
    assert notes_saved(app_server["database"], draft) == set()
    # The lock is free again: the same form goes through on the same server.
    assert lead.post(path, form).status_code == 302
    assert notes_saved(app_server["database"], draft) == {"must not be half saved"}
    assert "Traceback" not in app_server["log"].read_text()


def test_a_lock_timeout_outside_a_view_gets_the_try_again_page_too(rf, db):
    """A session saved after the view, for instance: Django's handler500 sees the error, not the middleware."""
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = errors.server_error(rf.post("/assessments/1/areas/data/"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"Nothing was saved" in response.content
    try:
        raise OperationalError("no such table: assessment_answer")
    except OperationalError:
        assert errors.server_error(rf.get("/")).status_code == 500


def test_make_runs_server_and_worker_serve_two_savers_and_a_submitter_at_once(tmp_path):
    """`make run`'s processes (runserver with DEBUG on, and db_worker), on the default busy timeout.

    Two leads save area pages of their drafts over and over, a third person
    starts, answers and submits assessments (each submit queues PDF renders for
    the worker), and a superuser publishes draft versions in the admin.
    """
    env = server_environment(tmp_path, DEBUG="1")
    seeded = seed(env)
    port, log = free_port(), tmp_path / "runserver.log"
    origin = f"http://127.0.0.1:{port}"
    worker_log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
        cwd=REPO,
        env=env,
        stdout=worker_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    answers: list[tuple[str, int]] = []  # (what was done, status)
    saved_last: dict[tuple[int, str], str] = {}  # (draft, area key) -> the note of its last save
    lock = threading.Lock()

    def record(what: str, response: requests.Response) -> None:
        with lock:
            answers.append((what, response.status_code))

    def lead_saves(name: str) -> None:
        person, draft = Person(origin, seeded["sessions"][name]), seeded["drafts"][name]
        for i in range(30):
            area = seeded["areas"][i % len(seeded["areas"])]
            note = f"{name} save {i}"
            response = person.post(f"/assessments/{draft}/areas/{area['key']}/", area_post(area, note))
            record("save", response)
            if response.status_code == 302:
                with lock:
                    saved_last[draft, area["key"]] = note

    def starter_submits() -> None:
        person = Person(origin, seeded["sessions"]["starter"])
        for i in range(4):
            start = person.post(
                f"/teams/{seeded['team']}/assessments/new/",
                {"title": f"Quarter {i}", "start_from": "empty", "second_draft": "on"},
            )
            record("start", start)
            assessment = int(re.search(r"/assessments/(\d+)/", start.headers["Location"]).group(1))
            for area in seeded["areas"]:
                record("save", person.post(f"/assessments/{assessment}/areas/{area['key']}/", area_post(area, "")))
            record("submit", person.post(f"/assessments/{assessment}/submit/", {}))

    def editor_publishes() -> None:
        person = Person(origin, seeded["sessions"]["root"])
        for edition in seeded["editions"]:
            record("publish", person.post(f"/admin/assessment/questionnaireversion/{edition}/publish/", {}))

    try:
        server_wait_until_up(port, server, log)
        threads = [threading.Thread(target=lead_saves, args=(name,)) for name in seeded["drafts"]]
        threads += [threading.Thread(target=starter_submits), threading.Thread(target=editor_publishes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not any(thread.is_alive() for thread in threads), "a writer hung"
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=30)

    failed = [(what, status) for what, status in answers if status >= 500]
    assert failed == [], f"{len(failed)} of {len(answers)} requests failed:\n{log.read_text()[-3000:]}"
    assert len(answers) == 2 * 30 + 4 * (2 + len(seeded["areas"])) + len(seeded["editions"])
    assert all(status == 302 for _, status in answers), answers
    for draft in seeded["drafts"].values():
        last_notes = {note for (saved_in, _), note in saved_last.items() if saved_in == draft}
        assert notes_saved(tmp_path / "db.sqlite3", draft) == last_notes, "the last save of each area is kept"
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        submitted = connection.execute("SELECT count(*) FROM assessment_assessment WHERE status = 'submitted'")
        assert submitted.fetchone() == (4,)
        published = connection.execute(
            "SELECT count(*) FROM assessment_questionnaireversion WHERE version LIKE '%edition%' AND status = 'published'"
        )
        assert published.fetchone() == (3,)
