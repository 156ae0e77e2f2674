"""Error pages in the site's layout, so a visitor always has a way back."""

import logging
import sys

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

logger = logging.getLogger(__name__)

# How long the "try again" page asks a client to wait before repeating the request.
BUSY_RETRY_AFTER_SECONDS = 5


def error_page(request, status, title, message, *, back=None, problems=()):
    """The error page in the site's layout; `back` is (address, link text), else the link home.

    `problems` (what was wrong with the request, each a sentence) are listed in the error summary."""
    context = {"title": title, "message": message, "status": status, "back": back, "problems": list(problems)}
    return render(request, "error.html", context, status=status)


def not_found(request, exception=None):
    return error_page(request, 404, "Page not found", "This page does not exist, or you do not have access to it.")


def forbidden(request, exception=None):
    # A refusal raised with a reason (PermissionDenied("...")) says why; nothing else is shown of it.
    reason = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return error_page(request, 403, "Not allowed", reason or "You are not allowed to do this.")


def bad_request(request, exception=None):
    return error_page(request, 400, "Bad request", "The request could not be understood. Go back and try again.")


def server_error(request):
    # Django calls this inside its `except`: a lock that outlived the busy timeout outside a view
    # (a session saved after the view) still gets the "try again" page.
    if database_is_locked(sys.exc_info()[1]):
        return database_busy(request)
    return error_page(request, 500, "Something went wrong", "The error has been logged. Please try again later.")


def database_is_locked(error: BaseException | None) -> bool:
    """Whether `error` is SQLite's "database is locked": another writer held the lock past the busy timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def database_busy(request):
    """The "try again" page (503, Retry-After): the transaction was rolled back, so nothing was saved."""
    logger.warning("database is locked: %s %s answered 503 (try again)", request.method, request.path)
    response = error_page(
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


# A form's address opened with GET: the page the form is on, by the address's URL name (its arguments reused).
FORM_PAGE_OF = {
    "assessment-submit": ("assessment-review", "Go to the review page"),
    "assessment-plan-add": ("assessment-roadmap", "Go to the roadmap"),
    "evidence-add": ("assessment-resume", "Go back to the assessment"),
    "evidence-remove": ("assessment-resume", "Go back to the assessment"),
    "assessment-panel-lead": ("assessment-respondents", "Go to the respondents"),
    "respondent-submit": ("respondent-review", "Go to your review page"),
    "api-token-revoke": ("api-tokens", "Go to your API tokens"),
}
# Answered in its own way: the API, in its JSON format.
NOT_ALLOWED_LEFT_ALONE = ("/api/",)


def _form_page(request) -> tuple[str, str]:
    """Where the form posting to this address is, when the address says so cheaply; else the home page."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.url_name in FORM_PAGE_OF:
        name, words = FORM_PAGE_OF[match.url_name]
        return reverse(name, kwargs={k: v for k, v in match.kwargs.items() if k == "assessment_id"}), words
    return reverse("home"), "Go to your teams"


def method_not_allowed(request, allowed: str):
    """The 405 page in the site's layout, keeping the Allow header."""
    if request.method in ("GET", "HEAD") and "POST" in allowed:
        title = "This address only takes a form submission"
        message = (
            "It is where a button on another page sends its form, so opening it from a bookmark or a pasted "
            "link does nothing. Nothing was changed: go to the page and use the button there."
        )
    else:
        title = "Method not allowed"
        message = f"This address does not take a {request.method} request. Nothing was changed."
    response = error_page(request, 405, title, message, back=_form_page(request))
    response["Allow"] = allowed
    return response


class MethodNotAllowedMiddleware:
    """Turns the blank 405 of require_POST (and its kind) into a page with a way back, except for the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and not request.path_info.startswith(NOT_ALLOWED_LEFT_ALONE)
        ):
            return method_not_allowed(request, response["Allow"])
        return response


def csrf_failure(request, reason=""):
    """A form posted with a missing or stale security token (settings.CSRF_FAILURE_VIEW).

    Usually the page was open a long time or the user logged in again in another
    tab; say so in the site's layout instead of Django's bare page.
    """
    return error_page(
        request,
        403,
        "Your form could not be accepted",
        "Nothing was saved: the form's security check (CSRF) failed, which happens when a page stays open "
        "for a long time or you log in again in another tab. Go back, copy anything you typed, reload the "
        "page and submit it again.",
    )
