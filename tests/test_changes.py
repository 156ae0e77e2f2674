"""The change log of an assessment's answers: who, when, question, before and after."""

import pytest
from django.urls import reverse

from assessment import models
from assessment.selectors.changes import answer_changes
from assessment.services.assessments import AnswerInput, answers_save, assessment_create, assessment_submit

pytestmark = pytest.mark.django_db


def question(version, key):
    return models.Question.objects.get(area__questionnaire=version, key=key)


def changes_url(assessment):
    return reverse("assessment-changes", args=[assessment.pk])


def test_it_lists_each_change_with_who_before_and_after(client, assessment, member, viewer, questionnaire_version):
    discovery = question(questionnaire_version, "data-discovery")
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(discovery.key, "choice", level=1)])
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(discovery.key, "choice", level=3)])
    client.force_login(viewer)
    response = client.get(changes_url(assessment))
    assert response.status_code == 200
    changes = list(response.context["page"].object_list)
    assert [(c.old_value, c.new_value) for c in changes] == [
        ("Level 1 (Initial)", "Level 3 (Defined)"),
        ("Unanswered", "Level 1 (Initial)"),
    ]
    assert all(c.who == "Mia Member" for c in changes)
    text = response.content.decode()
    assert "How do teams find the data they need?" in text and "Mia Member" in text
    assert "2 changes to answers" in text


def test_it_records_the_signed_in_user_when_answers_change_through_the_answering_page(
    client, assessment, member, questionnaire_version
):
    client.force_login(member)
    area_url = reverse("assessment-area", args=[assessment.pk, "data"])
    response = client.post(
        area_url,
        {
            "answer_streaming-data": "",
            "answer_data-discovery": "level-3",
            "note_streaming-data": "",
            "note_data-discovery": "See the wiki",
        },
    )
    assert response.status_code == 302
    record = models.Answer.history.filter(assessment_id=assessment.pk).latest("history_id")
    assert record.history_user == member
    change = answer_changes(assessment)[0]
    assert (change.who, change.old_value, change.new_value, change.new_note) == (
        "Mia Member",
        "Unanswered",
        "Level 3 (Defined)",
        "See the wiki",
    )


def test_it_shows_cleared_answers_and_note_changes(client, assessment, member, questionnaire_version):
    streaming = question(questionnaire_version, "streaming-data")
    answers_save(
        assessment=assessment,
        user=member,
        answers=[AnswerInput(streaming.key, "not_applicable", na_reason="does_not_apply")],
    )
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(streaming.key, "not_applicable", note="No sensors in our agency", na_reason="does_not_apply"),
        ],
    )
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(streaming.key, "")])
    client.force_login(member)
    response = client.get(changes_url(assessment))
    cleared, noted, added = response.context["page"].object_list
    assert (added.old_value, added.new_value) == ("Unanswered", "Not applicable (does not apply to our work)")
    assert noted.note_changed and not noted.value_changed and noted.new_note == "No sensors in our agency"
    assert (cleared.old_value, cleared.new_value) == ("Not applicable (does not apply to our work)", "Unanswered")
    assert "No sensors in our agency" in response.content.decode()


def test_it_skips_saves_that_changed_nothing(assessment, member, questionnaire_version):
    discovery = question(questionnaire_version, "data-discovery")
    for _ in range(3):
        answers_save(assessment=assessment, user=member, answers=[AnswerInput(discovery.key, "choice", level=5)])
    assert len(answer_changes(assessment)) == 1


def test_it_says_when_there_is_no_change_yet(client, assessment, member):
    client.force_login(member)
    response = client.get(changes_url(assessment))
    assert "No answer has been changed yet" in response.content.decode()


def test_it_explains_how_copied_answers_are_listed(client, assessment, member, questionnaire_version, team):
    discovery = question(questionnaire_version, "data-discovery")
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(discovery.key, "choice", level=3)])
    copy = assessment_create(
        team=team, version=questionnaire_version, title="Next quarter", user=member, copy_from=assessment
    )
    client.force_login(member)
    response = client.get(changes_url(copy))
    assert "copied from an earlier assessment" in response.content.decode()


def test_it_shows_the_log_to_executives(client, assessment, executive):
    client.force_login(executive)
    assert client.get(changes_url(assessment)).status_code == 200


def test_it_hides_the_log_from_other_teams(client, assessment, outsider):
    client.force_login(outsider)
    assert client.get(changes_url(assessment)).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client, assessment):
    response = client.get(changes_url(assessment))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_answers_with_a_fixed_number_of_queries(
    client, assessment, member, questionnaire_version, django_assert_max_num_queries
):
    client.force_login(member)
    questions = list(
        models.Question.objects.filter(area__questionnaire=questionnaire_version).prefetch_related("choices")
    )
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(questions[0].key, "not_sure")])
    client.get(changes_url(assessment))  # warm the questionnaire cache
    with django_assert_max_num_queries(12) as few:
        client.get(changes_url(assessment))
    for level in (1, 2, 3, 4, 5, 1, 2):
        answers_save(
            assessment=assessment,
            user=member,
            answers=[
                AnswerInput(q.key, "choice", level=min(c.level for c in q.choices.all() if c.level >= min(level, 5)))
                if any(c.level >= level for c in q.choices.all())
                else AnswerInput(q.key, "not_sure")
                for q in questions
            ],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(changes_url(assessment))
    assert response.context["page"].paginator.count > 10


def test_it_is_linked_from_the_assessment_results(client, assessment, viewer):
    client.force_login(viewer)
    response = client.get(reverse("assessment-results", args=[assessment.pk]))
    assert f'href="{changes_url(assessment)}"' in response.content.decode()


def test_the_first_change_after_a_copy_shows_the_copied_answer_as_before(
    client, assessment, member, questionnaire_version, team
):
    discovery = question(questionnaire_version, "data-discovery")
    answers_save(
        assessment=assessment, user=member, answers=[AnswerInput(discovery.key, "choice", level=1, note="Wiki")]
    )
    assessment_submit(assessment=assessment, user=member)
    copy = assessment_create(
        team=team, version=questionnaire_version, title="Next quarter", user=member, copy_from=assessment
    )
    answers_save(assessment=copy, user=member, answers=[AnswerInput(discovery.key, "choice", level=3, note="Wiki")])
    client.force_login(member)
    response = client.get(changes_url(copy))
    change, copied = response.context["page"].object_list
    assert (change.old_value, change.new_value) == ("Level 1 (Initial)", "Level 3 (Defined)")
    assert (change.old_note, change.new_note, change.note_changed) == ("Wiki", "Wiki", False)
    # The copy is one entry, by the person who started the draft, naming the assessment copied.
    assert (copied.copied, copied.who, copied.new_value) == (1, "Mia Member", "Copied from “Q1 assessment”")
    text = " ".join(response.content.decode().split())
    assert "1 answer, with their notes" in text and "Copied from “Q1 assessment”</strong>, when this assessment" in text
    assert "Note after" not in text  # the copied note is not shown as newly added


def test_a_change_to_an_answer_whose_history_is_missing_does_not_claim_it_was_unanswered(
    assessment, member, questionnaire_version
):
    # Answers copied before copies were recorded (or imported) have no history row of their own.
    discovery = question(questionnaire_version, "data-discovery")
    choice = discovery.choices.get(level=1)
    models.Answer.objects.bulk_create(  # bulk_create writes no history, as those copies and imports did
        [models.Answer(assessment=assessment, question=discovery, kind="choice", choice=choice)]
    )
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(discovery.key, "choice", level=3)])
    (change,) = answer_changes(assessment)
    assert change.old_value.startswith("Not recorded")


@pytest.fixture
def format2_draft(team, member):
    from .helpers import DATA, load_questionnaire_file

    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    return models.Assessment.objects.create(team=team, questionnaire=version, title="Format 2 draft")


def test_it_lists_profile_answer_changes_with_who_before_and_after(client, format2_draft, member, viewer):
    from assessment.services.assessments import profile_save

    profile_save(assessment=format2_draft, user=member, answers={"impact": "yes"})
    profile_save(assessment=format2_draft, user=member, answers={"impact": "no", "ai-kinds": "both"})
    profile_save(assessment=format2_draft, user=member, answers={"ai-kinds": None})
    client.force_login(viewer)
    response = client.get(changes_url(format2_draft))
    changes = list(response.context["page"].object_list)
    assert [(c.area_title, c.question_key, c.old_value, c.new_value) for c in changes] == [
        ("About your team", "ai-kinds", "Both", "Unanswered"),
        ("About your team", "ai-kinds", "Unanswered", "Both"),
        ("About your team", "impact", "Yes", "No"),
        ("About your team", "impact", "Unanswered", "Yes"),
    ]
    assert {c.who for c in changes} == {"Mia Member"}
    assert "Does any use shape decisions about people" in response.content.decode()


def test_it_names_who_changed_the_profile_through_its_page(client, format2_draft, member):
    client.force_login(member)
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user("ana", first_name="Ana", last_name="Lead")
    models.Membership.objects.create(team=format2_draft.team, user=other, role=models.Membership.MEMBER)
    from assessment.services.assessments import profile_save

    profile_save(assessment=format2_draft, user=other, answers={"impact": "yes"})
    response = client.post(
        reverse("assessment-profile", args=[format2_draft.pk]), {"profile_impact": "no", "profile_ai-kinds": ""}
    )
    assert response.status_code == 302
    change = answer_changes(format2_draft)[0]
    assert (
        f"{change.who}: {change.question_key} {change.old_value} -> {change.new_value}"
        == "Mia Member: impact Yes -> No"
    )
