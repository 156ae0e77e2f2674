"""Error pages in the site's layout, so a visitor always has a way back."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render


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
    return _error(request, 500, "Something went wrong", "The error has been logged. Please try again later.")


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
