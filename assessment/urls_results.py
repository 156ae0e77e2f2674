"""URL patterns of one assessment's results: results, roadmap, practice pages, exports."""

from django.urls import path

from assessment.views import results

urlpatterns = [
    path("assessments/<int:assessment_id>/", results.results, name="assessment-results"),
    path("assessments/<int:assessment_id>/roadmap/", results.roadmap, name="assessment-roadmap"),
    path("assessments/<int:assessment_id>/export.json", results.export_json, name="assessment-export-json"),
    path("assessments/<int:assessment_id>/export.csv", results.export_csv, name="assessment-export-csv"),
    path(
        "questionnaires/<int:version_id>/practices/<str:practice_key>/",
        results.practice_detail,
        name="practice-detail",
    ),
]
