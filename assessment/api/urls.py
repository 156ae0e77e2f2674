"""The API's URLs, mounted at /api/v1/ (config/urls.py). Names start with "api-"."""

from django.urls import path

from assessment.api import views

A = "assessments/<int:assessment_id>/"
T = "teams/<int:team_id>/"

urlpatterns = [
    path("agencies/", views.AgencyList.as_view(), name="api-agencies"),
    path("agencies/<int:agency_id>/portfolio/", views.AgencyPortfolio.as_view(), name="api-agency-portfolio"),
    path("divisions/", views.DivisionList.as_view(), name="api-divisions"),
    path("teams/", views.TeamList.as_view(), name="api-teams"),
    path(f"{T}plan/", views.TeamPlan.as_view(), name="api-team-plan"),
    path("assessments/", views.AssessmentList.as_view(), name="api-assessments"),
    path(A, views.AssessmentDetail.as_view(), name="api-assessment"),
    path(f"{A}frameworks/", views.AssessmentFrameworks.as_view(), name="api-assessment-frameworks"),
    path("questionnaires/", views.QuestionnaireList.as_view(), name="api-questionnaires"),
    path("questionnaires/<int:version_id>/", views.QuestionnaireDetail.as_view(), name="api-questionnaire"),
    # The schema and its documentation page hold no data: anyone may read them.
    path(
        "schema/",
        views.SchemaView.as_view(),
        name="api-schema",
    ),
    path("docs/", views.docs_page, name="api-docs"),
]
