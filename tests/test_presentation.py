"""The wordings and download names every page, export and PDF takes from assessment.presentation."""

import datetime

import pytest
from django.urls import reverse

from assessment import models
from assessment.domain import model as domain
from assessment.presentation import answer_in_words, export_file_name, level_in_words
from assessment.selectors.questionnaires import questionnaire_domain


@pytest.fixture
def small(questionnaire_version):
    questionnaire = questionnaire_domain(questionnaire_version)
    question = next(q for _area, q in questionnaire.questions() if q.id == "streaming-data")
    return questionnaire, question


def test_it_puts_each_kind_of_answer_into_words(small):
    questionnaire, question = small
    level_3_text = next(c.text for c in question.choices if c.level == 3)
    assert (
        answer_in_words(questionnaire, domain.Answer(domain.CHOICE, 3), question)
        == f"Level 3 (Defined): {level_3_text}"
    )
    assert answer_in_words(questionnaire, domain.Answer(domain.CHOICE, 3)) == "Level 3 (Defined)"
    assert answer_in_words(questionnaire, domain.Answer(domain.NOT_SURE), question) == (
        "Not sure – to verify (counted as level 1 (Initial))"
    )
    assert (
        answer_in_words(questionnaire, domain.Answer(domain.NOT_APPLICABLE), question)
        == "Not applicable (reason not given)"
    )
    assert answer_in_words(questionnaire, None, question) == "Unanswered"
    with_reason = domain.Answer(domain.NOT_APPLICABLE, na_reason=domain.NA_SHARED_SERVICE)
    assert (
        answer_in_words(questionnaire, with_reason) == "Not applicable (provided by another agency or a shared service)"
    )


def test_it_words_answers_the_questionnaire_no_longer_has(small):
    questionnaire, _ = small
    assert level_in_words(questionnaire, 9) == "Level 9"
    assert (
        answer_in_words(questionnaire, domain.Answer(domain.CHOICE, None)) == "A choice no longer in the questionnaire"
    )


def test_it_shows_readers_the_same_words_as_the_pdf(client, viewer, member, assessment):
    models.Answer.objects.create(
        assessment=assessment,
        question=models.Question.objects.get(area__questionnaire=assessment.questionnaire, key="streaming-data"),
        kind=models.Answer.NOT_SURE,
        answered_by=member,
    )
    client.force_login(viewer)
    html = client.get(reverse("assessment-area", args=[assessment.pk, "data"])).content.decode()
    assert "Not sure – to verify (counted as level 1 (Initial))" in html


def _download_name(response) -> str:
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('"')
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


def test_every_download_of_one_assessment_carries_the_same_local_date(client, settings, member, assessment):
    """Submitted at 02:30 UTC on 1 April is still 31 March in New York: JSON, CSV and PDF all say so."""
    settings.TIME_ZONE = "America/New_York"
    submitted = datetime.datetime(2026, 4, 1, 2, 30, tzinfo=datetime.UTC)
    models.Assessment.objects.filter(pk=assessment.pk).update(
        status=models.Assessment.SUBMITTED, submitted_at=submitted
    )
    assessment.refresh_from_db()
    client.force_login(member)
    names = {
        extension: _download_name(client.get(reverse(f"assessment-{route}", args=[assessment.pk])))
        for extension, route in [("json", "export-json"), ("csv", "export-csv"), ("pdf", "pdf")]
    }
    stem = "data-platform_small-ml-2026.1_2026-03-31"
    assert names == {"json": f"{stem}.json", "csv": f"{stem}.csv", "pdf": f"{stem}.pdf"}
    assert export_file_name(assessment, "json") == names["json"]


def test_a_draft_is_named_by_its_last_change_in_the_site_time_zone(settings, assessment):
    settings.TIME_ZONE = "Pacific/Auckland"
    changed = datetime.datetime(2026, 6, 30, 13, 0, tzinfo=datetime.UTC)  # 1 July, 01:00 in Auckland
    models.Assessment.objects.filter(pk=assessment.pk).update(updated_at=changed)
    assessment.refresh_from_db()
    assert export_file_name(assessment, "csv") == "data-platform_small-ml-2026.1_2026-07-01.csv"
