import re

import pytest
from django.urls import reverse

from assessment import models

from .helpers import text_of
from .results_helpers import EXAMPLE_ANSWERS, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(assessment, member):
    answer(assessment, member, EXAMPLE_ANSWERS)
    return assessment


def section(text: str, heading: str, following: str | None) -> str:
    part = text.split(f" {heading} ", 1)[1] if f" {heading} " in text else ""
    return part.split(f" {following} ")[0] if following else part


def test_it_orders_the_practices_into_now_next_and_later(client, member, answered):
    client.force_login(member)
    response = client.get(reverse("assessment-roadmap", args=[answered.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # Headings in order, each holding the hand-worked item.
    now = html.index('id="phase-now"')
    nxt = html.index('id="phase-next"')
    later = html.index('id="phase-later"')
    assert now < html.index("Keep a data catalog", now) < nxt
    assert nxt < html.index("Register models before deployment", now) < later
    assert later < html.index("Ingest streaming data with a managed stream", now)
    # The summary table at the top lists the same order.
    glance = html[html.index("at a glance"):now]
    titles = ["Keep a data catalog", "Register models before deployment", "Ingest streaming data with a managed stream"]
    assert sorted(titles, key=glance.index) == titles


def test_it_shows_priority_impact_effort_and_why(client, member, answered):
    client.force_login(member)
    response = client.get(reverse("assessment-roadmap", args=[answered.pk]))
    html = response.content.decode()
    item = html[html.index('id="practice-model-registry"'):]
    item = item[: item.index("</article>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item))
    assert "Effort Medium" in text
    assert "Priority 0.38" in text  # 0.75 / 2 = 0.375, shown to two decimals
    assert "Impact 0.75" in text
    assert "How are trained models kept? Model Development 2 Developing 4 Managed" in text
    catalog = html[html.index('id="practice-data-catalog"'):]
    catalog = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", catalog[: catalog.index("</article>")]))
    assert "Not sure (counts as 1)" in catalog


def test_it_links_each_item_to_its_practice_page_and_reference(client, member, answered):
    client.force_login(member)
    html = client.get(reverse("assessment-roadmap", args=[answered.pk])).content.decode()
    practice_url = reverse("practice-detail", args=[answered.questionnaire_id, "model-registry"])
    assert f'href="{practice_url}?from={answered.pk}"' in html
    assert 'href="https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry.html"' in html


def test_it_says_so_when_there_is_nothing_to_close(client, member, assessment):
    answer(assessment, member, {"streaming-data": ("choice", 5), "model-versions": ("choice", 4)})
    client.force_login(member)
    text = text_of(client.get(reverse("assessment-roadmap", args=[assessment.pk])))
    assert "No gaps to close" in text
    assert "Now" not in text.split("No gaps to close")[1].split("Questions based on")[0]


def test_it_hides_the_roadmap_from_other_teams(client, outsider, answered):
    client.force_login(outsider)
    assert client.get(reverse("assessment-roadmap", args=[answered.pk])).status_code == 404


def test_it_shows_the_practice_page_with_its_note_references_and_questions(client, outsider, questionnaire_version):
    client.force_login(outsider)  # any signed-in user: questionnaire content is not team data
    response = client.get(reverse("practice-detail", args=[questionnaire_version.pk, "model-registry"]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Register models before deployment" in text
    assert "The console pages were renamed in 2024; the API is unchanged." in text
    assert "Effort Medium" in text
    # Grouped by area: both questions that link to it.
    assert "Model Development How are trained models kept?" in text
    assert "Operations How do you know a model in production still performs well?" in text
    assert "Needed before: Monitor models in production" in text


def test_it_links_a_practice_to_what_it_requires(client, member, questionnaire_version):
    client.force_login(member)
    response = client.get(reverse("practice-detail", args=[questionnaire_version.pk, "streaming-ingestion"]))
    html = response.content.decode()
    assert f'href="{reverse("practice-detail", args=[questionnaire_version.pk, "data-catalog"])}"' in html
    assert "Whitepaper: Data ingestion and preparation" in html


def test_it_answers_404_for_unknown_practices_and_versions(client, member, questionnaire_version):
    client.force_login(member)
    assert client.get(reverse("practice-detail", args=[questionnaire_version.pk, "nope"])).status_code == 404
    assert client.get(reverse("practice-detail", args=[999999, "data-catalog"])).status_code == 404


def test_it_keeps_unused_draft_content_for_editors(client, member, questionnaire_version):
    models.QuestionnaireVersion.objects.filter(pk=questionnaire_version.pk).update(status="draft")
    client.force_login(member)
    assert client.get(reverse("practice-detail", args=[questionnaire_version.pk, "data-catalog"])).status_code == 404


def test_it_needs_a_signed_in_user_for_the_practice_page(client, questionnaire_version):
    response = client.get(reverse("practice-detail", args=[questionnaire_version.pk, "data-catalog"]))
    assert response.status_code == 302
