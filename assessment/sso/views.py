"""Sign-in pages: the login page, the start and the return of a single sign-on, signing out.

Every way a single sign-on can fail ends on a page that says what happened and
offers to start again, never on a 500; nothing from the provider's answer other
than a known error code is shown, and no token or secret is logged.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from assessment import models
from assessment.sso.discovery import ProviderUnavailable, provider_configuration
from assessment.sso.exchange import provider_deadline

logger = logging.getLogger(__name__)

# Error codes a provider may send back (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6).
PROVIDER_ERRORS = {
    "access_denied": "You, or the sign-in service, declined the request.",
    "login_required": "The sign-in service needs you to sign in again.",
    "consent_required": "The sign-in service needs your consent first.",
    "interaction_required": "The sign-in service needs you to complete a step on its own pages.",
    "account_selection_required": "The sign-in service needs you to choose an account.",
    "temporarily_unavailable": "The sign-in service is busy or down for maintenance.",
    "server_error": "The sign-in service had an internal error.",
    "invalid_request": "The sign-in service refused the request as malformed.",
    "unauthorized_client": "This application is not allowed to use the sign-in service.",
    "unsupported_response_type": "The sign-in service does not support this kind of sign-in.",
    "invalid_scope": "The sign-in service does not accept the requested scopes.",
}


def _sso_enabled_or_404():
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not configured.")


def sso_failure(request, *, title: str, message: str, status: int, detail: str = ""):
    return render(
        request,
        "registration/sso_error.html",
        {"title": title, "message": message, "detail": detail, "provider_name": settings.OIDC_DISPLAY_NAME},
        status=status,
    )


def _unreachable(request):
    return sso_failure(
        request,
        title="The sign-in service cannot be reached",
        message=f"{settings.OIDC_DISPLAY_NAME} did not answer in time, or answered with something unexpected. "
        "Try again in a few minutes; if it keeps happening, tell your administrator.",
        status=502,
    )


def login(request):
    """The login page: the provider's button when single sign-on is on, the password form unless it is off."""
    context = {
        "sso_enabled": settings.OIDC_ENABLED,
        "sso_name": getattr(settings, "OIDC_DISPLAY_NAME", ""),
        "local_passwords": settings.LOCAL_PASSWORDS,
    }
    return auth_views.LoginView.as_view(redirect_authenticated_user=True, extra_context=context)(request)


@require_http_methods(["GET", "POST"])
def logout(request):
    """Sign out here, then at the provider too when the user came through it and it supports that.

    A GET (a typed or bookmarked address) asks first: logging out is a POST, with its CSRF token."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect(settings.LOGOUT_REDIRECT_URL)
        return render(request, "registration/logout_confirm.html")
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    messages.info(request, "You are logged out.")
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if settings.OIDC_ENABLED and id_token:
        try:
            with provider_deadline():
                end_session = provider_configuration().get("end_session_endpoint")
        except ProviderUnavailable:
            end_session = None
        if end_session:
            query = urlencode(
                {
                    "id_token_hint": id_token,
                    # The provider sends the user back here, so it needs the full address.
                    "post_logout_redirect_uri": request.build_absolute_uri(after),
                    "client_id": settings.OIDC_RP_CLIENT_ID,
                }
            )
            return redirect(f"{end_session}{'&' if '?' in end_session else '?'}{query}")
    return redirect(after)


class ProviderSignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and a PKCE challenge kept in the session."""

    def __init__(self, *args, **kwargs):
        # The library reads the authorization endpoint from settings here; it comes from discovery.
        self.OIDC_RP_CLIENT_ID = getattr(settings, "OIDC_RP_CLIENT_ID", None)

    def get(self, request):
        _sso_enabled_or_404()
        try:
            with provider_deadline():
                self.OIDC_OP_AUTH_ENDPOINT = provider_configuration()["authorization_endpoint"]
        except ProviderUnavailable as error:
            logger.warning("single sign-on: discovery failed: %s", error)
            return _unreachable(request)
        return super().get(request)


class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: refused, replayed, unverifiable and failed sign-ins each get their own page."""

    def get(self, request):
        _sso_enabled_or_404()
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states")
        known_state = isinstance(states, dict) and state in states
        error = request.GET.get("error")
        if error:
            if known_state:
                del states[state]
                request.session.modified = True
            explanation = PROVIDER_ERRORS.get(error, "The sign-in service gave no reason that this application knows.")
            logger.info(
                "single sign-on: the provider answered %s", error if error in PROVIDER_ERRORS else "an unknown error"
            )
            return sso_failure(
                request,
                title="Sign-in was not completed",
                message=f"{settings.OIDC_DISPLAY_NAME} did not sign you in. {explanation}",
                detail=error if error in PROVIDER_ERRORS else "",
                status=403 if error == "access_denied" else 400,
            )
        if not request.GET.get("code") or not state:
            return sso_failure(
                request,
                title="Sign-in was not completed",
                message="The answer from the sign-in service was incomplete. Start again from the login page.",
                status=400,
            )
        if not known_state:
            logger.warning("single sign-on: a callback with an unknown or already used state was refused")
            return sso_failure(
                request,
                title="This sign-in link has expired",
                message="This sign-in was already used, or was started in another browser or too long ago. "
                "Start again from the login page.",
                status=400,
            )
        try:
            # Discovery, token, keys and user info: the whole exchange within OIDC_TIMEOUT_SECONDS.
            with provider_deadline():
                return super().get(request)
        except SuspiciousOperation as error:  # includes TokenRejected
            logger.warning("single sign-on: %s", error)
            return sso_failure(
                request,
                title="Sign-in could not be verified",
                message=f"The answer from {settings.OIDC_DISPLAY_NAME} failed this application's security checks, "
                "so you were not signed in. Start again; if it keeps happening, tell your administrator.",
                status=403,
            )
        except (requests.RequestException, ProviderUnavailable) as error:
            logger.warning("single sign-on: the provider could not be used: %s", error)
            return _unreachable(request)
        except IntegrityError:
            # The same person's first sign-in finished at the same moment in another tab.
            return sso_failure(
                request,
                title="Sign-in clashed with another one",
                message="Your account was being set up by another sign-in at the same moment. Start again.",
                status=409,
            )

    def login_success(self):
        response = super().login_success()
        self.request.session.set_expiry(settings.OIDC_SESSION_HOURS * 3600)
        return response

    def login_failure(self):
        return sso_failure(
            self.request,
            title="You were not signed in",
            message="Your account in this application is disabled, or the sign-in service's answer about you "
            "was refused. Ask your administrator.",
            status=403,
        )


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The set-up link a team manager hands to a person they added (admin "Add a person"): they choose
    their password, once; the link stops working when it is used or after PASSWORD_RESET_TIMEOUT."""

    template_name = "registration/password_set.html"
    success_url = reverse_lazy("login")

    def dispatch(self, *args, **kwargs):
        if not settings.LOCAL_PASSWORDS:
            raise Http404("Passwords are off: sign in through single sign-on.")
        user = self.get_user(kwargs["uidb64"])
        if user is not None and not user.is_active and self._holds_link(user, kwargs["token"]):
            return self._deactivated(user)
        return super().dispatch(*args, **kwargs)

    def _holds_link(self, user, token: str) -> bool:
        """The token is the person's own (in the address, or in the session once the first GET moved it there):
        only then does the page say anything about their account."""
        if token == self.reset_url_token:
            token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        return self.token_generator.check_token(user, token)

    def _deactivated(self, user):
        """A deactivated account sets no password: the page says so, and who can reactivate it."""
        agencies = models.Agency.objects.filter(teams__memberships__user=user).distinct().order_by("name")
        return render(
            self.request,
            self.template_name,
            {"deactivated": True, "agencies": ", ".join(agency.name for agency in agencies)},
            status=403,
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        messages.success(self.request, "Your password is set. Log in with your user name and it.")
        return super().form_valid(form)
