"""Rendering a queued report: what a worker does with a job (assessment/tasks.py calls report_job).

This module queues nothing; services/reports.py queues, through the tasks. So the
tasks import this module and services/reports.py imports the tasks, with no cycle.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessment import models
from assessment.pdf.store import ReportSubject, stored_report

logger = logging.getLogger(__name__)

Report = models.StoredReport

MAX_ATTEMPTS = 3
# Seconds before the second and the third attempt.
RETRY_DELAYS = (15, 120)
# A report whose every attempt failed is tried again when asked for after this.
FAILED_RETRY_AFTER = timedelta(hours=1)


def report_render(subject: ReportSubject) -> Report:
    """The stored report of the subject's key; rendered and stored first if it is not there yet."""
    row = stored_report(subject.key)
    if row is not None and row.status == Report.READY:
        return row
    clock = time.perf_counter()
    pdf = subject.render()
    seconds = time.perf_counter() - clock
    fields = {"status": Report.READY, "pdf": pdf, "error": "", "rendered_at": timezone.now(), "render_seconds": seconds}
    identity = {
        "kind": subject.kind,
        "agency_id": subject.agency_id,
        "assessment_id": subject.assessment_id,
        "division_id": subject.division_id,
        "audience": subject.audience,
    }
    with transaction.atomic():
        row, _ = Report.objects.update_or_create(
            key=subject.key, defaults=fields, create_defaults={**fields, **identity, "queued_at": subject.read_at}
        )
        # Prune: the subject's earlier renders, and the requests this render
        # answers (queued before the subject was read, so it shows what they asked for).
        subject.rows().exclude(pk=row.pk).filter(
            Q(status__in=[Report.READY, Report.FAILED]) | Q(queued_at__lte=subject.read_at)
        ).delete()
    logger.info("Rendered the %s report %s in %.2f s (%d bytes)", subject.kind, subject.key, seconds, len(pdf))
    return row


def report_failed(subject: ReportSubject, error: BaseException) -> Report:
    """Count a failed attempt; after MAX_ATTEMPTS the report is marked failed. Logs the error."""
    row, _ = row_for(subject)
    row.attempts += 1
    row.error = f"{type(error).__name__}: {error}"[:2000]
    row.status = Report.FAILED if row.attempts >= MAX_ATTEMPTS else Report.QUEUED
    row.save(update_fields=["attempts", "error", "status"])
    logger.error(
        "Rendering the %s report %s failed (attempt %d of %d)",
        subject.kind,
        subject.key,
        row.attempts,
        MAX_ATTEMPTS,
        exc_info=error,
    )
    return row


def report_may_retry(row: Report) -> bool:
    """A failed report is tried again once FAILED_RETRY_AFTER has passed since it was asked for."""
    return row.status == Report.FAILED and timezone.now() - row.queued_at > FAILED_RETRY_AFTER


def report_job(subject: ReportSubject, *, retry: Callable[[int], object]) -> None:
    """What a worker does with a queued report. `retry(delay)` enqueues the job again.

    Re-raises a render's error after recording it, so the task queue marks the
    job failed too.
    """
    # This render shows the subject as it was read, so it answers every request
    # queued until then: they stop counting as queued (see portfolio_report_queue).
    subject.rows().filter(status=Report.QUEUED, queued_at__lte=subject.read_at).update(status=Report.RENDERING)
    try:
        report_render(subject)
    except Exception as error:
        row = report_failed(subject, error)
        if row.status != Report.FAILED:
            retry(RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS)) - 1])
        raise


def row_for(subject: ReportSubject) -> tuple[Report, bool]:
    """The subject's row of its key, made as queued if there is none; and whether it was made."""
    return Report.objects.get_or_create(
        key=subject.key,
        defaults={
            "kind": subject.kind,
            "agency_id": subject.agency_id,
            "assessment_id": subject.assessment_id,
            "division_id": subject.division_id,
            "audience": subject.audience,
            "status": Report.QUEUED,
            "queued_at": timezone.now(),
        },
    )
