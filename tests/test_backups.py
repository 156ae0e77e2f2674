import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import models
from assessment.selectors.results import assessment_results

from .helpers import DATA, answer, load_questionnaire_file
from .results_helpers import EXAMPLE_ANSWERS, submitted_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_data(team, other_team, member, outsider, questionnaire_version):
    submitted_assessment(
        team,
        member,
        questionnaire_version,
        {
            "streaming-data": ("choice", 3),
            "data-discovery": ("choice", 3),
            "model-versions": ("not_sure", None),
            "production-monitoring": ("choice", 1),
        },
        title="Q1 review",
        when="2026-03-31",
        targets={"data": 5, "models": 3},
    )
    draft = models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title="Q2 draft")
    answer(draft, member, EXAMPLE_ANSWERS, notes={"model-versions": "Ask Sam"})
    submitted_assessment(
        other_team,
        outsider,
        questionnaire_version,
        {"streaming-data": ("not_applicable", None), "model-versions": ("choice", 5)},
        title="Baseline",
    )
    # Submitted, so set directly: the reason the form would have asked for.
    models.Answer.objects.filter(kind="not_applicable").update(na_reason="other", na_reason_detail="Run by the state")


def scores_by_assessment():
    """Every figure a user sees, keyed by team and title (database ids change across instances)."""
    result = {}
    for assessment in models.Assessment.objects.select_related("team", "questionnaire"):
        report = assessment_results(assessment)
        result[(assessment.team.slug, assessment.title)] = {
            "status": assessment.status,
            "submitted_at": assessment.submitted_at,
            "created_at": assessment.created_at,
            "score": report.score,
            "roadmap": report.roadmap,
            "answers": report.answers,
            "targets": report.targets,
        }
    return result


def empty_the_database():
    models.Answer.objects.all().delete()
    models.AreaTarget.objects.all().delete()
    models.Assessment.objects.all().delete()
    models.Membership.objects.all().delete()
    models.Executive.objects.all().delete()
    models.Team.objects.all().delete()
    models.Agency.objects.all().delete()
    models.QuestionnaireVersion.objects.all().delete()


def test_it_round_trips_into_an_empty_database_with_identical_scores(agency_data, tmp_path, capsys):
    before = scores_by_assessment()
    assert len(before) == 3
    out = tmp_path / "backup.json"
    call_command("export_assessments", "-o", str(out))

    empty_the_database()
    assert not models.Team.objects.exists()
    load_questionnaire_file(DATA / "good_questionnaire.yaml")  # new database ids for every question
    call_command("import_assessments", str(out))

    assert scores_by_assessment() == before
    assert models.Agency.objects.get().name == "Test Agency"
    assert set(models.Team.objects.values_list("slug", "name")) == {
        ("data-platform", "Data Platform"),
        ("other-team", "Other Team"),
    }
    assert "3 assessment(s) with 9 answer(s) imported; 2 team(s) created" in capsys.readouterr().out


def test_it_skips_assessments_already_present(agency_data, tmp_path, capsys):
    out = tmp_path / "backup.json"
    call_command("export_assessments", "-o", str(out))
    call_command("import_assessments", str(out))
    assert models.Assessment.objects.count() == 3
    assert "3 already present and skipped" in capsys.readouterr().out


def test_it_exports_one_team(agency_data, capsys):
    call_command("export_assessments", "--team", "other-team")
    data = json.loads(capsys.readouterr().out)
    assert [t["slug"] for t in data["teams"]] == ["other-team"]
    assert [a["title"] for a in data["assessments"]] == ["Baseline"]
    assert data["assessments"][0]["answers"] == [
        {
            "question": "streaming-data",
            "answer": "not_applicable",
            "level": None,
            "note": "",
            "na_reason": "other",
            "na_reason_detail": "Run by the state",
        },
        {"question": "model-versions", "answer": "choice", "level": 5, "note": ""},
    ]


def test_it_imports_na_answers_exported_before_reasons_were_asked(agency_data, tmp_path, capsys):
    def change(data):
        data["assessments"] = [a for a in data["assessments"] if a["title"] == "Baseline"]
        data["assessments"][0]["team"] = data["teams"][0]["slug"] = "old-team"
        for item in data["assessments"][0]["answers"]:
            item.pop("na_reason", None)
            item.pop("na_reason_detail", None)

    call_command("import_assessments", str(broken_export(tmp_path, change)))
    imported = models.Answer.objects.get(assessment__team__slug="old-team", kind="not_applicable")
    assert (imported.na_reason, imported.na_reason_detail) == ("", "")
    report = assessment_results(imported.assessment)
    assert report.answers["streaming-data"].not_applicable_text == "Not applicable (reason not given)"


def test_it_refuses_an_unknown_team_to_export(agency_data):
    with pytest.raises(CommandError, match=r'No team with slug "nope"\. Teams: data-platform, other-team\.'):
        call_command("export_assessments", "--team", "nope")


def broken_export(tmp_path, change):
    call_command("export_assessments", "-o", str(tmp_path / "good.json"))
    data = json.loads((tmp_path / "good.json").read_text())
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return path


def refuse(path, capsys) -> str:
    count = models.Assessment.objects.count()
    with pytest.raises(CommandError) as info:
        call_command("import_assessments", str(path))
    assert info.value.returncode == 1
    assert "nothing was imported" in str(info.value)
    assert models.Assessment.objects.count() == count
    return capsys.readouterr().err


def test_it_refuses_everything_when_one_answer_is_wrong_and_says_where(agency_data, tmp_path, capsys):
    def change(data):
        for team in data["teams"]:
            team["slug"] = "new-" + team["slug"]  # so the import would create teams
        for assessment in data["assessments"]:
            assessment["team"] = "new-" + assessment["team"]
        data["assessments"][1]["answers"][2]["level"] = 3  # model-versions offers 1, 2, 4, 5

    path = broken_export(tmp_path, change)
    err = refuse(path, capsys)
    assert (
        f'{path}: assessments[1] (team "new-data-platform", "Q2 draft"): answers[2] (question "model-versions"): '
        "level 3 is not a choice of this question (choices: [1, 2, 4, 5])"
    ) in err
    assert not models.Team.objects.filter(slug__startswith="new-").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["assessments"][0]["answers"][0].update(question="nope"),
            "answers[0]: question 'nope' is not in small-ml 2026.1",
        ),
        (
            lambda d: d["assessments"][0]["questionnaire"].update(version="9.9"),
            'questionnaire "small-ml" version "9.9" is not loaded here',
        ),
        (lambda d: d["assessments"][0].update(status="done"), "status 'done' is not draft or submitted"),
        (lambda d: d["assessments"][0]["targets"].update(data=9), "targets: data: level 9 is not on the scale"),
        (lambda d: d["assessments"][0]["answers"][0].update(answer="maybe"), "answer 'maybe' is not one of"),
        (
            lambda d: d["assessments"][2]["answers"][1].update(answer="not_applicable", level=None),
            '"Not applicable" is not offered for this question',
        ),
        (
            lambda d: d["assessments"][2]["answers"][0].update(na_reason="lazy"),
            (
                "answers[0] (question \"streaming-data\"): na_reason 'lazy' is not one of does_not_apply, business_priority, "
                "shared_service, other (or null)"
            ),
        ),
        (
            lambda d: d["assessments"][2]["answers"][0].update(na_reason_detail=""),
            "answers[0] (question \"streaming-data\"): na_reason_detail: expected a non-empty text, got ''",
        ),
        (
            lambda d: d["assessments"][2]["answers"][0].update(na_reason_detail="x" * 201),
            "na_reason_detail: 201 characters long; the limit is 200",
        ),
        (
            lambda d: d["assessments"][2]["answers"][0].update(na_reason="does_not_apply"),
            'na_reason_detail is only for na_reason "other"',
        ),
        (
            lambda d: d["assessments"][2]["answers"][1].update(na_reason="does_not_apply"),
            'answers[1] (question "model-versions"): na_reason is only for an answer "not_applicable", not \'choice\'',
        ),
        (lambda d: d["assessments"][0].update(submitted_at="yesterday"), "'yesterday' is not a date and time"),
        (lambda d: d["assessments"][0].update(team="ghost"), "team 'ghost' is neither in the file's teams"),
        (lambda d: d.update(format="something-else"), "format: expected 'ml-readiness-assessments'"),
        (lambda d: d["assessments"][0].update(colour="red"), "unknown key 'colour'"),
        (lambda d: d.update(teams={"slug": "x"}), "teams: expected a list"),
        (lambda d: d["teams"].append("data-platform"), "teams[2]: expected an object with slug, name, agency"),
        (lambda d: d["assessments"].insert(1, None), "assessments[1]: expected an object"),
    ],
)
def test_it_refuses_bad_documents_with_clear_messages(agency_data, tmp_path, capsys, change, message):
    err = refuse(broken_export(tmp_path, change), capsys)
    assert message in err


def test_it_refuses_a_file_that_is_not_json(db, tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"format": \n oops}')
    with pytest.raises(CommandError, match=r"x.json:2:2: not valid JSON"):
        call_command("import_assessments", str(path))


def test_it_refuses_json_nested_too_deeply_without_crashing(db, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError, match=r"deep.json: nested too deeply .*; nothing was imported") as error:
        call_command("import_assessments", str(path))
    assert error.value.returncode == 1
    assert not models.Team.objects.exists()


def test_it_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_assessments", str(tmp_path / "missing.json"))


def test_it_writes_nothing_on_a_dry_run(agency_data, tmp_path, capsys):
    out = tmp_path / "backup.json"
    call_command("export_assessments", "-o", str(out))
    empty = json.loads(out.read_text())
    for team in empty["teams"]:
        team["slug"] += "-copy"
    for assessment in empty["assessments"]:
        assessment["team"] += "-copy"
    out.write_text(json.dumps(empty))
    call_command("import_assessments", str(out), "--dry-run")
    assert "Dry run, nothing was written" in capsys.readouterr().out
    assert not models.Team.objects.filter(slug__endswith="-copy").exists()


@pytest.mark.parametrize(
    "where, message",
    [
        ("missing/backup.json", "missing/backup.json: No such file or directory; nothing was written."),
        (".", ": Is a directory; nothing was written."),
    ],
)
def test_it_refuses_an_output_it_cannot_write_and_leaves_nothing(agency_data, tmp_path, where, message):
    with pytest.raises(CommandError) as error:
        call_command("export_assessments", "-o", str(tmp_path / where))
    assert error.value.returncode == 1
    assert str(error.value).startswith("Cannot write ") and str(error.value).endswith(message)
    assert list(tmp_path.iterdir()) == []


def test_it_replaces_an_existing_file_and_the_new_one_round_trips(agency_data, tmp_path, capsys):
    out = tmp_path / "backup.json"
    out.write_text("yesterday's backup")
    call_command("export_assessments", "-o", str(out))
    before = scores_by_assessment()
    empty_the_database()
    load_questionnaire_file(DATA / "good_questionnaire.yaml")
    call_command("import_assessments", str(out))
    assert scores_by_assessment() == before
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]


def as_new_teams(change):
    """`change`, on a file whose teams are new here, so that nothing in it would be skipped as present."""

    def changed(data):
        for team in data["teams"]:
            team["slug"] = "new-" + team["slug"]
        for item in data["assessments"]:
            item["team"] = "new-" + item["team"]
        change(data)

    return changed


def new_action(**fields):
    action = {"team": "new-data-platform", "questionnaire": "small-ml", "question": "streaming-data"}
    return {**action, "target_level": 4, "status": "planned", **fields}


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["assessments"][0].update(created_at="0001-01-01T00:00:00+05:00"),
            "\"Q1 review\"): created_at: '0001-01-01T00:00:00+05:00' is outside the years 1 to 9999 once converted "
            "to UTC",
        ),
        (
            lambda d: d["assessments"][0].update(submitted_at="9999-12-31T23:00:00-05:00"),
            "submitted_at: '9999-12-31T23:00:00-05:00' is outside the years 1 to 9999",
        ),
        (
            lambda d: d.update(actions=[new_action(created_at="0001-01-01T00:00:00+01:00")]),
            'actions[0] (team "new-data-platform", question "streaming-data"): created_at: '
            "'0001-01-01T00:00:00+01:00' is outside the years 1 to 9999",
        ),
        (
            lambda d: d.update(actions=[new_action(target_level=10**30)]),
            f"target_level: expected a whole number from 0 to 2147483647, got {10**30}",
        ),
        (
            lambda d: d["assessments"][0].update(
                panel={
                    "decisions": [{"question": "streaming-data", "decided_at": "2026-01-01T00:00:00", "spread": 2**31}]
                }
            ),
            "panel: decisions[0]: spread: expected a whole number from 0 to 2147483647, got 2147483648",
        ),
        (
            lambda d: d["assessments"][1]["answers"][0].update(note="Ask\x00Sam"),
            "broken.json: assessments[1].answers[0].note: the text holds a NUL character (U+0000), which cannot "
            "be stored",
        ),
        (
            lambda d: d["teams"][0].update(name="Data\x00"),
            "broken.json: teams[0].name: the text holds a NUL character (U+0000)",
        ),
        (
            lambda d: d["assessments"][0].update(panel={"decisions": [{"question": "x", "responses": {"A\x00": 1}}]}),
            "assessments[0].panel.decisions[0].responses.A\\x00: the key holds a NUL character (U+0000)",
        ),
        (
            lambda d: d["assessments"].append(dict(d["assessments"][0])),
            'assessments[3] (team "new-data-platform", "Q1 review"): the same assessment (team, questionnaire, title '
            "and created_at) as assessments[0]: listed twice",
        ),
        (
            lambda d: d.update(actions=[new_action(), new_action(status="done")]),
            'actions[1] (team "new-data-platform", question "streaming-data"): the same action (team, questionnaire, '
            "question and target_level) as actions[0]: listed twice",
        ),
    ],
)
def test_it_refuses_what_the_database_cannot_hold_or_a_row_listed_twice(agency_data, tmp_path, capsys, change, message):
    teams = models.Team.objects.count()
    err = refuse(broken_export(tmp_path, as_new_teams(change)), capsys)
    assert message in err
    assert models.Team.objects.count() == teams and not models.Action.objects.exists()


def test_it_refuses_a_team_that_is_another_agencys_here(agency_data, tmp_path, capsys):
    def change(data):
        data["teams"][0]["agency"] = "Department of Elsewhere"

    err = refuse(broken_export(tmp_path, change), capsys)
    assert (
        'teams[0]: team "data-platform" is in agency "Test Agency" here, not "Department of Elsewhere" as the file '
        "says; give the file's team another slug, or its agency's name here if the agency was renamed"
    ) in err
    assert not models.Agency.objects.filter(name="Department of Elsewhere").exists()
