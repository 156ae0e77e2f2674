"""Format 2 in the admin: import preview, YAML round trip, editing the profile and scope keys under the loader's rules."""

import pytest

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.versions import version_new_draft
from tests.admin_forms import add_inline_row, error_texts, form_data, inline_prefix
from tests.helpers import DATA, load_questionnaire_file
from tests.test_admin import change_url
from tests.test_admin_import import confirm, export, upload

pytestmark = pytest.mark.django_db
FORMAT2 = (DATA / "format2_questionnaire.yaml").read_text(encoding="utf-8")


@pytest.fixture
def format2_draft():
    return version_new_draft(load_questionnaire_file(DATA / "format2_questionnaire.yaml"))


def test_the_import_preview_lists_the_format2_keys_then_imports_them(client, editor):
    client.force_login(editor)
    preview = upload(client, FORMAT2, "format2.yaml")
    assert preview.status_code == 200
    text = preview.content.decode()
    for line in [
        'Profile question "ai-kinds": classic (classic-ml); generative (genai); both (classic-ml, genai); '
        "none (no tags)",
        'Area "genai" applies when: genai',
        'Question "genai-red-teaming" applies when: high-impact',
        'Question "impact-assessment" is a duty when: high-impact',
        'Question "ai-inventory" is owned by the agency',
        "Phase budget: Now holds 4 effort points",
    ]:
        assert line.replace('"', "&quot;") in text, line
    confirm(client, preview)
    version = models.QuestionnaireVersion.objects.get(slug="small-ml-format2")
    assert questionnaire_domain(version) == parse_questionnaire(FORMAT2, "format2.yaml")


def test_it_round_trips_a_format2_version_through_export_and_import(client, editor, format2_draft):
    client.force_login(editor)
    exported = export(client, format2_draft).content.decode("utf-8")
    assert parse_questionnaire(exported, "export.yaml") == questionnaire_domain(format2_draft)
    assert upload(client, exported).context["preview"].action == "unchanged"


def test_the_preview_lists_what_changes_in_the_format2_keys(client, editor, format2_draft):
    client.force_login(editor)
    changed = FORMAT2.replace('version: "2027.1"', 'version: "2027.2"').replace(
        "        applies_when: [high-impact]\n", ""
    )
    differences = upload(client, changed).context["preview"].differences
    assert 'question "genai-red-teaming": applies_when changed' in differences


def test_it_edits_a_profile_choice_and_refuses_a_bad_tag_at_the_field(client, editor, format2_draft):
    client.force_login(editor)
    question = format2_draft.profile_questions.get(key="impact")
    page = client.get(change_url(question))
    data = form_data(page)
    prefix = inline_prefix(page, "profilechoice")
    data[f"{prefix}-0-tags"] = "high-impact rights"
    response = client.post(change_url(question), data)
    assert response.status_code == 302, error_texts(response)
    assert questionnaire_domain(format2_draft).profile[1].choices[0].tags == ("high-impact", "rights")
    data[f"{prefix}-0-tags"] = "High Impact"
    response = client.post(change_url(question), data)
    assert response.status_code == 200
    assert "separated by single spaces" in error_texts(response)


def test_it_refuses_a_profile_question_with_one_choice_and_a_duplicate_choice_id(client, editor, format2_draft):
    client.force_login(editor)
    question = format2_draft.profile_questions.get(key="impact")
    page = client.get(change_url(question))
    data = form_data(page)
    prefix = inline_prefix(page, "profilechoice")
    add_inline_row(data, prefix, {"key": "yes", "text": "Again", "tags": "", "position": "5"})
    response = client.post(change_url(question), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for key" in error_texts(response)
    data = form_data(page)
    data[f"{prefix}-1-DELETE"] = "on"
    response = client.post(change_url(question), data)
    assert response.status_code == 200
    assert "needs at least two choices, got 1" in error_texts(response)
    assert question.choices.count() == 2  # nothing saved


def test_it_refuses_an_applies_when_tag_no_choice_gives(client, editor, format2_draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=format2_draft, key="genai-red-teaming")
    data = form_data(client.get(change_url(question)))
    data["applies_when"] = "high-impakt"
    response = client.post(change_url(question), data)
    assert response.status_code == 200
    assert 'did you mean "high-impact"' in error_texts(response)
    assert models.Question.objects.get(pk=question.pk).applies_when == "high-impact"  # nothing saved


def test_it_edits_owner_and_foundation_when(client, editor, format2_draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=format2_draft, key="pipelines")
    data = form_data(client.get(change_url(question)))
    data["owner"], data["foundation_when"] = "agency", "genai"
    response = client.post(change_url(question), data)
    assert response.status_code == 302, error_texts(response)
    rebuilt = questionnaire_domain(models.QuestionnaireVersion.objects.get(pk=format2_draft.pk))
    pipelines = rebuilt.areas[0].questions[1]
    assert (pipelines.owner, pipelines.foundation_when) == ("agency", ("genai",))


def test_it_refuses_a_phase_given_both_a_size_and_a_budget(client, editor, format2_draft):
    client.force_login(editor)
    data = form_data(client.get(change_url(format2_draft)))
    assert (data["phase_now"], data["budget_now"]) == ("", "4")
    data["phase_now"] = "8"
    response = client.post(change_url(format2_draft), data)
    assert response.status_code == 200
    assert "now is also given in phase_sizes" in error_texts(response)
    data["phase_now"], data["budget_now"] = "", "6"
    response = client.post(change_url(format2_draft), data)
    assert response.status_code == 302, error_texts(response)
    assert questionnaire_domain(models.QuestionnaireVersion.objects.get(pk=format2_draft.pk)).phase_budget.now == 6


def test_it_refuses_format2_keys_in_a_format1_version(client, editor, questionnaire_version):
    client.force_login(editor)
    draft = version_new_draft(questionnaire_version)
    data = form_data(client.get(change_url(draft)))
    data["budget_next"] = "5"
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "format" in error_texts(response) and "phase_budget" in error_texts(response)
