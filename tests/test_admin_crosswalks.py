"""The crosswalk revisions in the admin: shown with their frameworks, import with located errors, export back."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessment import models
from assessment.domain.crosswalk_loader import parse_crosswalk
from assessment.services.crosswalks import stored_questionnaire_of

from .helpers import REPO
from .results_helpers import submitted_assessment

CROSSWALK = REPO / "questionnaires" / "crosswalks" / "public-sector-ml-2026.2.yaml"
IMPORT_URL = "admin:assessment_crosswalkrevision_import"


@pytest.fixture
def loaded(db):
    """The 2026.2 questionnaire with its sample crosswalk, loaded beside it."""
    call_command(
        "load_questionnaire", str(REPO / "questionnaires" / "public-sector-ml-2026.2.yaml"), stdout=io.StringIO()
    )
    return models.QuestionnaireVersion.objects.get(slug="public-sector-ml", version="2026.2")


def upload(client, text, name="crosswalk.yaml"):
    data = SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/yaml")
    return client.post(reverse(IMPORT_URL), {"file": data})


def export(client, revision):
    response = client.get(reverse("admin:assessment_crosswalkrevision_export", args=[revision.pk]))
    assert response.status_code == 200
    return response.content.decode("utf-8")


def test_it_lists_revisions_and_shows_frameworks_items_and_maps(client, editor, loaded):
    client.force_login(editor)
    revision = models.CrosswalkRevision.objects.get()

    listing = client.get(reverse("admin:assessment_crosswalkrevision_changelist"))
    page = client.get(reverse("admin:assessment_crosswalkrevision_change", args=[revision.pk]))

    assert listing.status_code == 200 and b"2026.2-sample-1" in listing.content
    assert reverse(IMPORT_URL).encode() in listing.content
    text = page.content.decode()
    assert "NIST AI Risk Management Framework" in text
    assert "GOVERN 1.6" in text and "gov-ai-inventory at 3 (equal)" in text
    assert "MEASURE 2.7" in text and "not covered" in text
    assert 'name="revision"' not in text  # read only: no form field


def test_a_revision_in_use_cannot_be_deleted(client, editor, loaded, team, member):
    submitted_assessment(team, member, loaded, {"gov-ai-inventory": ("choice", 3)})
    client.force_login(editor)
    revision = models.CrosswalkRevision.objects.get()

    response = client.post(reverse("admin:assessment_crosswalkrevision_delete", args=[revision.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert models.CrosswalkRevision.objects.filter(pk=revision.pk).exists()


def test_export_then_import_gives_the_same_parsed_content(client, editor, loaded):
    client.force_login(editor)
    revision = models.CrosswalkRevision.objects.get()
    exported = export(client, revision)
    models.CrosswalkRevision.objects.all().delete()

    response = upload(client, exported)

    again = models.CrosswalkRevision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:assessment_crosswalkrevision_change", args=[again.pk])
    original, _ = parse_crosswalk(CROSSWALK.read_bytes(), CROSSWALK.name, stored_questionnaire_of)
    round_trip, _ = parse_crosswalk(exported, "exported.yaml", stored_questionnaire_of)
    assert round_trip == original
    assert again.content == revision.content and again.content_digest == revision.content_digest


def test_a_broken_file_shows_the_loaders_located_errors_and_stores_nothing(client, editor, loaded):
    client.force_login(editor)
    broken = (
        CROSSWALK.read_text(encoding="utf-8")
        .replace('revision: "2026.2-sample-1"', 'revision: "2026.2-sample-2"')
        .replace('item: "GOVERN 1.6", level: 3', 'item: "GOVERN 9.9", level: 3')
    )

    response = upload(client, broken, "broken.yaml")

    assert response.status_code == 400
    problems = response.context["problems"]
    assert problems and problems[0].startswith("broken.yaml:")
    assert "GOVERN 9.9" in problems[0]
    assert "Nothing was saved" in response.content.decode()
    assert list(models.CrosswalkRevision.objects.values_list("revision", flat=True)) == ["2026.2-sample-1"]


def test_a_changed_file_under_a_revision_in_use_is_refused(client, editor, loaded, team, member):
    submitted_assessment(team, member, loaded, {"gov-ai-inventory": ("choice", 3)})
    client.force_login(editor)
    changed = CROSSWALK.read_text(encoding="utf-8").replace("An inventory of AI systems is kept", "Inventory kept")

    response = upload(client, changed)

    assert response.status_code == 400
    assert "give the changed file a new revision" in response.context["problems"][0]
    assert models.CrosswalkRevision.objects.get().content["frameworks"][0]["items"][0]["title"].startswith("An inv")


def test_a_team_member_has_no_crosswalk_admin(client, member, loaded):
    client.force_login(member)

    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 302  # to the admin's sign-in: not staff
    assert "login" in response["Location"]


def test_a_delete_page_opened_before_the_first_evaluation_is_refused_saying_why(client, editor, loaded, team, member):
    client.force_login(editor)
    revision = models.CrosswalkRevision.objects.get()
    url = reverse("admin:assessment_crosswalkrevision_delete", args=[revision.pk])
    assert b'name="post"' in client.get(url).content  # unused: it may be deleted
    submitted_assessment(team, member, loaded, {"gov-ai-inventory": ("choice", 3)})  # meanwhile

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert (
        f"Not deleted: 1 submitted assessment(s) were evaluated with {revision}, and their frameworks pages and "
        "reports show it."
    ) in response.content.decode()
    assert models.CrosswalkRevision.objects.filter(pk=revision.pk).exists()


def test_a_delete_confirmed_after_another_editor_deleted_it_says_so(client, editor, loaded):
    client.force_login(editor)
    revision = models.CrosswalkRevision.objects.get()
    url = reverse("admin:assessment_crosswalkrevision_delete", args=[revision.pk])
    client.get(url)
    models.CrosswalkRevision.objects.filter(pk=revision.pk).delete()  # by another editor

    response = client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert f"Crosswalk revision with ID “{revision.pk}” doesn’t exist. Perhaps it was deleted?" in (
        response.content.decode()
    )
