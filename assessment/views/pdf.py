"""Downloads of the PDF reports: one assessment, and the executive portfolio."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from assessment.access import assessment_for_user, executive_agency_id
from assessment.models import Agency
from assessment.pdf.cache import assessment_pdf_cached, portfolio_pdf_cached
from assessment.pdf.portfolio import portfolio_teams
from assessment.presentation import export_file_name, portfolio_file_name


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def assessment_pdf(request, assessment_id: int):
    assessment, _ = assessment_for_user(request.user, assessment_id)
    return _pdf_response(assessment_pdf_cached(assessment), export_file_name(assessment, "pdf"))


@login_required
@require_safe
def portfolio_pdf(request):
    agency_id = executive_agency_id(request.user)
    if agency_id is None:
        raise Http404("No portfolio.")
    agency = get_object_or_404(Agency, pk=agency_id)
    context = portfolio_teams(agency)
    return _pdf_response(portfolio_pdf_cached(context), portfolio_file_name(agency))
