"""Several respondents per assessment: the panel, each respondent's answers, the lead's decisions."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from assessment.models.assessments import AnswerValue, Assessment
from assessment.models.base import choice_iff_kind_choice
from assessment.models.questionnaires import Choice, Question

if TYPE_CHECKING:
    pass


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
            choice_iff_kind_choice("respondent_answer_choice_iff_kind_choice"),
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
