"""The area pages, resume, review and submit: roles, every answer kind, refused posts."""

import re

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import AnswerInput, answers_save, assessment_submit
from tests.helpers import count_queries, text_of

pytestmark = pytest.mark.django_db


def area_url(assessment, key):
    return reverse("assessment-area", args=[assessment.pk, key])


def answers_of(assessment):
    return {
        a.question.key: (a.kind, a.choice.level if a.choice else None, a.note)
        for a in assessment.answers.select_related("question", "choice")
    }


def data_post(**overrides):
    """A complete post of the "data" area: both questions unanswered unless overridden."""
    post = {
        "answer_streaming-data": "",
        "note_streaming-data": "",
        "answer_data-discovery": "",
        "note_data-discovery": "",
        "action": "continue",
    }
    post.update(overrides)
    return post


def save(assessment, user, key, kind, level=None, note=""):
    question = models.Question.objects.get(area__questionnaire=assessment.questionnaire, key=key)
    answers_save(assessment=assessment, user=user, answers=[AnswerInput(question.key, kind, level, note)])


# --- reading ---------------------------------------------------------------------------


def test_it_shows_the_area_with_progress_and_every_option(client, member, assessment):
    client.force_login(member)
    response = client.get(area_url(assessment, "data"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Area 1 of 3" in html
    assert "0 of 4</strong> questions answered" in html
    assert '<legend class="question-text">1. How does your organization collect streaming data for ML?</legend>' in html
    assert 'aria-describedby="help-streaming-data"' in html
    assert '<span class="choice-level">Defined:</span> A documented shared pipeline' in html
    # Not applicable only where the question offers it.
    assert 'name="answer_streaming-data" value="not_applicable"' in html
    assert 'name="answer_data-discovery" value="not_applicable"' not in html
    assert html.count('value="not_sure"') == 2
    assert "Note or evidence (optional)" in html
    assert 'maxlength="2000"' in html
    for button in ("Save and continue", "Save and exit"):
        assert button in html
    # The first area has nowhere to go back to.
    assert 'value="back"' not in html


def test_it_lists_the_areas_with_their_answered_counts(client, member, assessment):
    save(assessment, member, "model-versions", "choice", 4)
    client.force_login(member)
    html = client.get(area_url(assessment, "operations")).content.decode()
    assert "Area 3 of 3" in html
    assert "1 of 4</strong> questions answered" in html
    assert "2. Model Development</span>" in html
    assert "1 of 1 answered" in html
    assert 'aria-current="step"' in html
    assert 'value="back"' in html


def test_it_gives_404_for_an_unknown_area(client, member, assessment):
    client.force_login(member)
    assert client.get(area_url(assessment, "no-such-area")).status_code == 404


def test_it_redirects_anonymous_users_to_login(client, assessment):
    for url in (
        area_url(assessment, "data"),
        reverse("assessment-review", args=[assessment.pk]),
        reverse("assessment-resume", args=[assessment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_hides_the_assessment_from_outsiders(client, outsider, assessment):
    client.force_login(outsider)
    for url in (
        area_url(assessment, "data"),
        reverse("assessment-review", args=[assessment.pk]),
        reverse("assessment-resume", args=[assessment.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(area_url(assessment, "data"), data_post(**{"answer_streaming-data": "level-3"}))
    assert response.status_code == 404
    assert client.post(reverse("assessment-submit", args=[assessment.pk])).status_code == 404
    assert assessment.answers.count() == 0
    assessment.refresh_from_db()
    assert not assessment.is_submitted


@pytest.mark.parametrize("reader", ["viewer", "executive"])
def test_it_shows_readers_the_answers_without_a_form(client, reader, request, member, assessment):
    save(assessment, member, "streaming-data", "choice", 3, note="See the runbook")
    client.force_login(request.getfixturevalue(reader))
    html = client.get(area_url(assessment, "data")).content.decode()
    assert "Level 3 (Defined): A documented shared pipeline" in html
    assert "See the runbook" in html
    assert "only members of Data Platform can change it" in html
    assert 'type="radio"' not in html
    assert "Save and continue" not in html


@pytest.mark.parametrize("reader", ["viewer", "executive"])
def test_it_refuses_posts_from_readers(client, reader, request, assessment):
    client.force_login(request.getfixturevalue(reader))
    response = client.post(area_url(assessment, "data"), data_post(**{"answer_streaming-data": "level-3"}))
    assert response.status_code == 403
    assert "not change them" in response.content.decode()
    assert assessment.answers.count() == 0
    response = client.post(reverse("assessment-submit", args=[assessment.pk]))
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert not assessment.is_submitted


# --- saving ----------------------------------------------------------------------------


def na_reasons_of(assessment):
    return {a.question.key: (a.na_reason, a.na_reason_detail) for a in assessment.answers.select_related("question")}


def test_it_asks_why_a_question_is_not_applicable(client, member, assessment):
    client.force_login(member)
    html = client.get(area_url(assessment, "data")).content.decode()
    # Only where Not applicable is offered, as a select in the page (hidden by CSS until N/A is checked).
    assert '<label for="id_na_reason_streaming-data" class="form-label">If not applicable, why?</label>' in html
    assert "na_reason_data-discovery" not in html
    for label in (
        "Does not apply to our work",
        "Decided not to do it (business priority)",
        "Provided by another agency or a shared service",
        "Other (say what)",
    ):
        assert f">{label}</option>" in html
    assert 'name="na_other_streaming-data"' in html


def test_it_refuses_not_applicable_without_a_reason(client, member, assessment):
    client.force_login(member)
    response = client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "not_applicable",
                "na_reason_streaming-data": "",
                "answer_data-discovery": "level-5",
            }
        ),
    )
    assert response.status_code == 400  # the form again, with the errors
    html = response.content.decode()
    message = "“How does your organization collect streaming data for ML?”: you chose “Not applicable”. Choose why from the list under the answers."
    # In the summary, linked to the select, and next to it.
    assert f'<a href="#id_na_reason_streaming-data">{message}</a>' in html
    assert f'id="id_na_reason_streaming-data-error"><span class="visually-hidden">Error: </span>{message}' in html
    assert 'aria-invalid="true"' in html
    # What was typed is kept, nothing is saved.
    assert re.search(r'value="level-5" id="id_answer_data-discovery_\d" checked', html)
    assert assessment.answers.count() == 0


def test_it_asks_what_the_other_reason_is(client, member, assessment):
    client.force_login(member)
    response = client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "not_applicable",
                "na_reason_streaming-data": "other",
                "na_other_streaming-data": "  ",
            }
        ),
    )
    assert response.status_code == 400  # the form again, with the errors
    assert "you chose “Other” as the reason; say what it is." in response.content.decode()
    assert assessment.answers.count() == 0
    response = client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "not_applicable",
                "na_reason_streaming-data": "other",
                "na_other_streaming-data": "  Streams are run by the state  ",
            }
        ),
    )
    assert response.status_code == 302
    assert na_reasons_of(assessment) == {"streaming-data": ("other", "Streams are run by the state")}


def test_it_ignores_a_reason_for_an_answer_that_is_not_na(client, member, assessment):
    client.force_login(member)
    response = client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "level-2",
                "na_reason_streaming-data": "other",
                "na_other_streaming-data": "stale",
            }
        ),
    )
    assert response.status_code == 302
    assert na_reasons_of(assessment) == {"streaming-data": ("", "")}


def test_it_saves_a_changed_reason_alone(client, member, assessment):
    client.force_login(member)
    post = data_post(**{"answer_streaming-data": "not_applicable", "na_reason_streaming-data": "shared_service"})
    assert client.post(area_url(assessment, "data"), post).status_code == 302
    # The page as shown now, with only the reason changed.
    html = client.get(area_url(assessment, "data")).content.decode()
    shown = html.split('name="shown_streaming-data" value="', 1)[1].split('"', 1)[0]
    assert '<option value="shared_service" selected>' in html
    post.update({"shown_streaming-data": shown, "na_reason_streaming-data": "business_priority"})
    assert client.post(area_url(assessment, "data"), post).status_code == 302
    assert na_reasons_of(assessment) == {"streaming-data": ("business_priority", "")}


def test_it_keeps_an_old_na_answer_without_a_reason_when_the_page_is_saved(client, member, assessment):
    save(assessment, member, "streaming-data", "not_applicable", note="Old answer")
    client.force_login(member)
    html = client.get(area_url(assessment, "data")).content.decode()
    shown = html.split('name="shown_streaming-data" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "not_applicable",
                "note_streaming-data": "Old answer",
                "shown_streaming-data": shown,
                "answer_data-discovery": "level-3",
            }
        ),
    )
    assert response.status_code == 302
    assert na_reasons_of(assessment) == {"streaming-data": ("", ""), "data-discovery": ("", "")}
    # Changing it asks for the reason.
    response = client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "not_applicable",
                "note_streaming-data": "New note",
                "shown_streaming-data": shown,
            }
        ),
    )
    assert response.status_code == 400  # the form again, with the errors
    assert "Choose why from the list" in response.content.decode()


def test_it_saves_each_answer_kind(client, member, assessment):
    client.force_login(member)
    response = client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "not_applicable",
                "na_reason_streaming-data": "does_not_apply",
                "note_streaming-data": "  We have no streams  ",
                "answer_data-discovery": "level-5",
            }
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == area_url(assessment, "models")
    assert answers_of(assessment) == {
        "streaming-data": ("not_applicable", None, "We have no streams"),
        "data-discovery": ("choice", 5, ""),
    }
    client.post(
        area_url(assessment, "data"),
        data_post(
            **{
                "answer_streaming-data": "not_sure",
                "note_streaming-data": "Ask Sam",
                "answer_data-discovery": "level-3",
            }
        ),
    )
    assert answers_of(assessment) == {
        "streaming-data": ("not_sure", None, "Ask Sam"),
        "data-discovery": ("choice", 3, ""),
    }
    # Choosing "No answer yet" clears an answer.
    client.post(area_url(assessment, "data"), data_post(**{"answer_data-discovery": "level-3"}))
    assert answers_of(assessment) == {"data-discovery": ("choice", 3, "")}


def test_it_shows_saved_answers_when_coming_back(client, member, assessment):
    save(assessment, member, "streaming-data", "choice", 4, note="Kinesis since May")
    client.force_login(member)
    html = client.get(area_url(assessment, "data")).content.decode()
    assert 'value="level-4" id="id_answer_streaming-data_3" checked' in html
    assert "Kinesis since May</textarea>" in html


@pytest.mark.parametrize("action, goes_to", [("continue", "operations"), ("back", "data"), ("exit", None)])
def test_it_saves_with_every_button_and_goes_where_it_says(client, member, assessment, action, goes_to):
    client.force_login(member)
    response = client.post(
        area_url(assessment, "models"),
        {"answer_model-versions": "level-2", "note_model-versions": "", "action": action},
    )
    assert answers_of(assessment) == {"model-versions": ("choice", 2, "")}
    assert response["Location"] == (area_url(assessment, goes_to) if goes_to else reverse("home"))
    if action == "exit":
        home = client.get(response["Location"]).content.decode()
        assert "are saved. Choose Continue to pick up where you left off." in home


def test_back_from_the_first_area_stays_on_it(client, member, assessment):
    # The first area shows no Back button; a posted "back" saves and comes back to the same page
    # (the same rule for the team's pages, a respondent's and the reconciliation: views/journey.py).
    client.force_login(member)
    response = client.post(
        area_url(assessment, "data"),
        {"answer_data-discovery": "level-3", "note_data-discovery": "", "action": "back"},
    )
    assert response.status_code == 302 and response["Location"] == area_url(assessment, "data")
    assert answers_of(assessment)["data-discovery"] == ("choice", 3, "")


def test_it_goes_to_the_review_after_the_last_area(client, member, assessment):
    client.force_login(member)
    response = client.post(
        area_url(assessment, "operations"),
        {"answer_production-monitoring": "level-4", "note_production-monitoring": "", "action": "continue"},
    )
    assert response["Location"] == reverse("assessment-review", args=[assessment.pk])


def test_it_bumps_the_last_change_of_the_assessment(client, member, assessment):
    before = assessment.updated_at
    client.force_login(member)
    client.post(area_url(assessment, "data"), data_post(**{"answer_data-discovery": "level-3"}))
    assessment.refresh_from_db()
    assert assessment.updated_at > before


# --- refusing bad input ----------------------------------------------------------------


def assert_refused(response, assessment, before, *messages):
    assert response.status_code == 400  # the form again, with the errors
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "There is a problem" in html
    for message in messages:
        assert message in html
    assert answers_of(assessment) == before


@pytest.mark.parametrize(
    "overrides, message, link",
    [
        (
            {"answer_data-discovery": "level-2"},
            "that answer is not offered for this question",
            "#id_answer_data-discovery_0",
        ),
        (
            {"answer_data-discovery": "not_applicable"},
            "that answer is not offered for this question",
            "#id_answer_data-discovery_0",
        ),
        ({"answer_data-discovery": "level-99"}, "that answer is not offered", "#id_answer_data-discovery_0"),
        (
            {"answer_streaming-data": "level-3", "note_streaming-data": "x" * 2001},
            "the note is 2001 characters long; shorten it to 2000 characters or fewer",
            "#id_note_streaming-data",
        ),
        ({"note_data-discovery": "Ask Sam"}, "you wrote a note but chose no answer", "#id_note_data-discovery"),
    ],
)
def test_it_refuses_invalid_answers_and_keeps_what_was_typed(client, member, assessment, overrides, message, link):
    save(assessment, member, "streaming-data", "choice", 1)
    before = answers_of(assessment)
    client.force_login(member)
    post = data_post(**{"answer_streaming-data": "level-4", "note_streaming-data": "kept"})
    post.update(overrides)
    response = client.post(area_url(assessment, "data"), post)
    assert_refused(response, assessment, before, message, f'href="{link}"')
    html = response.content.decode()
    # What the user typed is shown again, not the stored answer.
    typed = post["note_streaming-data"]
    assert f"{typed}</textarea>" in html


def test_it_refuses_answers_to_questions_of_another_area_or_questionnaire(
    client, member, assessment, full_questionnaire_version
):
    before = answers_of(assessment)
    client.force_login(member)
    other_key = (
        models.Question.objects.filter(area__questionnaire=full_questionnaire_version)
        .exclude(key__in=["streaming-data", "data-discovery"])
        .first()
        .key
    )
    response = client.post(
        area_url(assessment, "data"),
        data_post(**{"answer_data-discovery": "level-3", f"answer_{other_key}": "level-2"}),
    )
    assert_refused(response, assessment, before, "questions that are not on this page", other_key)
    response = client.post(
        area_url(assessment, "data"),
        data_post(**{"answer_data-discovery": "level-3", "answer_model-versions": "level-2"}),
    )
    assert_refused(response, assessment, before, "model-versions")


def test_it_refuses_changes_to_a_submitted_assessment(client, member, assessment):
    save(assessment, member, "data-discovery", "choice", 3)
    assessment_submit(assessment=assessment, user=member)
    before = answers_of(assessment)
    client.force_login(member)
    response = client.post(area_url(assessment, "data"), data_post(**{"answer_data-discovery": "level-5"}))
    assert response.status_code == 403  # a refused write: the error page, with the reason
    html = response.content.decode()
    assert "has been submitted and can no longer be changed" in html
    assert 'type="radio"' not in html
    assert answers_of(assessment) == before


# --- resume, review, submit ------------------------------------------------------------


def test_it_resumes_at_the_first_area_with_unanswered_questions(client, member, assessment):
    client.force_login(member)
    resume = reverse("assessment-resume", args=[assessment.pk])
    assert client.get(resume)["Location"] == area_url(assessment, "data")
    save(assessment, member, "streaming-data", "not_applicable")
    save(assessment, member, "data-discovery", "not_sure")
    assert client.get(resume)["Location"] == area_url(assessment, "models")
    save(assessment, member, "production-monitoring", "choice", 2)
    assert client.get(resume)["Location"] == area_url(assessment, "models")
    save(assessment, member, "model-versions", "choice", 2)
    assert client.get(resume)["Location"] == reverse("assessment-review", args=[assessment.pk])


def test_it_resumes_a_submitted_assessment_on_its_results(client, member, assessment):
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    response = client.get(reverse("assessment-resume", args=[assessment.pk]))
    assert response["Location"] == f"/assessments/{assessment.pk}/"


def test_it_lists_unanswered_and_not_sure_questions_on_the_review(client, member, assessment):
    save(assessment, member, "streaming-data", "not_sure")
    save(assessment, member, "data-discovery", "choice", 3)
    client.force_login(member)
    html = client.get(reverse("assessment-review", args=[assessment.pk])).content.decode()
    assert "Unanswered questions (2)" in html
    assert f'href="{area_url(assessment, "models")}#q-model-versions"' in html
    assert f'href="{area_url(assessment, "operations")}#q-production-monitoring"' in html
    assert "“Not sure” answers to verify (1)" in html
    assert f'href="{area_url(assessment, "data")}#q-streaming-data"' in html
    assert f'href="{area_url(assessment, "data")}#q-data-discovery"' not in html
    assert "Submitting locks the assessment for everyone" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_it_says_when_everything_is_answered(client, member, assessment):
    for key, level in [
        ("streaming-data", 3),
        ("data-discovery", 3),
        ("model-versions", 2),
        ("production-monitoring", 4),
    ]:
        save(assessment, member, key, "choice", level)
    client.force_login(member)
    html = client.get(reverse("assessment-review", args=[assessment.pk])).content.decode()
    assert "Every question is answered" in html
    assert "Unanswered questions" not in html


def test_it_shows_readers_the_review_without_submit(client, viewer, assessment):
    client.force_login(viewer)
    html = client.get(reverse("assessment-review", args=[assessment.pk])).content.decode()
    assert "Summary of answers" in html
    assert "Submit and see results" not in html


def test_it_submits_and_locks_for_everyone(client, member, assessment):
    client.force_login(member)
    response = client.post(reverse("assessment-submit", args=[assessment.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{assessment.pk}/"
    assessment.refresh_from_db()
    assert assessment.is_submitted
    assert assessment.submitted_by == member
    response = client.post(area_url(assessment, "data"), data_post(**{"answer_data-discovery": "level-5"}))
    assert assessment.answers.count() == 0
    # Submitting twice is harmless.
    response = client.post(reverse("assessment-submit", args=[assessment.pk]))
    assert response.status_code == 302


def test_it_only_submits_with_post(client, member, assessment):
    client.force_login(member)
    assert client.get(reverse("assessment-submit", args=[assessment.pk])).status_code == 405
    assessment.refresh_from_db()
    assert not assessment.is_submitted


def test_it_refuses_posts_without_csrf_token(member, assessment):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(area_url(assessment, "data"), data_post(**{"answer_data-discovery": "level-5"}))
    assert response.status_code == 403
    assert assessment.answers.count() == 0


def test_it_warns_how_many_questions_stay_unanswered_before_submitting(client, member, assessment):
    save(assessment, member, "data-discovery", "choice", 3)
    client.force_login(member)
    html = client.get(reverse("assessment-review", args=[assessment.pk])).content.decode()
    assert "3 questions are still unanswered and will be left out of the scores." in html


def test_it_keeps_the_area_page_queries_bounded(client, member, assessment):
    client.force_login(member)
    url = area_url(assessment, "data")
    empty = count_queries(client, url)
    for key, level in [
        ("streaming-data", 3),
        ("data-discovery", 3),
        ("model-versions", 2),
        ("production-monitoring", 4),
    ]:
        save(assessment, member, key, "choice", level)
    assert count_queries(client, url) <= empty


def test_it_does_not_overwrite_a_colleagues_answer_saved_meanwhile(client, member, team, assessment):
    import re

    from tests.helpers import team_user

    colleague = team_user(team, "colleague")
    client.force_login(member)
    html = client.get(area_url(assessment, "data")).content.decode()
    shown = dict(re.findall(r'name="(shown_[a-z-]+)" value="([^"]*)"', html))
    assert set(shown) == {"shown_streaming-data", "shown_data-discovery"}

    # While the page is open, a colleague answers the first question.
    save(assessment, colleague, "streaming-data", "choice", 4, note="Checked with ops")
    # The member answers only the second question, leaving the first as it was shown.
    response = client.post(
        area_url(assessment, "data"),
        data_post(**shown, **{"answer_data-discovery": "level-3", "note_data-discovery": "Line 1\r\nLine 2"}),
    )
    assert response.status_code == 302
    assert answers_of(assessment) == {
        "streaming-data": ("choice", 4, "Checked with ops"),
        "data-discovery": ("choice", 3, "Line 1\nLine 2"),
    }
    # Coming back and saving unchanged answers changes nothing, line breaks included.
    html = client.get(area_url(assessment, "data")).content.decode()
    shown = dict(re.findall(r'name="(shown_[a-z-]+)" value="([^"]*)"', html))
    before = assessment.answers.get(question__key="data-discovery").answered_at
    client.post(
        area_url(assessment, "data"),
        data_post(
            **shown,
            **{
                "answer_streaming-data": "level-4",
                "note_streaming-data": "Checked with ops",
                "answer_data-discovery": "level-3",
                "note_data-discovery": "Line 1\r\nLine 2",
            },
        ),
    )
    assert assessment.answers.get(question__key="data-discovery").answered_at == before


def test_it_tells_who_changes_an_answer_a_colleague_changed_meanwhile_and_saves_nothing(
    client, member, team, assessment
):
    import re

    from tests.helpers import team_user

    colleague = team_user(team, "colleague")
    client.force_login(member)
    html = client.get(area_url(assessment, "data")).content.decode()
    shown = dict(re.findall(r'name="(shown_[a-z-]+)" value="([^"]*)"', html))
    # While the page is open, a colleague answers the question this member is answering too.
    save(assessment, colleague, "streaming-data", "choice", 4, note="Checked with ops")
    mine = {"answer_streaming-data": "level-1", "answer_data-discovery": "level-3"}
    response = client.post(area_url(assessment, "data"), data_post(**shown, **mine))
    assert response.status_code == 400
    page = text_of(response)
    assert "Nothing on this page was saved: someone else changed answers on it meanwhile" in page
    assert "someone else saved “Level 4" in page
    assert answers_of(assessment) == {"streaming-data": ("choice", 4, "Checked with ops")}
    # The page shown again carries the answer as it is now: saving it again knowingly replaces it.
    again = dict(re.findall(r'name="(shown_[a-z-]+)" value="([^"]*)"', response.content.decode()))
    assert client.post(area_url(assessment, "data"), data_post(**again, **mine)).status_code == 302
    assert answers_of(assessment) == {
        "streaming-data": ("choice", 1, ""),
        "data-discovery": ("choice", 3, ""),
    }


def test_the_save_refuses_answers_changed_since_shown_and_writes_nothing(member, team, assessment):
    from assessment.domain import model as domain
    from assessment.services.assessments import AnswersChangedMeanwhile
    from tests.helpers import team_user

    shown = {"streaming-data": domain.answer_token(None), "data-discovery": domain.answer_token(None)}
    save(assessment, team_user(team, "colleague"), "streaming-data", "choice", 4, note="Checked with ops")
    assessment.refresh_from_db()
    updated_at = assessment.updated_at
    with pytest.raises(AnswersChangedMeanwhile) as refused:
        answers_save(
            assessment=assessment,
            user=member,
            answers=[AnswerInput("streaming-data", "choice", 1), AnswerInput("data-discovery", "choice", 3)],
            shown=shown,
        )
    assert refused.value.current == {"streaming-data": domain.Answer("choice", 4, note="Checked with ops")}
    # Nothing written: not the conflicting answer, not the other one, no history, no new date.
    assert answers_of(assessment) == {"streaming-data": ("choice", 4, "Checked with ops")}
    assert models.Answer.history.filter(assessment_id=assessment.pk).count() == 1
    assessment.refresh_from_db()
    assert assessment.updated_at == updated_at


def test_the_save_takes_answers_unchanged_since_shown_or_given_as_stored_and_without_tokens_as_before(
    member, team, assessment
):
    from assessment.domain import model as domain
    from tests.helpers import team_user

    colleague = team_user(team, "colleague")
    save(assessment, colleague, "streaming-data", "choice", 4, note="Checked with ops")
    # Shown as it is stored: saved.
    assert (
        answers_save(
            assessment=assessment,
            user=member,
            answers=[AnswerInput("streaming-data", "not_sure", note="Ask ops")],
            shown={"streaming-data": domain.answer_token(domain.Answer("choice", 4, note="Checked with ops"))},
        )
        == 1
    )
    # Shown before that change, but given as it is stored now (a browser's CRLF does not count): nothing refused.
    assert (
        answers_save(
            assessment=assessment,
            user=colleague,
            answers=[AnswerInput("streaming-data", "not_sure", note="Ask ops\r\n")],
            shown={"streaming-data": domain.answer_token(None)},
        )
        == 0
    )
    # No tokens (imports, demo data): the answer given replaces what is stored, as before.
    save(assessment, colleague, "streaming-data", "choice", 2)
    assert answers_of(assessment) == {"streaming-data": ("choice", 2, "")}
