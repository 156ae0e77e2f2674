"""Evidence behind the answers: what a file may be, who may add and remove it, the area page, downloads."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessment import models
from assessment.domain.evidence import FileRefused, file_kind, safe_file_name
from assessment.selectors.changes import answer_changes
from assessment.services.assessments import AssessmentLocked, assessment_create, assessment_submit
from assessment.services.evidence import (
    EvidenceInvalid,
    evidence_file_add,
    evidence_link_add,
    evidence_prune,
    evidence_remove,
    evidence_storage,
    stored_name_for,
)
from tests import evidence_files as files
from tests.format2_helpers import CLASSIC, expired_link, format2_draft
from tests.helpers import client_for

QUESTION = "streaming-data"  # of the "data" area of tests/data/good_questionnaire.yaml
AREA = "data"


@pytest.fixture(autouse=True)
def own_evidence_directory(settings, tmp_path):
    """Each test's files in a directory of its own: the rows of a test are rolled back, its files are not."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }


def add_file(assessment, user, name="report.pdf", content=files.PDF, **extra):
    return evidence_file_add(
        assessment=assessment,
        user=user,
        question_key=extra.pop("question_key", QUESTION),
        title=extra.pop("title", "Board minutes"),
        upload=files.upload(name, content),
        **extra,
    )


def add_url(assessment):
    return reverse("evidence-add", kwargs={"assessment_id": assessment.pk, "question_key": QUESTION})


def form_data(title="Board minutes", **fields):
    prefix = f"evidence-{QUESTION}-"
    return {prefix + "title": title, **{prefix + k: v for k, v in fields.items()}}


# --- What a file may be -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(files.GOOD))
def test_it_accepts_each_kind_of_evidence_file_by_its_content(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(files.GOOD[name])
    with path.open("rb") as handle:
        kind = file_kind(handle, name)
    assert name.rsplit(".", 1)[1] in kind.extensions


@pytest.mark.parametrize("what", sorted(files.BAD))
def test_it_refuses_each_bad_kind_of_file(what, tmp_path):
    name, content, says = files.BAD[what]
    path = tmp_path / "upload"
    path.write_bytes(content)
    with path.open("rb") as handle, pytest.raises(FileRefused, match=says):
        file_kind(handle, name)


def test_it_makes_names_safe():
    assert safe_file_name("Board minutes (March).pdf") == "Board minutes (March).pdf"
    assert safe_file_name("re;port<x>.pdf") == "re_port_x_.pdf"
    assert safe_file_name("...hidden.pdf") == "hidden.pdf"
    long = safe_file_name("a" * 300 + ".pdf")
    assert len(long) == 100 and long.endswith(".pdf")
    for name in ("../../x", "..\\..\\x.pdf", "/etc/passwd", ".."):
        with pytest.raises(FileRefused, match="path"):
            safe_file_name(name)


# --- The service ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_stores_a_file_once_with_its_hash(assessment, member):
    evidence = add_file(assessment, member, valid_until=datetime.date(2027, 3, 31))
    sha = hashlib.sha256(files.PDF).hexdigest()
    assert (evidence.sha256, evidence.size, evidence.content_type) == (sha, len(files.PDF), "application/pdf")
    assert evidence.stored_name == stored_name_for(sha)
    with evidence_storage().open(evidence.stored_name, "rb") as stored:
        assert stored.read() == files.PDF
    again = add_file(assessment, member, title="The same file again")
    assert again.stored_name == evidence.stored_name  # stored once per content
    assert evidence.history.get().history_user == member


@pytest.mark.django_db
def test_it_adds_a_link(assessment, member):
    evidence = evidence_link_add(
        assessment=assessment, user=member, question_key=QUESTION, title="Catalogue", url="https://data.example/cat"
    )
    assert evidence.kind == models.Evidence.LINK and evidence.stored_name == ""


@pytest.mark.django_db
def test_it_refuses_writes_by_anyone_but_a_member_of_a_draft(assessment, member, viewer, outsider, executive):
    for user in (viewer, outsider, executive):
        with pytest.raises(PermissionDenied):
            add_file(assessment, user)
    evidence = add_file(assessment, member)
    with pytest.raises(PermissionDenied):
        evidence_remove(evidence=evidence, user=viewer)
    assessment_submit(assessment=assessment, user=member)
    assessment.refresh_from_db()
    with pytest.raises(AssessmentLocked):
        add_file(assessment, member)
    with pytest.raises(AssessmentLocked):
        evidence_remove(evidence=models.Evidence.objects.get(), user=member)
    assert models.Evidence.objects.count() == 1


@pytest.mark.django_db
def test_it_runs_the_scanner_and_refuses_what_it_refuses(assessment, member, settings, tmp_path):
    seen = tmp_path / "seen"
    settings.EVIDENCE_SCAN_COMMAND = f"sh -c 'cp \"$0\" {seen}; exit 1'"
    with pytest.raises(EvidenceInvalid, match="virus scanner refused") as refused:
        add_file(assessment, member)
    assert refused.value.field == "file"
    assert seen.read_bytes() == files.PDF, "the scanner was given the uploaded file"
    settings.EVIDENCE_SCAN_COMMAND = "sh -c 'sleep 5'"
    settings.EVIDENCE_SCAN_TIMEOUT_SECONDS = 1
    with pytest.raises(EvidenceInvalid, match="within 1 seconds"):
        add_file(assessment, member)
    settings.EVIDENCE_SCAN_COMMAND = "true"
    add_file(assessment, member)
    assert models.Evidence.objects.count() == 1


@pytest.mark.django_db
def test_it_logs_adds_and_removals_in_the_change_log(assessment, member):
    evidence = add_file(assessment, member)
    evidence_remove(evidence=evidence, user=member)
    changes = [c for c in answer_changes(assessment) if c.whose == "Evidence"]
    assert [c.new_value.split(":")[0] for c in changes] == ["Removed", "Added"]
    assert all(c.who == "Mia Member" for c in changes)
    assert "Board minutes" in changes[0].old_value and "report.pdf" in changes[1].new_value


@pytest.mark.django_db
def test_it_carries_references_to_the_next_draft_without_copying_files(assessment, member):
    evidence = add_file(assessment, member)
    assessment_submit(assessment=assessment, user=member)
    stored_before = evidence_storage().listdir(evidence.stored_name.rsplit("/", 1)[0])[1]
    draft = assessment_create(
        team=assessment.team, version=assessment.questionnaire, title="Next", user=member, copy_from=assessment
    )
    copy = draft.evidence.get()
    assert (copy.stored_name, copy.sha256, copy.title) == (evidence.stored_name, evidence.sha256, evidence.title)
    assert evidence_storage().listdir(evidence.stored_name.rsplit("/", 1)[0])[1] == stored_before
    assert not [c for c in answer_changes(draft) if c.whose == "Evidence"], "the copy is not an add of each piece"


@pytest.mark.django_db
def test_it_prunes_only_files_no_evidence_refers_to(assessment, member):
    kept = add_file(assessment, member)
    gone = add_file(assessment, member, name="diagram.png", content=files.PNG)
    evidence_remove(evidence=gone, user=member)
    assert evidence_prune(older_than=datetime.timedelta(hours=1)) == []  # too young: its upload may be committing
    assert evidence_prune(older_than=datetime.timedelta(0)) == [gone.stored_name]
    storage = evidence_storage()
    assert storage.exists(kept.stored_name) and not storage.exists(gone.stored_name)


# --- The pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_a_member_add_and_remove_evidence_on_the_area_page(assessment, member):
    client = client_for(member)
    page = client.get(reverse("assessment-area", args=[assessment.pk, AREA]))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert add_url(assessment) in page.content.decode()
    response = client.post(add_url(assessment), form_data(file=files.upload("report.pdf", files.PDF)))
    assert response.status_code == 302 and response["Location"].endswith(f"#evidence-{QUESTION}")
    response = client.post(add_url(assessment), form_data("Catalogue", link="https://data.example/catalogue"))
    assert response.status_code == 302
    page = client.get(reverse("assessment-area", args=[assessment.pk, AREA])).content.decode()
    evidence = models.Evidence.objects.get(kind=models.Evidence.FILE)
    assert hashlib.sha256(files.PDF).hexdigest() in page and "https://data.example/catalogue" in page
    remove = reverse("evidence-remove", args=[assessment.pk, evidence.pk])
    assert remove in page
    assert client.post(remove).status_code == 302
    assert list(models.Evidence.objects.values_list("title", flat=True)) == ["Catalogue"]


BAD_POSTS = {
    "an oversized file": ({"file": "big"}, "file", "the limit is 1 MB"),
    "an HTML page named .pdf": ({"file": ("report.pdf", files.HTML)}, "file", "web page"),
    "a polyglot": ({"file": ("diagram.png", files.POLYGLOT)}, "file", "polyglot"),
    "a name without an extension": ({"file": ("x", files.PDF)}, "file", "has no extension"),
    "an empty file": ({"file": ("empty.pdf", b"")}, "file", "The file is empty"),
    "a javascript: link": ({"link": "javascript:alert(1)"}, "link", "http:// or https://"),
    "a 10,000-character title": ({"title": "x" * 10_000, "link": "https://a.example"}, "title", "Shorten the title"),
    "a date in the year 10000": ({"link": "https://a.example", "valid_until": "10000-01-01"}, "valid_until", "real"),
    "a date that has passed": ({"link": "https://a.example", "valid_until": "2001-01-01"}, "valid_until", "has passed"),
    "a data: link": ({"link": "data:text/html,<script>alert(1)</script>"}, "link", "http:// or https://"),
    "a link without a scheme": ({"link": "example.org/catalogue"}, "link", "http:// or https://"),
    "a program named .pdf": ({"file": ("report.pdf", b"MZ\x90\x00" + bytes(200))}, "file", "not accepted (exe)"),
    "an SVG with a script": ({"file": ("chart.svg", files.SVG)}, "file", "SVG"),
    "neither a file nor a link": ({}, "file", "Choose a file"),
    "both a file and a link": ({"file": ("r.pdf", files.PDF), "link": "https://a.example"}, "link", "not both"),
}


@pytest.mark.parametrize("what", sorted(BAD_POSTS))
@pytest.mark.django_db
def test_it_refuses_bad_input_at_its_field_and_stores_nothing(what, assessment, member, settings):
    settings.EVIDENCE_MAX_MB = 1
    given, field, says = BAD_POSTS[what]
    data = form_data(given.get("title", "Board minutes"))
    for name in ("link", "valid_until"):
        if name in given:
            data[f"evidence-{QUESTION}-{name}"] = given[name]
    if given.get("file") == "big":
        data[f"evidence-{QUESTION}-file"] = files.upload("big.pdf", files.PDF + b"0" * (1024 * 1024 + 1))
    elif "file" in given:
        data[f"evidence-{QUESTION}-file"] = files.upload(*given["file"])
    stored_before = evidence_prune(older_than=datetime.timedelta(0), dry_run=True)
    response = client_for(member).post(add_url(assessment), data)
    assert response.status_code == 400
    form = response.context["evidence"][0]["form"]
    assert field in form.errors, form.errors
    assert says in " ".join(form.errors[field])
    assert says in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not models.Evidence.objects.exists()
    assert evidence_prune(older_than=datetime.timedelta(0), dry_run=True) == stored_before


def raw_post(client, url, file_name: str, content: bytes, title: str = "Board minutes"):
    """A multipart body written by hand: the test client, like a browser, would cut the path off the name."""
    boundary = "b0undary"
    prefix = f"evidence-{QUESTION}-"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{prefix}title"\r\n\r\n{title}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{prefix}file"; filename="{file_name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.generic("POST", url, body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\x.pdf", "/etc/x.pdf", "C:\\x.pdf", "..", "&#x2F;etc&#x2F;x.pdf"])
@pytest.mark.django_db
def test_it_refuses_a_path_in_the_file_name_as_sent(name, assessment, member):
    response = raw_post(client_for(member), add_url(assessment), name, files.PDF)
    assert response.status_code == 400
    errors = " ".join(response.context["evidence"][0]["form"].errors["file"])
    assert "The file name contains a path" in errors
    assert "The file name contains a path" in response.content.decode()
    assert not models.Evidence.objects.exists()
    assert evidence_prune(older_than=datetime.timedelta(0), dry_run=True) == []


@pytest.mark.django_db
def test_it_refuses_a_name_with_a_300_character_extension(assessment, member):
    """Django named the temporary file after the extension sent (up to 255 characters): a 500 before the form."""
    response = raw_post(client_for(member), add_url(assessment), "a.pdf" + "x" * 300, files.PDF)
    assert response.status_code == 400
    assert "Rename it to end in .pdf" in " ".join(response.context["evidence"][0]["form"].errors["file"])
    assert not models.Evidence.objects.exists()


@pytest.mark.django_db
def test_a_plain_name_sent_by_hand_is_kept(assessment, member):
    assert raw_post(client_for(member), add_url(assessment), "minutes (v2).pdf", files.PDF).status_code == 302
    assert models.Evidence.objects.get().original_name == "minutes (v2).pdf"


@pytest.mark.django_db
def test_it_refuses_an_oversized_body_before_reading_it(assessment, member, settings, monkeypatch):
    from assessment.views import evidence_uploads

    settings.EVIDENCE_MAX_MB = 1
    read = []
    monkeypatch.setattr(evidence_uploads.EvidenceUploadHandler, "receive_data_chunk", lambda *a: read.append(a))
    response = raw_post(client_for(member), add_url(assessment), "big.pdf", files.PDF + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 400
    assert "The file is too large: the limit is 1 MB." in response.content.decode()
    assert response.context["evidence"][0]["form"].errors["file"] == ["The file is too large: the limit is 1 MB."]
    assert read == [] and not models.Evidence.objects.exists()


@pytest.mark.django_db
def test_it_stops_reading_a_file_once_it_passes_the_limit(assessment, member, settings, monkeypatch):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    settings.EVIDENCE_MAX_MB = 1
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(
        TemporaryFileUploadHandler,
        "receive_data_chunk",
        lambda self, data, start: kept.append(len(data)) or original(self, data, start),
    )
    # Within the body's allowance, so the handler's count is what stops it.
    response = raw_post(client_for(member), add_url(assessment), "big.pdf", files.PDF + b"0" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert response.context["evidence"][0]["form"].errors["file"] == ["The file is too large: the limit is 1 MB."]
    assert sum(kept) <= 1024 * 1024  # no byte past the limit was kept
    assert not models.Evidence.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_viewer_and_a_submitted_assessment(assessment, member, viewer):
    response = client_for(viewer).post(add_url(assessment), form_data(link="https://a.example"))
    assert response.status_code == 403
    page = client_for(viewer).get(reverse("assessment-area", args=[assessment.pk, AREA])).content.decode()
    assert add_url(assessment) not in page
    assessment_submit(assessment=assessment, user=member)
    response = client_for(member).post(add_url(assessment), form_data(link="https://a.example"))
    assert response.status_code == 403 and "next draft" in response.content.decode()
    assert not models.Evidence.objects.exists()


@pytest.mark.django_db
def test_it_refuses_evidence_on_a_question_out_of_the_teams_scope(team, member, format2_version):
    from tests.format2_helpers import CLASSIC, format2_draft

    assessment = format2_draft(team, member, format2_version, CLASSIC)  # the generative AI area out of scope
    url = reverse("evidence-add", args=[assessment.pk, "genai-guardrails"])
    data = {"evidence-genai-guardrails-title": "Policy", "evidence-genai-guardrails-link": "https://a.example"}
    response = client_for(member).post(url, data)
    assert response.status_code == 403
    assert "out of your team&#x27;s scope" in response.content.decode()
    assert not models.Evidence.objects.exists()
    url = reverse("evidence-add", args=[assessment.pk, "data-catalog"])  # in scope
    data = {"evidence-data-catalog-title": "Catalogue", "evidence-data-catalog-link": "https://a.example"}
    assert client_for(member).post(url, data).status_code == 302


@pytest.mark.django_db
def test_it_downloads_a_file_as_an_attachment_of_its_stored_type(assessment, member, executive, outsider):
    evidence = add_file(assessment, member, name="Board minutes.pdf")
    url = reverse("evidence-download", args=[assessment.pk, evidence.pk])
    response = client_for(executive).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "Board minutes.pdf" in response[
        "Content-Disposition"
    ].replace("%20", " ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_it_finds_no_evidence_of_another_assessment_under_this_one(assessment, member, other_team, outsider):
    other = models.Assessment.objects.create(
        team=other_team, questionnaire=assessment.questionnaire, title="Theirs", created_by=outsider
    )
    theirs = add_file(other, outsider)
    client = client_for(member)
    assert client.get(reverse("evidence-download", args=[assessment.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("evidence-remove", args=[assessment.pk, theirs.pk])).status_code == 404
    assert models.Evidence.objects.filter(pk=theirs.pk).exists()


# --- Where it shows: results, plan, portfolio -------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_evidence_on_the_results_and_flags_it_once_expired(assessment, member, executive, viewer):
    """The journey of the issue: a lead attaches a PDF and a link to two answers and submits; the
    executive downloads the PDF from the results; once "valid until" has passed, plan and portfolio flag it."""
    client = client_for(member)
    client.post(add_url(assessment), form_data(file=files.upload("policy.pdf", files.PDF), valid_until="2027-03-31"))
    other = reverse("evidence-add", kwargs={"assessment_id": assessment.pk, "question_key": "model-versions"})
    client.post(
        other, {"evidence-model-versions-title": "Registry", "evidence-model-versions-link": "https://r.example"}
    )
    assert models.Evidence.objects.count() == 2
    assessment_submit(assessment=assessment, user=member)
    results = client_for(executive).get(reverse("assessment-results", args=[assessment.pk])).content.decode()
    pdf = models.Evidence.objects.get(kind=models.Evidence.FILE)
    download = reverse("evidence-download", args=[assessment.pk, pdf.pk])
    assert download in results and "https://r.example" in results and pdf.sha256 in results
    assert "1 of 2" in results  # the data area: one of its two answers has evidence
    assert "evidence expired" not in results.lower()
    assert client_for(executive).get(download).status_code == 200
    portfolio_url, plan_url = reverse("portfolio"), reverse("team-plan", args=[assessment.team_id])
    assert "Evidence expired" not in client_for(executive).get(portfolio_url).content.decode()
    models.Evidence.objects.filter(pk=pdf.pk).update(valid_until=datetime.date(2025, 1, 1))
    results = client_for(viewer).get(reverse("assessment-results", args=[assessment.pk])).content.decode()
    assert "Expired on 1 January 2025" in results and "expired on 1 answer" in results
    assert "Evidence expired on 1 answer in 1 team " in client_for(executive).get(portfolio_url).content.decode()
    assert "Evidence expired on 1 answer of “Q1 assessment”" in client_for(viewer).get(plan_url).content.decode()


@pytest.mark.django_db
def test_it_lists_evidence_titles_dates_and_hashes_in_the_pdf_appendix(assessment, member):
    from tests.urlwalk import body_text

    evidence = add_file(assessment, member, title="Signed data policy", valid_until=datetime.date(2027, 3, 31))
    evidence_link_add(
        assessment=assessment,
        user=member,
        question_key="model-versions",
        title="Model registry",
        url="https://r.example",
    )
    text = " ".join(body_text(client_for(member).get(reverse("assessment-pdf", args=[assessment.pk]))).split())
    assert "Evidence: Signed data policy" in text and "valid until 31 Mar 2027" in text
    assert evidence.sha256[:32] in text.replace(" ", "")
    assert "Evidence: Model registry" in text and "https://r.example" in text


@pytest.mark.django_db
def test_it_prunes_unused_files_from_the_command_line(assessment, member):
    from io import StringIO

    from django.core.management import call_command

    gone = add_file(assessment, member, name="diagram.png", content=files.PNG)
    evidence_remove(evidence=gone, user=member)
    out = StringIO()
    call_command("prune_evidence", "--older-than-hours", "0", "--dry-run", stdout=out)
    assert f"Would delete {gone.stored_name}" in out.getvalue() and evidence_storage().exists(gone.stored_name)
    call_command("prune_evidence", "--older-than-hours", "0", stdout=out)
    assert "1 unused file deleted." in out.getvalue() and not evidence_storage().exists(gone.stored_name)


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["-1", "9999999", "99999999999"])
def test_prune_refuses_an_age_out_of_range_and_deletes_nothing(assessment, member, hours):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    gone = add_file(assessment, member, name="diagram.png", content=files.PNG)
    evidence_remove(evidence=gone, user=member)
    with pytest.raises(CommandError, match=f"--older-than-hours must be 0 or more .*; got {hours}"):
        call_command("prune_evidence", "--older-than-hours", hours)
    assert evidence_storage().exists(gone.stored_name)


@pytest.mark.django_db
def test_an_export_writes_the_evidence_files_beside_the_json(assessment, member, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    add_file(assessment, member)
    err = StringIO()
    call_command("export_assessments", "-o", str(tmp_path / "out.json"), stderr=err)
    assert f"Wrote 1 evidence file(s) to {tmp_path / 'out.json.evidence.zip'}" in err.getvalue()


@pytest.mark.django_db
def test_plan_and_portfolio_count_expired_evidence_only_on_questions_in_the_teams_scope(
    team, member, viewer, executive, format2_version
):
    """A format 2 team that uses classic ML only: the generative AI questions are out of its scope, and
    evidence left on one of them (answered before the profile said so) is not an answer to renew."""
    assessment = format2_draft(team, member, format2_version, CLASSIC, title="Classic")
    for key in ("pipelines", "genai-guardrails"):
        expired_link(assessment, member, key)
    assessment_submit(assessment=assessment, user=member)
    plan = client_for(viewer).get(reverse("team-plan", args=[team.pk])).content.decode()
    portfolio = client_for(executive).get(reverse("portfolio")).content.decode()
    assert "Evidence expired on 1 answer of “Classic”" in plan
    assert "Evidence expired on 1 answer in 1 team " in portfolio
