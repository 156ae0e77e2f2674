"""Background jobs: rendering PDF reports, run by `manage.py db_worker`.

The queue is django-tasks with its database backend (django-tasks-db): jobs are
rows in the app's own database, SQLite or PostgreSQL, so an agency needs
nothing beyond the database it already runs (see docs/pdf-reports.md). Each job
renders the report as it stands when the job runs, so a job queued before a
later change still renders the latest state.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from assessment import models
from assessment.pdf.store import assessment_subject, portfolio_subject
from assessment.services.report_jobs import report_job

# Workers take the highest priority first: a report someone is waiting for,
# then reports of new submissions, then portfolios (debounced anyway).
WAITED_FOR, SUBMITTED, PORTFOLIO = 20, 0, -10


def enqueue(job, *args, delay: int = 0, priority: int | None = None) -> None:
    """Enqueue a job, `delay` seconds from now where the backend can defer (the database backend can)."""
    if delay and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + timedelta(seconds=delay))
    if priority is not None:
        job = job.using(priority=priority)
    job.enqueue(*args)


@task()
def assessment_report_render(assessment_id: int, audience: str | None = None) -> None:
    """The assessment's report for `audience` (access.AUDIENCES; None: the one rendered ahead)."""
    assessment = (
        models.Assessment.objects.select_related("team__agency", "questionnaire").filter(pk=assessment_id).first()
    )
    if assessment is None:
        return  # deleted since it was queued
    report_job(
        assessment_subject(assessment, audience),
        retry=lambda delay: enqueue(assessment_report_render, assessment_id, audience, delay=delay),
    )


@task(priority=PORTFOLIO)
def portfolio_report_render(agency_id: int) -> None:
    agency = models.Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        return
    report_job(
        portfolio_subject(agency),
        retry=lambda delay: enqueue(portfolio_report_render, agency_id, delay=delay),
    )


@task(priority=PORTFOLIO)
def division_report_render(division_id: int) -> None:
    division = models.Division.objects.select_related("agency").filter(pk=division_id).first()
    if division is None:
        return
    report_job(
        portfolio_subject(division.agency, division),
        retry=lambda delay: enqueue(division_report_render, division_id, delay=delay),
    )
