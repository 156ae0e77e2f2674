"""Form validators, and a field, shared by the app's pages and the admin."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from assessment.domain.text import control_character_words, first_control_character


def one_line_validator(value: str) -> None:
    """Refuse a name, title or link with a line break, tab, NUL or other control character, saying where."""
    found = first_control_character(value or "")
    if found is not None:
        position, ch = found
        raise ValidationError(
            "Remove %(what)s at character %(position)d: this field takes one line of text, "
            "without line breaks, tabs or other control characters.",
            code="control_character",
            params={"what": control_character_words(ch), "position": position},
        )


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses an id longer than a database integer at the field.

    Django looks the ids up with pk__in, which SQLite fails on (OverflowError) for such an id.
    """

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if len(str(pk)) > 18:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(pk)[:20]}
                )
        return super().clean(value)


def link_field(max_length: int, help_text: str, label: str = "Link") -> forms.CharField:
    """An optional web address of one line (http:// or https://, checked by the service), at most `max_length`."""
    return forms.CharField(
        required=False,
        max_length=max_length,
        label=label,
        help_text=help_text,
        widget=forms.URLInput,
        validators=[one_line_validator],
        error_messages={
            "max_length": "Shorten the link to %(limit_value)d characters or fewer (it has %(show_value)d)."
        },
    )
