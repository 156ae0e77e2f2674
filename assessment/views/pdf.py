"""Downloads of the PDF reports: one assessment, and the executive portfolio.

A submitted assessment's report and the portfolio are rendered by a worker
and stored (services/reports.py): ready, they are served at once; otherwise
the visitor gets a page that says the report is being prepared and reloads
itself, and after REPORT_WAIT_SECONDS the request renders the report itself.
A draft changes all the time, so its report is rendered in the request (and
stored, for the next download of the same draft). An assessment answered by
several respondents has one report per audience (pdf/store.py): each asker
gets the one of their own.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from assessment.access import (
    agency_for_agency_executive,
    assessment_for_user,
    division_for_executive,
    panel_access,
)
from assessment.models import StoredReport
from assessment.pdf.store import ReportSubject, assessment_subject, portfolio_subject, stored_report
from assessment.presentation import division_file_name, export_file_name, portfolio_file_name
from assessment.services.report_jobs import report_failed, report_may_retry, report_render
from assessment.services.reports import report_queue


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _report_page(request, template: str, context: dict, status: int) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _report_response(request, subject: ReportSubject, filename: str, *, back_url: str, queued: bool):
    """The stored PDF; or, for a queued report, the page saying it is on its way; or the error page.

    `queued`: the report is rendered by a worker. Without it, or once the
    report has waited REPORT_WAIT_SECONDS, the request renders it itself.
    """
    row = stored_report(subject.key)
    if row is not None and row.status == StoredReport.READY:
        return _pdf_response(bytes(row.pdf), filename)
    context = {"back_url": back_url, "kind": subject.kind}
    if row is not None and row.status == StoredReport.FAILED and not report_may_retry(row):
        return _report_page(request, "assessment/report_failed.html", context, status=503)
    if queued:
        if row is None or row.status == StoredReport.FAILED:
            report_queue(subject, waited_for=True)
            row = stored_report(subject.key)  # rendered already if the jobs run inline (tests)
            if row is not None and row.status == StoredReport.READY:
                return _pdf_response(bytes(row.pdf), filename)
        if row is not None and timezone.now() - row.queued_at < timedelta(seconds=settings.REPORT_WAIT_SECONDS):
            refresh = settings.REPORT_REFRESH_SECONDS
            response = _report_page(
                request,
                "assessment/report_preparing.html",
                {
                    **context,
                    "refresh": refresh,
                    "auto": refresh > 0 and request.GET.get("refresh") != "off",
                    "url": request.path,
                },
                status=202,
            )
            response["Retry-After"] = str(refresh or 5)
            return response
    try:
        row = report_render(subject)
    except Exception as error:  # logged with its traceback by report_failed
        report_failed(subject, error)
        return _report_page(request, "assessment/report_failed.html", context, status=503)
    return _pdf_response(bytes(row.pdf), filename)


@login_required
@require_safe
def assessment_pdf(request, assessment_id: int):
    assessment, _ = assessment_for_user(request.user, assessment_id)
    return _report_response(
        request,
        # The report of the asker's audience: what they may see of the respondents' answers.
        assessment_subject(assessment, panel_access(request.user, assessment).audience),
        export_file_name(assessment, "pdf"),
        back_url=reverse("assessment-results", args=[assessment.pk]),
        queued=assessment.is_submitted,
    )


@login_required
@require_safe
def portfolio_pdf(request):
    """The agency's portfolio: for executives of the whole agency (one limited to divisions gets theirs)."""
    agency = agency_for_agency_executive(request.user)
    return _report_response(
        request, portfolio_subject(agency), portfolio_file_name(agency), back_url=reverse("portfolio"), queued=True
    )


@login_required
@require_safe
def division_pdf(request, division_id: int):
    """One division's portfolio, its teams' pages included; for the executives who see the division."""
    division = division_for_executive(request.user, division_id)
    return _report_response(
        request,
        portfolio_subject(division.agency, division),
        division_file_name(division),
        back_url=reverse("portfolio-teams") + f"?division={division.pk}",
        queued=True,
    )
