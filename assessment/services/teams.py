"""Writes of agencies, teams and the roles people hold in them (outside the admin and single sign-on).

Each function makes sure a row exists and returns it with whether it was
created, so a command run twice (seed_demo, an import) changes nothing the
second time. An existing row keeps its own values: a team's name or a
member's role set meanwhile by hand is not overwritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from assessment import models
from assessment.services.tallies import tallies_store

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet


@transaction.atomic
def agency_ensure(*, name: str) -> tuple[models.Agency, bool]:
    """The agency named `name`, created if there is none."""
    return models.Agency.objects.get_or_create(name=name)


@transaction.atomic
def division_ensure(*, agency: models.Agency, name: str) -> tuple[models.Division, bool]:
    """The agency's division named `name`, created if there is none."""
    return models.Division.objects.get_or_create(agency=agency, name=name)


@transaction.atomic
def team_ensure(
    *, agency: models.Agency, slug: str, name: str, division: models.Division | None = None
) -> tuple[models.Team, bool]:
    """The team with `slug`, created in `agency` as `name` if there is none.

    `division` is given to a team that has none yet (a team from before
    divisions); a division set meanwhile by hand is kept.
    """
    team, created = models.Team.objects.get_or_create(
        slug=slug, defaults={"name": name, "agency": agency, "division": division}
    )
    if not created and division is not None and team.division_id is None:
        team.division = division
        team.save(update_fields=["division"])
        tallies_store([(team.agency_id, None), (team.agency_id, division.pk)])  # the portfolio's counts follow it
    return team, created


@transaction.atomic
def teams_delete(teams: QuerySet[models.Team]) -> None:
    """Delete these teams with their assessments; their divisions' portfolio counts are counted again."""
    divisions = set(teams.values_list("agency_id", "division_id"))
    teams.delete()
    tallies_store(divisions)


@transaction.atomic
def divisions_delete(divisions: QuerySet[models.Division]) -> None:
    """Delete these divisions; their teams are left without one and counted there."""
    agency_ids = set(divisions.values_list("agency_id", flat=True))
    divisions.delete()
    tallies_store((agency_id, None) for agency_id in agency_ids)


@transaction.atomic
def membership_ensure(*, team: models.Team, user: User, role: str) -> tuple[models.Membership, bool]:
    """`user`'s membership of `team`, created with `role` if there is none."""
    if role not in dict(models.Membership.ROLE_CHOICES):
        raise ValueError(
            f'Unknown team role "{role}"; expected one of {", ".join(dict(models.Membership.ROLE_CHOICES))}.'
        )
    return models.Membership.objects.get_or_create(team=team, user=user, defaults={"role": role})


@transaction.atomic
def executive_ensure(*, user: User, agency: models.Agency) -> tuple[models.Executive, bool]:
    """`user`'s executive role, created for `agency` if the user has none."""
    return models.Executive.objects.get_or_create(user=user, defaults={"agency": agency})


@transaction.atomic
def person_add(
    *, team: models.Team, username: str, first_name: str, last_name: str, email: str, role: str
) -> tuple[User, models.Membership]:
    """A new user with `role` in `team`, in one write: never staff nor superuser, with no usable password
    (they choose one through the set-up link the admin shows once, README "People and onboarding")."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(
        username=username, first_name=first_name, last_name=last_name, email=email, is_staff=False, is_superuser=False
    )
    user.set_unusable_password()
    user.full_clean()  # the model's own rules (user name characters, unique), checked again inside the write
    user.save()
    membership, _ = membership_ensure(team=team, user=user, role=role)
    return user, membership
