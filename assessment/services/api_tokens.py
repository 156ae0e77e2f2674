"""Writes of personal access tokens: made (shown once), revoked, marked as used.

A token is `mlr_` and 43 URL-safe characters from the system's random source (256 bits);
only its SHA-256 digest is stored, which is enough for a secret of that entropy (a slow
password hash protects guessable secrets, and nobody guesses 256 bits).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessment import models
from assessment.domain.text import first_control_character

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

TOKEN_PREFIX = "mlr_"
SHOWN_PREFIX_LENGTH = 12  # "mlr_" and 8 characters: enough to recognise, far too little to guess the rest
MAX_LIFETIME_DAYS = 365
NAME_MAX_LENGTH: int = models.ApiToken._meta.get_field("name").max_length or 100
# A token's last use is written at most this often, so a dashboard's refresh is not one write per call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
# A revoked or expired token is listed for this long, then deleted by `manage.py prune_api_tokens`.
ENDED_KEPT_DAYS = 90


class ApiTokenInvalid(Exception):
    """A token request that cannot be stored; the message says which field and why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewApiToken:
    token: models.ApiToken
    secret: str  # shown once, never stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", errors="replace")).hexdigest()


def api_token_input_check(*, name: str, expires_on: datetime.date | None, today: datetime.date) -> None:
    """Raise ApiTokenInvalid for a name or an expiry the token cannot have."""
    if not name.strip():
        raise ApiTokenInvalid("name", "Give the token a name, for example the dashboard that uses it.")
    if len(name) > NAME_MAX_LENGTH:
        raise ApiTokenInvalid("name", f"Shorten the name to {NAME_MAX_LENGTH} characters or fewer.")
    if first_control_character(name) is not None:
        raise ApiTokenInvalid("name", "Remove the control characters (line breaks, tabs) from the name.")
    if expires_on is None:
        raise ApiTokenInvalid("expires_on", "Choose the day the token expires.")
    if expires_on <= today:
        raise ApiTokenInvalid("expires_on", "Choose a day after today.")
    if expires_on > today + datetime.timedelta(days=MAX_LIFETIME_DAYS):
        raise ApiTokenInvalid("expires_on", f"Choose a day at most {MAX_LIFETIME_DAYS} days from today.")


def active_api_tokens(user: User, now: datetime.datetime) -> QuerySet[models.ApiToken]:
    """The user's tokens that still read: neither revoked nor expired."""
    return models.ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)


def ended_long_ago(cutoff: datetime.datetime) -> Q:
    """Tokens revoked, or expired, before `cutoff`."""
    return Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_on: datetime.date) -> NewApiToken:
    """A new token of `user`, valid until the start of `expires_on` (in the site's time zone)."""
    api_token_input_check(name=name, expires_on=expires_on, today=timezone.localdate())
    # The user's row is locked so two requests at once cannot both make the last token allowed.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    active = active_api_tokens(user, timezone.now()).count()
    cap = settings.API_TOKENS_MAX_ACTIVE
    if active >= cap:
        raise ApiTokenInvalid(
            "__all__",
            f"You have {active} active token{'' if active == 1 else 's'}, the most one person may have "
            f"({cap}). Revoke one you no longer use (in the list below), then make this one.",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.min))
    token = models.ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        digest=token_digest(secret),
        expires_at=expires_at,
    )
    return NewApiToken(token, secret)


@transaction.atomic
def api_token_revoke(*, token: models.ApiToken) -> models.ApiToken:
    """Revoke the token at once; revoking it again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_used(*, token: models.ApiToken, now: datetime.datetime) -> None:
    """Record that the token was used, at most once per LAST_USED_RESOLUTION (one UPDATE, no read)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    models.ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


@transaction.atomic
def api_tokens_prune(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[str]:
    """Delete the tokens revoked or expired more than `older_than` ago; returns what it deleted (or would)."""
    ended = models.ApiToken.objects.filter(ended_long_ago(timezone.now() - older_than)).select_related("user")
    described = [f"{token} of {token.user.get_username()}" for token in ended.order_by("pk")]
    if not dry_run:
        ended.delete()
    return described
