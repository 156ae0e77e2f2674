"""What the content models share: the id validator and the copy of domain fields."""

from typing import Any

from django.core.validators import RegexValidator
from django.db import models

key_validator = RegexValidator(r"^[a-z0-9-]+$", "Use lowercase letters, digits and hyphens only.")
tags_validator = RegexValidator(
    r"^([a-z0-9-]+( [a-z0-9-]+)*)?$", "Give tags separated by single spaces, each of lowercase letters, digits and -."
)


def tags_text(tags: tuple[str, ...]) -> str:
    """A list of tags as stored: one line, separated by spaces."""
    return " ".join(tags)


def tags_of(text: str) -> tuple[str, ...]:
    """The tags a stored line holds, in its order."""
    return tuple(text.split())


def domain_fields(source: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The `names` read off `source`: fields a content table stores as its domain dataclass names them.

    Each content model lists those fields in DOMAIN_FIELDS, so the loader (rows from
    the dataclasses) and the rebuild (dataclasses from the rows) copy the same ones.
    """
    return {name: getattr(source, name) for name in names}


def choice_iff_kind_choice(name: str) -> models.CheckConstraint:
    """An answer of kind "choice" names its choice, and no other kind does."""
    return models.CheckConstraint(
        condition=(
            models.Q(kind="choice", choice__isnull=False) | ~models.Q(kind="choice") & models.Q(choice__isnull=True)
        ),
        name=name,
    )
