"""Form validators shared by the app's pages and the admin."""

from __future__ import annotations

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
