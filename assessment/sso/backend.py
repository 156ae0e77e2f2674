"""Authentication backends: the provider's ID token, and the emergency superuser's password."""

from __future__ import annotations

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.utils.encoding import smart_str
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from assessment.services.sign_in import ProviderClaims, provider_user_sign_in
from assessment.sso.discovery import provider_configuration, provider_signing_keys
from assessment.sso.exchange import provider_request

# Clocks of the provider and this server may differ a little.
CLOCK_SKEW_SECONDS = 60


class TokenRejected(SuspiciousOperation):
    """The provider's answer failed a check (signature, issuer, audience, expiry, nonce, subject)."""


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with endpoints from discovery and a stricter ID token check.

    The library checks the signature, the nonce and the expiry; here the issuer,
    the audience (and authorized party) and the required claims are checked too,
    and the account is found by the provider's subject, never by e-mail address.
    """

    def __init__(self, *args, **kwargs):
        # The library's __init__ reads every endpoint from settings; these come from discovery,
        # read lazily since Django builds a backend for every request of a signed-in user.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return provider_configuration()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return provider_configuration().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return provider_configuration()["jwks_uri"]

    def get_user(self, user_id):
        # The library's get_user skips the is_active check; Django's does it.
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password login reaches the next backend.
        if request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        header = jwt.get_unverified_header(token)
        kid, alg = smart_str(header.get("kid", "")), smart_str(header.get("alg", ""))
        for refresh in (False, True):  # an unknown key id: the provider may have rotated its keys
            for key in provider_signing_keys(refresh=refresh):
                if key.get("kid", "") == kid and key.get("alg", alg) == alg and key.get("use", "sig") == "sig":
                    return jwt.PyJWK(key)
        raise TokenRejected("No published signing key matches the ID token.")

    def _verify_jws(self, payload, key):
        try:
            header = jwt.get_unverified_header(payload)
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            # The library's messages name the failed check and never quote the token.
            raise TokenRejected(f"ID token refused: {error}") from None
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise TokenRejected("ID token refused: unexpected signing algorithm.")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise TokenRejected("ID token refused: issued to several parties, not authorized for this one.")
        return claims

    def verify_token(self, token, **kwargs):
        if not token:
            raise TokenRejected("The provider returned no ID token.")
        return super().verify_token(token, **kwargs)

    def get_token(self, payload):
        # The library's own request bounds each read only; this one ends at the page's deadline.
        response = provider_request("POST", self.OIDC_OP_TOKEN_ENDPOINT, data=payload)
        self.raise_token_response_error(response)
        return response.json()

    def _userinfo_from_provider(self, access_token):
        response = provider_request(
            "GET", self.OIDC_OP_USER_ENDPOINT, headers={"Authorization": f"Bearer {access_token}"}
        )
        response.raise_for_status()
        if response.headers.get("content-type", "").lower().startswith("application/jwt"):
            return self.verify_token(response.text)  # user info may come signed, as a JWT
        return response.json()

    def raise_token_response_error(self, response):
        if response.status_code != 200:
            # The library's message quotes the whole response; the status is enough (and safe) to log.
            raise requests.HTTPError(f"token endpoint answered {response.status_code}", response=response)

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the user info endpoint where there is one.

        Groups often come only in the ID token (Microsoft Entra ID), so the ID
        token is the base and user info adds to it; both must name the same subject.
        """
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            extra = self._userinfo_from_provider(access_token)
            if extra.get("sub") != payload["sub"]:
                raise TokenRejected("User info is about another subject than the ID token.")
            for name, value in extra.items():
                claims.setdefault(name, value)
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(
            provider_identity__issuer=settings.OIDC_ISSUER, provider_identity__subject=claims["sub"]
        )

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise TokenRejected("Claims verification failed.")
        user = provider_user_sign_in(claims=provider_claims(claims))
        return user if self.user_can_authenticate(user) else None


def provider_claims(claims: dict) -> ProviderClaims:
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    name = str(claims.get("name") or "")
    return ProviderClaims(
        issuer=settings.OIDC_ISSUER,
        subject=str(claims["sub"]),
        groups=tuple(str(group) for group in groups if isinstance(group, (str, int))),
        username=str(claims.get("preferred_username") or ""),
        email=str(claims.get("email") or ""),
        first_name=str(claims.get("given_name") or name.partition(" ")[0]),
        last_name=str(claims.get("family_name") or name.partition(" ")[2]),
    )


class SuperuserPasswordBackend(ModelBackend):
    """With LOCAL_PASSWORDS=0: passwords only for superusers, the emergency way into the admin."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return user if user is not None and user.is_superuser else None
