"""PDF reports rendered ahead and stored."""

from typing import TYPE_CHECKING

from django.db import models

from assessment.models.assessments import Assessment
from assessment.models.teams import Agency, Division

if TYPE_CHECKING:
    pass


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
