"""URL pattern of a team's history: its assessments over time."""
from django.urls import path

from assessment.views import team_history

urlpatterns = [
    path("teams/<int:team_id>/history/", team_history.team_history_page, name="team-history"),
]
