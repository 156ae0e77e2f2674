"""URL patterns of a team's history: its assessments over time, and two of them compared."""

from django.urls import path

from assessment.views import compare, team_history

urlpatterns = [
    path("teams/<int:team_id>/history/", team_history.team_history_page, name="team-history"),
    path("teams/<int:team_id>/compare/", compare.team_compare, name="team-compare"),
]
