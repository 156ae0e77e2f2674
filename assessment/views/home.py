"""The home page: the user's teams, each with its assessments and what to do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment.selectors.home import home_teams, responses_due, user_in_group, user_is_executive


@login_required
def home(request):
    teams = home_teams(request.user)
    return render(
        request,
        "assessment/home.html",
        {
            "teams": teams,
            "responses_due": responses_due(teams),
            "is_executive": user_is_executive(request.user),
            # Staff without a team land on their work: a link to the admin (no query for anyone else).
            "is_team_manager": not teams and request.user.is_staff and user_in_group(request.user, "Team managers"),
            "is_editor": not teams and request.user.is_staff and user_in_group(request.user, "Questionnaire editors"),
        },
    )
