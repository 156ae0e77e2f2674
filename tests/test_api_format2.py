"""The read API with a format 2 assessment: the profile, the areas in scope and the agency items come with
the assessment resource, which is the JSON export; its list gives the scores of the areas in scope."""

import json

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import assessment_submit, profile_save
from tests.helpers import DATA, answer, client_for, load_questionnaire_file
from tests.test_api import api, token_for
from tests.test_format2_results import ANSWERS, CLASSIC

pytestmark = pytest.mark.django_db


@pytest.fixture
def classic_team(team, member):
    """A submitted format 2 assessment of a team using classic ML only (tests/test_format2_results.py)."""
    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title="Format 2", created_by=member)
    answer(assessment, member, ANSWERS)
    profile_save(assessment=assessment, user=member, answers=CLASSIC)
    return assessment_submit(assessment=assessment, user=member)


def test_it_gives_a_format_2_assessment_with_its_profile_scope_and_agency_items(classic_team, member):
    body = api(token_for(member).secret).get(reverse("api-assessment", args=[classic_team.pk])).json()
    assert body["profile"]["answers"] == CLASSIC
    assert body["profile"]["tags"]
    in_scope = {area["id"]: area["in_scope"] for area in body["areas"]}
    assert in_scope["genai"] is False and sum(in_scope.values()) == len(in_scope) - 1
    assert {a["question"]: a["in_scope"] for a in body["answers"]}["genai-red-teaming"] is False
    assert [item["question"] for item in body["agency_items"]] == ["ai-inventory"]
    assert "ai-inventory" not in [item["question"] for item in body["roadmap"]]
    # One serializer: the download gives the same document.
    download = client_for(member).get(reverse("assessment-export-json", args=[classic_team.pk]))
    assert json.loads(download.content) == body


def test_it_lists_a_format_2_assessment_with_its_scores(classic_team, member):
    rows = api(token_for(member).secret).get(reverse("api-assessments")).json()["results"]
    assert [row["id"] for row in rows] == [classic_team.pk]
    assert rows[0]["overall"]["score"] is not None
