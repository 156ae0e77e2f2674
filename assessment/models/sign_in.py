"""Single sign-on: identity-provider groups mapped to roles, and each user's provider identity."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from assessment.models.teams import Agency, Membership, Team

if TYPE_CHECKING:
    pass


class ProviderGroupMapping(models.Model):
    """What one group of the identity provider grants: a team role, the executive role, an admin group.

    Applied at every single sign-on (services/sign_in.py): a user in the group
    gets what it grants, and loses it at the next sign-in once out of the group.
    """

    claim_value = models.CharField(
        "provider group",
        max_length=255,
        help_text="The group exactly as the provider sends it in the groups claim: a name "
        "(Keycloak: ml-benefits-members) or an object ID (Microsoft Entra ID).",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=Membership.ROLE_CHOICES, blank=True)
    executive_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Makes the user an executive of this agency: reads all its teams and the portfolio.",
    )
    admin_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Adds the user to this admin group (for example Questionnaire editors) with access to the admin.",
    )

    class Meta:
        ordering = ["claim_value", "id"]
        verbose_name = "provider group mapping"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=True, role="") | models.Q(team__isnull=False) & ~models.Q(role=""),
                name="provider_mapping_team_iff_role",
                violation_error_message="A team needs a role, and a role needs a team.",
            ),
            models.CheckConstraint(
                condition=models.Q(team__isnull=False)
                | models.Q(executive_agency__isnull=False)
                | models.Q(admin_group__isnull=False),
                name="provider_mapping_grants_something",
                violation_error_message="Choose what this group gives: a team and role, the executive role, or an admin group.",
            ),
        ]

    def __str__(self):
        return self.claim_value

    def clean(self):
        from django.core.exceptions import ValidationError

        self.claim_value = (self.claim_value or "").strip()
        if self.team_id and not self.role:
            raise ValidationError({"role": "Choose the role this group gives in the team."})
        if self.role and not self.team_id:
            raise ValidationError({"team": "Choose the team this role is in, or clear the role."})
        if not (self.team_id or self.executive_agency_id or self.admin_group_id):
            raise ValidationError(
                "Choose what this group gives: a team and role, the executive role, or an admin group."
            )


class ProviderIdentity(models.Model):
    """The account's identity at the provider (issuer and subject), and what the provider granted it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_identity")
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    groups = models.JSONField(default=list, blank=True, help_text="The groups claim at the last sign-in.")
    granted_admin_groups = models.ManyToManyField("auth.Group", blank=True, related_name="+")
    granted_staff = models.BooleanField(default=False)
    last_sign_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "provider identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="unique_provider_identity")]

    def __str__(self):
        return f"{self.user} ({self.subject})"
