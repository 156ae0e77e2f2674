"""Single sign-on in Chromium: through the test provider's own login page onto the right team, and out of both.

The provider is the real one from tests/oidc_provider, started for the session.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessment import models
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def benefits_mapping(db):
    agency = models.Agency.objects.create(name="Department of Benefits")
    team = models.Team.objects.create(agency=agency, name="Benefits Analytics", slug="benefits-analytics")
    models.Team.objects.create(agency=agency, name="Fraud Detection", slug="fraud-detection")
    models.ProviderGroupMapping.objects.create(claim_value="ml-benefits-members", team=team, role="member")
    return team


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_it_signs_in_through_the_provider_onto_the_team_and_out_of_both(
    request, javascript, live_server, sso_on, benefits_mapping
):
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    sso_on.setup(
        redirect_hosts=[live_server.url],
        users=[
            {
                "username": "bea",
                "name": "Bea Benefits",
                "email": "bea@agency.example",
                "groups": ["ml-benefits-members"],
            }
        ],
    )
    page.request_log.also_allowed.add(sso_on.origin)

    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with Test Agency ID").click()
    page.wait_for_url(f"{sso_on.origin}/accounts/login/**")
    page.get_by_label("Provider username").fill("bea")
    page.get_by_label("Provider password").fill("bea-provider-password")
    page.get_by_role("button", name="Sign in to the provider").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Signed in as Bea Benefits")).to_be_visible()
    expect(page.get_by_role("heading", name="Benefits Analytics")).to_be_visible()
    expect(page.get_by_role("link", name="Start a new assessment for Benefits Analytics")).to_be_visible()
    assert page.get_by_text("Fraud Detection").count() == 0
    assert_accessible(page)
    user = get_user_model().objects.get(username="bea")
    assert list(user.memberships.values_list("team__slug", "role", "source")) == [
        ("benefits-analytics", "member", "provider")
    ]

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    # Signed out of the provider too: starting again asks for the provider password again.
    page.get_by_role("link", name="Sign in with Test Agency ID").click()
    page.wait_for_url(f"{sso_on.origin}/accounts/login/**")
    expect(page.get_by_label("Provider password")).to_be_visible()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/login/**")
    # A provider's refusal gets a page in the site's layout that passes axe too.
    page.goto(f"{live_server.url}/sso/callback/?error=access_denied&state=unknown")
    expect(page.get_by_role("heading", name="Sign-in was not completed")).to_be_visible()
    assert_accessible(page)
