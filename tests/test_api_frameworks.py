"""The API's "against the frameworks" per assessment: the frameworks.json download, for token holders who read it."""

import json

import pytest
from django.urls import reverse

from assessment import models

from .helpers import client_for
from .test_api import api, token_for
from .test_crosswalk_pages import draft, version  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_it_gives_the_statuses_of_each_framework_exactly_as_the_download(team, member, version):  # noqa: F811
    assessment = draft(team, member, version)

    response = api(token_for(member).secret).get(reverse("api-assessment-frameworks", args=[assessment.pk]))

    assert response.status_code == 200
    body = response.json()
    download = client_for(member).get(reverse("assessment-frameworks-json", args=[assessment.pk]))
    assert body == json.loads(b"".join(download.streaming_content) if download.streaming else download.content)
    statuses = {item["id"]: item["status"] for fw in body["frameworks"] for item in fw["items"]}
    assert statuses["4(b)(i)"] == "not_met" and statuses["4(b)(ii)"] == "to_verify"


def test_another_teams_assessment_is_not_found(team, member, version, agency):  # noqa: F811
    other = models.Team.objects.create(agency=agency, name="Other", slug="other")
    assessment = draft(other, member, version)

    response = api(token_for(member).secret).get(reverse("api-assessment-frameworks", args=[assessment.pk]))

    assert response.status_code == 404
