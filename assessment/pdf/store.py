"""What a stored PDF report is of, and the key that says which render it is.

WeasyPrint takes a second or two per report and does not hand its memory back,
so a report is rendered once, by a worker (assessment/tasks.py), and kept in
the database (models.StoredReport) where every app server reads it. Every
service that changes an assessment or its answers bumps
`Assessment.updated_at`, and every questionnaire edit bumps the version's
`updated_at`; both are in the key, so a stale PDF is never served: its key
simply stops matching.

An assessment answered by several respondents has one report per audience
(access.AUDIENCES: those who see each respondent's answers, the team's other
readers, a respondent who has not submitted), each with its own key and row:
a download serves the report of the asker's audience, never another's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from assessment import models
from assessment.access import EVERYONE, TEAM_READER
from assessment.pdf.portfolio import portfolio_pdf_context
from assessment.pdf.render import assessment_pdf, portfolio_pdf
from assessment.selectors.crosswalks import crosswalk_id_of_assessment
from assessment.selectors.portfolio import portfolio_state
from assessment.selectors.results import assessment_results

# Bump when the templates or stylesheet change what a PDF looks like.
LAYOUT_VERSION = 7  # 2: the compact layout; 3: table header scopes, the portfolio's heatmap; 4: action plan; 5: divisions; 6: rows kept whole; 7: agency roadmap


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def assessment_pdf_key(assessment: models.Assessment, audience: str = EVERYONE) -> str:
    """(assessment, its audience, its last change, its questionnaire's last change), plus the names on the cover.

    The "Action plan" section also depends on the team's actions (their last
    change and number) and, for measured progress, on its latest submission.
    """
    mine = Q(actions__questionnaire_slug=assessment.questionnaire.slug)
    plan = models.Team.objects.filter(pk=assessment.team_id).aggregate(
        changed=Max("actions__updated_at", filter=mine),
        count=Count("actions", filter=mine, distinct=True),
        submitted=Max("assessments__submitted_at"),
    )
    return "assessment:" + _digest(
        LAYOUT_VERSION,
        assessment.pk,
        *([audience] if audience else []),  # a single-author assessment's key stays as it was
        assessment.updated_at.isoformat(),
        assessment.questionnaire.updated_at.isoformat(),
        assessment.team.name,
        assessment.team.agency.name,
        plan["changed"],
        plan["count"],
        plan["submitted"],
        timezone.localdate().isoformat() if plan["count"] else "",  # "overdue" changes with the date
        *_crosswalk_part(assessment),
    )


def _crosswalk_part(assessment: models.Assessment) -> list:
    """The crosswalk revision of the appendix "Against the frameworks"; nothing without one (keys stay as they were)."""
    revision_id = crosswalk_id_of_assessment(assessment)
    return [] if revision_id is None else [f"crosswalk {revision_id}"]


def portfolio_pdf_key(agency: models.Agency, division: models.Division | None) -> str:
    """The agency (or one division), today (the cover's date), and what its pages show: see portfolio_state."""
    parts = [LAYOUT_VERSION, agency.pk, agency.name, division.pk if division else "", timezone.localdate().isoformat()]
    parts += portfolio_state(agency, division)
    # The action plans section: the teams' actions (their number and last change).
    actions = models.Action.objects.filter(team__agency=agency)
    if division is not None:
        actions = actions.filter(team__division=division)
    parts += list(actions.aggregate(n=Count("pk"), last=Max("updated_at")).values())
    return "portfolio:" + _digest(*parts)


@dataclass(frozen=True)
class ReportSubject:
    """One report as it stands now: which row holds it and how to render it."""

    kind: str  # StoredReport.ASSESSMENT or PORTFOLIO
    key: str
    agency_id: int
    assessment_id: int | None
    render: Callable[[], bytes]
    division_id: int | None = None  # a division's portfolio
    audience: str = EVERYONE  # an assessment's report: whom it is for (access.AUDIENCES)
    # When what the key is made of was read: requests queued before then are
    # answered by this render.
    read_at: datetime = field(default_factory=timezone.now)

    def rows(self) -> QuerySet[models.StoredReport]:
        """Every stored row of this subject, whatever its key."""
        rows = models.StoredReport.objects.filter(kind=self.kind, agency_id=self.agency_id)
        if self.assessment_id is not None:  # an assessment's report (for its audience); a portfolio has none
            rows = rows.filter(assessment_id=self.assessment_id, audience=self.audience)
        elif self.division_id is not None:  # a division's portfolio
            rows = rows.filter(division_id=self.division_id)
        else:  # the agency's portfolio
            rows = rows.filter(division__isnull=True)
        return rows


def assessment_subject(assessment: models.Assessment, audience: str | None = None) -> ReportSubject:
    """The assessment's report for `audience` (the assessment comes with team, agency and questionnaire).

    Without an audience: the report a worker renders ahead, for every reader
    of a single-author assessment, else for the team's readers.
    """
    if audience is None:
        audience = TEAM_READER if models.RespondentPanel.objects.filter(assessment=assessment).exists() else EVERYONE
    return ReportSubject(
        kind=models.StoredReport.ASSESSMENT,
        key=assessment_pdf_key(assessment, audience),
        agency_id=assessment.team.agency_id,
        assessment_id=assessment.pk,
        render=lambda: assessment_pdf(assessment_results(assessment), audience=audience),
        audience=audience,
    )


def portfolio_subject(agency: models.Agency, division: models.Division | None = None) -> ReportSubject:
    """The agency's portfolio, or one division's; its key costs a few aggregate queries."""
    return ReportSubject(
        kind=models.StoredReport.PORTFOLIO,
        key=portfolio_pdf_key(agency, division),
        agency_id=agency.pk,
        assessment_id=None,
        division_id=division.pk if division else None,
        render=lambda: portfolio_pdf(portfolio_pdf_context(agency, division)),
    )


def stored_report(key: str) -> models.StoredReport | None:
    """The row of this key, PDF included, or None."""
    return models.StoredReport.objects.filter(key=key).first()
