"""Services that make sure an agency, team, membership or executive role exists."""

import pytest

from assessment import models
from assessment.services.teams import agency_ensure, executive_ensure, membership_ensure, team_ensure


@pytest.mark.django_db
def test_it_creates_once_and_keeps_what_was_set_by_hand(django_user_model):
    agency, created = agency_ensure(name="Agency A")
    assert created
    team, created = team_ensure(agency=agency, slug="a-team", name="A Team")
    assert created
    team.name = "Renamed by hand"
    team.save()
    again, created = team_ensure(agency=agency, slug="a-team", name="A Team")
    assert (again.pk, again.name, created) == (team.pk, "Renamed by hand", False)
    assert agency_ensure(name="Agency A") == (agency, False)

    user = django_user_model.objects.create_user("pat")
    membership, created = membership_ensure(team=team, user=user, role=models.Membership.VIEWER)
    assert created and membership.role == models.Membership.VIEWER
    assert membership_ensure(team=team, user=user, role=models.Membership.MEMBER)[0].role == models.Membership.VIEWER
    executive, created = executive_ensure(user=user, agency=agency)
    assert created and executive.agency == agency
    assert models.Executive.objects.filter(user=user).count() == 1
    assert not executive_ensure(user=user, agency=agency)[1]


@pytest.mark.django_db
def test_it_refuses_an_unknown_team_role(team, django_user_model):
    user = django_user_model.objects.create_user("sam")
    with pytest.raises(ValueError, match='Unknown team role "owner"'):
        membership_ensure(team=team, user=user, role="owner")
    assert not models.Membership.objects.filter(user=user).exists()
