"""Division tallies: stored counts per division, read by the portfolio after a change."""

from typing import TYPE_CHECKING

from django.db import models

from assessment.models.questionnaires import QuestionnaireVersion
from assessment.models.teams import Agency, Division

if TYPE_CHECKING:
    pass


class DivisionTally(models.Model):
    """How many of a division's teams share a figure, from their latest stored summaries.

    Per agency, division (None: its teams in no division) and content version:
    an area's scored teams and the sum of their scores, a Now step's teams, a
    question's teams with any of its steps in Now (level 0), a practice's teams
    (and how many have it in Now); format 2: a tag's teams (answered tags only), and
    an agency-owned question's teams per answer (`answer`, `level`) and how many of
    them have it among their agency-wide steps (`now`). Written by
    services/tallies.py with the summaries, in their transaction, so the
    division view adds up a few thousand of these rows instead of grouping
    every team's steps and practices (selectors/tallies.py).
    """

    AREA, STEP, QUESTION, PRACTICE = "area", "step", "question", "practice"
    TAG, AGENCY = "tag", "agency"  # format 2
    KIND_CHOICES = [
        (AREA, "Area"),
        (STEP, "Now step"),
        (QUESTION, "Question in Now"),
        (PRACTICE, "Practice"),
        (TAG, "Tag"),
        (AGENCY, "Agency-owned question's answer"),
    ]

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Division, null=True, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    key = models.CharField(max_length=100)  # the area, question or practice key, or the tag
    level = models.IntegerField(default=0)  # a step's level; an agency answer's level
    answer = models.CharField(max_length=20, blank=True, default="")  # agency: SummaryAgencyAnswer.answer
    teams = models.IntegerField()
    # practices: teams with it in their Now phase; agency: teams with it among their agency-wide steps
    now = models.IntegerField(default=0)
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
