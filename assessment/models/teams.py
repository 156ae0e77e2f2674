"""The organisation: agencies, divisions, teams, their members and executives."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Agency(models.Model):
    name = models.CharField(max_length=200)
    # Who may manage this agency's teams, memberships and executives in the admin
    # (staff in the "Team managers" group). Only superusers set it; see access.agencies_managed_by.
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_agencies",
        help_text='Staff users of the "Team managers" group who manage this agency\'s teams, '
        "memberships and executives. Only superusers can change this list.",
    )

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class Division(models.Model):
    """An optional, one-level grouping of an agency's teams (a division, bureau or directorate)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="divisions")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unique_division_name")]

    def __str__(self):
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
        help_text="Optional: the division of the agency this team belongs to.",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        division = self.division if self.division_id else None
        if division is not None and self.agency_id and division.agency_id != self.agency_id:
            raise ValidationError({"division": "Choose a division of the team's own agency, or none."})


# Where a membership or an executive role came from: set by hand in the admin, or
# granted by the identity provider's groups (and then taken away with the group).
SOURCE_MANUAL = "manual"


SOURCE_PROVIDER = "provider"


SOURCE_CHOICES = [(SOURCE_MANUAL, "Set by hand"), (SOURCE_PROVIDER, "Identity provider group")]


class Membership(models.Model):
    MEMBER = "member"
    VIEWER = "viewer"
    ROLE_CHOICES = [(MEMBER, "Member (answers and edits)"), (VIEWER, "Viewer (reads only)")]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=ROLE_CHOICES, default=MEMBER)
    source = models.CharField(
        max_length=10,
        choices=SOURCE_CHOICES,
        default=SOURCE_MANUAL,
        help_text="Memberships from the identity provider change at each sign-in; set by hand, they are kept.",
    )

    class Meta:
        ordering = ["team", "user"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.role})"


class Executive(models.Model):
    """An agency-wide role: reads every team's assessments and the portfolio."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="executives")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="executive")
    source = models.CharField(max_length=10, choices=SOURCE_CHOICES, default=SOURCE_MANUAL)
    divisions = models.ManyToManyField(
        Division,
        blank=True,
        related_name="executives",
        help_text="Limit this executive to these divisions of the agency; none: the whole agency.",
    )

    def __str__(self):
        return f"{self.user} (executive, {self.agency})"
