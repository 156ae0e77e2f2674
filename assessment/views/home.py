"""The home page: the user's teams, each with its assessments and what to do next; for an executive, first
the essentials of the portfolio."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment.selectors.home import executive_home, home_teams


@login_required
def home(request):
    essentials = executive_home(request.user)
    return render(
        request,
        "assessment/home.html",
        {
            "teams": home_teams(request.user, members_only=essentials is not None),
            "is_executive": essentials is not None,
            "essentials": essentials,
        },
    )
