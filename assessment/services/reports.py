"""Queueing stored PDF reports, and pruning them; the render itself is in services/report_jobs.py.

A report is rendered by a worker (`manage.py db_worker`, assessment/tasks.py)
when an assessment is submitted, when a submitted assessment changes, and, a
little later, when an agency's portfolio changes. Downloads read the stored
PDF (views/pdf.py). Every path that produces a PDF goes through
`report_jobs.report_render`, the one get-render-store sequence. Services queue
through the tasks; the tasks call report_jobs, which imports neither.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessment import models, tasks
from assessment.pdf.store import ReportSubject, assessment_subject, portfolio_subject
from assessment.services.report_jobs import Report, report_may_retry, row_for


def report_queue(subject: ReportSubject, *, delay: int = 0, waited_for: bool = False) -> Report:
    """Ask a worker for the subject's report, once: the row says it is queued.

    `waited_for`: someone is waiting for it; the job goes before the others.
    """
    row, created = row_for(subject)
    if not created and report_may_retry(row):
        row.status, row.attempts, row.error, row.queued_at = Report.QUEUED, 0, "", timezone.now()
        row.save(update_fields=["status", "attempts", "error", "queued_at"])
    elif not created:
        return row
    _enqueue(subject, delay, waited_for)
    return row


def _enqueue(subject: ReportSubject, delay: int, waited_for: bool) -> None:
    priority = tasks.WAITED_FOR if waited_for else None
    if subject.kind == Report.ASSESSMENT:
        # The audience only when there is one: a single-author assessment's job is as it always was.
        audience = (subject.audience,) if subject.audience else ()
        tasks.enqueue(tasks.assessment_report_render, subject.assessment_id, *audience, delay=delay, priority=priority)
    elif subject.division_id is not None:
        tasks.enqueue(tasks.division_report_render, subject.division_id, delay=delay, priority=priority)
    else:
        tasks.enqueue(tasks.portfolio_report_render, subject.agency_id, delay=delay, priority=priority)


# Entry points for the services that change what a report shows. They run on
# commit, so the job sees the change and a rolled-back change queues nothing.


def assessment_report_queue(assessment_id: int) -> None:
    """Queue the report of a submitted assessment, and its agency's portfolio, once the transaction commits."""
    transaction.on_commit(lambda: _assessment_report_queue_now(assessment_id))


def _assessment_report_queue_now(assessment_id: int) -> None:
    assessment = (
        models.Assessment.objects.select_related("team__agency", "questionnaire")
        .filter(pk=assessment_id, status=models.Assessment.SUBMITTED)
        .first()
    )
    if assessment is None:
        return
    report_queue(assessment_subject(assessment))
    _portfolio_report_queue_now(assessment.team.agency_id)


def portfolio_report_queue(agency_id: int) -> None:
    """Queue the agency's portfolio after REPORT_PORTFOLIO_DEBOUNCE_SECONDS, once the transaction commits."""
    transaction.on_commit(lambda: _portfolio_report_queue_now(agency_id))


def _portfolio_report_queue_now(agency_id: int) -> None:
    # Debounced: while a portfolio job is queued and not started, later changes
    # need no job of their own, since that job renders the portfolio as it is
    # when it starts. Submitting ten assessments in a minute renders it once.
    pending = Report.objects.filter(
        kind=Report.PORTFOLIO, agency_id=agency_id, division__isnull=True, status=Report.QUEUED
    )
    if pending.exists():
        return
    agency = models.Agency.objects.filter(pk=agency_id).first()
    if agency is not None:
        report_queue(portfolio_subject(agency), delay=settings.REPORT_PORTFOLIO_DEBOUNCE_SECONDS)


def reports_queue_for_version(version_id: int) -> None:
    """Queue the reports of the submitted assessments of a questionnaire version that changed."""
    ids = models.Assessment.objects.filter(questionnaire_id=version_id, status=models.Assessment.SUBMITTED).values_list(
        "pk", flat=True
    )
    for assessment_id in ids:
        assessment_report_queue(assessment_id)


def reports_prune(*, portfolio_age: timedelta = timedelta(days=1)) -> int:
    """Delete stale rows: renders whose key is no longer current. Returns how many went.

    An assessment's current render is the one of its key now; a portfolio's
    key holds the date, so portfolios rendered before `portfolio_age` go, and
    of each agency's (and division's) newer ones only the latest stays.
    """
    deleted = 0
    stale = []
    current = {}
    rows = Report.objects.filter(kind=Report.ASSESSMENT).values_list("pk", "key", "assessment_id", "audience")
    assessments = models.Assessment.objects.select_related("team__agency", "questionnaire").in_bulk(
        {assessment_id for _, _, assessment_id, _ in rows}
    )
    for pk, key, assessment_id, audience in rows:
        assessment = assessments.get(assessment_id)
        if assessment is None:
            stale.append(pk)
            continue
        if (assessment_id, audience) not in current:
            current[(assessment_id, audience)] = assessment_subject(assessment, audience).key
        if key != current[(assessment_id, audience)]:
            stale.append(pk)
    deleted += Report.objects.filter(pk__in=stale).delete()[0]
    cutoff = timezone.now() - portfolio_age
    deleted += Report.objects.filter(kind=Report.PORTFOLIO, queued_at__lt=cutoff).delete()[0]
    latest: dict[tuple[int, int | None], int] = {}
    for pk, agency_id, division_id in (
        Report.objects.filter(kind=Report.PORTFOLIO, status=Report.READY)
        .order_by("-rendered_at")
        .values_list("pk", "agency_id", "division_id")
    ):
        latest.setdefault((agency_id, division_id), pk)
    deleted += (
        Report.objects.filter(kind=Report.PORTFOLIO, status=Report.READY).exclude(pk__in=latest.values()).delete()[0]
    )
    return deleted
