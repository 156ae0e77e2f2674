"""URL pattern of the executive portfolio page (its PDF is in urls_pdf)."""

from django.urls import path

from assessment.views import portfolio

urlpatterns = [
    path("portfolio/", portfolio.portfolio, name="portfolio"),
    path("portfolio/teams/", portfolio.portfolio_teams, name="portfolio-teams"),
]
