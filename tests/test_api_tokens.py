"""The API tokens page: a cap on active tokens, old ones folded away, and prune_api_tokens."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.services.api_tokens import ApiTokenInvalid, api_token_create, api_token_revoke
from tests.helpers import client_for, text_of

pytestmark = pytest.mark.django_db


def make(user, name="Dashboard", days=30):
    return api_token_create(user=user, name=name, expires_on=timezone.localdate() + datetime.timedelta(days=days)).token


def aged(token, *, revoked_days_ago=None, expired_days_ago=None):
    """The token as if revoked, or expired, that many days ago."""
    now = timezone.now()
    if revoked_days_ago is not None:
        token.revoked_at = now - datetime.timedelta(days=revoked_days_ago)
    if expired_days_ago is not None:
        token.expires_at = now - datetime.timedelta(days=expired_days_ago)
    token.save()
    return token


def post_new(client, name):
    expires = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    return client.post(reverse("api-tokens"), {"name": name, "expires_on": expires})


def test_it_refuses_a_token_beyond_the_cap_at_the_form_and_stores_nothing(settings, member):
    settings.API_TOKENS_MAX_ACTIVE = 2
    aged(make(member, "expired"), expired_days_ago=1)  # neither expired nor revoked ones count
    api_token_revoke(token=make(member, "revoked"))
    make(member, "one")
    second = make(member, "two")
    client = client_for(member)

    refused = post_new(client, "three")

    assert refused.status_code == 400
    assert "You have 2 active tokens, the most one person may have" in text_of(refused)
    assert 'value="three"' in refused.content.decode()  # what was typed is kept
    assert not models.ApiToken.objects.filter(name="three").exists()
    api_token_revoke(token=second)
    assert post_new(client, "three").status_code == 201


def test_the_service_refuses_beyond_the_cap_too(settings, member):
    settings.API_TOKENS_MAX_ACTIVE = 1
    make(member)
    with pytest.raises(ApiTokenInvalid, match="1 active token"):
        make(member, "another")
    assert models.ApiToken.objects.count() == 1


def test_it_folds_away_recent_revoked_and_expired_tokens_and_leaves_out_old_ones(member):
    make(member, "Active one")
    aged(make(member, "Revoked lately"), revoked_days_ago=10)
    aged(make(member, "Expired lately"), expired_days_ago=20)
    aged(make(member, "Revoked long ago"), revoked_days_ago=200)
    aged(make(member, "Expired long ago"), expired_days_ago=100)

    response = client_for(member).get(reverse("api-tokens"))

    html = response.content.decode()
    active, _, folded = html.partition("<details")
    assert "Active one" in active and "Revoked lately" not in active
    assert "Revoked lately" in folded and "Expired lately" in folded
    assert "2 revoked or expired in the last 90 days" in text_of(response)
    assert "Revoked long ago" not in html and "Expired long ago" not in html
    assert "2 older ones are not listed" in text_of(response)


def run(*args):
    out = StringIO()
    call_command("prune_api_tokens", *args, stdout=out)
    return out.getvalue()


def test_prune_deletes_tokens_revoked_or_expired_long_ago_only(member):
    active = make(member, "Active")
    recent = aged(make(member, "Recent"), revoked_days_ago=10)
    old_revoked = aged(make(member, "Old revoked"), revoked_days_ago=200)
    old_expired = aged(make(member, "Old expired"), expired_days_ago=100)

    dry = run("--dry-run")
    assert "Would delete" in dry and "2 tokens found" in dry
    assert models.ApiToken.objects.count() == 4
    done = run()

    assert "2 tokens deleted" in done
    assert set(models.ApiToken.objects.values_list("pk", flat=True)) == {active.pk, recent.pk}
    assert not models.ApiToken.objects.filter(pk__in=[old_revoked.pk, old_expired.pk]).exists()
    assert "1 token deleted" in run("--older-than-days", "5")


@pytest.mark.parametrize("days", ["-1", "100000"])
def test_prune_refuses_an_age_out_of_range(days):
    with pytest.raises(CommandError, match="--older-than-days must be"):
        run("--older-than-days", days)
