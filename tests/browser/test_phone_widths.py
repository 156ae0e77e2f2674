"""No page scrolls sideways on a phone (issue 30 point 3), with axe on each page.

As each demo persona, at 390 px wide, follow the links from the home page (at most
three URLs per URL name, so it stays quick) and fail when a page is wider than the
screen: a table too wide for the screen scrolls inside its own box, never the page.
"""

import io
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.browser.conftest import _check_requests, _new_page, assert_accessible, login
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

WIDTH = 390
PER_URL_NAME = 3
# Downloads (the API's OpenAPI schema is one, an evidence file another) and pages that are not the app's:
# not followed.
SKIP = re.compile(r"^/(admin|static|logout|sso)/|^/api/v1/schema/|\.(csv|ics|json|pdf)$|/pdf/|/export|/evidence/\d+/$")
PERSONAS = ["executive", "benefits-lead", "benefits-viewer", "citizen-lead", "fraud-viewer"]


@pytest.fixture
def demo(settings, tmp_path, monkeypatch, demo_questionnaire_version):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("seed_demo", stdout=io.StringIO())


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).url_name
    except Resolver404:
        return None


@pytest.mark.parametrize("username", PERSONAS)
def test_no_page_a_persona_reaches_is_wider_than_a_phone(browser, request, live_server, demo, username):
    context, page = _new_page(browser, request, viewport={"width": WIDTH, "height": 844}, is_mobile=True)
    login(page, live_server, get_user_model().objects.get(username=username))
    queue, seen, per_name, too_wide = ["/"], set(), Counter(), []
    while queue:
        path = queue.pop(0)
        name = url_name(path)
        if path in seen or name is None or per_name[name] >= PER_URL_NAME:
            continue
        seen.add(path)
        per_name[name] += 1
        response = page.goto(live_server.url + path)
        assert response is not None and response.status < 500, path
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide.append(f"{path}: {width} px")
        assert_accessible(page)
        for href in page.eval_on_selector_all(
            "main a[href], nav a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            href = href.split("#")[0]
            if href.startswith("/") and not SKIP.search(urlsplit(href).path) and href not in seen:
                queue.append(href)
    context.close()
    _check_requests(page)
    assert len(seen) > 10, f"only {len(seen)} pages reached: {sorted(seen)}"
    assert not too_wide, f"Pages wider than {WIDTH} px as {username}:\n" + "\n".join(too_wide)
