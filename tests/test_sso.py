"""Single sign-on against a real OpenID Connect provider (tests/oidc_provider), not a mock.

The provider runs as a subprocess for the session (tests/sso_helpers.py); the
application's side runs in the Django test client, the provider's login page is
driven over HTTP. Bad ID tokens come from the provider itself, made bad on
purpose for particular users (tests/oidc_provider/validators.py).
"""

import logging
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from assessment import models
from tests.helpers import PASSWORD, make_user
from tests.sso_helpers import (
    CLIENT_SECRET,
    REPO,
    provider_callback_url,
    settings_from_environment,
    sso_environment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def benefits(agency):
    return models.Team.objects.create(agency=agency, name="Benefits Analytics", slug="benefits-analytics")


@pytest.fixture
def mappings(benefits, team, agency):
    editors = Group.objects.get(name="Questionnaire editors")
    return [
        models.ProviderGroupMapping.objects.create(claim_value="ml-benefits-members", team=benefits, role="member"),
        models.ProviderGroupMapping.objects.create(claim_value="ml-benefits-viewers", team=benefits, role="viewer"),
        models.ProviderGroupMapping.objects.create(claim_value="ml-platform-viewers", team=team, role="viewer"),
        models.ProviderGroupMapping.objects.create(claim_value="ml-executives", executive_agency=agency),
        models.ProviderGroupMapping.objects.create(claim_value="ml-editors", admin_group=editors),
    ]


def sign_in(client, provider, username, **user):
    provider.setup(users=[{"username": username, **user}])
    return client.get(provider_callback_url(client, provider, username))


def user_of(username):
    return get_user_model().objects.get(provider_identity__subject__isnull=False, username=username)


def test_it_signs_in_a_new_user_onto_the_mapped_team(sso_on, mappings, benefits):
    client = Client()
    response = sign_in(
        client,
        sso_on,
        "bea",
        name="Bea Benefits",
        email="bea@agency.example",
        groups=["ml-benefits-members", "unrelated-group"],
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = user_of("bea")
    assert (user.first_name, user.last_name, user.email) == ("Bea", "Benefits", "bea@agency.example")
    assert not user.has_usable_password()
    membership = models.Membership.objects.get(user=user)
    assert (membership.team, membership.role, membership.source) == (benefits, "member", models.SOURCE_PROVIDER)
    assert user.provider_identity.groups == ["ml-benefits-members", "unrelated-group"]
    home = client.get("/")
    assert home.status_code == 200 and b"Benefits Analytics" in home.content
    assert 9.9 * 3600 < client.session.get_expiry_age() <= 10 * 3600


def test_it_gives_the_strongest_role_when_two_groups_map_to_one_team(sso_on, mappings, benefits):
    sign_in(Client(), sso_on, "both", groups=["ml-benefits-viewers", "ml-benefits-members"])
    assert models.Membership.objects.get(user=user_of("both"), team=benefits).role == "member"


def test_it_removes_the_team_when_the_group_was_removed(sso_on, mappings, benefits, team, other_team):
    sign_in(Client(), sso_on, "leaver", groups=["ml-benefits-members", "ml-platform-viewers"])
    user = user_of("leaver")
    models.Membership.objects.create(user=user, team=other_team, role="member")  # set by hand
    assert set(user.teams.values_list("slug", flat=True)) == {"benefits-analytics", "data-platform", "other-team"}

    client = Client()
    sign_in(client, sso_on, "leaver", groups=["ml-platform-viewers"])
    assert set(user.teams.values_list("slug", flat=True)) == {"data-platform", "other-team"}
    assert models.Membership.objects.get(user=user, team=other_team).source == models.SOURCE_MANUAL
    assert client.get(f"/teams/{benefits.pk}/assessments/new/").status_code == 404


def test_it_keeps_a_membership_set_by_hand_as_it_is(sso_on, mappings, benefits):
    sign_in(Client(), sso_on, "hand", groups=["ml-benefits-viewers"])
    hand = user_of("hand")
    models.Membership.objects.filter(user=hand).update(role="member", source=models.SOURCE_MANUAL)
    sign_in(Client(), sso_on, "hand", groups=[])
    membership = models.Membership.objects.get(user=hand)
    assert (membership.role, membership.source) == ("member", models.SOURCE_MANUAL)


def test_it_grants_and_takes_back_the_executive_and_editor_roles(sso_on, mappings, agency):
    sign_in(Client(), sso_on, "erin", groups=["ml-executives", "ml-editors"])
    user = user_of("erin")
    assert user.executive.agency == agency and user.executive.source == models.SOURCE_PROVIDER
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == ["Questionnaire editors"]
    assert not user.is_superuser

    sign_in(Client(), sso_on, "erin", groups=[])
    user.refresh_from_db()
    assert not models.Executive.objects.filter(user=user).exists()
    assert not user.is_staff and not user.groups.exists()


def test_it_keeps_an_admin_group_given_by_hand(sso_on, mappings):
    sign_in(Client(), sso_on, "ed", groups=["ml-editors"])
    user = user_of("ed")
    managers = Group.objects.get(name="Team managers")
    user.groups.add(managers)
    sign_in(Client(), sso_on, "ed", groups=[])
    assert list(user.groups.all()) == [managers]


def test_it_never_takes_over_a_local_account_with_the_same_name(sso_on, mappings):
    local = make_user("bea", email="bea@agency.example")
    sign_in(Client(), sso_on, "bea", email="bea@agency.example", groups=["ml-benefits-members"])
    signed_in = get_user_model().objects.get(provider_identity__isnull=False)
    assert signed_in != local and signed_in.username == "bea-2"
    assert not local.memberships.exists()


@pytest.mark.parametrize("defect", ["wrong-issuer", "wrong-audience", "expired", "tampered-signature"])
def test_it_refuses_a_bad_id_token(sso_on, mappings, defect, caplog):
    client = Client()
    response = sign_in(client, sso_on, f"eve-{defect}", groups=["ml-benefits-members"], defect=defect)
    assert response.status_code == 403
    assert b"Sign-in could not be verified" in response.content
    assert "_auth_user_id" not in client.session
    assert not models.ProviderIdentity.objects.exists() and not models.Membership.objects.exists()
    expected = {
        "wrong-issuer": "Invalid issuer",
        "wrong-audience": "Audience doesn't match",
        "expired": "Signature has expired",
        "tampered-signature": "Signature verification failed",
    }[defect]
    assert expected in caplog.text


def test_it_refuses_a_replayed_state(sso_on, mappings):
    client = Client()
    sso_on.setup(users=[{"username": "replay", "groups": ["ml-benefits-members"]}])
    callback = provider_callback_url(client, sso_on, "replay")
    assert client.get(callback).status_code == 302
    client.post("/logout/")
    again = client.get(callback)
    assert again.status_code == 400 and b"This sign-in link has expired" in again.content
    assert "_auth_user_id" not in client.session
    # Another browser (an attacker who saw the address) cannot use it either.
    stranger = Client()
    assert stranger.get(callback).status_code == 400
    assert "_auth_user_id" not in stranger.session


def test_it_explains_a_provider_error(sso_on):
    client = Client()
    start = client.get("/sso/start/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(
        "/sso/callback/", {"error": "access_denied", "error_description": "Call 555-0100", "state": state}
    )
    assert response.status_code == 403
    assert b"Sign-in was not completed" in response.content and b"access_denied" in response.content
    assert b"555-0100" not in response.content  # the provider's free text is not shown
    # The state is spent: a code for it later is refused.
    later = client.get("/sso/callback/", {"code": "x", "state": state})
    assert later.status_code == 400
    odd = client.get("/sso/callback/", {"error": "<script>", "state": "nope"})
    assert odd.status_code == 400 and b"<script>" not in odd.content
    assert client.get("/sso/callback/").status_code == 400


def test_it_says_so_when_the_provider_cannot_be_reached(sso_on, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.OIDC_ISSUER = f"http://127.0.0.1:{closed_port}/o"
    settings.OIDC_TIMEOUT = 2
    response = Client().get("/sso/start/")
    assert response.status_code == 502
    assert b"The sign-in service cannot be reached" in response.content


def test_it_signs_out_at_the_provider_too(sso_on, mappings):
    client = Client()
    sign_in(client, sso_on, "leaving", groups=["ml-benefits-members"])
    id_token = client.session["oidc_id_token"]
    response = client.post("/logout/")
    assert response.status_code == 302
    end = urlsplit(response["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{sso_on.issuer}/logout/"
    query = parse_qs(end.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert "_auth_user_id" not in client.session


def test_it_signs_out_a_password_user_here_only(sso_on, member):
    client = Client()
    client.force_login(member)
    response = client.post("/logout/")
    assert response["Location"] == "/login/"


def test_it_shows_no_secret_or_token_in_logs_or_pages(sso_on, mappings, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    response = sign_in(client, sso_on, "quiet", groups=["ml-benefits-members"])
    assert response.status_code == 302
    id_token = client.session["oidc_id_token"]
    pages = [client.get("/").content.decode(), client.get("/login/").content.decode()]
    for text in [caplog.text, *pages]:
        assert CLIENT_SECRET not in text
        assert id_token not in text and id_token.split(".")[2] not in text
    assert "single sign-on: new account quiet; joined benefits-analytics as member" in caplog.text


def test_the_login_page_offers_the_provider_and_works_without_javascript(sso_on):
    page = Client().get("/login/?next=/teams/")
    html = page.content.decode()
    assert '<a class="btn btn-primary btn-lg" href="/sso/start/?next=/teams/">Sign in with Test Agency ID</a>' in html
    assert 'name="password"' in html  # local passwords stay on by default


def test_axes_still_throttles_password_logins(sso_on, member):
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "member", "password": "wrong"})
    locked = client.post("/login/", {"username": "member", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_without_local_passwords_only_the_emergency_superuser_has_one(settings, oidc_provider, member):
    made = settings_from_environment(sso_environment(oidc_provider, LOCAL_PASSWORDS="0"))
    settings.AUTHENTICATION_BACKENDS = made["AUTHENTICATION_BACKENDS"]
    settings.LOCAL_PASSWORDS = made["LOCAL_PASSWORDS"]
    for name in [n for n in made if n.startswith("OIDC_")]:
        setattr(settings, name, made[name])
    page = Client().get("/login/").content.decode()
    assert "Sign in with Test Agency ID" in page and 'name="password"' not in page
    client = Client()
    client.post("/login/", {"username": "member", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    admin = Client()
    response = admin.post("/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and "_auth_user_id" in admin.session


def test_settings_refuse_what_cannot_work(oidc_provider):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="LOCAL_PASSWORDS=0 needs single sign-on"):
        settings_from_environment({"LOCAL_PASSWORDS": "0"})
    with pytest.raises(ImproperlyConfigured, match="https"):
        settings_from_environment(sso_environment(oidc_provider, OIDC_ISSUER="http://idp.agency.example/realms/x"))
    with pytest.raises(ImproperlyConfigured, match="OIDC_CLIENT_SECRET"):
        settings_from_environment(sso_environment(oidc_provider, OIDC_CLIENT_SECRET=""))
    with pytest.raises(ImproperlyConfigured, match="OIDC_SIGN_ALGORITHM"):
        settings_from_environment(sso_environment(oidc_provider, OIDC_SIGN_ALGORITHM="HS256"))
    with pytest.raises(ImproperlyConfigured, match="openid"):
        settings_from_environment(sso_environment(oidc_provider, OIDC_SCOPES="email profile"))


def test_it_is_off_without_settings(client):
    page = client.get("/login/").content.decode()
    assert "Sign in with" not in page and 'name="password"' in page
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=a&state=b").status_code == 404


@pytest.mark.slow
def test_the_deploy_check_stays_clean_with_single_sign_on(tmp_path):
    from tests.helpers import production_env

    secret_file = tmp_path / "secret"
    secret_file.write_text(CLIENT_SECRET)
    env = production_env(
        OIDC_ISSUER="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
        OIDC_CLIENT_ID="11111111-1111-1111-1111-111111111111",
        OIDC_CLIENT_SECRET_FILE=str(secret_file),
        LOCAL_PASSWORDS="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert CLIENT_SECRET not in result.stdout + result.stderr


def test_the_admin_keeps_mappings_and_says_what_is_missing(client, benefits):
    client.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))
    url = "/admin/assessment/providergroupmapping/add/"
    response = client.post(url, {"claim_value": "ml-benefits-members", "team": benefits.pk, "role": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"role": ["Choose the role this group gives in the team."]}
    assert not models.ProviderGroupMapping.objects.exists()
    response = client.post(url, {"claim_value": "ml-nothing"})
    assert "Choose what this group gives" in response.content.decode()
    assert not models.ProviderGroupMapping.objects.exists()
    response = client.post(url, {"claim_value": " ml-benefits-members ", "team": benefits.pk, "role": "member"})
    assert response.status_code == 302
    assert models.ProviderGroupMapping.objects.get().claim_value == "ml-benefits-members"
    assert client.get("/admin/assessment/provideridentity/").status_code == 200


def test_team_managers_cannot_edit_mappings(client, benefits):
    manager = make_user("manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Team managers"))
    benefits.agency.managers.add(manager)
    client.force_login(manager)
    assert client.get("/admin/assessment/providergroupmapping/add/").status_code == 403
    listing = client.get("/admin/assessment/membership/?source__exact=manual")
    assert listing.status_code == 200
    newcomer = make_user("newcomer")
    client.post(
        "/admin/assessment/membership/add/",
        {"team": benefits.pk, "user": newcomer.pk, "role": "viewer", "source": "provider"},
    )
    assert models.Membership.objects.get(user=newcomer).source == models.SOURCE_MANUAL


def test_the_request_log_leaves_the_sign_in_code_out():
    from config.logfilters import DropQueryString

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /sso/callback/?code=secret-code&state=s HTTP/1.1", "302", "0"),
        None,
    )
    assert DropQueryString().filter(record)
    assert record.getMessage() == '"GET /sso/callback/ HTTP/1.1" 302 0'


def test_it_refuses_a_deactivated_account(sso_on, mappings):
    sign_in(Client(), sso_on, "gone", groups=["ml-benefits-members"])
    get_user_model().objects.filter(username="gone").update(is_active=False)
    client = Client()
    response = sign_in(client, sso_on, "gone", groups=["ml-benefits-members"])
    assert response.status_code == 403 and b"You were not signed in" in response.content
    assert "_auth_user_id" not in client.session


def test_it_lands_on_the_page_asked_for_on_this_site_only(sso_on, mappings):
    sso_on.setup(users=[{"username": "deep", "groups": ["ml-benefits-members"]}])
    client = Client()
    callback = provider_callback_url(client, sso_on, "deep", next_url="/portfolio/")
    assert client.get(callback)["Location"] == "/portfolio/"
    client = Client()
    callback = provider_callback_url(client, sso_on, "deep", next_url="https://evil.example/")
    assert client.get(callback)["Location"] == "/"


def test_it_explains_a_refused_token_request_without_showing_the_secret(sso_on, mappings, settings, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    sso_on.setup(users=[{"username": "late", "groups": ["ml-benefits-members"]}])
    callback = provider_callback_url(client, sso_on, "late")
    settings.OIDC_RP_CLIENT_SECRET = "a-secret-the-provider-does-not-know"
    response = client.get(callback)
    assert response.status_code == 502 and b"The sign-in service cannot be reached" in response.content
    assert "token endpoint answered 401" in caplog.text
    assert "a-secret-the-provider-does-not-know" not in caplog.text + response.content.decode()
    assert "_auth_user_id" not in client.session
