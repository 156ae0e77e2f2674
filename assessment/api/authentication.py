"""`Authorization: Bearer <token>`: the only way into the API (no session cookie, no token in the URL).

A token that is unknown, revoked or expired, or whose user is deactivated, is refused with 401.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from assessment import models
from assessment.services.api_tokens import api_token_used, token_digest

REFUSED = "The token is unknown, revoked or expired, or its user can no longer sign in."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no credentials: IsAuthenticated answers 401 with the header below
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Bearer <token>.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(REFUSED) from None
        token = (
            models.ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
            if secret.isprintable()
            else None
        )
        now = timezone.now()
        if token is None or not token.is_usable(now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(REFUSED)
        api_token_used(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, made on the page API tokens (docs/api.md).",
        }
