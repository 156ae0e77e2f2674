"""People in the admin: the member and executive pickers search by name among the people a team manager may pick."""

import pytest
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
