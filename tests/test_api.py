"""The read API: tokens, rights as on the pages, the export's shape, pagination, ETags, bad parameters."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.services.api_tokens import api_token_create, api_token_revoke
from tests.helpers import client_for
from tests.results_helpers import EXAMPLE_ANSWERS, submitted_assessment

pytestmark = pytest.mark.django_db


def token_for(user, days=30) -> str:
    return api_token_create(
        user=user, name="Dashboard", expires_on=timezone.localdate() + datetime.timedelta(days=days)
    ).secret


def api(token=None, **extra) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(headers=headers, **extra)


def test_smoke(member, team, questionnaire_version):
    a = submitted_assessment(team, member, questionnaire_version, EXAMPLE_ANSWERS, title="Baseline")
    client = api(token_for(member))
    for name, kwargs in [
        ("api-agencies", {}),
        ("api-divisions", {}),
        ("api-teams", {}),
        ("api-assessments", {}),
        ("api-assessment", {"assessment_id": a.pk}),
        ("api-team-plan", {"team_id": team.pk}),
        ("api-questionnaires", {}),
        ("api-questionnaire", {"version_id": questionnaire_version.pk}),
    ]:
        r = client.get(reverse(name, kwargs=kwargs))
        print(name, r.status_code, r.content[:300])
        assert r.status_code == 200
