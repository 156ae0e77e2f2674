"""Against the frameworks: one assessment's crosswalk page and exports, and the portfolio per framework.

docs/questionnaire-format.md, section 7 (the rules); docs/results-and-exports.md (the exports). The pages
show what the answers imply; an audit needs evidence as well (EVIDENCE_NOTE says so on each).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from assessment.access import assessment_for_user
from assessment.exports.crosswalks import frameworks_to_csv, frameworks_to_dict, portfolio_framework_to_csv
from assessment.forms.crosswalks import FrameworkFilterForm
from assessment.presentation import export_file_name
from assessment.selectors.crosswalks import (
    EVIDENCE_NOTE,
    assessment_frameworks,
    portfolio_framework,
    portfolio_framework_keys,
)
from assessment.selectors.portfolio import latest_in_scope
from assessment.selectors.results import assessment_results
from assessment.views.errors import error_page
from assessment.views.portfolio import portfolio_scope
from assessment.views.results import download


@login_required
@require_safe
def assessment_crosswalks(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    results = assessment_results(assessment)
    frameworks = assessment_frameworks(results, with_evidence=True)
    form = FrameworkFilterForm(
        request.GET, frameworks=[(view.framework.id, view.framework.title) for view in frameworks.frameworks]
    )
    # An unknown framework is said at the tabs, over the first one (answered 400, as the portfolio's filters are).
    current = frameworks.framework(form.chosen) if form.chosen else None
    return render(
        request,
        "assessment/crosswalks.html",
        {
            "assessment": assessment,
            "results": results,
            "questionnaire": results.questionnaire,
            "frameworks": frameworks,
            "current": current,
            "evidence_note": EVIDENCE_NOTE,
            "can_write": can_write,
            "framework_problem": form.problem,
        },
        status=400 if form.problem else 200,
    )


@login_required
@require_safe
def assessment_crosswalks_csv(request, assessment_id):
    assessment, _ = assessment_for_user(request.user, assessment_id)
    frameworks = assessment_frameworks(assessment_results(assessment))
    name = export_file_name(assessment, "frameworks.csv")
    return download("\ufeff" + frameworks_to_csv(frameworks), "text/csv; charset=utf-8", name)


@login_required
@require_safe
def assessment_crosswalks_json(request, assessment_id):
    assessment, _ = assessment_for_user(request.user, assessment_id)
    frameworks = assessment_frameworks(assessment_results(assessment))
    body = json.dumps(frameworks_to_dict(frameworks), indent=2, ensure_ascii=False)
    name = export_file_name(assessment, "frameworks.json")
    return download(body, "application/json; charset=utf-8", name)


def _portfolio_choice(request):
    scope = portfolio_scope(request.user)
    team_filter = latest_in_scope(scope, "summary__")
    keys = portfolio_framework_keys(team_filter)
    form = FrameworkFilterForm(request.GET, frameworks=keys)
    key = form.chosen
    framework = portfolio_framework(team_filter, key, dict(keys)[key]) if key else None
    return scope, keys, framework, form.problem


@login_required
@require_safe
def portfolio_crosswalks(request):
    scope, keys, framework, problem = _portfolio_choice(request)
    return render(
        request,
        "assessment/portfolio_crosswalks.html",
        {
            "agency": scope.agency,
            "limited": scope.division_ids is not None,
            "keys": keys,
            "framework": framework,
            "evidence_note": EVIDENCE_NOTE,
            "framework_problem": problem,
        },
        status=400 if problem else 200,
    )


@login_required
@require_safe
def portfolio_crosswalks_csv(request):
    _scope, _keys, framework, problem = _portfolio_choice(request)
    if problem:
        back = (reverse("portfolio-frameworks"), "Go to the portfolio against the frameworks")
        message = "Nothing was downloaded: the address names a framework this portfolio was not measured against."
        return error_page(request, 400, "No such framework", message, back=back, problems=[problem])
    if framework is None:
        raise Http404("No team in this portfolio was measured against a framework yet.")
    return download(
        "\ufeff" + portfolio_framework_to_csv(framework),
        "text/csv; charset=utf-8",
        f"portfolio-{framework.key}.csv",
    )
