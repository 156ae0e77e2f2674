"""Database models: questionnaire versions and their content, teams, assessments.

The questionnaire tables mirror the YAML format (docs/questionnaire-format.md);
the YAML `id` of an area, question or practice is stored as `key`, since `id`
is the database's own primary key.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessment.domain import model as domain

if TYPE_CHECKING:
    from django.contrib.auth.models import User

key_validator = RegexValidator(r"^[a-z0-9-]+$", "Use lowercase letters, digits and hyphens only.")


def domain_fields(source: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The `names` read off `source`: fields a content table stores as its domain dataclass names them.

    Each content model lists those fields in DOMAIN_FIELDS, so the loader (rows from
    the dataclasses) and the rebuild (dataclasses from the rows) copy the same ones.
    """
    return {name: getattr(source, name) for name in names}


class QuestionnaireVersion(models.Model):
    DRAFT = "draft"
    PUBLISHED = "published"
    STATUS_CHOICES = [(DRAFT, "Draft"), (PUBLISHED, "Published")]
    DOMAIN_FIELDS = ("slug", "version", "title", "summary", "format", "default_target")

    slug = models.CharField(max_length=100, validators=[key_validator])
    version = models.CharField(max_length=50)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    format = models.PositiveSmallIntegerField(default=1)
    default_target = models.IntegerField()
    # `phase_sizes` of the file: how many roadmap steps go in Now, then in Next.
    phase_now = models.PositiveIntegerField(
        "steps in Now",
        default=8,
        validators=[MinValueValidator(1)],
        help_text="Roadmap steps in the Now phase (phase_sizes: now).",
    )
    phase_next = models.PositiveIntegerField(
        "steps in Next",
        default=16,
        validators=[MinValueValidator(1)],
        help_text="Roadmap steps in the Next phase (phase_sizes: next); the rest are Later.",
    )
    source_title = models.CharField(max_length=300, blank=True)
    source_publisher = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PUBLISHED)
    # Digest of the canonical content, to tell "loaded again unchanged" from "changed".
    content_digest = models.CharField(max_length=64, blank=True, editable=False)
    loaded_from = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug", "-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_questionnaire_slug_version"),
        ]

    def __str__(self):
        return f"{self.title} ({self.slug} {self.version})"


class ScaleLevel(models.Model):
    DOMAIN_FIELDS = ("level", "name", "description")

    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="scale_levels")
    level = models.IntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "level"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "level"], name="unique_scale_level")]

    def __str__(self):
        return f"{self.level} {self.name}"


class Practice(models.Model):
    EFFORT_CHOICES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]

    DOMAIN_FIELDS = ("title", "summary", "url", "note", "effort")

    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="practices")
    key = models.CharField("id", max_length=100, validators=[key_validator])
    title = models.CharField(max_length=300)
    summary = models.TextField()
    url = models.URLField(max_length=500)
    note = models.TextField(blank=True)
    effort = models.CharField(max_length=10, choices=EFFORT_CHOICES)
    requires: "models.ManyToManyField[Practice, PracticeRequirement]" = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by", through="PracticeRequirement"
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="unique_practice_key")]

    def __str__(self):
        return self.title


class PracticeRequirement(models.Model):
    """`requires`: a practice that should come before another, in the file's order."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="requirement_links")
    required = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["practice", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["practice", "required"], name="unique_practice_requirement")]

    def __str__(self):
        return f"{self.practice.key} requires {self.required.key}"


class PracticeReference(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["practice", "position", "id"]

    def __str__(self):
        return self.title


class Area(models.Model):
    DOMAIN_FIELDS = ("title", "summary", "weight")

    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="areas")
    key = models.CharField("id", max_length=100, validators=[key_validator])
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    weight = models.FloatField(default=1, validators=[MinValueValidator(0.000001)])
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="unique_area_key")]

    def __str__(self):
        return self.title


class Question(models.Model):
    DOMAIN_FIELDS = ("text", "help", "weight", "not_applicable", "foundation")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField("id", max_length=100, validators=[key_validator])
    text = models.TextField()
    help = models.TextField(blank=True)
    weight = models.FloatField(default=1, validators=[MinValueValidator(0.000001)])
    not_applicable = models.BooleanField("offer Not applicable", default=False)
    foundation = models.BooleanField(
        default=False, help_text="Groundwork much of the rest depends on: its roadmap steps come first within a stage."
    )
    practices: "models.ManyToManyField[Practice, QuestionPractice]" = models.ManyToManyField(
        Practice, blank=True, related_name="questions", through="QuestionPractice"
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__position", "position", "id"]
        # The portfolio finds the answers to an action's question by key (selectors/actions.py).
        indexes = [models.Index(fields=["key"], name="question_key_idx")]

    def __str__(self):
        return self.text


class QuestionPractice(models.Model):
    """A practice that closes a gap on a question, in the file's order."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="practice_links")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="question_links")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "practice"], name="unique_question_practice")]

    def __str__(self):
        return f"{self.question.key} -> {self.practice.key}"


class Choice(models.Model):
    DOMAIN_FIELDS = ("level", "text", "stage")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    level = models.IntegerField()
    text = models.TextField()
    # The roadmap keys of a choice (never on a question's lowest choice).
    own_practices = models.BooleanField(
        "own practices",
        default=False,
        help_text="Use this choice's practices, even none, instead of the question's. "
        "Set by itself when the choice lists practices.",
    )
    practices: "models.ManyToManyField[Practice, ChoicePractice]" = models.ManyToManyField(
        Practice, blank=True, related_name="choices", through="ChoicePractice"
    )
    stage = models.IntegerField(
        null=True, blank=True, help_text="Reach this level in an earlier wave; empty: the choice's own level."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "level"]
        constraints = [models.UniqueConstraint(fields=["question", "level"], name="unique_choice_level")]

    def __str__(self):
        return f"{self.level}: {self.text}"


class ChoicePractice(models.Model):
    """A practice that moves a team to a choice's level, in the file's order."""

    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="practice_links")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="choice_links")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["choice", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["choice", "practice"], name="unique_choice_practice")]

    def __str__(self):
        return f"{self.choice.question.key} {self.choice.level} -> {self.practice.key}"


class ChoiceNeed(models.Model):
    """A choice's `needs` entry: another question should be at `level` or above first."""

    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="needs")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="needed_by")
    level = models.IntegerField()
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["choice", "position", "id"]

    def __str__(self):
        return f"{self.choice.question.key} {self.choice.level} needs {self.question.key} {self.level}"


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


class Assessment(models.Model):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    STATUS_CHOICES = [(DRAFT, "Draft"), (SUBMITTED, "Submitted")]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assessments")
    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every service that changes the assessment or its answers; keys the PDF cache.
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "-created_at"]
        indexes = [models.Index(fields=["team", "status", "submitted_at"])]

    def __str__(self):
        return f"{self.team}: {self.title}"

    def get_absolute_url(self):
        return reverse("assessment-results", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status == self.SUBMITTED


class AreaTarget(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="area_targets")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    target = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "area"], name="unique_area_target")]

    def __str__(self):
        return f"{self.assessment}: target {self.target} for {self.area}"


def _choice_iff_kind_choice(name: str) -> models.CheckConstraint:
    """An answer of kind "choice" names its choice, and no other kind does."""
    return models.CheckConstraint(
        condition=(
            models.Q(kind="choice", choice__isnull=False) | ~models.Q(kind="choice") & models.Q(choice__isnull=True)
        ),
        name=name,
    )


class AnswerValue(models.Model):
    """What an answer says, the same for a team's Answer and a respondent's own RespondentAnswer."""

    CHOICE = "choice"
    NOT_APPLICABLE = "not_applicable"
    NOT_SURE = "not_sure"
    KIND_CHOICES = [(CHOICE, "Choice"), (NOT_APPLICABLE, "Not applicable"), (NOT_SURE, "Not sure")]
    NA_REASON_CHOICES = list(domain.NA_REASONS.items())
    NOTE_MAX_LENGTH = 2000

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    # Why "Not applicable": required by the answering form, empty on answers saved before it asked.
    na_reason = models.CharField("reason for Not applicable", max_length=20, choices=NA_REASON_CHOICES, blank=True)
    na_reason_detail = models.CharField(
        "what the other reason is", max_length=domain.NA_REASON_DETAIL_MAX_LENGTH, blank=True
    )
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Answer(AnswerValue):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="unique_answer_per_question"),
            _choice_iff_kind_choice("answer_choice_iff_kind_choice"),
        ]

    def __str__(self):
        return f"{self.question.key}: {self.kind}"


class RespondentPanel(models.Model):
    """An assessment opened to several respondents, who answer on their own before the lead reconciles.

    Without a panel an assessment is answered the single-author way. The lead
    chose the respondents and sets the team answers (the Answer rows, which
    scoring, the roadmap and the PDF use); see docs/respondents.md.
    """

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="panel")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    share_individual_answers = models.BooleanField(
        "show individual answers to the team's readers",
        default=False,
        help_text="Viewers and executives always see the team answers and the agreement figures; "
        "with this on they also see each respondent's answers.",
    )

    def __str__(self):
        return f"Respondents of {self.assessment}"


class PanelLeadChange(models.Model):
    """A new lead for an assessment's respondents, written by the service that makes the change (an audit record).

    When the lead has left the team, a member takes over, or a team manager names one, so the
    draft is never frozen. Names are kept as text too, so the record reads the same after an
    account is deleted.
    """

    panel = models.ForeignKey(RespondentPanel, on_delete=models.CASCADE, related_name="lead_changes")
    previous_lead = models.CharField(max_length=300, blank=True)  # "" when the lead's account was deleted
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lead_name = models.CharField(max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_by_name = models.CharField(max_length=300)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["panel", "changed_at", "id"]

    def __str__(self):
        return f"{self.lead_name} leads {self.panel.assessment} (from {self.previous_lead or 'nobody'})"


class Respondent(models.Model):
    """A team member asked to answer an assessment on their own. Kept, with the answers, if they leave."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The name when invited: still shown if the account is deleted later.
    name = models.CharField(max_length=300)
    invited_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="unique_respondent")]

    def __str__(self):
        return f"{self.name} on {self.assessment}"

    @property
    def has_submitted(self):
        return self.submitted_at is not None


class RespondentAnswer(AnswerValue):
    """One respondent's own answer to a question: the same kinds, note and reason as a team Answer."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["respondent", "question"], name="unique_respondent_answer"),
            _choice_iff_kind_choice("respondent_answer_choice_iff_kind_choice"),
        ]

    def __str__(self):
        return f"{self.respondent.name}, {self.question.key}: {self.kind}"


# The history_change_reason of a team answer the lead set from the respondents' answers (the change log shows it).
LEAD_DECISION = "lead-decision"
# The history_change_reason of team answers copied from an earlier assessment when a draft starts:
# 'Copied from “<its title>”', kept with the answers so the change log can say it after the source is gone.
COPIED_FROM = "Copied from "


class TeamAnswerDecision(models.Model):
    """The lead's reconciliation of one question: who set the team answer, when, and how far apart answers were."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="decisions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField()
    # The respondents' levels when decided, {respondent name: level or answer kind}, and their spread.
    responses = models.JSONField(default=dict, blank=True)
    spread = models.IntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="unique_team_answer_decision")]

    def __str__(self):
        return f"{self.assessment}: team answer to {self.question.key}"


class StoredReport(models.Model):
    """A PDF report, rendered once and kept in the database for every app server.

    `key` says what the PDF shows: the subject and the last change of all it
    depends on (see assessment/pdf/store.py). A change makes a new key, so a
    stale PDF is never served; the render of the new key replaces the old row.
    The status follows the render: queued, rendering (a worker has it), ready
    (the PDF is here), failed (every attempt failed; `error` says why).
    """

    ASSESSMENT = "assessment"
    PORTFOLIO = "portfolio"
    KIND_CHOICES = [(ASSESSMENT, "Assessment"), (PORTFOLIO, "Portfolio")]
    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"
    STATUS_CHOICES = [(QUEUED, "Queued"), (RENDERING, "Rendering"), (READY, "Ready"), (FAILED, "Failed")]

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    # A portfolio of one division (its teams' pages included); empty: the agency's portfolio.
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # An assessment's report is rendered per audience (access.AUDIENCES); "": for every reader.
    audience = models.CharField(max_length=20, blank=True, default="")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    pdf = models.BinaryField(default=b"")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "agency", "status"])]

    def __str__(self):
        return f"{self.kind} report {self.key} ({self.status})"


class AssessmentSummary(models.Model):
    """The figures of a submitted assessment, stored when it is submitted or its content changes.

    Written by services/summaries.py in the transaction that changes them; the
    portfolio aggregates these rows instead of scoring thousands of assessments.
    `detail` holds the whole score and roadmap outline (selectors/summaries.py
    turns it back into the domain objects), the columns what queries filter on.
    """

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(null=True)
    level = models.FloatField(null=True)
    completeness = models.FloatField()
    progress_to_target = models.FloatField()
    detail = models.JSONField()
    computed_at = models.DateTimeField()
    # The team's latest submitted assessment (by submitted_at): the one the portfolio shows.
    is_latest = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "assessment summaries"
        indexes = [models.Index(fields=["is_latest", "team"])]

    def __str__(self):
        return f"summary of assessment {self.assessment_id}"


class AreaSummary(models.Model):
    """One area's figures of a stored assessment summary."""

    summary = models.ForeignKey(AssessmentSummary, on_delete=models.CASCADE, related_name="areas")
    area_key = models.CharField(max_length=100)
    score = models.FloatField(null=True)
    level = models.FloatField(null=True)
    completeness = models.FloatField()
    progress_to_target = models.FloatField()

    is_latest = models.BooleanField(default=False)  # copied from its summary: the portfolio reads only these

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summary", "area_key"], name="unique_area_summary")]
        indexes = [models.Index(fields=["is_latest", "summary"])]

    def __str__(self):
        return f"{self.area_key}: {self.level}"


class SummaryStep(models.Model):
    """A step of a stored summary's Now phase: a question raised to a level."""

    summary = models.ForeignKey(AssessmentSummary, on_delete=models.CASCADE, related_name="now_steps")
    question_key = models.CharField(max_length=100)
    level = models.IntegerField()

    is_latest = models.BooleanField(default=False)  # copied from its summary: the portfolio reads only these

    class Meta:
        indexes = [models.Index(fields=["is_latest", "summary"])]

    def __str__(self):
        return f"{self.question_key} to {self.level}"


class SummaryPractice(models.Model):
    """A practice on a stored summary's roadmap, and whether it is in the Now phase."""

    summary = models.ForeignKey(AssessmentSummary, on_delete=models.CASCADE, related_name="practices")
    practice_key = models.CharField(max_length=100)
    in_now = models.BooleanField()

    is_latest = models.BooleanField(default=False)  # copied from its summary: the portfolio reads only these

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summary", "practice_key"], name="unique_summary_practice")]
        indexes = [models.Index(fields=["is_latest", "summary"])]

    def __str__(self):
        return self.practice_key


class DivisionTally(models.Model):
    """How many of a division's teams share a figure, from their latest stored summaries.

    Per agency, division (None: its teams in no division) and content version:
    an area's scored teams and the sum of their scores, a Now step's teams, a
    practice's teams (and how many have it in Now). Written by
    services/tallies.py with the summaries, in their transaction, so the
    division view adds up a few thousand of these rows instead of grouping
    every team's steps and practices (selectors/tallies.py).
    """

    AREA, STEP, PRACTICE = "area", "step", "practice"
    KIND_CHOICES = [(AREA, "Area"), (STEP, "Now step"), (PRACTICE, "Practice")]

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Division, null=True, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    key = models.CharField(max_length=100)  # the area, question or practice key
    level = models.IntegerField(default=0)  # a step's level
    teams = models.IntegerField()
    now = models.IntegerField(default=0)  # practices: teams with it in their Now phase
    score_sum = models.FloatField(default=0)  # areas: the sum of the teams' area scores

    class Meta:
        indexes = [models.Index(fields=["agency", "division"])]

    def __str__(self):
        return f"{self.kind} {self.key}: {self.teams}"


class DivisionTallyBasis(models.Model):
    """What a division's tallies were counted from: its latest summaries' number, id sum and last write.

    The division view compares it with the summaries it reads; a division that
    changed some other way (a team moved or deleted, a division deleted) is
    counted live until its tallies are written again.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Division, null=True, on_delete=models.CASCADE, related_name="+")
    summaries = models.IntegerField()
    assessment_sum = models.BigIntegerField()
    computed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name_plural = "division tally bases"
        indexes = [models.Index(fields=["agency", "division"])]

    def __str__(self):
        return f"{self.summaries} summaries"


class Action(models.Model):
    """A roadmap item the team has taken on: who does it, by when, and how far it is.

    Keyed by (questionnaire slug, question id, target level), never by the ids of
    one assessment, so it carries over to the team's next assessments and to newer
    content versions that keep the question id (see assessment/domain/actions.py).
    """

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"
    STATUS_CHOICES = [(PLANNED, "Planned"), (IN_PROGRESS, "In progress"), (DONE, "Done"), (WONT_DO, "Won't do")]
    OPEN_STATUSES = (PLANNED, IN_PROGRESS)
    NOTE_MAX_LENGTH = 5000
    REASON_MAX_LENGTH = 1000

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    questionnaire_slug = models.CharField(max_length=100, validators=[key_validator])
    question_key = models.CharField("question id", max_length=100, validators=[key_validator])
    target_level = models.IntegerField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A member of the team.",
    )
    owner_name = models.CharField(
        "owner outside the app", max_length=200, blank=True, help_text="Someone without an account here."
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PLANNED)
    wont_do_reason = models.TextField("reason for won't do", blank=True, max_length=REASON_MAX_LENGTH)
    link = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "questionnaire_slug", "question_key", "target_level"], name="unique_team_action"
            ),
        ]

    def __str__(self):
        return f"{self.team}: {self.question_key} to {self.target_level}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def owner_display(self) -> str:
        if self.owner_id is not None and self.owner is not None:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_name
