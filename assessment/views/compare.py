"""Two assessments of a team side by side, reached from the team's history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment import models
from assessment.access import team_for_user
from assessment.forms.compare import CompareForm
from assessment.selectors.compare import assessments_compared


@login_required
def team_compare(request, team_id):
    team, _can_write = team_for_user(request.user, team_id)
    assessments = list(
        models.Assessment.objects.filter(team=team, status=models.Assessment.SUBMITTED)
        .select_related("team", "questionnaire")
        .order_by("submitted_at", "pk")
    )
    if "before" in request.GET or "after" in request.GET:
        data = request.GET
    elif len(assessments) >= 2:  # the two latest, by default
        data = {"before": str(assessments[-2].pk), "after": str(assessments[-1].pk)}
    else:
        data = None
    form = CompareForm(data, assessments=assessments)
    comparison = None
    if form.is_bound and form.is_valid():
        by_pk = {a.pk: a for a in assessments}
        before, after = by_pk[form.cleaned_data["before"]], by_pk[form.cleaned_data["after"]]
        if (before.submitted_at, before.pk) > (after.submitted_at, after.pk):
            before, after = after, before
        comparison = assessments_compared(before, after)
    return render(
        request,
        "assessment/compare.html",
        {"team": team, "form": form, "comparison": comparison, "enough": len(assessments) >= 2},
        status=400 if form.is_bound and form.errors else 200,
    )
