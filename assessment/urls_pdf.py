"""URL patterns of the PDF reports."""

from django.urls import path

from assessment.views import pdf

urlpatterns = [
    path("assessments/<int:assessment_id>/report.pdf", pdf.assessment_pdf, name="assessment-pdf"),
    path("portfolio/report.pdf", pdf.portfolio_pdf, name="portfolio-pdf"),
    path("portfolio/divisions/<int:division_id>/report.pdf", pdf.division_pdf, name="division-pdf"),
]
