"""Every link the admin shows a team manager or an editor opens: crawled from /admin/ on the demo data.

The crawl follows the links of each page (anchors, the related-object icons of a change form, the
pickers' autocomplete), a few URLs per URL pattern so it stays quick, and fails on a 403, 404 or 500:
a link a user is shown must open (a "view on site" link to a page the user may not read ends in 404).
"""

from collections import Counter
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import Resolver404, resolve

PER_PATTERN = 3
# Links that end the session or change data on GET.
SKIPPED_NAMES = {"admin:logout", "logout"}


class AdminLinks(HTMLParser):
    """The links of one admin page: anchors' hrefs, the related-object icons (their `__fk__` templates
    filled with the selected option) and an autocomplete query for each picker."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.templates: list[tuple[str, str]] = []  # (the select's id, the template)
        self.selected: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            if attributes.get("href"):
                self.links.append(attributes["href"])
            if template := attributes.get("data-href-template"):
                link_id = attributes.get("id") or ""
                self.templates.append(("id_" + link_id.split("_id_", 1)[-1], template))
        elif tag == "select":
            self._select = attributes.get("id")
            if attributes.get("data-ajax--url") and attributes.get("data-field-name"):
                query = {
                    "app_label": attributes.get("data-app-label"),
                    "model_name": attributes.get("data-model-name"),
                    "field_name": attributes["data-field-name"],
                    "term": "",
                }
                self.links.append(f"{attributes['data-ajax--url']}?{urlencode(query)}")
        elif tag == "option" and self._select and "selected" in attributes and attributes.get("value"):
            self.selected.setdefault(self._select, attributes["value"] or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def all_links(self) -> list[str]:
        filled = [
            template.replace("__fk__", self.selected[select_id])
            for select_id, template in self.templates
            if select_id in self.selected
        ]
        return self.links + filled


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name in SKIPPED_NAMES:
        return None
    return match.route + "?" if urlsplit(path).query else match.route


def crawl(client, start="/admin/"):
    """GET the admin's pages from `start`, following links; the refusals and errors as (url, status, from)."""
    seen: set[str] = set()
    per_pattern: Counter = Counter()
    queue = [(start, "(start)")]
    failures = []
    visited = 0
    while queue:
        url, source = queue.pop(0)
        split = urlsplit(url)
        if split.netloc and split.netloc != "testserver":
            continue
        path = split.path + (f"?{split.query}" if split.query else "")
        if path in seen or not split.path.startswith("/"):
            continue
        seen.add(path)
        pattern = pattern_of(split.path + ("?" if split.query else ""))
        if pattern is None or per_pattern[pattern] >= PER_PATTERN:
            continue
        per_pattern[pattern] += 1
        response = client.get(path)
        visited += 1
        if response.status_code in (301, 302):
            queue.insert(0, (urljoin(path, response["Location"]), path))
            continue
        if response.status_code in (403, 404) or response.status_code >= 500:
            failures.append((path, response.status_code, source))
            continue
        if not split.path.startswith("/admin/") or "html" not in response.get("Content-Type", ""):
            continue  # the site's own pages are the isolation tests'; the crawl checks only that they open
        parser = AdminLinks()
        parser.feed(response.content.decode())
        for link in parser.all_links():
            if link.startswith(("#", "javascript:", "mailto:")):
                continue
            queue.append((urljoin(path, link.replace("&amp;", "&")), path))
    return failures, visited


@pytest.fixture
def demo(demo_questionnaire_version, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["manager", "editor"])
def test_every_admin_link_a_manager_or_editor_is_shown_opens(demo, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    failures, visited = crawl(client)
    assert visited > 20, f"the crawl opened only {visited} pages: the admin's links were not followed"
    assert not failures, "\n".join(f"{status} {url}  (linked from {source})" for url, status, source in failures)
