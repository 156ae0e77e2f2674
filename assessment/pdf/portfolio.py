"""The executive's portfolio PDF: an agency summary, the portfolio page's heatmap
and lists, then one page per team.

Each team is shown by its latest submitted assessment (drafts are work in
progress and stay out of an executive's report). The teams and assessments are
read first, cheaply, so the cache key can be computed without scoring anything.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessment import models
from assessment.pdf.context import AssessmentPdfContext, assessment_pdf_context
from assessment.selectors.portfolio import Portfolio, agency_portfolio
from assessment.selectors.reports import assessment_report


@dataclass
class TeamPage:
    team: models.Team
    assessment: models.Assessment | None
    doc: AssessmentPdfContext | None = None


@dataclass
class PortfolioPdfContext:
    agency: models.Agency
    teams: list[TeamPage]
    date: object = None
    document_title: str = ""
    author: str = ""
    # The portfolio page's figures: the heatmap, weakest areas and practices most teams need.
    portfolio: Portfolio | None = None

    @property
    def submitted(self) -> list[TeamPage]:
        return [page for page in self.teams if page.doc is not None]

    @property
    def without_submitted(self) -> list[TeamPage]:
        return [page for page in self.teams if page.assessment is None]


def portfolio_teams(agency: models.Agency) -> PortfolioPdfContext:
    """Every team of the agency with its latest submitted assessment, in two queries."""
    latest = (
        models.Assessment.objects.filter(team=OuterRef("pk"), status=models.Assessment.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    teams = list(models.Team.objects.filter(agency=agency).annotate(latest_id=Subquery(latest)).order_by("name", "pk"))
    assessments = models.Assessment.objects.select_related("team__agency", "questionnaire").in_bulk(
        [t.latest_id for t in teams if t.latest_id is not None]
    )
    return PortfolioPdfContext(
        agency=agency,
        teams=[TeamPage(team=t, assessment=assessments.get(t.latest_id)) for t in teams],
        date=timezone.localdate(),
        document_title=f"ML readiness portfolio: {agency.name}",
        author=agency.name,
    )


def portfolio_fill(context: PortfolioPdfContext) -> PortfolioPdfContext:
    """Score each team's assessment (a handful of queries per team: fine for a PDF)."""
    for page in context.teams:
        if page.assessment is not None:
            page.doc = assessment_pdf_context(assessment_report(page.assessment))
    context.portfolio = agency_portfolio(context.agency)
    return context
