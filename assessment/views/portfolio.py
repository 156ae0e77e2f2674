"""The executive portfolio: divisions side by side, then a division's teams. Executives only."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment.access import agency_for_executive
from assessment.forms.portfolio import PortfolioTeamsForm
from assessment.selectors.evidence import expired_evidence_in_agency
from assessment.selectors.portfolio import (
    PortfolioScope,
    TeamFilter,
    agency_portfolio,
    division_teams,
    portfolio_inputs,
    portfolio_plans,
    team_columns,
)


def portfolio_scope(user) -> PortfolioScope:
    """The executive's agency and divisions; to anyone else the page does not exist."""
    agency, division_ids = agency_for_executive(user)
    return PortfolioScope(agency=agency, division_ids=division_ids)


@login_required
@require_safe
def portfolio(request):
    scope = portfolio_scope(request.user)
    inputs = portfolio_inputs(scope)
    return render(
        request,
        "assessment/portfolio.html",
        {
            "portfolio": agency_portfolio(scope, inputs),
            "limited": scope.division_ids is not None,
            "plans": portfolio_plans(scope, inputs.stamp),
            "expired_evidence": expired_evidence_in_agency(scope.agency, scope.division_ids),
        },
    )


@login_required
@require_safe
def portfolio_teams(request):
    scope = portfolio_scope(request.user)
    questionnaire = team_columns(scope)
    form = PortfolioTeamsForm(request.GET, divisions=scope.divisions(), questionnaire=questionnaire)
    selected = TeamFilter()
    if form.is_valid():
        data = form.cleaned_data
        selected = TeamFilter(
            division=data["division"] or "",
            name=data["name"].strip(),
            area=data["area"] or "",
            below=data["below"],
            tag=data.get("tag") or "",
            without_submitted=data["without"],
            sort=data["sort"] or "name",
            page=data["page"] or 1,
        )
    page = division_teams(scope, selected, questionnaire)
    division = None
    if selected.division.isdigit():
        division = scope.divisions().filter(pk=int(selected.division)).first()
    status = 200 if form.is_valid() else 400
    return render(
        request,
        "assessment/portfolio_teams.html",
        {"agency": scope.agency, "form": form, "teams": page, "selected": selected, "division": division},
        status=status,
    )
