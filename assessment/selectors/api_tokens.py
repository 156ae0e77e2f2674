"""Reads of a user's personal access tokens for their page: the active ones, and those ended lately."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from assessment import models
from assessment.services.api_tokens import ENDED_KEPT_DAYS, active_api_tokens, ended_long_ago


@dataclass(frozen=True)
class UserApiTokens:
    active: list[models.ApiToken]
    ended_lately: list[models.ApiToken]  # revoked or expired within ENDED_KEPT_DAYS, newest first
    ended_before: int  # revoked or expired longer ago: not listed, deleted by prune_api_tokens


def api_tokens_of_user(user, now: datetime.datetime) -> UserApiTokens:
    active = list(active_api_tokens(user, now))
    ended = models.ApiToken.objects.filter(user=user).exclude(pk__in=[token.pk for token in active])
    long_ago = ended_long_ago(now - datetime.timedelta(days=ENDED_KEPT_DAYS))
    return UserApiTokens(active, list(ended.exclude(long_ago)), ended.filter(long_ago).count())
