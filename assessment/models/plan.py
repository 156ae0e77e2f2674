"""The action plan: actions a team takes on its roadmap items."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    pass

from assessment.domain import plan as plan_domain
from assessment.domain.plan import NOT_MEASURED, PROGRESS_WORDS
from assessment.models.base import key_validator
from assessment.models.teams import Team


class Action(models.Model):
    """A roadmap item the team has taken on: who does it, by when, and how far it is.

    Keyed by (questionnaire slug, question id, target level), never by the ids of
    one assessment, so it carries over to the team's next assessments and to newer
    content versions that keep the question id (see assessment/domain/plan.py).
    """

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"
    STATUS_CHOICES = [(PLANNED, "Planned"), (IN_PROGRESS, "In progress"), (DONE, "Done"), (WONT_DO, "Won't do")]
    OPEN_STATUSES = (PLANNED, IN_PROGRESS)
    NOTE_MAX_LENGTH = 5000
    REASON_MAX_LENGTH = 1000
    TITLE_MAX_LENGTH = plan_domain.TITLE_MAX_LENGTH

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    questionnaire_slug = models.CharField(max_length=100, validators=[key_validator])
    question_key = models.CharField("question id", max_length=100, validators=[key_validator])
    target_level = models.IntegerField()
    # What to do, in a few words. Set from the step when the action is added (domain/plan.py
    # action_default_title); "" on actions added before titles existed, which then show that default.
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
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
    # Stored by services/plan.py (plan_progress_store) whenever what decides them changes: an assessment
    # of the team created, submitted, imported or deleted, its profile saved, the content changed, the action
    # added or edited.
    # Read by the portfolio; "overdue" is not stored (it changes with the date). Not in the history.
    measured_progress = models.CharField(
        max_length=20, choices=list(PROGRESS_WORDS.items()), default=NOT_MEASURED, editable=False
    )
    question_retired = models.BooleanField(default=False, editable=False)  # the team's newest version lacks it
    # Format 2: the profile of the team's newest assessment puts the question out of scope.
    question_out_of_scope = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["measured_progress", "question_retired", "question_out_of_scope"])

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
