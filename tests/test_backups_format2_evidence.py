"""Backups carry format 2's profile answers and the evidence, its files in an archive beside the JSON."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import models
from assessment.services.assessments import profile_save
from assessment.services.evidence import evidence_file_add, evidence_link_add, evidence_storage
from tests import evidence_files as files
from tests.test_evidence_s3 import BUCKET, bucket_keys, s3_server, s3_storage  # noqa: F401 (fixtures)

from .helpers import DATA, load_questionnaire_file

pytestmark = pytest.mark.django_db
QUESTION = "streaming-data"
POLICY = files.PDF + b"% the data policy\n"


@pytest.fixture
def own_evidence_directory(settings, tmp_path):
    directory = tmp_path / "evidence-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": directory}},
    }
    return directory


@pytest.fixture
def backed_up(own_evidence_directory, team, member, assessment, tmp_path):
    """A small-ml draft with a file and a link, a format 2 draft with one profile answer, exported."""
    evidence_file_add(
        assessment=assessment,
        user=member,
        question_key=QUESTION,
        title="Data policy",
        upload=files.upload("policy.pdf", POLICY),
    )
    evidence_link_add(
        assessment=assessment, user=member, question_key=QUESTION, title="Catalogue", url="https://example.org/c"
    )
    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    format2 = models.Assessment.objects.create(team=team, questionnaire=version, title="Format 2 draft")
    profile_save(assessment=format2, user=member, answers={"impact": "yes"})
    out = tmp_path / "backup.json"
    call_command("export_assessments", "-o", str(out))
    return out


def emptied(settings, tmp_path) -> None:
    """This instance without the exported data (the questionnaires stay loaded) and an empty evidence storage."""
    models.Evidence.objects.all().delete()
    models.ProfileAnswer.objects.all().delete()
    models.Answer.objects.all().delete()
    models.Assessment.objects.all().delete()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "restored-files"},
        },
    }


def stored_files(tmp_path) -> list[str]:
    root = tmp_path / "restored-files"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_it_exports_the_profile_and_the_evidence_with_the_files_beside(backed_up):
    data = json.loads(backed_up.read_text())
    by_title = {a["title"]: a for a in data["assessments"]}
    assert [(p["question"], p["choice"]) for p in by_title["Format 2 draft"]["profile"]] == [("impact", "yes")]
    assert "evidence" not in by_title["Format 2 draft"]
    evidence = by_title["Q1 assessment"]["evidence"]
    sha = hashlib.sha256(POLICY).hexdigest()
    assert [(e["kind"], e["title"]) for e in evidence] == [("file", "Data policy"), ("link", "Catalogue")]
    assert evidence[1]["link"] == "https://example.org/c" and "file" not in evidence[1]
    described = next(e["file"] for e in evidence if e["kind"] == "file")
    assert described == {"name": "policy.pdf", "content_type": "application/pdf", "size": len(POLICY), "sha256": sha}
    with zipfile.ZipFile(f"{backed_up}.evidence.zip") as archive:
        assert archive.namelist() == [sha]
        assert archive.read(sha) == POLICY


def test_it_round_trips_the_profile_the_evidence_and_its_files(backed_up, settings, tmp_path, capsys, member):
    before = sorted(
        models.Evidence.objects.values_list("question_key", "kind", "title", "url", "sha256", "size", "added_at")
    )
    emptied(settings, tmp_path)
    call_command("import_assessments", str(backed_up))
    assert "1 profile answer(s)" in capsys.readouterr().out
    after = sorted(
        models.Evidence.objects.values_list("question_key", "kind", "title", "url", "sha256", "size", "added_at")
    )
    assert after == before
    assert set(models.Evidence.objects.values_list("added_by", flat=True)) == {member.pk}
    answer = models.ProfileAnswer.objects.select_related("question", "choice").get()
    assert (answer.question.key, answer.choice.key, answer.assessment.title) == ("impact", "yes", "Format 2 draft")
    evidence = models.Evidence.objects.get(kind="file")
    with evidence_storage().open(evidence.stored_name, "rb") as handle:
        assert handle.read() == POLICY
    assert stored_files(tmp_path) == [evidence.stored_name]


def rewritten(path, change_document=None, members=None):
    """The backup at `path` with its document changed and/or its archive's members replaced."""
    if change_document is not None:
        data = json.loads(path.read_text())
        change_document(data)
        path.write_text(json.dumps(data))
    if members is not None:
        with zipfile.ZipFile(f"{path}.evidence.zip", "w") as archive:
            for name, content in members.items():
                archive.writestr(name, content)
    return path


def refused(path, capsys, tmp_path) -> str:
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_assessments", str(path))
    assert not models.Assessment.objects.exists()
    assert not models.Evidence.objects.exists() and not models.ProfileAnswer.objects.exists()
    assert stored_files(tmp_path) == []
    return capsys.readouterr().err


SHA = hashlib.sha256(POLICY).hexdigest()
WHERE = 'assessments[0] (team "data-platform", "Q1 assessment"): evidence[0] (“Data policy”)'


@pytest.mark.parametrize(
    "members, message",
    [
        ({SHA: POLICY + b"tampered"}, f"{WHERE}: the archive's file {SHA} has SHA-256 "),
        ({}, f"{WHERE}: file {SHA} is missing from the archive"),
        ({SHA: POLICY, "0" * 64: b"stray"}, f"{'0' * 64}: an extra file, which no evidence of the document names"),
    ],
    ids=["mismatched", "missing", "extra"],
)
def test_it_refuses_an_archive_that_does_not_match_and_stores_nothing(
    backed_up, settings, tmp_path, capsys, members, message
):
    emptied(settings, tmp_path)
    err = refused(rewritten(backed_up, members=members), capsys, tmp_path)
    assert message in err


def test_it_refuses_a_missing_archive(backed_up, settings, tmp_path, capsys):
    emptied(settings, tmp_path)
    (tmp_path / "backup.json.evidence.zip").unlink()
    assert f"{WHERE}: file {SHA} is missing: no archive" in refused(backed_up, capsys, tmp_path)


def test_it_refuses_a_file_whose_type_the_document_misstates(backed_up, settings, tmp_path, capsys):
    page = files.HTML
    sha = hashlib.sha256(page).hexdigest()

    def disguise(data):
        described = data["assessments"][0]["evidence"][0]["file"]
        described.update(sha256=sha, size=len(page))

    emptied(settings, tmp_path)
    err = refused(rewritten(backed_up, disguise, {sha: page}), capsys, tmp_path)
    assert f"{WHERE}: the archive's file is refused as evidence" in err


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda p: p.update(question="budget"),
            "profile[0]: profile question 'budget' is not in small-ml-format2 2027.1 (profile questions: ai-kinds, impact)",
        ),
        (
            lambda p: p.update(choice="maybe"),
            "profile[0] (profile question \"impact\"): choice 'maybe' is not one of yes, no",
        ),
    ],
)
def test_it_refuses_a_profile_answer_of_an_unknown_question_or_choice(
    backed_up, settings, tmp_path, capsys, change, message
):
    def changed(data):
        change(next(a for a in data["assessments"] if a["title"] == "Format 2 draft")["profile"][0])

    emptied(settings, tmp_path)
    err = refused(rewritten(backed_up, changed), capsys, tmp_path)
    assert message in err
    assert '(team "data-platform", "Format 2 draft")' in err


def test_it_refuses_to_write_evidence_files_to_standard_output(backed_up):
    with pytest.raises(CommandError, match="give -o FILE"):
        call_command("export_assessments")


def test_a_link_needs_no_archive(own_evidence_directory, assessment, member, tmp_path, settings, capsys):
    evidence_link_add(assessment=assessment, user=member, question_key=QUESTION, title="Wiki", url="https://x.org/")
    out = tmp_path / "backup.json"
    call_command("export_assessments", "-o", str(out))
    assert not (tmp_path / "backup.json.evidence.zip").exists()
    emptied(settings, tmp_path)
    call_command("import_assessments", str(out))
    assert models.Evidence.objects.get().url == "https://x.org/"


def test_a_dry_run_stores_no_file(backed_up, settings, tmp_path, capsys):
    emptied(settings, tmp_path)
    call_command("import_assessments", str(backed_up), "--dry-run")
    assert not models.Evidence.objects.exists()
    assert stored_files(tmp_path) == []


def test_it_restores_the_files_into_the_bucket(backed_up, s3_storage, capsys):  # noqa: F811
    models.Evidence.objects.all().delete()
    models.Assessment.objects.all().delete()
    call_command("import_assessments", str(backed_up))
    evidence = models.Evidence.objects.get(kind="file")
    assert bucket_keys(s3_storage) == [f"tests/{evidence.stored_name}"]
    body = s3_storage.get_object(Bucket=BUCKET, Key=f"tests/{evidence.stored_name}")["Body"].read()
    assert body == POLICY
    s3_storage.delete_object(Bucket=BUCKET, Key=f"tests/{evidence.stored_name}")


def test_a_backup_without_files_over_one_with_files_removes_the_old_archive(backed_up, settings, tmp_path, capsys):
    models.Evidence.objects.filter(kind=models.Evidence.FILE).delete()
    call_command("export_assessments", "-o", str(backed_up))  # the nightly backup, to the same path
    assert not (tmp_path / "backup.json.evidence.zip").exists()
    emptied(settings, tmp_path)
    call_command("import_assessments", str(backed_up))  # an archive left beside it was refused as extra files
    assert models.Evidence.objects.get().kind == models.Evidence.LINK


def test_an_evidence_file_missing_from_storage_writes_nothing_and_keeps_the_previous_backup(backed_up, tmp_path):
    before = backed_up.read_bytes(), (tmp_path / "backup.json.evidence.zip").read_bytes()
    evidence = models.Evidence.objects.get(kind=models.Evidence.FILE)
    evidence_storage().delete(evidence.stored_name)
    with pytest.raises(CommandError) as error:
        call_command("export_assessments", "-o", str(backed_up))
    assert str(error.value) == (
        f"Cannot export: the evidence file {SHA} (stored as {evidence.stored_name}) cannot be read from the evidence "
        "storage: No such file or directory; nothing was written."
    )
    assert (backed_up.read_bytes(), (tmp_path / "backup.json.evidence.zip").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json", "backup.json.evidence.zip", "evidence-files"]
