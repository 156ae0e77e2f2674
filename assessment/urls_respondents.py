"""URL patterns of an assessment answered by several respondents: respondents, their pages, disagreements."""

from django.urls import path

from assessment.views import respondents

urlpatterns = [
    path("assessments/<int:assessment_id>/respondents/", respondents.panel, name="assessment-respondents"),
    path(
        "assessments/<int:assessment_id>/respondents/lead/", respondents.panel_lead_view, name="assessment-panel-lead"
    ),
    path("assessments/<int:assessment_id>/respond/", respondents.respondent_resume, name="respondent-resume"),
    path(
        "assessments/<int:assessment_id>/respond/areas/<str:area_key>/",
        respondents.respondent_area,
        name="respondent-area",
    ),
    path("assessments/<int:assessment_id>/respond/review/", respondents.respondent_review, name="respondent-review"),
    path(
        "assessments/<int:assessment_id>/respond/submit/", respondents.respondent_submit_view, name="respondent-submit"
    ),
    path("assessments/<int:assessment_id>/disagreements/", respondents.disagreements, name="assessment-disagreements"),
    path(
        "assessments/<int:assessment_id>/reconcile/<str:area_key>/",
        respondents.reconcile_area,
        name="assessment-reconcile",
    ),
]
