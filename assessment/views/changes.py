"""The change log of an assessment's answers."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from assessment.access import assessment_for_user, panel_access
from assessment.selectors.changes import answer_changes

CHANGES_PER_PAGE = 100


@login_required
def assessment_changes(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    with_respondents = panel_access(request.user, assessment).may_see_responses
    page = Paginator(answer_changes(assessment, with_respondents=with_respondents), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessment/changes.html",
        {"assessment": assessment, "can_write": can_write, "page": page, "questionnaire": assessment.questionnaire},
    )
