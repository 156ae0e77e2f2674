"""Work a web worker does once when it starts, so its first request is as fast as the next.

Django imports the URL configuration (every view, the PDF engine among them)
and compiles templates on first use; without this, the first visitor after a
restart or a worker recycle pays for it (bench/portfolio.py measures that first
view). Called from config/wsgi.py, before the worker takes requests.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver

# The pages people open first; their partials and base layout compile with them.
TEMPLATE_FOLDERS = ["assessment"]


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    directories: list[str] = list(settings.TEMPLATES[0]["DIRS"])  # type: ignore[call-overload]
    for folder in TEMPLATE_FOLDERS:
        for directory in directories:
            for path in sorted((Path(directory) / folder).glob("*.html")):
                get_template(f"{folder}/{path.name}")
