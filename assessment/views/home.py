"""The home page: the user's teams, each with its assessments and what to do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment.selectors.home import home_teams, user_is_executive


@login_required
def home(request):
    return render(
        request,
        "assessment/home.html",
        {"teams": home_teams(request.user), "is_executive": user_is_executive(request.user)},
    )
