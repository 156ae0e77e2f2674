"""A "Not applicable" answer's reason, wherever the answer is shown; scoring ignores it."""

import pytest
from django.urls import reverse

from assessment import models
from assessment.selectors.results import assessment_results
from assessment.services.assessments import AnswerInput, answers_save, assessment_create

from .test_pdf import empty_cache, pdf_text  # noqa: F401 (an autouse fixture)
from .test_results import text_of

pytestmark = pytest.mark.django_db

QUESTION = "How does your organization collect streaming data for ML?"


def na(assessment, member, reason="", detail=""):
    question = models.Question.objects.get(area__questionnaire=assessment.questionnaire, key="streaming-data")
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(question.key, "not_applicable", note="No sensors", na_reason=reason, na_reason_detail=detail),
        ],
    )
    assessment.refresh_from_db()


@pytest.mark.parametrize(
    "reason, detail, shown",
    [
        ("business_priority", "", "Decided not to do it (business priority)"),
        ("other", "Streams are run by the state", "Other: Streams are run by the state"),
        ("", "", "Reason not given"),
    ],
)
def test_the_results_page_lists_not_applicable_answers_with_their_reason(
    client, member, assessment, reason, detail, shown
):
    na(assessment, member, reason, detail)
    client.force_login(member)
    text = text_of(client.get(reverse("assessment-results", args=[assessment.pk])))
    assert "Not applicable 1 These questions were answered “Not applicable”" in text
    assert f"{QUESTION} (Data Ingestion and Preparation): {shown}" in text


def test_the_results_page_has_no_not_applicable_section_without_one(client, member, assessment):
    client.force_login(member)
    assert "answered “Not applicable”" not in text_of(client.get(reverse("assessment-results", args=[assessment.pk])))


@pytest.mark.parametrize(
    "reason, detail, shown",
    [
        ("shared_service", "", "Not applicable (provided by another agency or a shared service)"),
        ("other", "Run by the state", "Not applicable (other: Run by the state)"),
        ("", "", "Not applicable (reason not given)"),
    ],
)
def test_the_pdf_appendix_gives_the_reason(client, member, assessment, reason, detail, shown):
    na(assessment, member, reason, detail)
    client.force_login(member)
    text = pdf_text(client.get(reverse("assessment-pdf", args=[assessment.pk])).content)
    appendix = text[text.index("Appendix: questions and answers Every question") :]
    assert f"1.1 {QUESTION} {shown} Note: No sensors" in appendix


def test_readers_see_the_reason_on_the_area_page(client, viewer, member, assessment):
    na(assessment, member, "does_not_apply")
    client.force_login(viewer)
    text = text_of(client.get(reverse("assessment-area", args=[assessment.pk, "data"])))
    assert "Answer: Not applicable (does not apply to our work)" in text


def test_the_reason_does_not_change_the_scores(member, assessment):
    na(assessment, member, "")
    before = assessment_results(assessment).score
    na(assessment, member, "other", "Anything at all")
    after = assessment_results(assessment).score
    assert assessment_results(assessment).answers["streaming-data"].na_reason == "other"
    assert after == before


def test_a_copy_keeps_the_reason(member, team, assessment):
    na(assessment, member, "other", "Run by the state")
    copy = assessment_create(
        team=team, version=assessment.questionnaire, title="Next quarter", user=member, copy_from=assessment
    )
    copied = copy.answers.get()
    assert (copied.kind, copied.na_reason, copied.na_reason_detail) == ("not_applicable", "other", "Run by the state")
