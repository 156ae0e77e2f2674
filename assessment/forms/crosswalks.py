"""The framework filter of the pages against the frameworks (a GET parameter, `?framework=<key>`)."""

from __future__ import annotations

from django import forms


class FrameworkFilterForm(forms.Form):
    """One framework of those the page offers; anything else is an error naming the ones there are.

    Empty or absent: the first framework. The chosen key is `chosen` once the form is valid.
    """

    framework = forms.ChoiceField(label="Framework", required=False)

    def __init__(self, data, *, frameworks: list[tuple[str, str]]):
        super().__init__(data)
        field = self.fields["framework"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The first framework"), *frameworks]
        offered = "; ".join(f"{title} ({key})" for key, title in frameworks).replace("%", "%%")
        field.error_messages["invalid_choice"] = (
            f"There is no framework “%(value)s” here; choose one of: {offered}."
            if frameworks
            else "There is no framework “%(value)s” here: nothing on this page was measured against a framework yet."
        )
        self.first = frameworks[0][0] if frameworks else ""

    @property
    def chosen(self) -> str:
        """The framework to show: the one asked for when valid, else the first (the error says why)."""
        if self.is_valid():
            return self.cleaned_data["framework"] or self.first
        return self.first

    @property
    def problem(self) -> str:
        return " ".join(str(error) for error in self.errors.get("framework", []))
