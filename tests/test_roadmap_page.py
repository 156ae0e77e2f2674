import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.pdf.context import assessment_pdf_context
from assessment.selectors.results import assessment_results

from .helpers import answer, text_of

pytestmark = pytest.mark.django_db


def section(text: str, heading: str, following: str | None) -> str:
    part = text.split(f" {heading} ", 1)[1] if f" {heading} " in text else ""
    return part.split(f" {following} ")[0] if following else part


def item_text(html: str, position: int) -> str:
    item = html[html.index(f'id="item-{position}"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item[: item.index("</article>")]))


def test_it_lists_the_steps_in_now_and_next(client, member, answered):
    # Hand-worked in results_helpers: placed (data-discovery 3) (model-versions 4)
    # | (streaming-data 4) (data-discovery 5); the file's phase_sizes put 2 steps in Now.
    client.force_login(member)
    response = client.get(reverse("assessment-roadmap", args=[answered.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    now, nxt, later = (html.index(f'id="phase-{phase}"') for phase in ("now", "next", "later"))
    items = [html.index(f'id="item-{n}"') for n in range(1, 5)]
    assert now < items[0] < items[1] < nxt < items[2] < items[3] < later
    assert "How do teams find the data they need?" in item_text(html, 1)
    assert "How are trained models kept?" in item_text(html, 2)
    assert "How does your organization collect streaming data for ML?" in item_text(html, 3)
    assert "From 3 Defined To 5 Optimized" in item_text(html, 4)  # data-discovery again, in Next
    text = text_of(response)
    assert "4 steps take your answers to your target levels" in text
    assert "Now (2 steps)" in text and "Next (2 steps)" in text and "Later (0 steps)" in text


def test_an_item_shows_from_to_done_practices_effort_and_needs(client, member, answered):
    client.force_login(member)
    html = client.get(reverse("assessment-roadmap", args=[answered.pk])).content.decode()
    first = item_text(html, 1)
    assert "Area Data Ingestion and Preparation" in first
    assert "From Not sure (counted as 1 Initial) To 3 Defined" in first
    assert "Done when: A shared list of datasets" in first
    assert "Keep a data catalog – low effort" in first
    assert "Effort Low" in first and "Phase Now" in first
    second = item_text(html, 2)
    assert "From 2 Developing To 4 Managed" in second
    assert "Done when: In a model registry" in second
    assert "Register models before deployment – medium effort" in second
    assert "The console pages were renamed in 2024" in second  # the practice's note
    assert "Needs first" not in second  # its need, data-discovery at 3, is item 1's: met before item 2
    third = item_text(html, 3)
    assert "Builds on Keep a data catalog" in third  # streaming-ingestion requires data-catalog
    assert "Needs first" not in third


def test_it_lists_not_sure_answers_to_verify_first(client, member, answered):
    client.force_login(member)
    text = text_of(client.get(reverse("assessment-roadmap", args=[answered.pk])))
    verify = text[text.index("Verify first") : text.index("steps take your answers")]
    assert "1 answer is “Not sure”" in verify
    assert "1.2 How do teams find the data they need? (Data Ingestion and Preparation)" in verify


def test_later_is_collapsed_in_a_details_element(client, member, answered):
    # One step in Next: the second data-discovery item moves to Later.
    models.QuestionnaireVersion.objects.filter(pk=answered.questionnaire_id).update(
        phase_next=1, updated_at=timezone.now()
    )
    client.force_login(member)
    html = client.get(reverse("assessment-roadmap", args=[answered.pk])).content.decode()
    later = html[html.index('id="phase-later"') :]
    details = later[later.index("<details") : later.index("</details>")]
    assert "open" not in details[: details.index(">")]
    assert "<summary>Show the 1 later item</summary>" in details
    assert 'id="item-4"' in details


def test_it_links_each_practice_to_its_page_and_reference(client, member, answered):
    client.force_login(member)
    html = client.get(reverse("assessment-roadmap", args=[answered.pk])).content.decode()
    practice_url = reverse("practice-detail", args=[answered.questionnaire_id, "model-registry"])
    assert f'href="{practice_url}?from={answered.pk}"' in html
    assert 'href="https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry.html"' in html


def test_it_says_so_when_there_is_nothing_to_do(client, member, assessment):
    answer(assessment, member, {"streaming-data": ("choice", 5), "model-versions": ("choice", 4)})
    client.force_login(member)
    text = text_of(client.get(reverse("assessment-roadmap", args=[assessment.pk])))
    assert "Nothing to do to reach your targets" in text
    assert "Verify first" not in text
    assert "Now" not in text.split("Nothing to do to reach your targets")[1].split("The seven areas come from")[0]


def test_a_question_at_target_gets_no_step(client, member, assessment):
    answer(assessment, member, {"streaming-data": ("choice", 4), "model-versions": ("choice", 2)})
    client.force_login(member)
    html = client.get(reverse("assessment-roadmap", args=[assessment.pk])).content.decode()
    assert "How are trained models kept?" in html
    assert "How does your organization collect streaming data for ML?" not in html


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
    assert "Other practices that build on it: Monitor models in production" in text


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


@pytest.fixture
def citizen_review(settings, tmp_path, demo_questionnaire_version):
    """The demo's Citizen Services "Quarterly review" (seed_demo), whose items group steps whose needs come later."""
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    return models.Assessment.objects.get(team__name="Citizen Services", title__startswith="Quarterly review")


def test_needs_first_says_where_a_need_further_down_is_planned(client, citizen_review):
    # Item 20 (question 7.6, Later) groups the steps to 3 and 4; the step to 4 needs 7.4 at level 3,
    # which is item 32, below it (docs/questionnaire-format.md: items sit at their earliest step).
    report = assessment_results(citizen_review)
    entry = report.roadmap_entries[19]
    assert (entry.item.position, entry.number, [(n.number, n.level) for n in entry.needs]) == (20, "7.6", [("7.4", 3)])
    client.force_login(citizen_review.created_by)
    html = client.get(reverse("assessment-roadmap", args=[citizen_review.pk])).content.decode()
    needed = entry.needs[0].question.text
    assert f"Needs first: question 7.4 ({needed}) at level 3 Defined: item 32, in Later" in item_text(html, 20)
    assert '<a href="#item-32">item 32, in Later</a>' in html


def test_needs_first_leaves_out_a_need_an_earlier_item_meets(client, citizen_review):
    # Item 39 (1.7) needs 1.6 at level 3: item 38, just above it. Item 31 (7.2) needs 4.5 at 3: item 1.
    report = assessment_results(citizen_review)
    assert [(n.number, n.planned.position) for n in report.roadmap_entries[38].needs] == [("1.6", 38)]
    assert report.roadmap_entries[38].needs_first == []
    client.force_login(citizen_review.created_by)
    html = client.get(reverse("assessment-roadmap", args=[citizen_review.pk])).content.decode()
    assert "Needs first" not in item_text(html, 39)
    assert "Needs first" not in item_text(html, 31)


def test_the_pdf_says_needs_first_by_the_same_rule(citizen_review):
    phases = assessment_pdf_context(assessment_results(citizen_review)).phases
    items = {item.number: item for phase in phases for item in phase.entries}
    assert items[20].needs == "question 7.4 at level 3 Defined: item 32, in Later"
    assert items[39].needs == "" and items[31].needs == ""  # met by items 38 and 1, before them
