"""Against the frameworks: one assessment's crosswalk page and exports, and the portfolio per framework.

docs/questionnaire-format.md, section 7 (the rules); docs/results-and-exports.md (the exports). The pages
show what the answers imply; an audit needs evidence as well (EVIDENCE_NOTE says so on each).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment.access import assessment_for_user
from assessment.exports.crosswalks import frameworks_to_csv, frameworks_to_dict, portfolio_framework_to_csv
from assessment.presentation import export_file_name
from assessment.selectors.crosswalks import (
    EVIDENCE_NOTE,
    assessment_frameworks,
    portfolio_framework,
    portfolio_framework_keys,
)
from assessment.selectors.portfolio import latest_in_scope
from assessment.selectors.results import assessment_results
from assessment.views.portfolio import portfolio_scope
from assessment.views.results import download


@login_required
@require_safe
def assessment_crosswalks(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    results = assessment_results(assessment)
    frameworks = assessment_frameworks(results, with_evidence=True)
    chosen = request.GET.get("framework", "")
    views = frameworks.frameworks
    current = frameworks.framework(chosen) if chosen else (views[0] if views else None)
    if chosen and current is None:
        raise Http404("This assessment's crosswalk has no such framework.")
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
        },
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
    chosen = request.GET.get("framework", "")
    titles = dict(keys)
    if chosen and chosen not in titles:
        raise Http404("No team in this portfolio was measured against such a framework.")
    key = chosen or (keys[0][0] if keys else "")
    framework = portfolio_framework(team_filter, key, titles[key]) if key else None
    return scope, keys, framework


@login_required
@require_safe
def portfolio_crosswalks(request):
    scope, keys, framework = _portfolio_choice(request)
    return render(
        request,
        "assessment/portfolio_crosswalks.html",
        {
            "agency": scope.agency,
            "limited": scope.division_ids is not None,
            "keys": keys,
            "framework": framework,
            "evidence_note": EVIDENCE_NOTE,
        },
    )


@login_required
@require_safe
def portfolio_crosswalks_csv(request):
    _scope, _keys, framework = _portfolio_choice(request)
    if framework is None:
        raise Http404("No team in this portfolio was measured against a framework yet.")
    return download(
        "\ufeff" + portfolio_framework_to_csv(framework),
        "text/csv; charset=utf-8",
        f"portfolio-{framework.key}.csv",
    )
