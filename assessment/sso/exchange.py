"""Every request to the identity provider: one deadline per page, and a back-off after a failure.

`requests`' timeout bounds each read, not the whole answer: a provider that
sends one byte a second would hold a web worker until gunicorn kills it. So a
page that talks to the provider (sign-in start, callback, logout) opens
`provider_deadline()`, and every request made under it (discovery, token,
keys, user info) must have its whole answer before the deadline,
OIDC_TIMEOUT_SECONDS after the page began. The request runs in a thread of
its own that the page stops waiting for at the deadline; that thread ends at
the provider's next silence longer than the time that was left, or when the
provider stops sending.

After a provider failed (no answer, no complete answer in time, a refused
connection), this process does not ask it again for BACKOFF_SECONDS: the pages
answer "cannot be reached" at once instead of each holding a worker again.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Iterator

import requests
from django.conf import settings

BACKOFF_SECONDS = 30
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("provider_deadline", default=None)
_lock = threading.Lock()
_failed_at: dict[str, float] = {}  # issuer -> time.monotonic() of its last failure


class ProviderUnavailable(Exception):
    """The provider could not be reached in time, or answered with something that is not what was asked."""


@contextlib.contextmanager
def provider_deadline() -> Iterator[None]:
    """Every provider request in this block shares one deadline, OIDC_TIMEOUT_SECONDS from now."""
    token = _deadline.set(time.monotonic() + settings.OIDC_TIMEOUT)
    try:
        yield
    finally:
        _deadline.reset(token)


def provider_request(method: str, url: str, **kwargs) -> requests.Response:
    """The provider's complete answer to one request, within the page's deadline, or ProviderUnavailable.

    An answer with an error status is returned as it is (the caller says what it
    means); no answer, an incomplete one or a server error (5xx) counts as the provider failing.
    """
    issuer = settings.OIDC_ISSUER
    with _lock:
        failed_at = _failed_at.get(issuer)
    if failed_at is not None and time.monotonic() - failed_at < BACKOFF_SECONDS:
        raise ProviderUnavailable(f"{url}: not asked, the provider failed {time.monotonic() - failed_at:.0f} s ago")
    deadline = _deadline.get() or time.monotonic() + settings.OIDC_TIMEOUT
    left = deadline - time.monotonic()
    if left <= 0:
        _provider_failed(issuer)
        raise ProviderUnavailable(f"{url}: no time left before the deadline")

    outcome: dict[str, object] = {}
    done = threading.Event()

    def ask() -> None:
        try:
            # Not streamed: the body is read here, inside the deadline.
            outcome["response"] = requests.request(method, url, timeout=left, **kwargs)
        except requests.RequestException as error:
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=ask, name="oidc-provider-request", daemon=True).start()
    if not done.wait(left):
        _provider_failed(issuer)
        raise ProviderUnavailable(f"{url}: no complete answer within {settings.OIDC_TIMEOUT} s")
    if "error" in outcome:
        _provider_failed(issuer)
        raise ProviderUnavailable(f"{url}: {type(outcome['error']).__name__}")
    response = outcome["response"]
    assert isinstance(response, requests.Response)
    if response.status_code >= 500:
        _provider_failed(issuer)
    return response


def _provider_failed(issuer: str) -> None:
    with _lock:
        _failed_at[issuer] = time.monotonic()


def forget_provider_failures() -> None:
    """Ask the provider again at once (tests, or after fixing its configuration)."""
    with _lock:
        _failed_at.clear()
