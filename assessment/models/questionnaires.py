"""Questionnaire versions and their content: scale, practices, areas, questions, choices."""

from typing import TYPE_CHECKING

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    pass

from assessment.models.base import key_validator


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
