"""The home page: the user's teams, each with its assessments and what to do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment.selectors.home import home_teams, responses_due, user_is_executive


@login_required
def home(request):
    teams = home_teams(request.user)
    return render(
        request,
        "assessment/home.html",
        {"teams": teams, "responses_due": responses_due(teams), "is_executive": user_is_executive(request.user)},
    )
