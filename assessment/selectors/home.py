"""The home page's read: the user's teams, each with its assessments and their figures.

A fixed number of queries whatever the number of rows: the teams, the user's
memberships, the assessments, then their figures (stored ones in one query,
drafts live: see selectors/summaries.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment import models
from assessment.access import executive_agency_id, teams_visible_to
from assessment.domain.scoring import AssessmentScore
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


def home_teams(user) -> list[HomeTeam]:
    teams = list(teams_visible_to(user).select_related("agency").order_by("name"))
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


def user_is_executive(user) -> bool:
    return executive_agency_id(user) is not None
