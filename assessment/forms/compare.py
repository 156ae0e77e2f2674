"""The choice of two assessments of a team to compare."""

from django import forms
from django.utils.timezone import localtime


class CompareForm(forms.Form):
    before = forms.TypedChoiceField(coerce=int, label="Earlier assessment")
    after = forms.TypedChoiceField(coerce=int, label="Later assessment")

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(a.pk, f"{a.title} ({_day(a.submitted_at)})") for a in assessments]
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


def _day(moment) -> str:
    """The local day as the pages write it: "8 Sep 2026"."""
    day = localtime(moment)
    return f"{day.day} {day:%b %Y}"
