"""Fixtures for browser tests: Debian's Chromium driven by Playwright, axe-core checks,
and a guard that no page asks anything from another host.

Use pytest-django's `live_server` in each test and create the data inside the
test: live_server flushes the tables between tests.

    @pytest.mark.browser
    def test_it_works(page, live_server, member):
        login(page, live_server, member)
        assert_accessible(page)
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told this is fine (tests only).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The admin walk adds WCAG 2.2 AA and axe's best practices.
AXE_TAGS_STRICT = [*AXE_TAGS, "wcag22aa", "best-practice"]
# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)  # every browser test starts Chromium and a live server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (make test-system-deps).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class RequestLog:
    """Every URL the page asked for, to prove that nothing comes from another host."""

    def __init__(self):
        self.urls: list[str] = []
        self.allowed_origin: str | None = None
        self.also_allowed: set[str] = set()  # another local server a journey visits (the test identity provider)
        self.csp_violations: list[str] = []

    def record(self, request):
        self.urls.append(request.url)

    def record_console(self, message):
        # Chromium reports what the Content-Security-Policy blocked (inline style or script) here.
        # Scripts run through page.evaluate (axe-core) have no URL: what they do is not the page's.
        if "Content Security Policy" in message.text and message.location.get("url"):
            self.csp_violations.append(f"{message.location['url']}: {message.text}")

    def foreign(self) -> list[str]:
        bad = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            origin = f"{parts.scheme}://{parts.netloc}"
            if (self.allowed_origin is None or origin != self.allowed_origin) and origin not in self.also_allowed:
                bad.append(url)
        return bad


def _new_page(browser, request, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log = RequestLog()
    page.on("request", log.record)
    page.on("console", log.record_console)
    page.request_log = log
    page.js_enabled = context_options.get("java_script_enabled", True)
    if "live_server" in request.fixturenames:
        log.allowed_origin = _origin(request.getfixturevalue("live_server").url)
    return context, page


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _check_requests(page):
    foreign = page.request_log.foreign()
    assert not foreign, "The page asked for something from another host:\n" + "\n".join(foreign)
    blocked = page.request_log.csp_violations
    assert not blocked, "The Content-Security-Policy blocked part of the page:\n" + "\n".join(blocked)


@pytest.fixture
def page(browser, request):
    """A fresh context and page per test; fails at teardown if any request left the live server."""
    context, page = _new_page(browser, request)
    yield page
    context.close()
    _check_requests(page)


@pytest.fixture
def page_without_js(browser, request):
    """Like `page`, with JavaScript disabled: every journey must work without it."""
    context, page = _new_page(browser, request, java_script_enabled=False)
    yield page
    context.close()
    _check_requests(page)


def login(page, live_server, user, password=PASSWORD):
    """Log in through the real login form and wait for the home page."""
    page.request_log.allowed_origin = _origin(live_server.url)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def format_violations(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(str(t) for t in node['target'])}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def axe_violations(page, *, context=None, tags=AXE_TAGS) -> list[dict]:
    """axe-core's violations of the rules tagged `tags` on the current page (or the `context` selector)."""
    # A page still loading after a click has no `context` yet (CI on a loaded machine): wait for it first.
    page.wait_for_load_state()
    if context:
        page.wait_for_selector(context)
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async ([context, tags]) => {
            const r = await axe.run(context || document, {runOnly: {type: 'tag', values: tags}});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))
            }))};
        }""",
        [context, tags],
    )
    return result["violations"]


def assert_accessible(page, *, context=None, tags=AXE_TAGS, allow=()):
    """Run axe-core's WCAG 2.1 A/AA rules (or those tagged `tags`) on the current page; fail with a readable list.

    `allow`: ids of axe rules whose violations a test accepts, with its reasons.

    Also fails when anything the page asked for so far came from another host, or
    when the Content-Security-Policy blocked an inline style or script.
    A page with JavaScript disabled cannot run axe; only the host check applies.
    """
    _check_requests(page)
    if not getattr(page, "js_enabled", True):
        return
    violations = [v for v in axe_violations(page, context=context, tags=tags) if v["id"] not in allow]
    assert not violations, f"Accessibility violations on {page.url}:\n{format_violations(violations)}"
