"""The executive's portfolio PDF: the agency's division summary and heatmap by division,
or, for one division, those and then its teams: a table of them and one page per team.

The agency's report never holds team pages (at 3,000 teams it would run to
thousands of pages); a division's report does. Each team is shown by its latest
submitted assessment (drafts are work in progress and stay out of an
executive's report). Everything is read through the selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from assessment import models
from assessment.pdf.context import AssessmentPdfContext, assessment_pdf_context
from assessment.selectors.assessments import assessments_for_reports
from assessment.selectors.portfolio import (
    Portfolio,
    PortfolioScope,
    TeamFilter,
    TeamPage,
    agency_portfolio,
    division_teams,
    team_columns,
)
from assessment.selectors.results import assessment_results


@dataclass
class TeamPdfPage:
    name: str
    doc: AssessmentPdfContext


@dataclass
class PortfolioPdfContext:
    agency: models.Agency
    portfolio: Portfolio
    division: models.Division | None = None
    teams: TeamPage | None = None  # a division's teams, every one
    team_pages: list[TeamPdfPage] = field(default_factory=list)
    date: object = None
    document_title: str = ""
    author: str = ""

    @property
    def without_submitted(self) -> list[str]:
        return [row.name for row in self.teams.rows if row.assessment_id is None] if self.teams else []


def portfolio_pdf_context(agency: models.Agency, division: models.Division | None = None) -> PortfolioPdfContext:
    scope = PortfolioScope(agency, frozenset({division.pk}) if division else None)
    title = f"ML readiness portfolio: {agency.name}" + (f", {division.name}" if division else "")
    context = PortfolioPdfContext(
        agency=agency,
        portfolio=agency_portfolio(scope),
        division=division,
        date=timezone.localdate(),
        document_title=title,
        author=agency.name,
    )
    if division is not None:
        questionnaire = team_columns(scope)
        context.teams = division_teams(scope, TeamFilter(), questionnaire, per_page=max(1, scope.teams().count()))
        assessments = assessments_for_reports(row.assessment_id for row in context.teams.rows if row.assessment_id)
        context.team_pages = [
            TeamPdfPage(row.name, assessment_pdf_context(assessment_results(assessments[row.assessment_id])))
            for row in context.teams.rows
            if row.assessment_id in assessments
        ]
    return context
