"""Production settings: Django's deploy check, security headers, CSP, login throttling.

The production checks run `manage.py` in a subprocess with the environment a
real deployment sets (DEBUG off, a long random SECRET_KEY, TLS on, PostgreSQL),
because settings are read once per process.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.services.assessments import AnswerInput, answers_save
from tests.helpers import HOST, PASSWORD, free_port, production_env
from tests.urlwalk import SIGN_IN_VALUES, STAFF, all_routes, body_text

REPO = Path(__file__).resolve().parent.parent


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_it_passes_the_deploy_check_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)" in output, output


@pytest.mark.slow
def test_it_fails_the_deploy_check_when_debug_is_on():
    """The control: the same check does complain about an unsafe setting."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=production_env(DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # "You should not have DEBUG set to True"


def test_it_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# The production response headers, read through Django's test client in a process with
# production settings. The login page needs no database; static files come from the finders
# so the check does not depend on a collectstatic run.
HEADERS_SCRIPT = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client
call_command("check", "--deploy", verbosity=0)
connected_by_check = connections["default"].connection is not None
client = Client(HTTP_HOST="%(host)s")
plain = client.get("/login/")
tls = client.get("/login/", secure=True)
proxied = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": {"status": plain.status_code, "location": plain.get("Location", "")},
    "tls": {"status": tls.status_code, "headers": dict(tls.headers.items()),
            "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
                        for name, c in tls.cookies.items()}},
    "proxied": {"status": proxied.status_code},
    "connected_by_check": connected_by_check,
    "cookie_settings": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.CSRF_COOKIE_SECURE],
}))
"""


@pytest.fixture(scope="module")
def production_responses():
    result = run_python(HEADERS_SCRIPT % {"host": HOST}, production_env(STATIC_USE_FINDERS="1"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # production_responses starts Django with the production settings
def test_it_redirects_plain_http_to_https(production_responses):
    assert production_responses["plain"]["status"] == 301
    assert production_responses["plain"]["location"] == f"https://{HOST}/login/"


@pytest.mark.slow  # production_responses starts Django with the production settings
def test_it_trusts_the_proxy_when_told_it_terminates_tls(production_responses):
    assert production_responses["proxied"]["status"] == 200


@pytest.mark.slow  # production_responses starts Django with the production settings
def test_it_sends_the_security_headers_in_production(production_responses):
    headers = {k.lower(): v for k, v in production_responses["tls"]["headers"].items()}
    assert production_responses["tls"]["status"] == 200
    hsts = headers["strict-transport-security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 31536000
    assert "includeSubDomains" in hsts
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.slow  # production_responses starts Django with the production settings
def test_it_marks_cookies_secure_in_production(production_responses):
    cookies = production_responses["tls"]["cookies"]
    assert "csrftoken" in cookies
    for name, flags in cookies.items():
        assert flags["secure"], f"cookie {name} is not Secure"


@pytest.mark.slow  # production_responses starts Django with the production settings
def test_it_keeps_the_session_cookie_secure_and_http_only(production_responses):
    assert production_responses["cookie_settings"] == [True, True, True]


@pytest.mark.slow  # production_responses starts Django with the production settings
def test_it_does_not_connect_to_the_database_during_the_check(production_responses):
    # DATABASE_URL names a host under .invalid: the deploy check must not need the database.
    assert production_responses["connected_by_check"] is False


# --- Content-Security-Policy in the running app -------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
def test_it_sends_a_csp_with_no_inline_script_or_style(client):
    response = client.get(reverse("login"))
    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        sources = directives.get(name, directives["default-src"])
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, name
        assert all(s == "'self'" or s.startswith("'nonce-") for s in sources), f"{name} allows another host: {sources}"
    assert directives["object-src"] == ["'none'"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""href\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """Everything in a page that the CSP would block: users would lose a script or a style."""
    found = []
    for label, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("<style> element", STYLE_ELEMENT),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("on...= event handler", EVENT_HANDLER),
        ("javascript: link", JS_URL),
    ]:
        for match in pattern.finditer(html):
            # JSON data islands are not executed, so the CSP does not block them.
            if label == "inline <script>" and "application/json" in match.group(0):
                continue
            found.append(f"{label}: {html[match.start() : match.start() + 120]!r}")
    return found


def test_it_detects_inline_code():
    """The control for the page scan below."""
    assert inline_code('<p style="color:red">x</p>')
    assert inline_code("<script>alert(1)</script>")
    assert inline_code("<style>p{}</style>")
    assert inline_code('<button onclick="go()">')
    assert not inline_code('<script src="/static/app.js" defer></script><p class="x">styled</p>')
    assert not inline_code('<script type="application/json" id="data">{}</script>')


@pytest.fixture
def filled_assessment(assessment, member, questionnaire_version):
    questions = list(models.Question.objects.filter(area__questionnaire=questionnaire_version))
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(q.key, models.Answer.CHOICE, level=q.choices.first().level, note="A note")
            for q in questions[:2]
        ]
        + [AnswerInput(questions[2].key, models.Answer.NOT_SURE)],
    )
    return assessment


@pytest.mark.slow
@pytest.mark.django_db
def test_it_serves_every_page_without_inline_script_or_style(
    filled_assessment, member, viewer, executive, questionnaire_version
):
    """Every page a member, a viewer or an executive can open, found by walking the URL patterns."""
    area = models.Area.objects.filter(questionnaire=questionnaire_version).first()
    team = filled_assessment.team
    division = models.Division.objects.create(agency=team.agency, name="Operations")
    models.Team.objects.filter(pk=team.pk).update(division=division)
    action = models.Action.objects.create(
        team=team,
        questionnaire_slug=questionnaire_version.slug,
        question_key=area.questions.first().key,
        target_level=3,
        owner=member,
        created_by=member,
        created_at=timezone.now(),
    )
    values = {
        "assessment_id": filled_assessment.pk,
        "team_id": filled_assessment.team_id,
        "division_id": division.pk,
        "action_id": action.pk,
        "version_id": questionnaire_version.pk,
        "area_key": area.key,
        "practice_key": models.Practice.objects.filter(questionnaire=questionnaire_version).first().key,
        "question_key": models.Question.objects.filter(area=area).first().key,
        "question_id": models.Question.objects.filter(area=area).first().pk,
        "answer_id": filled_assessment.answers.first().pk,
        "evidence_id": 0,  # no evidence in this data: its routes answer 404, which the check allows
        "revision_id": 0,  # no crosswalk revision either
        "token_id": 0,  # nor an API token
        "agency_id": filled_assessment.team.agency_id,
        **SIGN_IN_VALUES,  # a password set-up link that is not valid: the page says so
    }
    pages = {}
    anonymous = Client()
    pages["login"] = anonymous.get(reverse("login"))
    pages["404"] = anonymous.get("/no-such-page/")
    for user in (member, viewer, executive):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route in all_routes():
            if route.kind == STAFF or route.name in ("logout", "login"):
                continue
            response = client.get(route.url(values))
            pages[f"{route.name} as {user.username}"] = response
    problems = []
    html_pages = 0
    for label, response in pages.items():
        assert response.status_code < 500, f"{label} failed with {response.status_code}"
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            html_pages += 1
            problems += [f"{label}: {p}" for p in inline_code(body_text(response))]
    assert html_pages >= 3
    assert not problems, "The CSP would block these:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_it_uses_no_other_host_in_pages(filled_assessment, member):
    """Locked-down networks: every script, style sheet, image and font comes from this host."""
    client = Client()
    client.force_login(member)
    urls = [reverse("home")] + [
        reverse(name, kwargs={"assessment_id": filled_assessment.pk})
        for name in ("assessment-results", "assessment-review", "assessment-roadmap")
    ]
    for url in urls:
        html = body_text(client.get(url))
        for match in re.finditer(r"<(?:script|link|img|source|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']([^\"']+)", html):
            target = match.group(1)
            assert not re.match(r"(?:https?:)?//", target), f"{url} loads {target} from another host"


# --- Login throttling ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_locks_a_user_out_after_five_wrong_passwords(member):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(5):
        response = client.post(reverse("login"), {"username": member.username, "password": f"guess-{attempt}"})
        assert response.status_code in (200, 429)
    response = client.post(reverse("login"), {"username": member.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "paused for 15 minutes" in response.content.decode()  # AXES_COOLOFF_MINUTES, by default 15
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still not logged in


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("minutes", "words"), [(1, "1 minute"), (60, "1 hour"), (90, "1 hour 30 minutes"), (24 * 60 + 1, "1 day 1 minute")]
)
def test_the_lockout_page_says_how_long_the_pause_lasts(member, settings, minutes, words):
    settings.AXES_COOLOFF_TIME = minutes / 60  # as config/settings.py sets it from AXES_COOLOFF_MINUTES
    client = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(6):
        response = client.post(reverse("login"), {"username": member.username, "password": f"guess-{attempt}"})
    assert response.status_code == 429
    assert f"logging in with this username is paused for {words}." in re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.django_db
def test_it_still_accepts_the_right_password_after_a_few_typos(member):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for attempt in range(4):
        response = client.post(reverse("login"), {"username": member.username, "password": f"typo-{attempt}"})
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    response = client.post(reverse("login"), {"username": member.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_it_locks_only_the_guessed_username_from_that_address(member, viewer):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(5):
        guesser.post(reverse("login"), {"username": member.username, "password": f"guess-{attempt}"})
    assert guesser.post(reverse("login"), {"username": member.username, "password": PASSWORD}).status_code == 429
    # The real owner, from the office, and another user are not locked out by someone else's guessing.
    office = Client(REMOTE_ADDR="198.51.100.20")
    assert office.post(reverse("login"), {"username": member.username, "password": PASSWORD}).status_code == 302
    colleague = Client(REMOTE_ADDR="203.0.113.9")
    assert colleague.post(reverse("login"), {"username": viewer.username, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_it_throttles_by_client_address_behind_a_proxy(member, settings):
    """Behind nginx every request comes from the proxy: a guesser must not lock out the office."""
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.2"
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    for attempt in range(5):
        guesser.post(reverse("login"), {"username": member.username, "password": f"guess-{attempt}"})
    assert guesser.post(reverse("login"), {"username": member.username, "password": PASSWORD}).status_code == 429
    # A forged X-Forwarded-For from the guesser does not help: the proxy appends the real address last.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.50")
    assert forged.post(reverse("login"), {"username": member.username, "password": PASSWORD}).status_code == 429
    office = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert office.post(reverse("login"), {"username": member.username, "password": PASSWORD}).status_code == 302


def test_it_documents_gunicorn_with_postgresql_for_production():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    deployment = readme[readme.index("## Deployment") :]
    assert "gunicorn -c config/gunicorn.conf.py" in deployment
    assert "postgres://" in deployment
    for setting in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "BEHIND_PROXY_TLS", "collectstatic"):
        assert setting in deployment, setting


@pytest.mark.slow
def test_it_serves_through_gunicorn_with_the_production_config(tmp_path):
    """gunicorn with config/gunicorn.conf.py boots the app; plain-HTTP health checks pass, pages redirect to HTTPS."""
    port = free_port()
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",  # healthz only runs SELECT 1
        STATIC_USE_FINDERS="1",
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_ACCESS_LOG=str(tmp_path / "access.log"),
        GUNICORN_ERROR_LOG=str(tmp_path / "error.log"),
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    try:
        health = None
        deadline = time.time() + 60
        while time.time() < deadline and server.poll() is None:
            try:
                health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        assert health is not None, (
            (tmp_path / "error.log").read_text() if (tmp_path / "error.log").exists() else "no log"
        )
        assert health.status == 200 and json.loads(health.read()) == {"status": "ok"}

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"http://127.0.0.1:{port}/login/", timeout=5)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == f"https://127.0.0.1:{port}/login/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert "GET /healthz" in (tmp_path / "access.log").read_text()


def test_it_reads_gunicorn_settings_from_the_environment():
    code = (
        "import runpy, json\n"
        "conf = runpy.run_path('config/gunicorn.conf.py')\n"
        "print(json.dumps({k: conf[k] for k in ('bind', 'workers', 'max_requests', 'max_requests_jitter', 'accesslog')}))"
    )
    env = production_env(GUNICORN_BIND="127.0.0.1:9123", GUNICORN_WORKERS="3", GUNICORN_MAX_REQUESTS="500")
    result = run_python(code, env)
    conf = json.loads(result.stdout)
    assert conf["bind"] == "127.0.0.1:9123"
    assert conf["workers"] == 3
    assert conf["max_requests"] == 500 and conf["max_requests_jitter"] > 0
    assert conf["accesslog"] == "-"


def test_gunicorn_workers_read_a_request_body_in_small_steps(monkeypatch):
    """An upload's body is buffered in steps of GUNICORN_BODY_READ_STEP_KB, not gunicorn's 1 MiB (docs/evidence.md)."""
    import runpy

    from gunicorn.http import body, unreader

    monkeypatch.setattr(unreader.SocketUnreader, "max_body_chunk", 1024 * 1024, raising=False)
    monkeypatch.setattr(body, "MAX_READ_STEP", 1024 * 1024, raising=False)
    monkeypatch.setenv("GUNICORN_BODY_READ_STEP_KB", "64")
    conf = runpy.run_path(str(Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"))
    conf["post_fork"](None, None)
    assert unreader.SocketUnreader.max_body_chunk == body.MAX_READ_STEP == 64 * 1024
