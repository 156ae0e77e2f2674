"""The questionnaire commands: load (all or nothing, located errors) and export."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.services.versions import questionnaire_import

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good_questionnaire.yaml"
BAD_FILES = sorted((DATA / "bad_questionnaires").glob("*.yaml"))


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refuse(*args):
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, stdout=StringIO(), stderr=err)
    return excinfo.value, err.getvalue()


def content_rows():
    return (
        models.QuestionnaireVersion.objects.count(),
        models.Practice.objects.count(),
        models.Question.objects.count(),
        models.Choice.objects.count(),
    )


@pytest.mark.django_db
def test_it_loads_a_valid_file_and_says_what_it_created():
    out, _ = run("load_questionnaire", str(GOOD))
    assert "small-ml 2026.1: created (3 areas, 4 questions, 4 practices)" in out
    version = models.QuestionnaireVersion.objects.get(slug="small-ml", version="2026.1")
    assert version.status == models.QuestionnaireVersion.PUBLISHED
    assert models.Question.objects.filter(area__questionnaire=version).count() == 4


@pytest.mark.django_db
def test_loading_the_same_file_again_is_a_no_op_that_says_so():
    run("load_questionnaire", str(GOOD))
    before = content_rows()
    out, _ = run("load_questionnaire", str(GOOD))
    assert "unchanged, already loaded" in out
    assert content_rows() == before


@pytest.mark.django_db
def test_dry_run_validates_and_writes_nothing():
    out, _ = run("load_questionnaire", str(GOOD), "--dry-run")
    assert "valid; would be small-ml 2026.1: created" in out
    assert "nothing was written" in out
    assert content_rows() == (0, 0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda p: p.name)
def test_every_bad_file_is_refused_with_a_located_error_and_nothing_written(bad):
    run("load_questionnaire", str(GOOD))
    before = content_rows()
    error, stderr = refuse("load_questionnaire", str(bad))
    assert error.returncode == 1
    first = stderr.splitlines()[0]
    path, line, message = first.split(":", 2)
    assert path == str(bad)
    assert int(line) >= 1 or bad.name in {"empty-file.yaml"}
    assert message.strip()
    assert content_rows() == before


@pytest.mark.django_db
def test_it_loads_a_format2_file_with_its_profile():
    out, _ = run("load_questionnaire", str(DATA / "format2_questionnaire.yaml"))
    assert "small-ml-format2 2027.1: created (3 areas, 6 questions, 6 practices)" in out
    version = models.QuestionnaireVersion.objects.get(slug="small-ml-format2")
    assert version.profile_questions.count() == 2
    assert models.ProfileChoice.objects.filter(question__questionnaire=version).count() == 6


@pytest.mark.django_db
def test_one_bad_file_stops_the_good_ones_too(tmp_path):
    error, stderr = refuse("load_questionnaire", str(GOOD), str(DATA / "bad_questionnaires" / "requires-cycle.yaml"))
    assert "1 of 2 file(s) refused" in str(error)
    assert "requires forms a cycle" in stderr
    assert content_rows() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_missing_file_is_reported_not_crashed_on(tmp_path):
    error, stderr = refuse("load_questionnaire", str(tmp_path / "nope.yaml"))
    assert error.returncode == 1
    assert "nope.yaml:0: cannot read the file" in stderr


def _changed_copy(tmp_path):
    data = yaml.safe_load(GOOD.read_text())
    data["areas"][0]["questions"][0]["text"] = "A reworded question?"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False))
    return changed


@pytest.mark.django_db
def test_changed_content_of_a_used_version_is_refused(tmp_path, team, member):
    run("load_questionnaire", str(GOOD))
    version = models.QuestionnaireVersion.objects.get()
    models.Assessment.objects.create(team=team, questionnaire=version, title="In use")
    changed = _changed_copy(tmp_path)
    _, stderr = refuse("load_questionnaire", str(changed))
    assert f"{changed}:3: " in stderr
    assert "already loaded with different content and 1 assessment(s) use it" in stderr
    assert models.Question.objects.filter(text="A reworded question?").count() == 0


@pytest.mark.django_db
def test_it_never_replaces_or_publishes_a_draft_made_in_the_admin(tmp_path):
    changed = _changed_copy(tmp_path)
    questionnaire_import(changed.read_bytes(), "changed.yaml")  # the admin's import: a draft
    error, stderr = refuse("load_questionnaire", str(GOOD))
    assert error.returncode == 1
    assert f"{GOOD}:4: " in stderr and "is a draft in the admin with other content" in stderr
    version = models.QuestionnaireVersion.objects.get()
    assert version.status == models.QuestionnaireVersion.DRAFT
    assert models.Question.objects.filter(text="A reworded question?").count() == 1
    run("load_questionnaire", str(changed))  # the draft's own content: unchanged, still a draft
    version.refresh_from_db()
    assert version.status == models.QuestionnaireVersion.DRAFT


@pytest.mark.django_db
def test_changed_content_of_an_unused_version_replaces_it(tmp_path):
    run("load_questionnaire", str(GOOD))
    out, _ = run("load_questionnaire", str(_changed_copy(tmp_path)))
    assert "replaced" in out
    assert models.QuestionnaireVersion.objects.count() == 1
    assert models.Question.objects.filter(text="A reworded question?").count() == 1


@pytest.mark.django_db
def test_export_writes_yaml_that_loads_back_identically(tmp_path):
    run("load_questionnaire", str(GOOD))
    target = tmp_path / "out.yaml"
    run("export_questionnaire", "small-ml", "--version", "2026.1", "-o", str(target))
    original = parse_questionnaire(GOOD.read_bytes(), "good")
    assert parse_questionnaire(target.read_bytes(), "out") == original
    # and loading the export is recognised as the same content
    out, _ = run("load_questionnaire", str(target))
    assert "unchanged" in out


@pytest.mark.django_db
def test_export_to_stdout_and_unknown_slug_or_version():
    run("load_questionnaire", str(GOOD))
    out, _ = run("export_questionnaire", "small-ml")
    assert out.startswith("format: 1\nslug: small-ml\n")
    error, _ = refuse("export_questionnaire", "nope")
    assert error.returncode == 1 and 'No questionnaire with slug "nope". Loaded slugs: small-ml.' in str(error)
    error, _ = refuse("export_questionnaire", "small-ml", "--version", "9")
    assert '"small-ml" has no version "9". Versions: 2026.1.' in str(error)
