"""The executive's portfolio PDF: on page 1 the key figures and the heatmap by division; then the
weakest areas and steps, the teams, the action plans and, for format 2, the agency roadmap. For one
division, also a page per team.

The agency's report never holds team pages (at 3,000 teams it would run to
thousands of pages); a division's report does. The agency's report lists its
teams by name up to TEAM_LIST_LIMIT; beyond, a line per division points to the
division's report, and the teams of no division are still named. Each team is shown by its latest
submitted assessment (drafts are work in progress and stay out of an
executive's report). Everything is read through the selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from assessment import models
from assessment.pdf.context import AssessmentPdfContext, assessment_pdf_context
from assessment.selectors.assessments import assessments_for_reports
from assessment.selectors.plan import AgencyPlanSummary
from assessment.selectors.portfolio import (
    Portfolio,
    PortfolioGroup,
    PortfolioScope,
    TeamFilter,
    TeamPage,
    agency_portfolio,
    division_teams,
    portfolio_plans,
    team_columns,
)
from assessment.selectors.results import assessment_results

TEAM_LIST_LIMIT = 60  # teams named in the agency's report; beyond, one line per division


@dataclass(frozen=True)
class DivisionLine:
    """A division of an agency too large to list its teams: how many, and which PDF lists them."""

    name: str
    teams: int


@dataclass
class TeamPdfPage:
    name: str
    doc: AssessmentPdfContext


@dataclass
class PortfolioPdfContext:
    agency: models.Agency
    portfolio: Portfolio
    division: models.Division | None = None
    teams: TeamPage | None = None  # the teams listed by name: a division's, or an agency's of up to TEAM_LIST_LIMIT
    team_pages: list[TeamPdfPage] = field(default_factory=list)
    division_lines: list[DivisionLine] = field(default_factory=list)  # a larger agency: its divisions instead
    undivided: list[str] = field(default_factory=list)  # and the names of its teams in no division
    plans: AgencyPlanSummary | None = None
    date: object = None
    document_title: str = ""
    author: str = ""

    @property
    def agency_roadmaps(self) -> list[PortfolioGroup]:
        """The questionnaire groups with agency-owned questions (format 2): the portfolio page's agency roadmap."""
        return [group for group in self.portfolio.groups if group.agency_roadmap]

    @property
    def without_submitted(self) -> list[str]:
        return [row.name for row in self.teams.rows if row.assessment_id is None] if self.teams else []

    @property
    def submitted(self) -> int:
        return self.portfolio.team_count - self.portfolio.without_submitted

    @property
    def teams_in_words(self) -> str:
        """The cover's count: "3, all with a submitted assessment", "3: 2 with a submitted assessment, 1 without"."""
        total, without = self.portfolio.team_count, self.portfolio.without_submitted
        if total == 0:
            return "None yet"
        if without == 0:
            return f"{total}, {'all' if total > 1 else 'it'} with a submitted assessment"
        if without == total:
            return f"{total}, none with a submitted assessment yet"
        return f"{total}: {self.submitted} with a submitted assessment, {without} without"


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
    context.plans = portfolio_plans(scope)
    team_count = scope.teams().count()
    questionnaire = team_columns(scope)
    if division is not None or team_count <= TEAM_LIST_LIMIT:
        context.teams = division_teams(scope, TeamFilter(sort="division"), questionnaire, per_page=max(1, team_count))
    else:
        counts = scope.teams().filter(division__isnull=False).values("division__name").annotate(n=Count("pk"))
        context.division_lines = [
            DivisionLine(row["division__name"], row["n"]) for row in counts.order_by("division__name")
        ]
        context.undivided = list(
            scope.teams().filter(division__isnull=True).order_by("name").values_list("name", flat=True)
        )
    if division is not None and context.teams is not None:
        assessments = assessments_for_reports(row.assessment_id for row in context.teams.rows if row.assessment_id)
        context.team_pages = [
            TeamPdfPage(row.name, assessment_pdf_context(assessment_results(assessments[row.assessment_id])))
            for row in context.teams.rows
            if row.assessment_id in assessments
        ]
    return context
