"""The home page's read: the user's teams, each with its assessments and their figures.

A fixed number of queries whatever the number of rows: the teams, the user's
memberships, the assessments, then their figures (stored ones in one query,
drafts live: see selectors/summaries.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Max, Q
from django.utils import timezone

from assessment import models
from assessment.access import executive_scope, teams_visible_to
from assessment.domain.scoring import AssessmentScore
from assessment.selectors.plan import AgencyPlanSummary
from assessment.selectors.portfolio import (
    Portfolio,
    PortfolioScope,
    agency_portfolio,
    portfolio_inputs,
    portfolio_plans,
)
from assessment.selectors.summaries import assessment_summaries


@dataclass(frozen=True)
class HomeTeam:
    team: models.Team
    # {"assessment": Assessment, "score": AssessmentScore, "responding": bool}, newest change first;
    # "responding": a draft this user was asked to answer on their own (views/respondents.py);
    # "response_due": responding, and their response is not submitted yet.
    assessments: list[dict]
    can_write: bool

    @property
    def draft(self) -> models.Assessment | None:
        """The draft changed last, which the home page offers to continue before starting another."""
        return next((row["assessment"] for row in self.assessments if not row["assessment"].is_submitted), None)


def assessment_scores(assessments: list[models.Assessment]) -> dict[int, AssessmentScore]:
    """Score of each assessment, keyed by its pk. Assessments need their questionnaire selected."""
    return {pk: summary.score for pk, summary in assessment_summaries(assessments).items()}


def home_teams(user, *, members_only: bool = False) -> list[HomeTeam]:
    """The user's teams with their assessments; `members_only`: only teams the user belongs to (an
    executive's home page shows the portfolio's essentials instead of every team of the agency)."""
    visible = models.Team.objects.filter(memberships__user=user).distinct() if members_only else teams_visible_to(user)
    teams = list(visible.select_related("agency").order_by("name"))
    member_of = set(
        models.Membership.objects.filter(user=user, role=models.Membership.MEMBER).values_list("team_id", flat=True)
    )
    assessments = list(
        models.Assessment.objects.filter(team__in=teams).select_related("questionnaire").order_by("-updated_at", "-pk")
    )
    scores = assessment_scores(assessments)
    responding = dict(
        models.Respondent.objects.filter(
            user=user, assessment__in=[a.pk for a in assessments], assessment__status=models.Assessment.DRAFT
        ).values_list("assessment_id", "submitted_at")
    )
    by_team: dict[int, list[dict]] = {team.pk: [] for team in teams}
    for assessment in assessments:
        by_team[assessment.team_id].append(
            {
                "assessment": assessment,
                "score": scores[assessment.pk],
                "responding": assessment.pk in responding,
                "response_due": assessment.pk in responding and responding[assessment.pk] is None,
            }
        )
    return [HomeTeam(team, by_team[team.pk], team.pk in member_of) for team in teams]


def responses_due(teams: list[HomeTeam]) -> list[tuple[models.Team, models.Assessment]]:
    """The drafts this user was asked to answer on their own and has not submitted a response to yet."""
    return [(row.team, item["assessment"]) for row in teams for item in row.assessments if item["response_due"]]


def user_in_group(user, name: str) -> bool:
    return user.groups.filter(name=name).exists()


# Teams not assessed for this long are listed on an executive's home page: two quarters.
NOT_ASSESSED_DAYS = 182
# Up to this many teams, an executive's home page links to each; beyond, to the searchable team page.
HOME_TEAM_LINKS = 60
HOME_LIST_LIMIT = 10


@dataclass(frozen=True)
class ExecutiveHome:
    """An executive's first screen: the portfolio's essentials. A fixed number of queries for any number
    of teams: the division view and its action plans (kept in the shared cache), then two lists."""

    portfolio: Portfolio
    plans: AgencyPlanSummary
    not_assessed: list[tuple[models.Team, datetime.datetime | None]]  # longest first; None: never
    not_assessed_total: int
    teams: list[models.Team] | None  # None: more than HOME_TEAM_LINKS

    @property
    def weakest_areas(self):
        """The weakest areas of the questionnaire most teams use (the division view's first group)."""
        return self.portfolio.groups[0].weakest_areas[:3] if self.portfolio.groups else []

    @property
    def overdue(self):
        return self.plans.overdue[:HOME_LIST_LIMIT]


def executive_home(user, today: datetime.date | None = None) -> ExecutiveHome | None:
    """The essentials of the executive's portfolio; None for anyone else."""
    found = executive_scope(user)
    if found is None:
        return None
    agency_id, division_ids = found
    scope = PortfolioScope(agency=models.Agency.objects.get(pk=agency_id), division_ids=division_ids)
    inputs = portfolio_inputs(scope)
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=NOT_ASSESSED_DAYS), datetime.time())
    )
    stale = (
        scope.teams()
        .annotate(last=Max("assessments__submitted_at"))
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .order_by(F("last").asc(nulls_first=True), "name", "pk")
    )
    not_assessed: list[tuple[models.Team, datetime.datetime | None]] = [
        (team, team.last) for team in stale[:HOME_LIST_LIMIT]
    ]
    total = stale.count()
    teams = list(scope.teams().order_by("name", "pk")[: HOME_TEAM_LINKS + 1])
    return ExecutiveHome(
        portfolio=agency_portfolio(scope, inputs),
        plans=portfolio_plans(scope, inputs.stamp),
        not_assessed=not_assessed,
        not_assessed_total=total,
        teams=teams if len(teams) <= HOME_TEAM_LINKS else None,
    )
