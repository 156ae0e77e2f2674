"""Import of a YAML file in the admin (check, preview, confirm) and export of a version as YAML."""

import base64
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.versions import version_new_draft

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
IMPORT_URL = "admin:assessment_questionnaireversion_import"
GOOD = (DATA / "good_questionnaire.yaml").read_text(encoding="utf-8")


def upload(client, text, name="upload.yaml"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, data, content_type="application/yaml")})


def confirm(client, preview_response):
    form = {
        "confirm": "Import as draft",
        "content": preview_response.context["content"],
        "filename": preview_response.context["filename"],
        "expected_action": preview_response.context["preview"].action,
    }
    return client.post(reverse(IMPORT_URL), form)


def export(client, version):
    response = client.get(reverse("admin:assessment_questionnaireversion_export", args=[version.pk]))
    assert response.status_code == 200
    return response


def test_it_offers_the_import_page_from_the_version_list(client, editor):
    client.force_login(editor)
    listing = client.get(reverse("admin:assessment_questionnaireversion_changelist"))
    assert reverse(IMPORT_URL).encode() in listing.content
    page = client.get(reverse(IMPORT_URL))
    assert page.status_code == 200
    assert b'type="file"' in page.content


def test_it_previews_a_new_file_without_writing_then_imports_it_as_a_draft(client, editor):
    client.force_login(editor)
    preview = upload(client, GOOD, "small.yaml")
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "small-ml" in text and "2026.1" in text
    assert preview.context["preview"].counts == {"areas": 3, "questions": 4, "practices": 4}
    assert "created as a new draft" in text
    assert not models.QuestionnaireVersion.objects.exists()

    response = confirm(client, preview)
    version = models.QuestionnaireVersion.objects.get(slug="small-ml", version="2026.1")
    assert response.status_code == 302 and response["Location"].endswith(f"/{version.pk}/change/")
    assert version.status == models.QuestionnaireVersion.DRAFT
    assert version.loaded_from == "small.yaml"
    assert questionnaire_domain(version) == parse_questionnaire(GOOD, "small.yaml")
    assert (
        models.Question.objects.get(area__questionnaire=version, key="model-versions").history.first().history_user
        == editor
    )


@pytest.mark.parametrize(
    "name, expected",
    [
        ("requires-cycle.yaml", "requires forms a cycle"),
        ("unknown-key.yaml", "unknown key"),
        ("too-few-choices.yaml", "needs at least two choices"),
        ("choice-level-off-scale.yaml", "is not on the scale"),
        ("syntax-error.yaml", "YAML syntax error"),
        ("python-tag.yaml", "is not allowed"),
    ],
)
def test_it_lists_located_errors_and_writes_nothing(client, editor, name, expected):
    client.force_login(editor)
    response = upload(client, (DATA / "bad_questionnaires" / name).read_bytes(), name)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems and all(p.startswith(f"{name}:") for p in problems)
    assert any(expected in p for p in problems), problems
    assert f"{name} was not imported" in response.content.decode()
    assert not models.QuestionnaireVersion.objects.exists()


def test_it_reports_the_line_of_the_problem(client, editor):
    client.force_login(editor)
    broken = GOOD.replace("effort: high", "effort: enormous")
    line = broken.splitlines().index("    effort: enormous") + 1
    response = upload(client, broken, "broken.yaml")
    assert response.context["problems"] == [
        f'broken.yaml:{line}: practice "model-monitoring": effort must be low, medium or high, got "enormous"'
    ]


def test_it_refuses_a_file_over_one_mebibyte(client, editor):
    client.force_login(editor)
    response = upload(client, GOOD + "#" * (1024 * 1024), "huge.yaml")
    assert response.status_code == 200
    assert "files over 1 MiB" in response.content.decode()
    assert not models.QuestionnaireVersion.objects.exists()


def test_it_refuses_a_big_file_whose_name_has_a_300_character_extension(client, editor):
    """Over 2.5 MB an upload goes to a temporary file, which Django named after the extension: a 500."""
    client.force_login(editor)
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.yaml{"y" * 300}"\r\n\r\n'.encode()
        + b"#" * (3 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.generic(
        "POST", reverse(IMPORT_URL), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 200
    assert "files over 1 MiB" in response.content.decode()
    assert not models.QuestionnaireVersion.objects.exists()


def test_it_asks_for_a_file_when_none_is_sent(client, editor):
    client.force_login(editor)
    response = client.post(reverse(IMPORT_URL), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_it_checks_the_content_again_on_confirm(client, editor):
    client.force_login(editor)
    forged = GOOD.replace("effort: high", "effort: enormous")
    response = client.post(
        reverse(IMPORT_URL),
        {
            "confirm": "1",
            "content": base64.b64encode(forged.encode()).decode(),
            "filename": "x.yaml",
            "expected_action": "created",
        },
    )
    assert response.status_code == 200
    assert any("effort must be low, medium or high" in p for p in response.context["problems"])
    assert not models.QuestionnaireVersion.objects.exists()


def test_it_asks_for_a_new_upload_when_the_posted_content_is_mangled(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse(IMPORT_URL), {"confirm": "1", "content": "%%%not base64", "filename": "x.yaml"}, follow=True
    )
    assert "upload it again" in response.content.decode()
    assert not models.QuestionnaireVersion.objects.exists()


def test_it_says_when_the_file_is_already_loaded_unchanged(client, editor, questionnaire_version):
    client.force_login(editor)
    preview = upload(client, GOOD)
    assert preview.context["preview"].action == "unchanged"
    assert "already loaded" in preview.content.decode()
    assert b'name="confirm"' not in preview.content


def test_it_refuses_to_replace_a_published_version(client, editor, questionnaire_version):
    client.force_login(editor)
    response = upload(client, GOOD.replace("title: Small ML Readiness Check", "title: Changed"))
    assert any("already published" in p and "new version" in p for p in response.context["problems"])
    questionnaire_version.refresh_from_db()
    assert questionnaire_version.title == "Small ML Readiness Check"


def test_it_refuses_to_replace_a_version_that_assessments_use(client, editor, questionnaire_version, assessment):
    client.force_login(editor)
    response = upload(client, GOOD.replace("title: Small ML Readiness Check", "title: Changed"))
    assert any("assessment(s) use it" in p for p in response.context["problems"])


def test_it_replaces_a_draft_after_showing_so(client, editor, questionnaire_version):
    client.force_login(editor)
    draft = version_new_draft(questionnaire_version, new_version="2026.2")
    text = GOOD.replace('version: "2026.1"', 'version: "2026.2"').replace(
        "How are trained models kept?", "Where are trained models kept?"
    )
    preview = upload(client, text)
    assert preview.context["preview"].action == "replaced"
    assert "replace the content of the existing draft" in preview.content.decode()
    confirm(client, preview)
    draft.refresh_from_db()
    assert questionnaire_domain(draft).areas[1].questions[0].text == "Where are trained models kept?"
    assert draft.status == models.QuestionnaireVersion.DRAFT


# --- Export -----------------------------------------------------------------------


def test_it_downloads_a_version_as_a_yaml_file_that_reads_back_identically(client, editor, questionnaire_version):
    client.force_login(editor)
    response = export(client, questionnaire_version)
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="small-ml-2026.1.yaml"'
    assert parse_questionnaire(response.content, "export.yaml") == questionnaire_domain(questionnaire_version)


def test_it_round_trips_an_edited_draft_through_export_and_import(client, editor, questionnaire_version):
    client.force_login(editor)
    draft = version_new_draft(questionnaire_version, new_version="2026.2")
    question = models.Question.objects.get(area__questionnaire=draft, key="streaming-data")
    question.text = "How do you collect streaming data — sensors, clicks, “events”?"
    question.save()
    from assessment.services.versions import version_content_changed

    version_content_changed(draft)
    exported = export(client, draft).content.decode("utf-8")
    # Loading the same file back is recognised as the same content ...
    assert upload(client, exported).context["preview"].action == "unchanged"
    # ... and under a new version string it loads as a copy with identical content.
    preview = upload(client, exported.replace('version: "2026.2"', 'version: "2026.3"'))
    confirm(client, preview)
    copy = models.QuestionnaireVersion.objects.get(version="2026.3")
    original, loaded = questionnaire_domain(draft), questionnaire_domain(copy)
    assert loaded.areas == original.areas and loaded.practices == original.practices and loaded.scale == original.scale


def test_it_exports_the_selected_version_from_the_list(client, editor, questionnaire_version):
    client.force_login(editor)
    url = reverse("admin:assessment_questionnaireversion_changelist")
    response = client.post(url, {"action": "export_action", "_selected_action": [questionnaire_version.pk]})
    assert response["Content-Disposition"] == 'attachment; filename="small-ml-2026.1.yaml"'
    draft = version_new_draft(questionnaire_version)
    response = client.post(
        url, {"action": "export_action", "_selected_action": [questionnaire_version.pk, draft.pk]}, follow=True
    )
    assert any("exactly one version" in str(m) for m in response.context["messages"])


def test_it_keeps_the_import_and_export_from_team_managers(client, team_manager, questionnaire_version):
    client.force_login(team_manager)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert upload(client, GOOD).status_code == 403
    response = client.get(reverse("admin:assessment_questionnaireversion_export", args=[questionnaire_version.pk]))
    assert response.status_code == 403


def test_it_lists_what_a_new_version_changes_from_the_previous_one(client, editor, questionnaire_version):
    client.force_login(editor)
    text = (
        GOOD.replace('version: "2026.1"', 'version: "2026.2"')
        .replace("How are trained models kept?", "Where are trained models kept?")
        .replace(
            "  - id: operations\n    title: Operations", "  - id: operations\n    title: Operations\n    weight: 2"
        )
    )
    preview = upload(client, text)
    assert preview.context["preview"].action == "created"
    assert preview.context["preview"].differences == [
        'area "operations": weight changed',
        'question "model-versions": text changed',
    ]
    page = preview.content.decode()
    assert "Differences from version 2026.1" in page and "question &quot;model-versions&quot;: text changed" in page
