"""Writes at single sign-on: the account for a provider identity, and the roles its groups grant.

Called by the authentication backend (assessment/sso/backend.py) after the ID
token was verified. Memberships, executive roles and admin groups that came from
the provider are marked as such and follow the groups claim at every sign-in;
anything set by hand in the admin is left exactly as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessment import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

ROLE_STRENGTH = {models.Membership.VIEWER: 1, models.Membership.MEMBER: 2}


@dataclass(frozen=True)
class ProviderClaims:
    """What the backend read from the verified ID token (and user info)."""

    issuer: str
    subject: str
    groups: tuple[str, ...]
    username: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class Grants:
    """What the user's groups grant, after the mappings."""

    team_roles: dict[int, str]
    executive_agency_id: int | None
    admin_group_ids: frozenset[int]


def grants_for_groups(groups: Iterable[str]) -> Grants:
    """The strongest role per team, the executive agency (lowest mapping id wins) and the admin groups."""
    team_roles: dict[int, str] = {}
    executive_agency_id = None
    admin_group_ids: set[int] = set()
    for mapping in models.ProviderGroupMapping.objects.filter(claim_value__in=list(groups)).order_by("id"):
        if mapping.team_id and ROLE_STRENGTH[mapping.role] > ROLE_STRENGTH.get(team_roles.get(mapping.team_id, ""), 0):
            team_roles[mapping.team_id] = mapping.role
        if mapping.executive_agency_id and executive_agency_id is None:
            executive_agency_id = mapping.executive_agency_id
        if mapping.admin_group_id:
            admin_group_ids.add(mapping.admin_group_id)
    return Grants(team_roles, executive_agency_id, frozenset(admin_group_ids))


def _free_username(wanted: str) -> str:
    User = get_user_model()
    max_length = User._meta.get_field("username").max_length or 150  # Django's default when none is set
    base = (wanted or "user")[: max_length - 4]
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def provider_user_sign_in(*, claims: ProviderClaims) -> User:
    """The account for this provider identity (created at the first sign-in), with roles from its groups.

    An existing local account is never taken over by a matching username or
    e-mail address: the provider identity (issuer and subject) is the key.
    """
    User = get_user_model()
    identity = (
        models.ProviderIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=claims.issuer, subject=claims.subject)
        .first()
    )
    if identity is None:
        user = User(username=_free_username(claims.username or claims.email.split("@")[0] or claims.subject))
        user.set_unusable_password()
        identity = models.ProviderIdentity(issuer=claims.issuer, subject=claims.subject)
        created = True
    else:
        user = identity.user
        created = False
    user.email = claims.email or user.email
    user.first_name = claims.first_name[:150] or user.first_name
    user.last_name = claims.last_name[:150] or user.last_name
    user.last_login = timezone.now()
    user.save()
    identity.user = user
    identity.groups = sorted(claims.groups)
    identity.last_sign_in = timezone.now()
    identity.save()
    changes = provider_roles_apply(identity=identity, grants=grants_for_groups(claims.groups))
    logger.info(
        "single sign-on: %s account %s; %s",
        "new" if created else "existing",
        user.username,
        "; ".join(changes) or "roles unchanged",
    )
    return user


def provider_roles_apply(*, identity: models.ProviderIdentity, grants: Grants) -> list[str]:
    """Bring the provider-granted roles in line with `grants`; returns what changed, for the log."""
    user = identity.user
    changes = []

    mine = {m.team_id: m for m in models.Membership.objects.filter(user=user).select_related("team")}
    for team_id, membership in mine.items():
        if membership.source != models.SOURCE_PROVIDER:
            continue  # set by hand: kept, whatever the groups say
        role = grants.team_roles.get(team_id)
        if role is None:
            membership.delete()
            changes.append(f"left {membership.team.slug}")
        elif role != membership.role:
            membership.role = role
            membership.save(update_fields=["role"])
            changes.append(f"{role} of {membership.team.slug}")
    for team_id, role in grants.team_roles.items():
        if team_id not in mine:
            membership = models.Membership.objects.create(
                team_id=team_id, user=user, role=role, source=models.SOURCE_PROVIDER
            )
            changes.append(f"joined {membership.team.slug} as {role}")

    executive = models.Executive.objects.filter(user=user).first()
    if executive is None and grants.executive_agency_id is not None:
        models.Executive.objects.create(user=user, agency_id=grants.executive_agency_id, source=models.SOURCE_PROVIDER)
        changes.append("became executive")
    elif executive is not None and executive.source == models.SOURCE_PROVIDER:
        if grants.executive_agency_id is None:
            executive.delete()
            changes.append("no longer executive")
        elif executive.agency_id != grants.executive_agency_id:
            executive.agency_id = grants.executive_agency_id
            executive.save(update_fields=["agency"])
            changes.append("executive of another agency")

    # Admin groups: only those the provider granted are ever taken away again.
    held = set(user.groups.values_list("id", flat=True))
    granted = set(identity.granted_admin_groups.values_list("id", flat=True))
    to_remove = granted - grants.admin_group_ids
    to_add = grants.admin_group_ids - held
    if to_remove:
        user.groups.remove(*to_remove)
        identity.granted_admin_groups.remove(*to_remove)
        changes.append(f"left {len(to_remove)} admin group(s)")
    if to_add:
        user.groups.add(*to_add)
        changes.append(f"joined {len(to_add)} admin group(s)")
    identity.granted_admin_groups.add(*(grants.admin_group_ids & (granted | to_add)))

    wants_staff = bool(grants.admin_group_ids)
    if wants_staff != user.is_staff and (wants_staff or identity.granted_staff):
        user.is_staff = identity.granted_staff = wants_staff
        user.save(update_fields=["is_staff"])
        identity.save(update_fields=["granted_staff"])
        changes.append("admin access granted" if wants_staff else "admin access removed")
    return changes
