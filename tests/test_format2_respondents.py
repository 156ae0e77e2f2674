"""Respondents of a format 2 team (issue 27): only the questions in the team's scope are asked, counted in
agreement and shown on the disagreements and reconciliation pages; a profile change after responses keeps
their stored answers and leaves the out-of-scope ones out."""

import pytest
from django.urls import reverse

from assessment import models
from assessment.selectors.respondents import agreement_for, respondent_statuses, scope_out
from assessment.selectors.results import assessment_results
from assessment.services.assessments import AnswerInput, profile_save
from assessment.services.respondents import panel_open, respondent_answers_save, respondent_submit
from tests.format2_helpers import CLASSIC, EVERYTHING, format2_load
from tests.helpers import client_for, team_user, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(team):
    return team_user(team, "ana", first_name="Ana", last_name="Engineer")


@pytest.fixture
def ben(team):
    return team_user(team, "ben", first_name="Ben", last_name="Security")


def levels(**by_key):
    return [AnswerInput(question_key=key, kind="choice", level=level) for key, level in by_key.items()]


@pytest.fixture
def responded(team, member, ana, ben):
    """Ana and Ben answered every question of a team whose profile had everything in scope, 3 levels apart on
    the guardrails and the data catalog, and submitted; then the lead says the team uses classic ML only."""
    version = format2_load()
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title="F2", created_by=member)
    profile_save(assessment=assessment, user=member, answers=EVERYTHING)
    panel_open(assessment=assessment, lead=member, users=[ana, ben])
    common = {"pipelines": 2, "ai-inventory": 2, "impact-assessment": 2, "genai-red-teaming": 2}
    for user, spread in ((ana, 1), (ben, 4)):
        respondent = models.Respondent.objects.get(assessment=assessment, user=user)
        answers = levels(**common, **{"data-catalog": spread, "genai-guardrails": spread})
        respondent_answers_save(respondent=respondent, user=user, answers=answers)
        respondent_submit(respondent=respondent, user=user)
    profile_save(assessment=assessment, user=member, answers=CLASSIC)
    return assessment


def test_agreement_counts_only_the_questions_in_scope(responded):
    agreement = agreement_for(responded, assessment_results(responded).questionnaire)
    keys = [row.question.id for row in agreement.questions]
    assert keys == ["data-catalog", "pipelines", "ai-inventory", "impact-assessment"]
    assert [row.question.id for row in agreement.disputed] == ["data-catalog"]  # not the guardrails any more
    assert [area.area.id for area in agreement.areas] == ["data", "governance"]
    # Numbers count every question of the file: the governance questions stay 2.1 and 2.2.
    assert [row.number for row in agreement.questions] == ["1.1", "1.2", "2.1", "2.2"]


def test_a_profile_change_keeps_the_stored_responses_but_leaves_them_out(responded):
    assert models.RespondentAnswer.objects.filter(respondent__assessment=responded).count() == 12
    out = scope_out(responded, assessment_results(responded).questionnaire)
    assert out == {"genai-guardrails", "genai-red-teaming"}
    assert [s.answered for s in respondent_statuses(responded, out)] == [4, 4]
    # The profile brings them back: they count again.
    profile_save(assessment=responded, user=responded.created_by, answers=EVERYTHING)
    agreement = agreement_for(responded, assessment_results(responded).questionnaire)
    assert [row.question.id for row in agreement.disputed] == ["data-catalog", "genai-guardrails"]


def test_the_disagreements_page_shows_only_the_questions_in_scope(responded, member):
    page = text_of(client_for(member).get(reverse("assessment-disagreements", args=[responded.pk])))
    assert "How do teams find data?" in page
    assert "Are prompts and outputs filtered and logged?" not in page
    assert "Is generative AI tested against misuse before release?" not in page


def test_the_respondents_page_counts_the_answers_in_scope(responded, member):
    page = text_of(client_for(member).get(reverse("assessment-respondents", args=[responded.pk])))
    assert "Ana Engineer" in page
    statuses = client_for(member).get(reverse("assessment-respondents", args=[responded.pk])).context["statuses"]
    assert [s.answered for s in statuses] == [4, 4]


def test_reconciliation_asks_only_the_questions_in_scope(responded, member):
    client = client_for(member)
    data = text_of(client.get(reverse("assessment-reconcile", args=[responded.pk, "data"])))
    assert "How do teams find data?" in data
    genai = client.get(reverse("assessment-reconcile", args=[responded.pk, "genai"]))
    assert genai.status_code == 200
    page = text_of(genai)
    assert "No question of this area applies to your team" in page
    assert "Are prompts and outputs filtered and logged?" not in page
