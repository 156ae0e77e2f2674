"""Assessments of a team, their area targets and the team's answers."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessment.domain import model as domain
from assessment.models.base import choice_iff_kind_choice
from assessment.models.questionnaires import (
    Area,
    Choice,
    ProfileChoice,
    ProfileQuestion,
    Question,
    QuestionnaireVersion,
)
from assessment.models.teams import Team

if TYPE_CHECKING:
    pass


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
            choice_iff_kind_choice("answer_choice_iff_kind_choice"),
        ]

    def __str__(self):
        return f"{self.question.key}: {self.kind}"


class ProfileAnswer(models.Model):
    """The team's answer to one profile question (format 2); an unanswered question has no row."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="profile_answers")
    question = models.ForeignKey(ProfileQuestion, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(ProfileChoice, on_delete=models.PROTECT, related_name="answers")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="unique_profile_answer_per_question")
        ]

    def __str__(self):
        return f"{self.question.key}: {self.choice.key}"
