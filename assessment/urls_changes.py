"""URL patterns of the answer change log."""

from django.urls import path

from assessment.views import changes

urlpatterns = [
    path("assessments/<int:assessment_id>/changes/", changes.assessment_changes, name="assessment-changes"),
]
