import csv
import io
import json

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import AnswerInput, answers_save

from .helpers import answer

pytestmark = pytest.mark.django_db


def get_json(client, assessment):
    response = client.get(reverse("assessment-export-json", args=[assessment.pk]))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_it_exports_the_section_5_shape_with_hand_worked_figures(client, member, answered):
    client.force_login(member)
    _, data = get_json(client, answered)
    assert data["questionnaire"]["slug"] == "small-ml" and data["questionnaire"]["version"] == "2026.1"
    assert data["team"] == "data-platform"
    assert data["status"] == "draft"
    overall = data["overall"]
    assert overall["score"] == pytest.approx((1 / 3 + 1.5 * 0.25) / 2.5)  # unrounded
    assert overall["percent"] == 28 and overall["level"] == 2.1 and overall["level_name"] == "Developing"
    assert overall["completeness"] == 0.75
    assert overall["progress_to_target"] == pytest.approx(1 - 8 / 13.5)
    areas = {a["id"]: a for a in data["areas"]}
    assert list(areas) == ["data", "models", "operations"]
    assert areas["data"]["score"] == pytest.approx(1 / 3)
    assert areas["data"]["percent"] == 33 and areas["data"]["level"] == 2.3 and areas["data"]["target"] == 4
    assert areas["data"]["progress_to_target"] == pytest.approx(4 / 9)
    assert areas["operations"]["score"] is None and areas["operations"]["percent"] is None
    assert areas["operations"]["completeness"] == 0.0


def test_it_exports_every_question_including_unanswered(client, member, answered):
    client.force_login(member)
    _, data = get_json(client, answered)
    assert data["answers"] == [
        {"question": "streaming-data", "answer": "choice", "level": 3, "note": ""},
        {"question": "data-discovery", "answer": "not_sure", "level": None, "note": ""},
        {"question": "model-versions", "answer": "choice", "level": 2, "note": "Registry planned for Q3"},
        {"question": "production-monitoring", "answer": "unanswered", "level": None, "note": ""},
    ]


def test_it_exports_the_roadmap_items_and_what_to_verify(client, member, answered):
    client.force_login(member)
    _, data = get_json(client, answered)
    assert data["to_verify"] == ["data-discovery"]
    # Hand-worked in results_helpers.
    assert data["roadmap"] == [
        {
            "position": 1,
            "question": "data-discovery",
            "area": "data",
            "phase": "now",
            "from": 1,
            "to": 3,
            "steps": [3],
            "practices": ["data-catalog"],
            "effort": "low",
        },
        {
            "position": 2,
            "question": "model-versions",
            "area": "models",
            "phase": "now",
            "from": 2,
            "to": 4,
            "steps": [4],
            "practices": ["model-registry"],
            "effort": "medium",
            "needs": [{"question": "data-discovery", "level": 3}],
        },
        {
            "position": 3,
            "question": "streaming-data",
            "area": "data",
            "phase": "next",
            "from": 3,
            "to": 4,
            "steps": [4],
            "practices": ["streaming-ingestion"],
            "effort": "medium",
        },
        {
            "position": 4,
            "question": "data-discovery",
            "area": "data",
            "phase": "next",
            "from": 3,
            "to": 5,
            "steps": [5],
            "practices": ["data-catalog"],
            "effort": "low",
        },
    ]


def test_it_names_the_file_after_team_questionnaire_and_date(client, member, answered):
    client.force_login(member)
    response, _ = get_json(client, answered)
    disposition = response["Content-Disposition"]
    day = answered.updated_at.strftime("%Y-%m-%d")
    assert disposition == f'attachment; filename="data-platform_small-ml-2026.1_{day}.json"'


def read_csv(client, assessment):
    response = client.get(reverse("assessment-export-csv", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="data-platform_small-ml-2026.1_')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_table(rows, title):
    """The table under a title row ("Answers", "Roadmap"): each row as {column heading: cell}."""
    start = rows.index([title]) + 1
    end = rows.index([], start) if [] in rows[start:] else len(rows)
    header = rows[start]
    return [dict(zip(header, row, strict=True)) for row in rows[start + 1 : end]]


def test_it_exports_answers_and_roadmap_as_csv(client, member, answered):
    client.force_login(member)
    rows = read_csv(client, answered)
    answers = csv_table(rows, "Answers")
    assert [(a["Question id"], a["Answer"], a["Level"], a["Level name"]) for a in answers] == [
        ("streaming-data", "Choice", "3", "Defined"),
        ("data-discovery", "Not sure", "", ""),
        ("model-versions", "Choice", "2", "Developing"),
        ("production-monitoring", "Unanswered", "", ""),
    ]
    assert answers[0] == {
        "Area": "Data Ingestion and Preparation",
        "Question id": "streaming-data",
        "Question": "How does your organization collect streaming data for ML?",
        "Answer": "Choice",
        "Level": "3",
        "Level name": "Defined",
        "Note": "",
        "Reason for Not applicable": "",
    }
    assert answers[2]["Note"] == "Registry planned for Q3"
    roadmap = csv_table(rows, "Roadmap")
    assert [(r["Position"], r["Phase"], r["Area"], r["Question id"]) for r in roadmap] == [
        ("1", "Now", "Data Ingestion and Preparation", "data-discovery"),
        ("2", "Now", "Model Development", "model-versions"),
        ("3", "Next", "Data Ingestion and Preparation", "streaming-data"),
        ("4", "Next", "Data Ingestion and Preparation", "data-discovery"),
    ]
    # Not sure counts as level 1; model-versions waits for data-discovery at 3.
    first = roadmap[0]
    assert [first[c] for c in ("From", "From name", "To", "To name", "Steps", "Done when")] == [
        "Not sure (1)",
        "Initial",
        "3",
        "Defined",
        "3",
        "A shared list of datasets",
    ]
    assert roadmap[1] == {
        "Position": "2",
        "Phase": "Now",
        "Area": "Model Development",
        "Question id": "model-versions",
        "Question": "How are trained models kept?",
        "From": "2",
        "From name": "Developing",
        "To": "4",
        "To name": "Managed",
        "Steps": "4",
        "Done when": "In a model registry",
        "Practice ids": "model-registry",
        "Practices": "Register models before deployment",
        "Effort": "medium",
        "Needs first": "data-discovery at 3",
    }


@pytest.mark.parametrize("note", ['=HYPERLINK("http://evil")', "+1+2", "-3", "@SUM(A1)"])
def test_it_keeps_spreadsheets_from_running_a_note_as_a_formula(client, member, assessment, note):
    answer(assessment, member, {"model-versions": ("choice", 2)}, notes={"model-versions": note})
    client.force_login(member)
    rows = read_csv(client, assessment)
    row = next(r for r in rows if len(r) > 1 and r[1] == "model-versions")
    assert row[6] == "'" + note


@pytest.mark.parametrize("name", ["assessment-export-json", "assessment-export-csv"])
def test_it_hides_exports_from_other_teams(client, outsider, answered, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[answered.pk])).status_code == 404


@pytest.mark.parametrize("who", ["viewer", "executive"])
def test_it_lets_viewers_and_executives_export(client, request, who, answered):
    client.force_login(request.getfixturevalue(who))
    _, data = get_json(client, answered)
    assert data["team"] == "data-platform"


def test_it_marks_a_submitted_export(client, member, answered):
    answered.status = models.Assessment.SUBMITTED
    answered.save()
    client.force_login(member)
    _, data = get_json(client, answered)
    assert data["status"] == "submitted"


def na_answer(assessment, member, reason, detail=""):
    question = models.Question.objects.get(area__questionnaire=assessment.questionnaire, key="streaming-data")
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(question.key, "not_applicable", na_reason=reason, na_reason_detail=detail),
        ],
    )


@pytest.mark.parametrize(
    "reason, detail, text",
    [
        ("shared_service", "", "Provided by another agency or a shared service"),
        ("other", "Streams are run by the state", "Other: Streams are run by the state"),
        ("", "", "Reason not given"),  # saved before reasons were asked
    ],
)
def test_it_exports_why_an_answer_is_not_applicable(client, member, assessment, reason, detail, text):
    na_answer(assessment, member, reason, detail)
    client.force_login(member)
    _, data = get_json(client, assessment)
    assert data["answers"][0] == {
        "question": "streaming-data",
        "answer": "not_applicable",
        "level": None,
        "note": "",
        "na_reason": reason or None,
        "na_reason_detail": detail,
        "na_reason_text": text,
    }
    row = next(r for r in read_csv(client, assessment) if len(r) > 1 and r[1] == "streaming-data")
    assert row[3:] == ["Not applicable", "", "", "", text]


def test_it_keeps_spreadsheets_from_running_an_other_reason_as_a_formula(client, member, assessment):
    na_answer(assessment, member, "other", "=1+2")
    client.force_login(member)
    row = next(r for r in read_csv(client, assessment) if len(r) > 1 and r[1] == "streaming-data")
    assert row[7] == "Other: =1+2"
