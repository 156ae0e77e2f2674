"""The test provider for a test session, and helpers to sign in through it.

The fixtures `oidc_provider` and `sso_on` (tests/conftest.py) use them:
`oidc_provider` starts tests/oidc_provider (a real OpenID Connect provider) as a
subprocess on a free loopback port, once per test session; `sso_on` turns single
sign-on on for one test by evaluating config/settings.py with the OIDC_*
variables set, exactly as a deployment would.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from unittest import mock
from urllib.parse import urljoin, urlsplit

import pytest
import requests

REPO = Path(__file__).resolve().parent.parent
CLIENT_ID = "ml-readiness-tests"
CLIENT_SECRET = "client-secret-that-must-never-be-shown-0123456789"
START_TIMEOUT_SECONDS = 90


class TestProvider:
    def __init__(self, process, ready):
        self.process = process
        self.issuer = ready["issuer"]
        self.origin = f"http://127.0.0.1:{ready['port']}"
        self.setup_key = ready["setup_key"]

    def setup(self, *, redirect_hosts=("http://testserver",), users=()):
        """Register this suite's client for the given application origins, and create or update users."""
        body = {
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"{host}/sso/callback/" for host in redirect_hosts],
                    "post_logout_redirect_uris": [f"{host}/login/" for host in redirect_hosts],
                }
            ],
            "users": [{"password": f"{u['username']}-provider-password", **u} for u in users],
        }
        response = requests.post(
            f"{self.origin}/testing/setup", json=body, headers={"X-Setup-Key": self.setup_key}, timeout=30
        )
        response.raise_for_status()


def provider_start() -> TestProvider:
    """Start the test provider as a subprocess; fails the test session when it does not start."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
    )
    ready_line = []
    reader = threading.Thread(target=lambda: ready_line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_SECONDS)
    if not ready_line or not ready_line[0].strip():
        process.kill()
        pytest.fail(f"The test provider did not start in {START_TIMEOUT_SECONDS} s: {process.stderr.read()[-2000:]}")
    return TestProvider(process, json.loads(ready_line[0]))


def provider_stop(provider: TestProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(10)
    except subprocess.TimeoutExpired:
        provider.process.kill()


def settings_from_environment(environ: dict) -> dict:
    """The settings config/settings.py makes from these environment variables (a fresh evaluation)."""
    spec = importlib.util.spec_from_file_location("_settings_under_test", REPO / "config" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environ):
        spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def sso_settings_apply(settings, environ: dict) -> None:
    """Set the single sign-on settings that config/settings.py makes from `environ` (pytest-django's `settings`)."""
    made = settings_from_environment(environ)
    for name, value in made.items():
        if name.startswith("OIDC_") or name in (
            "AUTHENTICATION_BACKENDS",
            "LOCAL_PASSWORDS",
            "CONTENT_SECURITY_POLICY",
        ):
            setattr(settings, name, value)


def sso_environment(provider: TestProvider, **extra) -> dict:
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_DISPLAY_NAME": "Test Agency ID",
        **extra,
    }


def provider_callback_url(
    client, provider: TestProvider, username: str, *, password: str | None = None, next_url: str | None = None
) -> str:
    """Start a sign-in in the Django test client, sign in on the provider's own login page, return the callback URL.

    The provider part runs over real HTTP (requests) with the provider's login
    form and CSRF token, as a browser without JavaScript would.
    """
    start = client.get("/sso/start/", {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content[:500]
    browser = requests.Session()
    answer = browser.get(start["Location"], allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:500]
    login_url = urljoin(start["Location"], answer.headers["Location"])
    form = browser.get(login_url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    next_url = re.search(r'name="next" value="([^"]*)"', form.text).group(1).replace("&amp;", "&")
    answer = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password or f"{username}-provider-password",
            "next": next_url,
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, f"provider login failed: {answer.text[:300]}"
    answer = browser.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:500]
    callback = answer.headers["Location"]
    assert urlsplit(callback).path == "/sso/callback/", callback
    return callback
