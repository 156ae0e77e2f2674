"""The only way WeasyPrint may reach a resource: the app's own static files.

A PDF is rendered from HTML that holds text people typed. Autoescaping keeps
that text inert, and this fetcher is the second wall: should any markup reach
WeasyPrint, it still cannot read local files or call hosts on the agency's
network. Static files are read through the staticfiles finders (or the
collected STATIC_ROOT), never over the network.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The base URL the PDF's HTML is rendered against. The .invalid top-level domain
# never resolves (RFC 2606), and this fetcher never opens a connection anyway.
APP_ORIGIN = "https://pdf.app.invalid"
BASE_URL = APP_ORIGIN + "/"


class URLRefused(ValueError):
    """A URL that the PDF renderer may not fetch."""


def static_prefix() -> str:
    """The path under which static files are served, e.g. "/static/"."""
    path = urlsplit(settings.STATIC_URL).path or "/static/"
    return "/" + path.strip("/") + "/"


def static_url(relative_path: str) -> str:
    """Absolute URL, against BASE_URL, of one static file for the PDF's HTML."""
    return APP_ORIGIN + static_prefix() + relative_path.lstrip("/")


def _static_file(relative_path: str) -> Path | None:
    found = finders.find(relative_path)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        collected = Path(settings.STATIC_ROOT) / relative_path
        if collected.is_file():
            return collected
    return None


def _refuse(url: str, reason: str) -> NoReturn:
    logger.warning("PDF renderer refused to fetch %.200r: %s", url, reason)
    raise URLRefused(f"refused {url[:200]!r}: {reason}")


def safe_url_fetcher(url: str) -> URLFetcherResponse:
    """Serve `APP_ORIGIN/static/...` from the app's static files; refuse all else.

    Refused: every other scheme (file, data, ftp, ...), every other host,
    http(s) included, paths outside the static prefix, and any ".." or
    encoded separator that could climb out of a static root.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        _refuse(url, "malformed URL")
    if f"{parts.scheme}://{parts.netloc}".lower() != APP_ORIGIN:
        _refuse(url, "only the app's own static files may be fetched")
    prefix = static_prefix()
    if not parts.path.startswith(prefix):
        _refuse(url, "not a static file")
    raw = parts.path[len(prefix) :]
    relative = unquote(raw)
    segments = relative.split("/")
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or any(segment in ("", ".", "..") for segment in segments)
        or posixpath.normpath(relative) != relative
    ):
        _refuse(url, "not a plain static file path")
    path = _static_file(relative)
    if path is None:
        _refuse(url, "no such static file")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class SafeURLFetcher(URLFetcher):
    """WeasyPrint's fetcher interface (v70 calls ``fetch``) around safe_url_fetcher."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        return safe_url_fetcher(url)
