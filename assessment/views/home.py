"""The home page: the user's teams, each with its assessments and what to do next; for an executive, first
the essentials of the portfolio."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment.selectors.home import executive_home, home_teams, responses_due, user_in_group


@login_required
def home(request):
    essentials = executive_home(request.user)
    teams = home_teams(request.user, members_only=essentials is not None)
    return render(
        request,
        "assessment/home.html",
        {
            "teams": teams,
            "responses_due": responses_due(teams),
            "is_executive": essentials is not None,
            "essentials": essentials,
            # Staff without a team land on their work: a link to the admin (no query for anyone else).
            "is_team_manager": not teams and request.user.is_staff and user_in_group(request.user, "Team managers"),
            "is_editor": not teams and request.user.is_staff and user_in_group(request.user, "Questionnaire editors"),
        },
    )
