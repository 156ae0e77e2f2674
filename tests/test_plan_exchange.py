"""Action plans in export_assessments / import_assessments, and in the assessment's JSON export."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import models
from tests.urlwalk import db_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(team, member, questionnaire_version):
    now = timezone.now()
    models.Action.objects.create(
        team=team,
        questionnaire_slug="small-ml",
        question_key="streaming-data",
        target_level=3,
        owner=member,
        due_date=datetime.date(2027, 3, 31),
        status="in_progress",
        link="https://tracker.example/ML-1",
        note="Pilot first",
        created_by=member,
        created_at=now,
    )
    models.Action.objects.create(
        team=team,
        questionnaire_slug="small-ml",
        question_key="data-discovery",
        target_level=5,
        owner_name="Ana Outside",
        status="wont_do",
        wont_do_reason="Bought a catalog service",
        created_at=now,
    )
    return team


def export(tmp_path):
    path = tmp_path / "out.json"
    call_command("export_assessments", "-o", str(path))
    return path


def test_it_round_trips_the_plan(planned, member, tmp_path, capsys):
    path = export(tmp_path)
    data = json.loads(path.read_text())
    assert {a["question"] for a in data["actions"]} == {"streaming-data", "data-discovery"}
    models.Action.objects.all().delete()
    call_command("import_assessments", str(path))
    assert "2 action(s) of plans imported" in capsys.readouterr().out
    streaming = models.Action.objects.get(question_key="streaming-data")
    assert (streaming.owner, streaming.due_date, streaming.status, streaming.link, streaming.note) == (
        member,
        datetime.date(2027, 3, 31),
        "in_progress",
        "https://tracker.example/ML-1",
        "Pilot first",
    )
    discovery = models.Action.objects.get(question_key="data-discovery")
    assert (discovery.owner_name, discovery.wont_do_reason) == ("Ana Outside", "Bought a catalog service")
    # Imported again: the same actions are skipped, never doubled.
    call_command("import_assessments", str(path))
    assert models.Action.objects.count() == 2


@pytest.mark.parametrize(
    "change, message",
    [
        ({"due_date": "10000-01-01"}, "due_date '10000-01-01' is not a date"),
        ({"link": "javascript:alert(1)"}, "must start with http:// or https://"),
        ({"note": "x" * 1_000_000}, "note: 1000000 characters long; the limit is 5000"),
        ({"status": "wont_do", "wont_do_reason": ""}, "wont_do_reason: required"),
        ({"question": "Bad Key"}, "question 'Bad Key' must be lowercase"),
    ],
)
def test_it_refuses_a_bad_action_and_imports_nothing(planned, tmp_path, capsys, change, message):
    path = export(tmp_path)
    data = json.loads(path.read_text())
    data["actions"][0].update(change)
    models.Action.objects.all().delete()
    path.write_text(json.dumps(data))
    before = db_snapshot()
    with pytest.raises(CommandError):
        call_command("import_assessments", str(path))
    err = capsys.readouterr().err
    assert "actions[0]" in err and message in err
    assert db_snapshot() == before


def test_the_assessment_json_carries_the_teams_actions(planned, member, assessment):
    client = Client()
    client.force_login(member)
    data = json.loads(client.get(reverse("assessment-export-json", args=[assessment.pk])).content)
    by_question = {a["question"]: a for a in data["actions"]}
    assert by_question["streaming-data"]["due_date"] == "2027-03-31"
    assert by_question["streaming-data"]["status"] == "in_progress"
    assert by_question["data-discovery"]["owner"] == "Ana Outside"
    assert by_question["data-discovery"]["progress"] == "not_measured"
