"""The read API: tokens, rights as on the pages, the export's shape, pagination, ETags, bad parameters."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.services.api_tokens import ApiTokenInvalid, api_token_create, api_token_revoke
from tests.helpers import client_for, count_queries, make_user
from tests.results_helpers import EXAMPLE_ANSWERS, all_answers, submitted_assessment

pytestmark = pytest.mark.django_db


def token_for(user, days=30):
    return api_token_create(
        user=user, name="Dashboard", expires_on=timezone.localdate() + datetime.timedelta(days=days)
    )


def api(secret=None) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"} if secret else {})


@pytest.fixture
def baseline(team, member, questionnaire_version):
    return submitted_assessment(team, member, questionnaire_version, EXAMPLE_ANSWERS, title="Baseline")


def test_it_gives_one_assessment_exactly_as_the_json_export(member, baseline):
    client = api(token_for(member).secret)
    body = client.get(reverse("api-assessment", args=[baseline.pk])).json()
    export = json.loads(client_for(member).get(reverse("assessment-export-json", args=[baseline.pk])).content)
    assert body == export
    assert body["overall"]["percent"] == 28  # worked by hand in tests/results_helpers.py


def test_it_refuses_the_session_cookie_and_a_token_in_the_query_string(member, baseline):
    url = reverse("api-assessments")
    response = client_for(member).get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert api().get(url, {"token": token_for(member).secret}).status_code == 401


def test_it_refuses_a_format_it_does_not_speak_whatever_the_token(member, baseline):
    url = reverse("api-assessments")
    for client in (api("not-a-token"), api(token_for(member).secret), api()):
        response = client.get(url, headers={"Accept": "application/xml"})
        assert response.status_code == 406, response.content[:200]
        assert "Accept" in response.json()["detail"]
        response = client.get(url, {"format": "xml"})
        assert response.status_code == 406, response.content[:200]
        assert response.json() == {"detail": 'The format "xml" is not offered here: format= takes "json".'}


def test_it_names_the_formats_the_schema_offers_and_not_a_hostile_one():
    response = api().get(reverse("api-schema"), {"format": "x\n" * 5000})
    assert response.status_code == 406
    body = response.content.decode()  # in the schema's own YAML, DRF's first renderer for an error
    assert "The format asked for is not offered here: format= takes " in body
    assert '"json"' in body and '"yaml"' in body and len(body) < 200


def test_it_answers_401_once_a_token_is_revoked_expired_or_its_user_deactivated(member, baseline):
    url = reverse("api-assessments")
    for spoil in ("revoke", "expire", "deactivate"):
        new = token_for(member)
        client = api(new.secret)
        assert client.get(url).status_code == 200
        if spoil == "revoke":
            api_token_revoke(token=new.token)
        elif spoil == "expire":
            models.ApiToken.objects.filter(pk=new.token.pk).update(expires_at=timezone.now())
        else:
            member.is_active = False
            member.save()
        assert client.get(url).status_code == 401, spoil
    assert api("mlr_not-a-token").get(url).status_code == 401


def test_it_answers_404_once_the_membership_is_removed(member, team, baseline):
    client = api(token_for(member).secret)
    assert client.get(reverse("api-assessment", args=[baseline.pk])).status_code == 200
    models.Membership.objects.filter(user=member, team=team).delete()
    assert client.get(reverse("api-assessment", args=[baseline.pk])).status_code == 404
    assert client.get(reverse("api-assessments")).json()["results"] == []


def test_it_records_the_last_use_and_stores_only_a_digest(member, baseline):
    new = token_for(member)
    assert new.token.last_used_at is None
    api(new.secret).get(reverse("api-teams"))
    stored = models.ApiToken.objects.get(pk=new.token.pk)
    assert stored.last_used_at is not None
    assert new.secret not in json.dumps(list(models.ApiToken.objects.values()), default=str)
    assert stored.prefix == new.secret[:12]


def test_it_refuses_a_token_for_more_than_a_year_or_without_a_name(member):
    today = timezone.localdate()
    with pytest.raises(ApiTokenInvalid) as refused:
        api_token_create(user=member, name="Long", expires_on=today + datetime.timedelta(days=366))
    assert refused.value.field == "expires_on"
    with pytest.raises(ApiTokenInvalid):
        api_token_create(user=member, name="  ", expires_on=today + datetime.timedelta(days=3))
    assert not models.ApiToken.objects.exists()


def test_it_names_each_wrong_parameter(member, baseline):
    client = api(token_for(member).secret)
    response = client.get(
        reverse("api-assessments"),
        {"status": "finished", "team": "x", "colour": "red", "submitted_since": "yesterday", "page_size": "0"},
    )
    assert response.status_code == 400
    wrong = response.json()["parameters"]
    assert set(wrong) == {"status", "team", "colour", "submitted_since", "page_size"}
    for cursor in ("w6k=", "cD1hYmM="):  # not ASCII; a position "abc"
        bad_cursor = client.get(reverse("api-assessments"), {"cursor": cursor})
        assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.json()["parameters"]
    assert client.get(reverse("api-assessment", args=[baseline.pk]), {"page": "2"}).status_code == 400


def test_it_filters_assessments(member, team, questionnaire_version, baseline):
    draft = models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title="Draft")
    client = api(token_for(member).secret)

    def ids(**query):
        response = client.get(reverse("api-assessments"), query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [baseline.pk, draft.pk]
    assert ids(status="draft") == [draft.pk]
    assert ids(latest="true") == [baseline.pk]
    assert ids(team=team.pk, questionnaire=questionnaire_version.pk) == [baseline.pk, draft.pk]
    assert ids(submitted_since=(timezone.localdate() + datetime.timedelta(days=1)).isoformat()) == []
    assert ids(submitted_since=timezone.localdate().isoformat()) == [baseline.pk]


def test_it_answers_404_for_another_teams_id_in_a_filter(member, other_team):
    client = api(token_for(member).secret)
    assert client.get(reverse("api-assessments"), {"team": other_team.pk}).status_code == 404


def test_it_follows_the_cursor_through_every_page_in_a_stable_order(member, team, questionnaire_version):
    for i in range(5):
        models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title=f"Draft {i}")
    client = api(token_for(member).secret)
    url, seen = reverse("api-assessments") + "?page_size=2", []
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted(models.Assessment.objects.values_list("pk", flat=True))


def test_it_answers_304_to_a_matching_etag(member, baseline):
    client = api(token_for(member).secret)
    url = reverse("api-assessment", args=[baseline.pk])
    first = client.get(url)
    assert first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_it_gives_the_portfolio_to_executives_of_the_agency_only(executive, member, agency, baseline):
    url = reverse("api-agency-portfolio", args=[agency.pk])
    body = api(token_for(executive).secret).get(url).json()
    assert body["agency"]["id"] == agency.pk and body["team_count"] >= 1
    assert api(token_for(member).secret).get(url).status_code == 404


def test_it_shows_draft_questionnaires_to_editors_only(member, questionnaire_version):
    draft = questionnaire_version
    models.QuestionnaireVersion.objects.filter(pk=draft.pk).update(status=models.QuestionnaireVersion.DRAFT)
    staff = make_user("editor-api", is_staff=True)
    for user, sees in ((member, False), (staff, True)):
        client = api(token_for(user).secret)
        listed = [v["id"] for v in client.get(reverse("api-questionnaires")).json()["results"]]
        assert (draft.pk in listed) is sees
        assert client.get(reverse("api-questionnaire", args=[draft.pk])).status_code == (200 if sees else 404)
    content = api(token_for(staff).secret).get(reverse("api-questionnaire", args=[draft.pk])).json()
    assert content["content"]["areas"]


def test_it_throttles_per_token(settings, member, baseline):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "2/minute"}}
    first, second = api(token_for(member).secret), api(token_for(member).secret)
    assert [first.get(reverse("api-teams")).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(reverse("api-teams")).status_code == 200


def test_it_logs_calls_without_the_token(member, baseline, caplog):
    new = token_for(member)
    with caplog.at_level("INFO", logger="assessment.api"):
        api(new.secret).get(reverse("api-teams"))
    assert f"token={new.token.pk}" in caplog.text
    assert new.secret not in caplog.text


def test_its_list_queries_do_not_grow_with_the_page_size(member, team, questionnaire_version):
    # A draft first, so the small page holds one too (drafts are scored live: two queries more).
    models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title="A draft")
    answers = all_answers(questionnaire_version)
    for i in range(6):
        submitted_assessment(team, member, questionnaire_version, answers, title=f"Quarter {i}")
    secret = token_for(member).secret
    client = api(secret)
    small = count_queries(client, reverse("api-assessments") + "?page_size=2")
    large = count_queries(client, reverse("api-assessments") + "?page_size=100")
    assert small == large
    assert large <= 14


def test_the_token_page_makes_shows_once_and_revokes(member):
    client = client_for(member)
    page = client.get(reverse("api-tokens"))
    assert page.status_code == 200 and "You have no token yet" in page.content.decode()
    # The date field's help follows the browser's own order (mm/dd/yyyy in the US), not "year-month-day".
    assert "the order your browser shows" in page.content.decode()
    assert "year-month-day" not in page.content.decode()
    expires = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    made = client.post(reverse("api-tokens"), {"name": "Power BI", "expires_on": expires})
    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    token = models.ApiToken.objects.get(user=member)
    secret = made.content.decode().split('value="mlr_')[1].split('"')[0]
    assert api("mlr_" + secret).get(reverse("api-teams")).status_code == 200
    assert "mlr_" + secret not in client.get(reverse("api-tokens")).content.decode()
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 302
    assert api("mlr_" + secret).get(reverse("api-teams")).status_code == 401


def test_the_token_page_refuses_a_bad_expiry_with_the_error_at_the_field(member):
    client = client_for(member)
    too_late = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = client.post(reverse("api-tokens"), {"name": "Too long", "expires_on": too_late})
    assert response.status_code == 400
    assert "at most 365 days" in response.content.decode()
    assert not models.ApiToken.objects.exists()


def test_nobody_revokes_another_users_token(member, outsider):
    theirs = token_for(outsider).token
    assert client_for(member).post(reverse("api-token-revoke", args=[theirs.pk])).status_code == 404
    assert models.ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_superusers_see_and_revoke_every_token_in_the_admin(member, team_manager):
    token = token_for(member).token
    root = client_for(make_user("root", is_staff=True, is_superuser=True))
    assert "Dashboard" in root.get(reverse("admin:assessment_apitoken_changelist")).content.decode()
    root.post(
        reverse("admin:assessment_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk], "index": 0},
    )
    assert models.ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert client_for(team_manager).get(reverse("admin:assessment_apitoken_changelist")).status_code == 403
