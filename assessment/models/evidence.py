"""Evidence behind an assessment's answers: a file or a link per (assessment, question)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from assessment.models.assessments import Assessment


class Evidence(models.Model):
    """A file or a link that backs the answer to one question of an assessment.

    It belongs to the question (by its YAML id), not to the answer row, so it
    survives changes of the answer. A file is stored once per content under
    `stored_name` (services/evidence.py), so the copy a new draft makes of it
    ("Start from previous") refers to the same file; `prune_evidence` removes
    files no row refers to.
    """

    FILE = "file"
    LINK = "link"
    KIND_CHOICES = [(FILE, "File"), (LINK, "Link")]
    TITLE_MAX_LENGTH = 200
    URL_MAX_LENGTH = 2000

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question_key = models.CharField(max_length=100)
    kind = models.CharField(max_length=4, choices=KIND_CHOICES)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    url = models.CharField("link", max_length=URL_MAX_LENGTH, blank=True)
    stored_name = models.CharField(max_length=200, blank=True)  # the storage's name of the file
    original_name = models.CharField(max_length=200, blank=True)  # sanitised
    content_type = models.CharField(max_length=100, blank=True)  # decided from the content
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "question_key", "added_at", "pk"]
        indexes = [models.Index(fields=["assessment", "question_key"])]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="file", url="") & ~models.Q(stored_name="")
                    | models.Q(kind="link", stored_name="") & ~models.Q(url="")
                ),
                name="evidence_file_xor_link",
            )
        ]

    def __str__(self):
        return f"{self.assessment}: {self.question_key}: {self.title}"

    @property
    def is_file(self) -> bool:
        return self.kind == self.FILE

    def expired_on(self, today: datetime.date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    @property
    def is_expired(self) -> bool:
        """Past its "valid until" date, today where the app runs (TIME_ZONE)."""
        return self.expired_on(timezone.localdate())
