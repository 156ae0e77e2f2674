"""The portfolio's team list filters."""

from __future__ import annotations

from django import forms

from assessment.domain import model as domain


def tag_choices(questionnaire: domain.Questionnaire | None) -> list[tuple[str, str]]:
    """The tags of a format 2 profile, each with the answers that give it ("genai: Generative AI, Both")."""
    givers: dict[str, list[str]] = {}
    for question in questionnaire.profile if questionnaire else ():
        for choice in question.choices:
            for tag in choice.tags:
                givers.setdefault(tag, []).append(choice.text)
    return [(tag, f"{tag}: {', '.join(texts)}") for tag, texts in sorted(givers.items())]


# The columns the team list sorts by (selectors.portfolio.division_teams), besides each area's "area:<id>".
SORT_COLUMNS = ("name", "division", "overall", "submitted")


class PortfolioTeamsForm(forms.Form):
    """The portfolio team page's search, filters and sort (a GET form: works without JavaScript)."""

    division = forms.ChoiceField(label="Division", required=False)
    name = forms.CharField(label="Team name contains", required=False, max_length=200)
    area = forms.ChoiceField(label="Area", required=False)
    below = forms.TypedChoiceField(label="Below level", required=False, coerce=int, empty_value=None)
    tag = forms.ChoiceField(label="Profile tag", required=False)
    without = forms.BooleanField(label="Only teams with no submitted assessment", required=False)
    sort = forms.CharField(label="Sort", required=False, max_length=120, widget=forms.HiddenInput)
    page = forms.IntegerField(label="Page", required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, divisions, questionnaire: domain.Questionnaire | None):
        super().__init__(data)
        areas = questionnaire.areas if questionnaire else ()
        self.sort_columns = {*SORT_COLUMNS, *(f"area:{a.id}" for a in areas)}
        levels = [level.level for level in questionnaire.scale] if questionnaire else []
        choices = {
            "division": [
                ("", "All divisions"),
                *[(str(d.pk), d.name) for d in divisions],
                ("none", "Not in a division"),
            ],
            "area": [("", "Any area"), *[(a.id, a.title) for a in areas]],
            "below": [("", "Any level"), *[(str(n), str(n)) for n in levels[1:]]],
            "tag": [("", "Any tag"), *tag_choices(questionnaire)],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options
        if len(choices["tag"]) == 1:  # format 1: no profile, no tags to filter by
            del self.fields["tag"]
        for name in ("division", "area", "below", "tag"):
            if name not in self.fields:
                continue
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["name"].widget.attrs["class"] = "form-control"
        self.fields["without"].widget.attrs["class"] = "form-check-input"
        for name, field in self.fields.items():
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}-error"

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        if sort and sort.removeprefix("-") not in self.sort_columns:
            raise forms.ValidationError(
                f"sort by one of the table's column headings; “{sort[:40]}” is not one of them.", code="invalid"
            )
        return sort

    def clean(self):
        data = super().clean() or {}
        if data.get("below") is not None and not data.get("area"):
            self.add_error("area", "Choose the area the level applies to.")
        if data.get("area") and data.get("below") is None and not self.has_error("below"):
            self.add_error("below", "Choose the level the teams are below.")
        return data
