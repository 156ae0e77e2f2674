"""Tiny helpers that read settings from the environment.

Every value may also come from a file named by `<NAME>_FILE`, so that secrets
can be mounted rather than put in the environment.

A value the helpers cannot read stops start-up with an error naming the
variable and what it accepts: a typo such as `SECURE_SSL=flase` must not
quietly turn a security setting off.
"""

import os
from typing import overload

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...


def env(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        with open(file_name, encoding="utf-8") as handle:
            return handle.read().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value. Use one of {', '.join(TRUE_WORDS)} for yes, "
        f"{', '.join(FALSE_WORDS)} for no, or leave {name} unset for the default "
        f"({'yes' if default else 'no'})."
    )


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number from the environment; below `minimum` (when given) is refused, naming the least allowed."""
    value = env(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a whole number. Give digits only, or leave {name} unset for the default "
            f"({default})."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"{name}={value!r} is too small: give {minimum} or more, or leave {name} unset for the default ({default})."
        )
    return number


def envlist(name: str, default: str = "") -> list[str]:
    value = env(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]
