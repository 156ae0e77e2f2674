"""The form that makes a personal access token. It only checks what was posted; the service writes."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from assessment.services.api_tokens import MAX_LIFETIME_DAYS, NAME_MAX_LENGTH, ApiTokenInvalid, api_token_input_check
from assessment.validators import one_line_validator

DEFAULT_LIFETIME_DAYS = 90


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        label="Name",
        help_text="What uses the token, for example “Power BI readiness dashboard”.",
        validators=[one_line_validator],
        error_messages={
            "required": "Give the token a name, for example the dashboard that uses it.",
            "max_length": "Shorten the name to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )
    expires_on = forms.DateField(
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=(
            "Pick the day in the calendar, or type it in the order your browser shows; "
            f"at most {MAX_LIFETIME_DAYS} days from today. The token stops working that day."
        ),
        error_messages={
            "required": "Choose the day the token expires.",
            "invalid": "Enter a real date for the expiry.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=DEFAULT_LIFETIME_DAYS)

    def clean(self):
        data = super().clean() or {}
        if "name" in data and "expires_on" in data:
            try:
                api_token_input_check(name=data["name"], expires_on=data["expires_on"], today=timezone.localdate())
            except ApiTokenInvalid as refused:
                self.add_error(refused.field, str(refused))
        return data
