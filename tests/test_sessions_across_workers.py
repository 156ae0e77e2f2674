"""A session that ends ends on every gunicorn worker.

Real gunicorn with several workers (config/gunicorn.conf.py, DEBUG off) serves a
database that this test also reaches: a migrated SQLite file, or the PostgreSQL
test database when the suite runs on PostgreSQL. A user logs in and loads pages
(so that every worker has seen the session), then logs out or changes the
password; the old cookie, replayed many times, must get the login page from
whichever worker answers. The access log names the worker (pid) of each request,
so the test also proves the replays reached more than one worker.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.helpers import PASSWORD, free_port, production_env

REPO = Path(__file__).resolve().parent.parent
WORKERS = 3
REPLAYS = 30
NEW_PASSWORD = "a-brand-new-passphrase-9413"

SETUP_USERS = f"""
import django
django.setup()
from django.contrib.auth.models import User
from assessment.models import Agency, Membership, Team
agency = Agency.objects.create(name="Workers Agency")
team = Team.objects.create(agency=agency, name="Workers Team", slug="workers-team")
member = User.objects.create_user("walker", password={PASSWORD!r}, first_name="Wally", last_name="Walker")
Membership.objects.create(team=team, user=member, role=Membership.MEMBER)
staff = User.objects.create_user("changer", password={PASSWORD!r}, first_name="Cora", last_name="Changer", is_staff=True)
Membership.objects.create(team=team, user=staff, role=Membership.VIEWER)
"""


@pytest.mark.django_db
def test_it_keeps_sessions_and_the_cache_in_the_database_every_worker_shares():
    """No session or cached value lives in one process only; `migrate` made the cache's table."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    default = settings.CACHES["default"]
    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert default["LOCATION"] in connection.introspection.table_names()
    cache.set("shared-check", b"%PDF-1.7 bytes", 60)
    assert cache.get("shared-check") == b"%PDF-1.7 bytes"


class Browser:
    """Just enough of a browser: cookies, no redirects followed, and a way to replay a cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None, cookies: dict | None = None):
        jar = self.cookies if cookies is None else cookies
        headers = {"Host": "127.0.0.1"}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            set_cookies = response.headers.get_all("Set-Cookie") or []
            status, location = response.status, response.headers.get("Location", "")
        finally:
            conn.close()
        if cookies is None:
            for header in set_cookies:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value in ("", '""') or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        return status, location, text

    def post_form(self, path: str, page: str, fields: dict):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token in the page before POST {path}"
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        status, _, page = self.request("GET", "/login/")
        assert status == 200, page[:500]
        status, _location, page = self.post_form("/login/", page, {"username": username, "password": password})
        assert status == 302 and "sessionid" in self.cookies, f"log-in of {username} failed: {status} {page[:500]}"


def signed_in_as(result, full_name: str) -> bool:
    status, _, text = result
    return status == 200 and f"Signed in as {full_name}" in text


def is_login_page(result) -> bool:
    status, location, _ = result
    return status == 302 and location.startswith("/login/")


@pytest.fixture
def database_url(transactional_db, tmp_path):
    """A migrated database that gunicorn's workers and this test share (rows committed, so both see them)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict  # pytest-django's test database
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    # `migrate` alone must create everything the app needs, the shared cache's table included.
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=REPO,
        env=production_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return url


@pytest.fixture
def server(database_url, tmp_path):
    env = production_env(DATABASE_URL=database_url, SECURE_SSL="0", STATIC_USE_FINDERS="1", ALLOWED_HOSTS="127.0.0.1")
    setup = subprocess.run(
        [sys.executable, "-c", SETUP_USERS], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert setup.returncode == 0, setup.stderr
    port = free_port()
    access_log = tmp_path / "access.log"
    env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_MAX_REQUESTS="0",  # no worker recycling in the middle of the test
        GUNICORN_ERROR_LOG=str(tmp_path / "error.log"),
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "config/gunicorn.conf.py",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(r)s %(s)s",
            "config.wsgi",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        ready = False
        while time.time() < deadline and process.poll() is None and not ready:
            try:
                ready = Browser(port).request("GET", "/healthz")[0] == 200
            except OSError:
                time.sleep(0.2)
        error_log = tmp_path / "error.log"
        assert ready, error_log.read_text() if error_log.exists() else "gunicorn did not start"
        yield {"port": port, "access_log": access_log}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def workers_that_answered(access_log: Path, since_line: int) -> set[str]:
    lines = access_log.read_text().splitlines()[since_line:]
    return {line.split()[0] for line in lines if line.startswith("<")}


def log_length(access_log: Path) -> int:
    return len(access_log.read_text().splitlines())


def warm_every_worker(browser: Browser, full_name: str) -> None:
    for _ in range(REPLAYS):
        assert signed_in_as(browser.request("GET", "/"), full_name)


def replay(browser: Browser, cookies: dict) -> list:
    """REPLAYS requests with the cookie, several at once: a sync worker serves one at a time, so the others answer too."""
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        return list(pool.map(lambda _: browser.request("GET", "/", cookies=dict(cookies)), range(REPLAYS)))


def replay_on_several_workers(browser: Browser, access_log: Path, *cookie_jars: dict) -> tuple[list, set[str]]:
    """Replay each jar until more than one worker has answered (bounded): gunicorn may hand a burst to one worker."""
    before = log_length(access_log)
    results: list = []
    for _ in range(6):
        for jar in cookie_jars:
            results += replay(browser, jar)
        reached = workers_that_answered(access_log, before)
        if len(reached) > 1:
            break
    return results, reached


@pytest.mark.slow
def test_it_ends_the_session_on_every_worker_at_logout(server):
    browser = Browser(server["port"])
    browser.log_in("walker")
    warm_every_worker(browser, "Wally Walker")
    stolen = dict(browser.cookies)
    _, _, page = browser.request("GET", "/")
    status, location, _ = browser.post_form("/logout/", page, {})
    assert status == 302 and location.startswith("/login/")

    results, reached = replay_on_several_workers(browser, server["access_log"], stolen)
    alive = sum(1 for r in results if not is_login_page(r))
    assert alive == 0, f"{alive} of {len(results)} replays of the logged-out cookie were still signed in"
    assert len(reached) > 1, f"the replays reached only workers {reached}: not a multi-worker test"


@pytest.mark.slow
def test_it_ends_the_users_other_sessions_on_every_worker_at_a_password_change(server):
    other_device = Browser(server["port"])
    other_device.log_in("changer")
    warm_every_worker(other_device, "Cora Changer")
    browser = Browser(server["port"])
    browser.log_in("changer")
    warm_every_worker(browser, "Cora Changer")
    before_change = dict(browser.cookies)

    _, _, page = browser.request("GET", "/admin/password_change/")
    status, location, text = browser.post_form(
        "/admin/password_change/",
        page,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert status == 302 and location.endswith("/admin/password_change/done/"), text[:1000]

    results, reached = replay_on_several_workers(browser, server["access_log"], other_device.cookies, before_change)
    alive = sum(1 for r in results if not is_login_page(r))
    assert alive == 0, f"{alive} of {len(results)} replays of the user's other sessions were still signed in"
    assert len(reached) > 1, f"the replays reached only workers {reached}: not a multi-worker test"
    # The session that changed the password lives on, on every worker.
    assert all(signed_in_as(browser.request("GET", "/"), "Cora Changer") for _ in range(10))
    fresh = Browser(server["port"])
    fresh.log_in("changer", NEW_PASSWORD)
