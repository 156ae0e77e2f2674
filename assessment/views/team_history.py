"""A team's history: its assessments over time, with the change between each."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment.access import team_for_user
from assessment.selectors.history import team_history


@login_required
def team_history_page(request, team_id):
    team, can_write = team_for_user(request.user, team_id)
    return render(
        request,
        "assessment/history.html",
        {"team": team, "history": team_history(team), "can_write": can_write},
    )
