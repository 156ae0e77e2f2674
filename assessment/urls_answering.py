"""URL patterns of the answering pages."""

from django.urls import path

from assessment.views import answering

urlpatterns = [
    path("teams/<int:team_id>/assessments/new/", answering.assessment_new, name="assessment-new"),
    path("assessments/<int:assessment_id>/continue/", answering.assessment_resume, name="assessment-resume"),
    path("assessments/<int:assessment_id>/areas/<str:area_key>/", answering.assessment_area, name="assessment-area"),
    path("assessments/<int:assessment_id>/review/", answering.assessment_review, name="assessment-review"),
    path("assessments/<int:assessment_id>/submit/", answering.assessment_submit_view, name="assessment-submit"),
]
