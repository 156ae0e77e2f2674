"""Error pages in the site's layout, so a visitor always has a way back."""

import logging
import sys

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

# How long the "try again" page asks a client to wait before repeating the request.
BUSY_RETRY_AFTER_SECONDS = 5


def _error(request, status, title, message):
    return render(request, "error.html", {"title": title, "message": message, "status": status}, status=status)


def not_found(request, exception=None):
    return _error(request, 404, "Page not found", "This page does not exist, or you do not have access to it.")


def forbidden(request, exception=None):
    # A refusal raised with a reason (PermissionDenied("...")) says why; nothing else is shown of it.
    reason = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return _error(request, 403, "Not allowed", reason or "You are not allowed to do this.")


def bad_request(request, exception=None):
    return _error(request, 400, "Bad request", "The request could not be understood. Go back and try again.")


def server_error(request):
    # Django calls this inside its `except`: a lock that outlived the busy timeout outside a view
    # (a session saved after the view) still gets the "try again" page.
    if database_is_locked(sys.exc_info()[1]):
        return database_busy(request)
    return _error(request, 500, "Something went wrong", "The error has been logged. Please try again later.")


def database_is_locked(error: BaseException | None) -> bool:
    """Whether `error` is SQLite's "database is locked": another writer held the lock past the busy timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def database_busy(request):
    """The "try again" page (503, Retry-After): the transaction was rolled back, so nothing was saved."""
    logger.warning("database is locked: %s %s answered 503 (try again)", request.method, request.path)
    response = _error(
        request,
        503,
        "The database is busy: try again",
        "Nothing was saved: too many changes were being written at the same moment, and this one waited too "
        "long for its turn. Go back, check what you entered and send it again in a few seconds.",
    )
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Answers a view that ran into "database is locked" with the "try again" page instead of a 500.

    Also in development (DEBUG on), where Django would show its traceback page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_is_locked(exception):
            return database_busy(request)
        return None


def csrf_failure(request, reason=""):
    """A form posted with a missing or stale security token (settings.CSRF_FAILURE_VIEW).

    Usually the page was open a long time or the user logged in again in another
    tab; say so in the site's layout instead of Django's bare page.
    """
    return _error(
        request,
        403,
        "Your form could not be accepted",
        "Nothing was saved: the form's security check (CSRF) failed, which happens when a page stays open "
        "for a long time or you log in again in another tab. Go back, copy anything you typed, reload the "
        "page and submit it again.",
    )
