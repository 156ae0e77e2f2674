"""Stored summaries of submitted assessments: scores, Now steps and practices, read by the portfolio."""

from typing import TYPE_CHECKING

from django.db import models

from assessment.models.assessments import Assessment
from assessment.models.questionnaires import QuestionnaireVersion
from assessment.models.teams import Team

if TYPE_CHECKING:
    pass


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


class SummaryTag(models.Model):
    """A tag of a stored summary's team (format 2): from its answered profile choices only.

    What the portfolio's tag filters match; a tag assumed for an unanswered profile
    question decides scope and duties but is not stored here (docs/questionnaire-format.md).
    """

    summary = models.ForeignKey(AssessmentSummary, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=100)

    is_latest = models.BooleanField(default=False)  # copied from its summary: the portfolio reads only these

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summary", "tag"], name="unique_summary_tag")]
        indexes = [models.Index(fields=["is_latest", "summary"]), models.Index(fields=["tag", "summary"])]

    def __str__(self):
        return self.tag


class SummaryAgencyAnswer(models.Model):
    """What a stored summary's team answered to one agency-owned question (format 2), and whether the
    question has steps among the team's agency-wide steps: what the portfolio's agency roadmap counts."""

    LEVEL, NOT_SURE, NOT_APPLICABLE, UNANSWERED, OUT_OF_SCOPE = (
        "level",
        "not_sure",
        "not_applicable",
        "unanswered",
        "out_of_scope",
    )
    ANSWER_CHOICES = [
        (LEVEL, "A level"),
        (NOT_SURE, "Not sure"),
        (NOT_APPLICABLE, "Not applicable"),
        (UNANSWERED, "Unanswered"),
        (OUT_OF_SCOPE, "Out of scope"),
    ]

    summary = models.ForeignKey(AssessmentSummary, on_delete=models.CASCADE, related_name="agency_answers")
    question_key = models.CharField(max_length=100)
    answer = models.CharField(max_length=20, choices=ANSWER_CHOICES)
    level = models.IntegerField(null=True)  # the level answered, for LEVEL only
    agency_step = models.BooleanField()  # the question is among the team's agency-wide steps

    is_latest = models.BooleanField(default=False)  # copied from its summary: the portfolio reads only these

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summary", "question_key"], name="unique_summary_agency_answer")]
        indexes = [models.Index(fields=["is_latest", "summary"])]

    def __str__(self):
        return f"{self.question_key}: {self.answer} {self.level or ''}".strip()
