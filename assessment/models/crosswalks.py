"""Crosswalks to outside frameworks: revisions per questionnaire version, and what each assessment was evaluated with.

docs/questionnaire-format.md, section 7. A revision keeps the YAML text as
loaded and its parsed content; once an assessment was evaluated with it, it is
read-only (services/crosswalks.py refuses a changed file under the same
revision). Per-framework figures of a submitted assessment are stored with its
summary (services/summaries.py), for the portfolio.
"""

from django.db import models

from assessment.models.assessments import Assessment
from assessment.models.questionnaires import QuestionnaireVersion
from assessment.models.summaries import AssessmentSummary


class CrosswalkRevision(models.Model):
    """One revision of the crosswalk file of one questionnaire version; the latest loaded is the current one."""

    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="crosswalks")
    revision = models.CharField(max_length=100)
    source_text = models.TextField(help_text="The YAML file as it was loaded.")
    content = models.JSONField(help_text="The parsed crosswalk (frameworks, items, maps).")
    content_digest = models.CharField(max_length=64, editable=False)
    loaded_from = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["questionnaire", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "revision"], name="unique_crosswalk_revision"),
        ]

    def __str__(self):
        return f"crosswalk {self.revision} of {self.questionnaire.slug} {self.questionnaire.version}"


class CrosswalkEvaluation(models.Model):
    """The crosswalk revision a submitted assessment was evaluated with."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, primary_key=True, related_name="crosswalk_evaluation"
    )
    crosswalk = models.ForeignKey(CrosswalkRevision, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_at = models.DateTimeField()

    def __str__(self):
        return f"assessment {self.assessment_id} against {self.crosswalk}"


class FrameworkSummary(models.Model):
    """One framework's figures for a stored assessment summary: its items by status."""

    summary = models.ForeignKey(AssessmentSummary, on_delete=models.CASCADE, related_name="frameworks")
    framework_key = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    met = models.PositiveIntegerField()
    partly_met = models.PositiveIntegerField()
    not_met = models.PositiveIntegerField()
    to_verify = models.PositiveIntegerField()
    not_applicable = models.PositiveIntegerField()
    not_covered = models.PositiveIntegerField()
    applicable = models.PositiveIntegerField()
    share_met = models.FloatField(null=True)  # met / applicable; None when nothing applies
    # [[item id, status], ...] in the framework's order: the M-25-21 page reads them team by team.
    item_statuses = models.JSONField()
    # The team's format 2 tags when it was evaluated (an unanswered profile question gives all its tags):
    # the portfolio shows the items that apply only to some teams (`applies_when`) to the teams they apply to.
    team_tags = models.JSONField(default=list)

    is_latest = models.BooleanField(default=False)  # copied from its summary: the portfolio reads only these

    class Meta:
        verbose_name_plural = "framework summaries"
        constraints = [models.UniqueConstraint(fields=["summary", "framework_key"], name="unique_framework_summary")]
        indexes = [models.Index(fields=["is_latest", "framework_key"])]

    def __str__(self):
        return f"{self.framework_key}: {self.met}/{self.applicable}"
