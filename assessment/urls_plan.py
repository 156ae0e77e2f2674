"""URL patterns of a team's action plan: the plan, one action, adding roadmap items, exports."""

from django.urls import path

from assessment.views import plan

urlpatterns = [
    path("teams/<int:team_id>/plan/", plan.plan_page, name="team-plan"),
    path("teams/<int:team_id>/plan/<int:action_id>/", plan.action_page, name="team-plan-action"),
    path("teams/<int:team_id>/plan.csv", plan.plan_csv, name="team-plan-csv"),
    path("teams/<int:team_id>/plan.ics", plan.plan_ics, name="team-plan-ics"),
    path("assessments/<int:assessment_id>/plan/add/", plan.plan_add, name="assessment-plan-add"),
]
