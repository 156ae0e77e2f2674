"""The provider's discovery document and signing keys, fetched within the page's deadline and kept for a while.

mozilla-django-oidc expects every endpoint in settings; reading them from
`<issuer>/.well-known/openid-configuration` instead means an agency configures
only its issuer. Both documents are kept in the process for an hour; the keys
are fetched again at once when a token names a key we have not seen (the
provider rotated its keys). Fetches go through exchange.provider_request: one
deadline for the whole page, and no new fetch for a while after a failure.
"""

from __future__ import annotations

import threading
import time

import requests
from django.conf import settings

from assessment.sso.exchange import ProviderUnavailable, forget_provider_failures, provider_request

__all__ = ["ProviderUnavailable", "forget_provider_documents", "provider_configuration", "provider_signing_keys"]

MAX_AGE_SECONDS = 3600
_lock = threading.Lock()
_cache: dict[str, tuple[float, dict]] = {}


def _get_json(url: str) -> dict:
    response = provider_request("GET", url, headers={"Accept": "application/json"})
    try:
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {type(error).__name__}") from None
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document


def _cached(key: str, fetch, *, refresh: bool = False) -> dict:
    with _lock:
        entry = _cache.get(key)
        if entry and not refresh and time.monotonic() - entry[0] < MAX_AGE_SECONDS:
            return entry[1]
    document = fetch()
    with _lock:
        _cache[key] = (time.monotonic(), document)
    return document


def provider_configuration(*, refresh: bool = False) -> dict:
    """The issuer's discovery document, checked to be the issuer's own."""
    issuer = settings.OIDC_ISSUER

    def fetch():
        document = _get_json(f"{issuer}/.well-known/openid-configuration")
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ProviderUnavailable("the discovery document names another issuer")
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(field), str):
                raise ProviderUnavailable(f"the discovery document has no {field}")
        return document

    return _cached("configuration", fetch, refresh=refresh)


def provider_signing_keys(*, refresh: bool = False) -> list[dict]:
    """The provider's published signing keys (JWKS)."""
    jwks_uri = provider_configuration()["jwks_uri"]
    document = _cached("jwks", lambda: _get_json(jwks_uri), refresh=refresh)
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise ProviderUnavailable("the provider's key set has no keys")
    return keys


def forget_provider_documents():
    """Drop what is kept, and any recent failure (tests, or after the provider's configuration changed)."""
    with _lock:
        _cache.clear()
    forget_provider_failures()
