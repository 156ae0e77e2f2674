"""The executive portfolio: the agency's teams side by side. Executives only."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from assessment import models
from assessment.access import executive_agency_id
from assessment.selectors.actions import agency_plan_summary
from assessment.selectors.portfolio import agency_portfolio


@login_required
def portfolio(request):
    agency_id = executive_agency_id(request.user)
    if agency_id is None:
        # Agency data: to anyone but its executives the page does not exist.
        raise Http404("No such page.")
    agency = get_object_or_404(models.Agency, pk=agency_id)
    return render(request, "assessment/portfolio.html", {
        "portfolio": agency_portfolio(agency),
        "plans": agency_plan_summary(agency.pk),
    })
