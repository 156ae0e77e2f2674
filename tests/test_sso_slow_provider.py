"""A slow identity provider holds no page past OIDC_TIMEOUT_SECONDS, and is not asked again at once.

The provider here is a tiny HTTP server on loopback whose every path can
answer normally, trickle its answer one byte a second, or accept and never
answer. Elapsed time against the configured deadline is the behaviour under
test; the bound is wide (the deadline + 15 s, against the 40 s the trickle takes)
so a busy machine cannot fail it.
"""

import json
import socket
import socketserver
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from assessment.sso.discovery import forget_provider_documents
from tests.sso_helpers import CLIENT_ID, CLIENT_SECRET, sso_settings_apply

# Each test waits out a deadline of a few seconds against a provider on loopback.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TIMEOUT_SECONDS = 2
BOUND_SECONDS = TIMEOUT_SECONDS + 15


class SlowProvider(socketserver.ThreadingTCPServer):
    """Answers GET/POST on loopback; `behaviour[path]` is "normal" (the default), "trickle" or "silent"."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SlowHandler)
        self.issuer = f"http://127.0.0.1:{self.server_address[1]}/o"
        self.behaviour: dict[str, str] = {}
        self.requests: list[str] = []
        self.stopping = threading.Event()

    def body_for(self, path: str) -> bytes:
        if path == "/o/.well-known/openid-configuration":
            return json.dumps(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize/",
                    "token_endpoint": f"{self.issuer}/token/",
                    "jwks_uri": f"{self.issuer}/jwks/",
                    "end_session_endpoint": f"{self.issuer}/logout/",
                }
            ).encode()
        return b'{"keys": []}'


class _SlowHandler(socketserver.BaseRequestHandler):
    def handle(self):
        server: SlowProvider = self.server  # type: ignore[assignment]
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            received += chunk
        path = received.split(b" ", 2)[1].decode()
        server.requests.append(path)
        body = server.body_for(path)
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
            len(body),
            body,
        )
        behaviour = server.behaviour.get(path, "normal")
        try:
            if behaviour == "silent":
                server.stopping.wait()
            elif behaviour == "trickle":
                for byte in answer[:40]:  # forty seconds, if the client waits for it
                    if server.stopping.wait(1):
                        return
                    self.request.sendall(bytes([byte]))
            else:
                self.request.sendall(answer)
        except OSError:
            pass  # the client gave up and closed the connection


@pytest.fixture
def slow_provider(settings):
    provider = SlowProvider()
    thread = threading.Thread(target=provider.serve_forever, daemon=True)
    thread.start()
    sso_settings_apply(
        settings,
        {
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_DISPLAY_NAME": "Test Agency ID",
            "OIDC_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        },
    )
    forget_provider_documents()
    yield provider
    forget_provider_documents()
    provider.stopping.set()
    provider.shutdown()
    provider.server_close()


DISCOVERY = "/o/.well-known/openid-configuration"


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def assert_unreachable_page(response):
    assert response.status_code == 502
    assert b"The sign-in service cannot be reached" in response.content


def test_sso_start_answers_within_the_deadline_when_discovery_trickles(slow_provider):
    slow_provider.behaviour[DISCOVERY] = "trickle"
    response, elapsed = timed(lambda: Client().get("/sso/start/"))
    assert_unreachable_page(response)
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f} s with OIDC_TIMEOUT_SECONDS={TIMEOUT_SECONDS}"


def test_the_callback_answers_within_the_deadline_when_the_token_request_trickles(slow_provider):
    client = Client()
    start = client.get("/sso/start/")
    assert start.status_code == 302
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    slow_provider.behaviour["/o/token/"] = "trickle"
    response, elapsed = timed(lambda: client.get("/sso/callback/", {"code": "a-code", "state": state}))
    assert_unreachable_page(response)
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f} s with OIDC_TIMEOUT_SECONDS={TIMEOUT_SECONDS}"
    assert "_auth_user_id" not in client.session


def test_logout_answers_within_the_deadline_when_discovery_trickles(slow_provider, member):
    client = Client()
    client.force_login(member)
    session = client.session
    session["oidc_id_token"] = "an-id-token"
    session.save()
    slow_provider.behaviour[DISCOVERY] = "trickle"
    response, elapsed = timed(lambda: client.post("/logout/"))
    assert response.status_code == 302 and response["Location"] == "/login/"  # signed out here at least
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f} s with OIDC_TIMEOUT_SECONDS={TIMEOUT_SECONDS}"
    assert "_auth_user_id" not in client.session


def test_a_provider_that_never_answers_is_not_asked_again_at_once(slow_provider):
    slow_provider.behaviour[DISCOVERY] = "silent"
    first, elapsed = timed(lambda: Client().get("/sso/start/"))
    assert_unreachable_page(first)
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f} s with OIDC_TIMEOUT_SECONDS={TIMEOUT_SECONDS}"
    again = Client().get("/sso/start/")
    assert_unreachable_page(again)
    assert slow_provider.requests == [DISCOVERY], "the second page asked the provider that had just failed"


def test_a_closed_port_counts_as_a_failure_too(slow_provider, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.OIDC_ISSUER = f"http://127.0.0.1:{closed_port}/o"
    assert_unreachable_page(Client().get("/sso/start/"))
    settings.OIDC_ISSUER = slow_provider.issuer  # another issuer: its own record, asked at once
    assert Client().get("/sso/start/").status_code == 302
    assert slow_provider.requests == [DISCOVERY]
