"""Questionnaire versions and their content: scale, practices, areas, questions, choices."""

from typing import TYPE_CHECKING

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    pass

from assessment.domain import model as domain
from assessment.models.base import key_validator, tags_validator


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
    # `phase_sizes` of the file: how many roadmap steps go in Now, then in Next. Empty when the
    # phase has a budget (format 2), so "a phase given both" stays detectable after an admin round trip.
    phase_now = models.PositiveIntegerField(
        "steps in Now",
        default=8,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Roadmap steps in the Now phase (phase_sizes: now); empty when Now has a budget.",
    )
    phase_next = models.PositiveIntegerField(
        "steps in Next",
        default=16,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Roadmap steps in the Next phase (phase_sizes: next); the rest are Later. "
        "Empty when Next has a budget.",
    )
    # `phase_budget` of a format 2 file: effort points for Now and for Next.
    budget_now = models.PositiveIntegerField(
        "effort points in Now",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Format 2: effort points the Now phase holds (phase_budget: now); empty: sized by steps.",
    )
    budget_next = models.PositiveIntegerField(
        "effort points in Next",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Format 2: effort points the Next phase holds (phase_budget: next); empty: sized by steps.",
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


TAGS_HELP = "Format 2: tags separated by spaces (lowercase letters, digits and -)."


def tags_field(verbose_name: str, help_text: str) -> models.CharField:
    """A list of tags (format 2), stored as one line of tags separated by spaces."""
    return models.CharField(
        verbose_name, max_length=500, blank=True, validators=[tags_validator], help_text=f"{help_text} {TAGS_HELP}"
    )


class ProfileQuestion(models.Model):
    """A question of the profile (format 2), asked before the areas; never scored."""

    DOMAIN_FIELDS = ("text", "help")

    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="profile_questions")
    key = models.CharField("id", max_length=100, validators=[key_validator])
    text = models.TextField()
    help = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="unique_profile_question_key")]

    def __str__(self):
        return self.text


class ProfileChoice(models.Model):
    """One answer to a profile question, and the tags it gives the team."""

    DOMAIN_FIELDS = ("text",)

    question = models.ForeignKey(ProfileQuestion, on_delete=models.CASCADE, related_name="choices")
    key = models.CharField("id", max_length=100, validators=[key_validator])
    text = models.TextField()
    tags = tags_field("tags", "The tags this answer gives the team.")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="unique_profile_choice_key")]

    def __str__(self):
        return self.text


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
    applies_when = tags_field("applies when", "In scope only for teams with one of these tags; empty: always.")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="unique_area_key")]

    def __str__(self):
        return self.title


class Question(models.Model):
    DOMAIN_FIELDS = ("text", "help", "weight", "not_applicable", "foundation", "owner")
    OWNER_CHOICES = [(domain.OWNER_TEAM, "Team"), (domain.OWNER_AGENCY, "Agency")]

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField("id", max_length=100, validators=[key_validator])
    text = models.TextField()
    help = models.TextField(blank=True)
    weight = models.FloatField(default=1, validators=[MinValueValidator(0.000001)])
    not_applicable = models.BooleanField("offer Not applicable", default=False)
    foundation = models.BooleanField(
        default=False, help_text="Groundwork much of the rest depends on: its roadmap steps come first within a stage."
    )
    applies_when = tags_field("applies when", "In scope only for teams with one of these tags; empty: always.")
    foundation_when = tags_field(
        "foundation when", "A duty (ranked before the foundations) for teams with one of these tags; empty: never."
    )
    owner = models.CharField(
        max_length=10,
        choices=OWNER_CHOICES,
        default=domain.OWNER_TEAM,
        help_text="Format 2: whose capability this is; the agency's steps are listed apart from the team's phases.",
    )
    practices: "models.ManyToManyField[Practice, QuestionPractice]" = models.ManyToManyField(
        Practice, blank=True, related_name="questions", through="QuestionPractice"
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__position", "position", "id"]
        # The portfolio finds the answers to an action's question by key (selectors/plan.py).
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
