"""People in the admin: the member and executive pickers search by name among the people a team manager may pick."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from assessment import models
from tests.helpers import make_user, team_user

pytestmark = pytest.mark.django_db


def autocomplete(client, term="", model_name="membership", field_name="user"):
    query = {"app_label": "assessment", "model_name": model_name, "field_name": field_name, "term": term}
    return client.get(reverse("admin:autocomplete"), query)


def texts(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["text"] for r in response.json()["results"]]


@pytest.fixture
def people(team, member):
    """Someone of another agency, someone placed nowhere yet, a superuser and a staff user nowhere."""
    elsewhere = models.Team.objects.create(
        agency=models.Agency.objects.create(name="Elsewhere"), name="Far", slug="far"
    )
    return {
        "elsewhere": team_user(elsewhere, "faye", first_name="Faye", last_name="Faraway", email="faye@far.example"),
        "new": make_user("nora", first_name="Nora", last_name="Newcomer", email="nora.n@agency.example"),
        "root": make_user("root", first_name="Rita", last_name="Root", is_staff=True, is_superuser=True),
        "staff": make_user("stan", first_name="Stan", last_name="Staff", is_staff=True),
        "gone": make_user("gus", first_name="Gus", last_name="Gone", is_active=False),
    }


def test_it_finds_people_by_name_user_name_and_email_for_a_team_manager(client, team_manager, people):
    client.force_login(team_manager)
    assert texts(autocomplete(client, "newcomer")) == ["Nora Newcomer (nora)"]
    assert texts(autocomplete(client, "nora")) == ["Nora Newcomer (nora)"]
    assert texts(autocomplete(client, "nora.n@agency")) == ["Nora Newcomer (nora)"]
    assert texts(autocomplete(client, "Mia")) == ["Mia Member (member)"]
    assert texts(autocomplete(client, "", model_name="executive")) == texts(autocomplete(client, ""))


def test_it_offers_a_team_manager_only_the_people_they_may_pick(client, team_manager, people, executive):
    client.force_login(team_manager)
    offered = texts(autocomplete(client))
    # Their agency's people, themselves and the people placed nowhere; never another agency's people,
    # superusers, staff placed nowhere or deactivated accounts.
    assert sorted(offered) == sorted(
        ["Max Manager (manager)", "Mia Member (member)", "Nora Newcomer (nora)", "executive"]
    )
    for term in ("faye", "far.example", "root", "stan", "gus"):
        assert texts(autocomplete(client, term)) == [], term


def test_it_offers_a_superuser_everyone(client, people):
    client.force_login(people["root"])
    assert texts(autocomplete(client, "faye")) == ["Faye Faraway (faye)"]


def test_it_refuses_the_picker_to_people_outside_the_admins_groups(client, member, editor):
    for user in (member, editor):
        client.force_login(user)
        assert autocomplete(client).status_code in (302, 403)


def test_it_keeps_the_users_list_closed_to_a_team_manager(client, team_manager):
    client.force_login(team_manager)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_it_shows_the_member_picker_with_names_on_the_team_page(client, team_manager, team, member):
    client.force_login(team_manager)
    page = client.get(reverse("admin:assessment_team_change", args=[team.pk])).content.decode()
    assert "admin-autocomplete" in page
    assert ">Mia Member (member)</option>" in page


def test_it_refuses_a_posted_member_the_manager_may_not_pick(client, team_manager, team, people):
    client.force_login(team_manager)
    url = reverse("admin:assessment_membership_add")
    response = client.post(url, {"user": people["elsewhere"].pk, "team": team.pk, "role": "member"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not models.Membership.objects.filter(user=people["elsewhere"], team=team).exists()
    response = client.post(url, {"user": people["new"].pk, "team": team.pk, "role": "viewer"})
    assert response.status_code == 302
    assert models.Membership.objects.get(user=people["new"]).role == "viewer"


# --- Add a person: a user and their membership in one form ------------------------------------------

PERSON = {"first_name": "Nina", "last_name": "New", "email": "nina.new@agency.example", "username": "nina"}


def add_person(client, to_team, **changes):
    return client.post(
        reverse("admin:assessment_membership_add_person"), {"team": to_team.pk, "role": "viewer", **PERSON, **changes}
    )


def test_it_lets_a_team_manager_add_a_person_to_their_team_with_a_set_up_link(client, team_manager, team):
    client.force_login(team_manager)
    form = client.get(reverse("admin:assessment_membership_add_person"), {"team": team.pk})
    assert form.status_code == 200 and "Data Platform" in form.content.decode()
    assert "Add a person" in client.get(reverse("admin:assessment_membership_changelist")).content.decode()
    page = add_person(client, team)
    assert page.status_code == 200
    user = get_user_model().objects.get(username="nina")
    assert (user.first_name, user.last_name, user.email) == ("Nina", "New", "nina.new@agency.example")
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert models.Membership.objects.get(user=user).team == team
    assert models.Membership.objects.get(user=user).role == "viewer"
    link = re.search(r'value="(http://testserver/password/set/[^"]+)"', page.content.decode()).group(1)
    # The person opens the link (Django's confirm view moves the token into the session first), sets a password, logs in.
    anonymous = Client()
    set_page = anonymous.get(link, follow=True)
    assert "Choose your password" in set_page.content.decode()
    target = set_page.redirect_chain[-1][0]
    assert anonymous.post(target, {"new_password1": "short", "new_password2": "short"}).status_code == 400
    done = anonymous.post(target, {"new_password1": "a long enough pass 42", "new_password2": "a long enough pass 42"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a long enough pass 42")
    # The link works once.
    assert "does not work any more" in Client().get(link, follow=True).content.decode()


def test_it_never_makes_staff_even_when_asked(client, team_manager, team):
    client.force_login(team_manager)
    add_person(client, team, is_staff="on", is_superuser="on")
    user = get_user_model().objects.get(username="nina")
    assert not user.is_staff and not user.is_superuser


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "member"}, "username", "already has this user name"),
        ({"username": "MEMBER"}, "username", "already has this user name"),
        ({"username": "no spaces allowed"}, "username", "Enter a valid username"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"email": "member@agency.example"}, "email", "already has this email address"),
        ({"first_name": ""}, "first_name", "This field is required"),
        ({"role": "owner"}, "role", "Select a valid choice"),
        ({"team": "999999999999999999999"}, "team", "Select a valid choice"),
    ],
)
def test_it_refuses_bad_input_at_the_field_and_stores_nothing(
    client, team_manager, team, member, changes, field, message
):
    member.email = "member@agency.example"
    member.save()
    client.force_login(team_manager)
    before = get_user_model().objects.count(), models.Membership.objects.count()
    response = add_person(client, team, **changes)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert 'role="alert"' in response.content.decode()
    assert (get_user_model().objects.count(), models.Membership.objects.count()) == before


def test_it_refuses_a_team_the_manager_does_not_manage(client, team_manager):
    far = models.Team.objects.create(agency=models.Agency.objects.create(name="Elsewhere"), name="Far", slug="far")
    client.force_login(team_manager)
    assert add_person(client, far).status_code == 403
    assert "Far" not in client.get(reverse("admin:assessment_membership_add_person")).content.decode()
    assert not get_user_model().objects.filter(username="nina").exists()


def test_it_refuses_adding_people_to_those_without_the_right(client, member, editor, team):
    for user in (member, editor):
        client.force_login(user)
        assert add_person(client, team).status_code in (302, 403)
    assert not get_user_model().objects.filter(username="nina").exists()


def test_it_sends_people_to_single_sign_on_when_passwords_are_off(client, team_manager, team, settings):
    settings.LOCAL_PASSWORDS = False
    client.force_login(team_manager)
    page = client.get(reverse("admin:assessment_membership_add_person"))
    assert (
        "first sign-in creates their account" in page.content.decode()
        and '<form method="post" novalidate>' not in page.content.decode()
    )
    assert add_person(client, team).status_code == 403
    assert not get_user_model().objects.filter(username="nina").exists()
    assert Client().get(reverse("password-set", args=["MQ", "x-y"])).status_code == 404


def test_it_tells_a_deactivated_person_their_set_up_link_does_not_work_and_whom_to_ask(client, team_manager, team):
    client.force_login(team_manager)
    page = add_person(client, team)
    link = re.search(r'value="(http://testserver/password/set/[^"]+)"', page.content.decode()).group(1)
    anonymous = Client()
    form = anonymous.get(link, follow=True)
    assert "Choose your password" in form.content.decode()
    target = form.redirect_chain[-1][0]
    user = get_user_model().objects.get(username="nina")
    user.is_active = False
    user.save()
    for response in (
        Client().get(link, follow=True),  # opened after the deactivation
        anonymous.post(target, {"new_password1": "a long enough pass 42", "new_password2": "a long enough pass 42"}),
    ):
        assert response.status_code == 403
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
        assert "This link does not work: your account has been deactivated." in text
        assert "Ask a team manager of Test Agency" in text
        assert 'name="new_password1"' not in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
