"""URLs of the app, grouped by prefix. The names are what templates and views use; keep them stable."""

from django.urls import path

from assessment.views import (
    api_tokens,
    assessments,
    changes,
    compare,
    crosswalks,
    evidence,
    home,
    pdf,
    plan,
    portfolio,
    respondents,
    results,
    team_history,
)

A = "assessments/<int:assessment_id>/"
T = "teams/<int:team_id>/"

urlpatterns = [
    path("", home.home, name="home"),
    # The user's own API tokens (the API itself is under /api/v1/, assessment/api/urls.py).
    path("account/api-tokens/", api_tokens.api_tokens_page, name="api-tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", api_tokens.api_token_revoke_view, name="api-token-revoke"),
    # A team: a new assessment, its history, two assessments compared, its action plan.
    path(f"{T}assessments/new/", assessments.assessment_new, name="assessment-new"),
    path(f"{T}history/", team_history.team_history_page, name="team-history"),
    path(f"{T}compare/", compare.team_compare, name="team-compare"),
    path(f"{T}plan/", plan.plan_page, name="team-plan"),
    path(f"{T}plan/<int:action_id>/", plan.action_page, name="team-plan-action"),
    path(f"{T}plan.csv", plan.plan_csv, name="team-plan-csv"),
    path(f"{T}plan.ics", plan.plan_ics, name="team-plan-ics"),
    # One assessment: answering it.
    path(f"{A}continue/", assessments.assessment_resume, name="assessment-resume"),
    path(f"{A}profile/", assessments.assessment_profile, name="assessment-profile"),
    path(f"{A}areas/<str:area_key>/", assessments.assessment_area, name="assessment-area"),
    path(f"{A}review/", assessments.assessment_review, name="assessment-review"),
    path(f"{A}submit/", assessments.assessment_submit_view, name="assessment-submit"),
    # Its evidence: added to a question on the area page, removed, downloaded.
    path(f"{A}questions/<str:question_key>/evidence/", evidence.evidence_add, name="evidence-add"),
    path(f"{A}evidence/<int:evidence_id>/remove/", evidence.evidence_remove_view, name="evidence-remove"),
    path(f"{A}evidence/<int:evidence_id>/", evidence.evidence_download, name="evidence-download"),
    # Its respondents, their own pages, and the lead's reconciliation.
    path(f"{A}respondents/", respondents.panel, name="assessment-respondents"),
    path(f"{A}respondents/lead/", respondents.panel_lead_view, name="assessment-panel-lead"),
    path(f"{A}respond/", respondents.respondent_resume, name="respondent-resume"),
    path(f"{A}respond/areas/<str:area_key>/", respondents.respondent_area, name="respondent-area"),
    path(f"{A}respond/review/", respondents.respondent_review, name="respondent-review"),
    path(f"{A}respond/submit/", respondents.respondent_submit_view, name="respondent-submit"),
    path(f"{A}disagreements/", respondents.disagreements, name="assessment-disagreements"),
    path(f"{A}reconcile/<str:area_key>/", respondents.reconcile_area, name="assessment-reconcile"),
    # Its results, roadmap, downloads, change log, and roadmap items added to the plan.
    path(A, results.results, name="assessment-results"),
    path(f"{A}roadmap/", results.roadmap, name="assessment-roadmap"),
    path(f"{A}export.json", results.export_json, name="assessment-export-json"),
    path(f"{A}export.csv", results.export_csv, name="assessment-export-csv"),
    path(f"{A}report.pdf", pdf.assessment_pdf, name="assessment-pdf"),
    path(f"{A}changes/", changes.assessment_changes, name="assessment-changes"),
    # Against the frameworks (the crosswalk): the page and its exports.
    path(f"{A}frameworks/", crosswalks.assessment_crosswalks, name="assessment-frameworks"),
    path(f"{A}frameworks.csv", crosswalks.assessment_crosswalks_csv, name="assessment-frameworks-csv"),
    path(f"{A}frameworks.json", crosswalks.assessment_crosswalks_json, name="assessment-frameworks-json"),
    path(f"{A}plan/add/", plan.plan_add, name="assessment-plan-add"),
    # A questionnaire version's practices.
    path(
        "questionnaires/<int:version_id>/practices/<str:practice_key>/",
        results.practice_detail,
        name="practice-detail",
    ),
    # The executive's portfolio and its PDFs.
    path("portfolio/", portfolio.portfolio, name="portfolio"),
    path("portfolio/teams/", portfolio.portfolio_teams, name="portfolio-teams"),
    path("portfolio/frameworks/", crosswalks.portfolio_crosswalks, name="portfolio-frameworks"),
    path("portfolio/frameworks.csv", crosswalks.portfolio_crosswalks_csv, name="portfolio-frameworks-csv"),
    path("portfolio/report.pdf", pdf.portfolio_pdf, name="portfolio-pdf"),
    path("portfolio/divisions/<int:division_id>/report.pdf", pdf.division_pdf, name="division-pdf"),
]
