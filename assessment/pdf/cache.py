"""PDFs kept in Django's cache, keyed by the last change of what they show.

WeasyPrint takes about a second per report and does not hand its memory back,
so an unchanged assessment's PDF is rendered once and then served from the
cache. Every service that changes an assessment or its answers bumps
`Assessment.updated_at`, and every questionnaire edit bumps the version's
`updated_at`, so a stale PDF is never served: its key simply stops matching.
"""
from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils import timezone

from assessment import models
from assessment.pdf.portfolio import PortfolioPdfContext, portfolio_fill
from assessment.pdf.render import assessment_pdf, portfolio_pdf
from assessment.selectors.reports import assessment_report

# Bump when the templates or stylesheet change what a PDF looks like.
LAYOUT_VERSION = 3  # 2: the compact layout; 3: table header scopes, the portfolio's heatmap
TIMEOUT = 7 * 24 * 3600


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def assessment_pdf_key(assessment: models.Assessment) -> str:
    """(assessment, its last change, its questionnaire's last change), plus the names on the cover."""
    return "pdf:assessment:" + _digest(
        LAYOUT_VERSION,
        assessment.pk,
        assessment.updated_at.isoformat(),
        assessment.questionnaire.updated_at.isoformat(),
        assessment.team.name,
        assessment.team.agency.name,
    )


def assessment_pdf_cached(assessment: models.Assessment) -> bytes:
    key = assessment_pdf_key(assessment)
    pdf = cache.get(key)
    if pdf is None:
        pdf = assessment_pdf(assessment_report(assessment))
        cache.set(key, pdf, TIMEOUT)
    return pdf


def portfolio_pdf_key(context: PortfolioPdfContext) -> str:
    """The agency, today (the cover's date), and each team's name, assessment and their last changes."""
    parts = [LAYOUT_VERSION, context.agency.pk, context.agency.name, timezone.localdate().isoformat()]
    for page in context.teams:
        assessment = page.assessment
        parts.append(page.team.pk)
        parts.append(page.team.name)
        if assessment is not None:
            parts += [assessment.pk, assessment.updated_at.isoformat(), assessment.questionnaire.updated_at.isoformat()]
    return "pdf:portfolio:" + _digest(*parts)


def portfolio_pdf_cached(context: PortfolioPdfContext) -> bytes:
    key = portfolio_pdf_key(context)
    pdf = cache.get(key)
    if pdf is None:
        pdf = portfolio_pdf(portfolio_fill(context))
        cache.set(key, pdf, TIMEOUT)
    return pdf
