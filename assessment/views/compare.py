"""Two assessments of a team side by side, reached from the team's history."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessment import models
from assessment.access import team_for_user
from assessment.selectors.compare import assessments_compared


class CompareForm(forms.Form):
    before = forms.TypedChoiceField(coerce=int, label="Earlier assessment")
    after = forms.TypedChoiceField(coerce=int, label="Later assessment")

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(a.pk, f"{a.title} ({a.submitted_at:%d %b %Y})") for a in assessments]
        for name in ("before", "after"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
            field.error_messages["invalid_choice"] = "Choose one of the submitted assessments of this team."

    def clean(self):
        data = super().clean() or {}
        if not self.errors and data["before"] == data["after"]:
            self.add_error("after", "Choose two different assessments.")
        return data


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
