from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment.access import teams_visible_to


@login_required
def home(request):
    teams = teams_visible_to(request.user).order_by("name")
    return render(request, "assessment/home.html", {"teams": teams})
