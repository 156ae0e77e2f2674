"""URLs of the app. Each feature keeps its patterns in its own module."""

from django.urls import include, path

from assessment.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("assessment.urls_answering")),
    path("", include("assessment.urls_results")),
    path("", include("assessment.urls_team_history")),
    path("", include("assessment.urls_portfolio")),
    path("", include("assessment.urls_pdf")),
    path("", include("assessment.urls_changes")),
    path("", include("assessment.urls_plan")),
    path("", include("assessment.urls_respondents")),
]
