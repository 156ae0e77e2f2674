"""The executive's portfolio PDF: an agency summary, then one page per team.

Each team is shown by its latest submitted assessment (drafts are work in
progress and stay out of an executive's report). The teams and assessments are
read first, cheaply, so the cache key can be computed without scoring anything.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessment import models
from assessment.pdf.context import AssessmentPdfContext, assessment_pdf_context
from assessment.selectors.reports import assessment_report


@dataclass
class TeamPage:
    team: models.Team
    assessment: models.Assessment | None
    doc: AssessmentPdfContext | None = None


@dataclass(frozen=True)
class CommonPractice:
    title: str
    teams: int


@dataclass
class PortfolioPdfContext:
    agency: models.Agency
    teams: list[TeamPage]
    date: object = None
    document_title: str = ""
    author: str = ""
    common_now: list[CommonPractice] = field(default_factory=list)

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
    now_counts: Counter[str] = Counter()
    for page in context.teams:
        if page.assessment is None:
            continue
        page.doc = assessment_pdf_context(assessment_report(page.assessment))
        now_counts.update({line.practice.title for entry in page.doc.now_entries for line in entry.practices})
    context.common_now = [CommonPractice(title, count) for title, count in now_counts.most_common(5) if count > 1]
    return context
