"""The home page: the user's teams, each with its assessments and what to do next."""
from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment import models
from assessment.access import executive_agency_id, teams_visible_to
from assessment.selectors.overview import assessment_scores


@login_required
def home(request):
    teams = list(teams_visible_to(request.user).select_related("agency").order_by("name"))
    member_of = set(
        models.Membership.objects.filter(user=request.user, role=models.Membership.MEMBER).values_list(
            "team_id", flat=True
        )
    )
    assessments = list(
        models.Assessment.objects.filter(team__in=teams)
        .select_related("questionnaire")
        .order_by("-updated_at", "-pk")
    )
    scores = assessment_scores(assessments)
    # Drafts this user was asked to answer on their own (see views/respondents.py).
    responding = set(
        models.Respondent.objects.filter(
            user=request.user, assessment__in=[a.pk for a in assessments], assessment__status=models.Assessment.DRAFT
        ).values_list("assessment_id", flat=True)
    )
    by_team: dict[int, list[dict[str, Any]]] = {team.pk: [] for team in teams}
    for assessment in assessments:
        by_team[assessment.team_id].append(
            {"assessment": assessment, "score": scores[assessment.pk], "responding": assessment.pk in responding}
        )
    rows = [
        {"team": team, "assessments": by_team[team.pk], "can_write": team.pk in member_of} for team in teams
    ]
    return render(
        request,
        "assessment/home.html",
        {"teams": rows, "is_executive": executive_agency_id(request.user) is not None},
    )
