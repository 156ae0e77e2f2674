"""The API's documentation page (Swagger UI from drf-spectacular-sidecar): it loads and shows every endpoint,
with nothing asked from another host and nothing blocked by the Content-Security-Policy (the `page`
fixture fails on either)."""

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db


def test_it_shows_the_api_docs_from_the_server_alone(page, live_server):
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(live_server.url + reverse("api-docs"))
    assert response is not None and response.status == 200
    assert "script-src" in (response.headers.get("content-security-policy") or "")
    page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=15_000)
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert "/api/v1/assessments/{assessment_id}/" in [p.replace("\u200b", "") for p in paths]
    assert any(url.endswith(reverse("api-schema")) or "/schema/" in url for url in page.request_log.urls)
    assert not violations, violations
    # Swagger UI's own colours fail AA contrast; static/css/api-docs.css darkens them.
    assert_accessible(page)
