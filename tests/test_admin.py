"""The admin: every page loads, the version lock, checks on save, new draft and publish, history, permissions."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessment import models
from assessment.selectors.questionnaires import default_questionnaire_versions, questionnaire_domain
from assessment.services.api_tokens import api_token_create
from assessment.services.crosswalks import crosswalk_import
from assessment.services.respondents import panel_open
from assessment.services.versions import version_new_draft
from tests.admin_forms import add_inline_row, error_texts, form_data, inline_prefix
from tests.helpers import DATA, load_questionnaire_file, make_user

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:assessment_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def superuser(db):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def draft(questionnaire_version):
    return version_new_draft(questionnaire_version)


@pytest.fixture
def everything(questionnaire_version, assessment, member, executive, draft):
    """One object of every admin-registered model."""
    format2 = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    crosswalk, _crosswalk, _warnings = crosswalk_import((DATA / "format2_crosswalk.yaml").read_bytes(), "c.yaml")
    return {
        models.QuestionnaireVersion: questionnaire_version,
        models.Area: models.Area.objects.filter(questionnaire=draft).first(),
        models.Question: models.Question.objects.filter(area__questionnaire=draft).first(),
        models.Choice: models.Choice.objects.filter(question__area__questionnaire=draft, level=4).first(),
        models.Practice: models.Practice.objects.filter(questionnaire=draft).first(),
        models.ProfileQuestion: format2.profile_questions.first(),
        models.CrosswalkRevision: crosswalk.revision,
        models.ApiToken: api_token_create(
            user=member, name="Dashboard", expires_on=datetime.date.today() + datetime.timedelta(days=30)
        ).token,
        models.Agency: assessment.team.agency,
        models.Team: assessment.team,
        models.Division: models.Division.objects.create(agency=assessment.team.agency, name="Data Office"),
        models.Membership: models.Membership.objects.get(user=member),
        models.Executive: models.Executive.objects.get(user=executive),
        models.Assessment: assessment,
        models.RespondentPanel: panel_open(assessment=assessment, lead=member, users=[member])[0],
        models.ProviderGroupMapping: models.ProviderGroupMapping.objects.create(
            claim_value="ml-data-members", team=assessment.team, role="member"
        ),
        models.ProviderIdentity: models.ProviderIdentity.objects.create(
            user=member, issuer="https://idp.agency.example", subject="member-at-idp", groups=["ml-data-members"]
        ),
    }


# --- Every page loads --------------------------------------------------------


@pytest.mark.slow
def test_it_loads_every_admin_list_change_form_and_history_page(client, superuser, everything):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    ours = [m for m in admin.site._registry if m._meta.app_label == "assessment"]
    assert set(ours) == set(everything)
    for model, obj in everything.items():
        name = model._meta.model_name
        listing = client.get(reverse(f"admin:assessment_{name}_changelist"))
        assert listing.status_code == 200, name
        assert client.get(reverse(f"admin:assessment_{name}_changelist"), {"q": "data"}).status_code == 200, name
        page = client.get(change_url(obj))
        assert page.status_code == 200, name
        if hasattr(model, "history"):
            assert client.get(reverse(f"admin:assessment_{name}_history", args=[obj.pk])).status_code == 200, name


def test_it_loads_the_add_forms_that_exist(client, superuser, everything):
    client.force_login(superuser)
    for name in ["area", "question", "practice", "agency", "team", "membership", "executive", "division"]:
        assert client.get(reverse(f"admin:assessment_{name}_add")).status_code == 200, name


def test_it_lets_an_editor_reach_every_questionnaire_page(client, editor, everything):
    client.force_login(editor)
    for model in [models.QuestionnaireVersion, models.Area, models.Question, models.Practice, models.ProfileQuestion]:
        name = model._meta.model_name
        assert client.get(reverse(f"admin:assessment_{name}_changelist")).status_code == 200, name
        assert client.get(change_url(everything[model])).status_code == 200, name
    assert client.get(reverse("admin:assessment_questionnaireversion_import")).status_code == 200


def test_it_filters_questions_by_version_and_searches_their_text(client, editor, questionnaire_version, draft):
    client.force_login(editor)
    url = reverse("admin:assessment_question_changelist")
    response = client.get(url, {"area__questionnaire__id__exact": draft.pk, "q": "streaming"})
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [q.key for q in rows] == ["streaming-data"]
    assert rows[0].area.questionnaire_id == draft.pk


# --- Permissions -------------------------------------------------------------


def test_it_keeps_non_staff_users_out_of_the_admin(client, member, executive):
    for user in [member, executive]:
        client.force_login(user)
        response = client.get(reverse("admin:assessment_questionnaireversion_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_it_lets_team_managers_manage_teams_but_not_questionnaires(client, team_manager, team, questionnaire_version):
    client.force_login(team_manager)
    assert client.get(reverse("admin:assessment_team_change", args=[team.pk])).status_code == 200
    assert client.get(reverse("admin:assessment_membership_add")).status_code == 200
    assert client.get(reverse("admin:assessment_assessment_changelist")).status_code == 200
    assert client.get(reverse("admin:assessment_questionnaireversion_changelist")).status_code == 403
    assert client.get(change_url(questionnaire_version)).status_code == 403
    assert client.get(reverse("admin:assessment_questionnaireversion_import")).status_code == 403


def test_it_lets_a_team_manager_add_a_member(client, team_manager, team):
    newcomer = make_user("newcomer")
    client.force_login(team_manager)
    response = client.post(
        reverse("admin:assessment_membership_add"), {"team": team.pk, "user": newcomer.pk, "role": "viewer"}
    )
    assert response.status_code == 302
    assert models.Membership.objects.get(user=newcomer).role == "viewer"


def test_it_lets_a_team_manager_group_teams_in_divisions_of_their_agencies_only(client, team_manager, team, executive):
    elsewhere = models.Agency.objects.create(name="Elsewhere")
    foreign = models.Division.objects.create(agency=elsewhere, name="Foreign Division")
    client.force_login(team_manager)
    response = client.post(reverse("admin:assessment_division_add"), {"agency": team.agency_id, "name": "Data Office"})
    assert response.status_code == 302
    ours = models.Division.objects.get(name="Data Office")
    listing = client.get(reverse("admin:assessment_division_changelist")).content.decode()
    assert "Data Office" in listing and "Foreign Division" not in listing
    assert client.get(reverse("admin:assessment_division_change", args=[foreign.pk])).status_code == 302  # not found
    change = reverse("admin:assessment_team_change", args=[team.pk])
    data = {
        "agency": team.agency_id,
        "name": team.name,
        "slug": team.slug,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    refused = client.post(change, {**data, "division": foreign.pk})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert client.post(change, {**data, "division": ours.pk}).status_code == 302
    team.refresh_from_db()
    assert team.division == ours
    # An executive can be limited to divisions of their own agency only.
    exec_change = reverse("admin:assessment_executive_change", args=[executive.executive.pk])
    refused = client.post(exec_change, {"user": executive.pk, "agency": team.agency_id, "divisions": [foreign.pk]})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert (
        client.post(exec_change, {"user": executive.pk, "agency": team.agency_id, "divisions": [ours.pk]}).status_code
        == 302
    )
    assert list(executive.executive.divisions.all()) == [ours]


def test_it_refuses_a_division_of_another_agency_for_a_team(superuser, client, team):
    foreign = models.Division.objects.create(agency=models.Agency.objects.create(name="Elsewhere"), name="Foreign")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:assessment_team_change", args=[team.pk]),
        {
            "agency": team.agency_id,
            "name": team.name,
            "slug": team.slug,
            "division": foreign.pk,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Choose a division of the team&#x27;s own agency, or none." in response.content.decode()
    team.refresh_from_db()
    assert team.division is None


def test_it_creates_the_two_groups_with_their_permissions(db):
    from django.contrib.auth.models import Group

    editors = set(Group.objects.get(name="Questionnaire editors").permissions.values_list("codename", flat=True))
    managers = set(Group.objects.get(name="Team managers").permissions.values_list("codename", flat=True))
    assert {
        "change_question",
        "add_choice",
        "delete_practicerequirement",
        "view_questionnaireversion",
        "add_choiceneed",
        "change_choicepractice",
    } <= editors
    assert "change_team" not in editors
    assert {"add_membership", "change_team", "view_assessment", "delete_executive", "change_division"} <= managers
    assert "change_assessment" not in managers and "change_question" not in managers


# --- The lock on used versions -----------------------------------------------


def test_it_shows_a_used_version_read_only(client, editor, questionnaire_version, assessment):
    client.force_login(editor)
    response = client.get(change_url(questionnaire_version))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b"This content is read-only" in response.content
    assert b"New draft version" in response.content
    question = models.Question.objects.filter(area__questionnaire=questionnaire_version).first()
    assert client.get(change_url(question)).context["has_change_permission"] is False


def test_it_refuses_a_post_that_edits_a_used_published_version(client, editor, questionnaire_version, assessment):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=questionnaire_version, key="streaming-data")
    choice = question.choices.get(level=3)
    # Forge the posts a browser would send for an editable version.
    for obj, field, value in [
        (questionnaire_version, "title", "Renamed"),
        (question, "weight", "7"),
    ]:
        data = {field: value, "_save": "Save"}
        response = client.post(change_url(obj), data)
        assert response.status_code == 403
    response = client.post(reverse("admin:assessment_question_delete", args=[question.pk]), {"post": "yes"})
    assert response.status_code == 403
    questionnaire_version.refresh_from_db()
    question.refresh_from_db()
    assert questionnaire_version.title == "Small ML Readiness Check"
    assert question.weight == 2
    assert models.Choice.objects.filter(pk=choice.pk).exists()


def test_it_refuses_the_save_when_an_assessment_starts_using_the_version_meanwhile(
    client, editor, questionnaire_version, team, member, monkeypatch
):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=questionnaire_version, key="streaming-data")
    page = client.get(change_url(question))
    data = form_data(page)
    data["weight"] = "7"
    models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title="Started", created_by=member)
    # The page's permission check ran before the assessment existed (a race): the save itself must still refuse.
    monkeypatch.setattr("assessment.admin.content.version_is_locked", lambda version: False)
    response = client.post(change_url(question), data, follow=True)
    assert response.status_code == 200
    assert "used by 1 assessment" in response.content.decode()
    question.refresh_from_db()
    assert question.weight == 2


# --- Editing a draft: checks on save -------------------------------------------


def test_it_saves_a_typo_fix_in_a_draft_and_bumps_the_version(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    before = draft.updated_at
    data = form_data(client.get(change_url(question)))
    data["text"] = "How are trained models kept and versioned?"
    response = client.post(change_url(question), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.updated_at > before
    assert questionnaire_domain(draft).areas[1].questions[0].text == "How are trained models kept and versioned?"


def test_two_editors_of_one_draft_never_undo_each_other_silently(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    first, second = form_data(client.get(change_url(question))), form_data(client.get(change_url(question)))
    first["text"] = "How are trained models kept and versioned?"
    assert client.post(change_url(question), first).status_code == 302
    second["help"] = "Count notebooks too."
    response = client.post(change_url(question), second)
    assert response.status_code == 200
    assert "was changed" in error_texts(response) and "since you opened this page" in error_texts(response)
    question.refresh_from_db()
    assert (question.text, question.help) == ("How are trained models kept and versioned?", "")
    # The second editor, told, may save the form as shown: that is then a choice, not an accident.
    again = form_data(response)
    assert again["help"] == "Count notebooks too."
    assert client.post(change_url(question), again).status_code == 302
    question.refresh_from_db()
    assert question.help == "Count notebooks too."


def test_it_refuses_a_choice_level_off_the_scale_at_the_field(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    page = client.get(change_url(question))
    data = form_data(page)
    add_inline_row(data, inline_prefix(page, "choice"), {"level": "9", "text": "Beyond"})
    response = client.post(change_url(question), data)
    assert response.status_code == 200
    assert "Level 9 is not on the scale (1-5)" in error_texts(response)
    assert not question.choices.filter(level=9).exists()


def test_it_refuses_a_requires_cycle_and_keeps_what_was_typed(client, editor, draft):
    client.force_login(editor)
    catalog = models.Practice.objects.get(questionnaire=draft, key="data-catalog")
    streaming = models.Practice.objects.get(questionnaire=draft, key="streaming-ingestion")
    page = client.get(change_url(catalog))
    data = form_data(page)
    data["title"] = "Keep a data catalogue"
    add_inline_row(data, inline_prefix(page, "practicerequirement"), {"required": str(streaming.pk), "position": "0"})
    response = client.post(change_url(catalog), data)
    assert response.status_code == 200
    errors = error_texts(response)
    assert "requires forms a cycle" in errors and "data-catalog" in errors
    assert 'value="Keep a data catalogue"' in response.content.decode()  # nothing typed is lost
    catalog.refresh_from_db()
    assert catalog.title == "Keep a data catalog"
    assert not models.PracticeRequirement.objects.filter(practice=catalog).exists()


def test_it_refuses_a_zero_weight_with_a_clear_message(client, editor, draft):
    client.force_login(editor)
    area = models.Area.objects.get(questionnaire=draft, key="models")
    data = form_data(client.get(change_url(area)))
    data["weight"] = "0"
    response = client.post(change_url(area), data)
    assert response.status_code == 200
    assert "Weight must be a positive number" in error_texts(response)


def test_it_refuses_a_non_web_url_for_a_practice(client, editor, draft):
    client.force_login(editor)
    practice = models.Practice.objects.get(questionnaire=draft, key="data-catalog")
    data = form_data(client.get(change_url(practice)))
    data["url"] = "ftp://example.org/catalog"
    response = client.post(change_url(practice), data)
    assert response.status_code == 200
    assert "absolute http(s) URL" in error_texts(response)


def test_it_refuses_a_default_target_off_the_scale(client, editor, draft):
    client.force_login(editor)
    data = form_data(client.get(change_url(draft)))
    data["default_target"] = "8"
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "default_target 8 is not on the scale" in error_texts(response)
    draft.refresh_from_db()
    assert draft.default_target == 4


def test_it_warns_about_an_unfinished_question_in_a_draft_and_refuses_to_publish_it(client, editor, draft):
    client.force_login(editor)
    area = models.Area.objects.get(questionnaire=draft, key="models")
    page = client.get(change_url(area))
    data = form_data(page)
    add_inline_row(
        data,
        inline_prefix(page, "question"),
        {"key": "model-approval", "text": "Who approves a model?", "weight": "1", "position": "3"},
    )
    response = client.post(change_url(area), data, follow=True)
    assert "To finish before publishing" in response.content.decode()
    assert models.Question.objects.filter(area=area, key="model-approval").exists()
    response = client.post(reverse("admin:assessment_questionnaireversion_publish", args=[draft.pk]), follow=True)
    assert "was not published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == models.QuestionnaireVersion.DRAFT


def test_it_refuses_deleting_the_last_question_of_a_published_unused_version(client, editor, questionnaire_version):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=questionnaire_version, key="model-versions")
    response = client.post(
        reverse("admin:assessment_question_delete", args=[question.pk]), {"post": "yes"}, follow=True
    )
    assert "Not deleted" in response.content.decode()
    assert models.Question.objects.filter(pk=question.pk).exists()


# --- New draft and publish: the editor's journey ---------------------------------


def test_it_lets_an_editor_fix_a_typo_in_a_new_draft_publish_it_and_keep_old_assessments(
    client, editor, member, questionnaire_version, assessment
):
    client.force_login(editor)
    response = client.post(reverse("admin:assessment_questionnaireversion_new_draft", args=[questionnaire_version.pk]))
    new = models.QuestionnaireVersion.objects.get(slug="small-ml", status="draft")
    assert response["Location"] == change_url(new)
    page = client.get(response["Location"])
    assert b"Publish" in page.content and b"passes every check" in page.content

    # Rename the version, then fix a typo in a question of the draft.
    data = form_data(page)
    data["version"] = "2026.2"
    assert client.post(change_url(new), data).status_code == 302
    question = models.Question.objects.get(area__questionnaire=new, key="data-discovery")
    data = form_data(client.get(change_url(question)))
    data["text"] = "How do teams find the datasets they need?"
    assert client.post(change_url(question), data).status_code == 302

    response = client.post(reverse("admin:assessment_questionnaireversion_publish", args=[new.pk]), follow=True)
    assert "is published" in response.content.decode()
    new.refresh_from_db()
    assert new.status == "published" and new.version == "2026.2"
    assert default_questionnaire_versions() == [new]

    assessment.refresh_from_db()
    assert assessment.questionnaire_id == questionnaire_version.pk
    old = questionnaire_domain(assessment.questionnaire)
    assert old.areas[0].questions[1].text == "How do teams find the data they need?"
    client.force_login(member)
    results = client.get(reverse("assessment-results", args=[assessment.pk]))
    assert results.status_code == 200
    assert "2026.1" in results.content.decode()


def test_it_runs_the_new_draft_and_publish_actions_from_the_list(client, editor, questionnaire_version):
    client.force_login(editor)
    url = reverse("admin:assessment_questionnaireversion_changelist")
    response = client.post(url, {"action": "new_draft_action", "_selected_action": [questionnaire_version.pk]})
    new = models.QuestionnaireVersion.objects.get(version="2026.1-draft")
    assert response["Location"] == change_url(new)
    response = client.post(url, {"action": "publish_action", "_selected_action": [new.pk]}, follow=True)
    assert any('still says "2026.1-draft"' in str(m) for m in response.context["messages"])
    new.refresh_from_db()
    assert new.status == "published"


# --- History -------------------------------------------------------------------


def test_it_records_who_changed_a_question_and_from_what(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    data = form_data(client.get(change_url(question)))
    data["text"] = "How are trained models stored?"
    client.post(change_url(question), data)
    latest = question.history.order_by("-history_id").first()
    previous = latest.prev_record
    assert latest.history_user == editor
    assert latest.text == "How are trained models stored?"
    assert previous.text == "How are trained models kept?"
    page = client.get(reverse("admin:assessment_question_history", args=[question.pk]))
    assert page.status_code == 200
    assert "editor" in page.content.decode()


def test_it_records_choice_edits_and_version_bumps_with_the_editor(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    page = client.get(change_url(question))
    data = form_data(page)
    prefix = inline_prefix(page, "choice")
    data[f"{prefix}-0-text"] = "On personal laptops"
    assert client.post(change_url(question), data).status_code == 302
    choice_record = models.Choice.history.filter(question_id=question.pk, level=1).order_by("-history_id").first()
    assert choice_record.text == "On personal laptops" and choice_record.history_user == editor
    version_record = draft.history.order_by("-history_id").first()
    assert version_record.history_user == editor


def test_it_does_not_revert_from_history(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    record = question.history.first()
    url = reverse("admin:assessment_question_simple_history", args=[question.pk, record.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Sneaky"}).status_code == 403
    question.refresh_from_db()
    assert question.text == "How are trained models kept?"


def test_it_counts_users_in_no_group_as_outside_the_admin(client):
    user = get_user_model().objects.create_user("plainstaff", password="x" * 16, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:assessment_question_changelist")).status_code == 403


def test_it_adds_a_question_with_its_choices_and_practice_to_a_draft(client, editor, draft):
    client.force_login(editor)
    area = models.Area.objects.get(questionnaire=draft, key="operations")
    practice = models.Practice.objects.get(questionnaire=draft, key="model-monitoring")
    url = reverse("admin:assessment_question_add")
    page = client.get(url, {"area": area.pk})
    assert page.status_code == 200
    data = form_data(page)
    assert data["area"] == str(area.pk)
    data.update(
        {"key": "incident-response", "text": "What happens when a model misbehaves?", "weight": "1", "position": "1"}
    )
    choices, links = inline_prefix(page, "choice"), inline_prefix(page, "questionpractice")
    add_inline_row(data, choices, {"level": "1", "text": "Nothing planned"})
    add_inline_row(data, choices, {"level": "4", "text": "A tested runbook"})
    add_inline_row(data, links, {"practice": str(practice.pk), "position": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, error_texts(response)
    question = questionnaire_domain(draft).areas[2].questions[-1]
    assert question.id == "incident-response"
    assert [c.level for c in question.choices] == [1, 4]
    assert question.practices == ("model-monitoring",)


def test_it_refuses_a_question_id_used_elsewhere_in_the_version(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    data = form_data(client.get(change_url(question)))
    data["key"] = "streaming-data"
    response = client.post(change_url(question), data)
    assert response.status_code == 200
    assert 'question id "streaming-data" is used twice' in error_texts(response)
    question.refresh_from_db()
    assert question.key == "model-versions"


def test_it_refuses_a_link_to_a_practice_of_another_version(client, editor, questionnaire_version, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    foreign = models.Practice.objects.get(questionnaire=questionnaire_version, key="data-catalog")
    page = client.get(change_url(question))
    data = form_data(page)
    add_inline_row(data, inline_prefix(page, "questionpractice"), {"practice": str(foreign.pk), "position": "5"})
    response = client.post(change_url(question), data)
    assert response.status_code == 200
    assert not question.practice_links.filter(practice=foreign).exists()


@pytest.mark.slow
def test_it_keeps_the_query_count_of_the_big_pages_bounded(
    client, editor, full_questionnaire_version, django_assert_max_num_queries
):
    """On the real questionnaire (44 questions, 64 practices) the pages do not pay a query per row."""
    client.force_login(editor)
    draft = version_new_draft(full_questionnaire_version)
    question = models.Question.objects.filter(area__questionnaire=draft).first()
    pages = [
        change_url(draft),
        change_url(full_questionnaire_version),
        reverse("admin:assessment_question_changelist") + "?all=",
        reverse("admin:assessment_practice_changelist"),
        change_url(question),
        change_url(models.Area.objects.filter(questionnaire=draft).first()),
    ]
    for url in pages:
        client.get(url)  # warm caches (questionnaire domain, content types)
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200


def test_it_marks_the_version_new_assessments_start_with(client, editor, questionnaire_version):
    client.force_login(editor)
    newer = version_new_draft(questionnaire_version, new_version="2026.2")
    url = reverse("admin:assessment_questionnaireversion_changelist")
    column = admin.site._registry[models.QuestionnaireVersion].offered
    offered = {v.version: column(v) for v in client.get(url).context["cl"].result_list}
    assert offered == {"2026.1": True, "2026.2": False}
    client.post(reverse("admin:assessment_questionnaireversion_publish", args=[newer.pk]))
    offered = {v.version: column(v) for v in client.get(url).context["cl"].result_list}
    assert offered == {"2026.1": False, "2026.2": True}


# --- The roadmap keys ----------------------------------------------------------


def test_it_edits_a_choices_stage_practices_and_needs_with_the_loaders_rules(client, editor, draft):
    client.force_login(editor)
    choice = models.Choice.objects.get(question__area__questionnaire=draft, question__key="data-discovery", level=3)
    monitoring = models.Practice.objects.get(questionnaire=draft, key="model-monitoring")
    operations = models.Question.objects.get(area__questionnaire=draft, key="production-monitoring")
    page = client.get(change_url(choice))
    data = form_data(page)
    data["stage"] = "2"
    add_inline_row(data, inline_prefix(page, "choicepractice"), {"practice": str(monitoring.pk), "position": "0"})
    add_inline_row(
        data, inline_prefix(page, "choiceneed"), {"question": str(operations.pk), "level": "2", "position": "0"}
    )
    response = client.post(change_url(choice), data)
    assert response.status_code == 302, error_texts(response)
    rebuilt = questionnaire_domain(draft).areas[0].questions[1].choice_at(3)
    assert (rebuilt.stage, rebuilt.practices) == (2, ("model-monitoring",))
    assert [(n.question_key, n.level) for n in rebuilt.needs] == [("production-monitoring", 2)]


def test_it_refuses_a_needs_cycle_and_saves_nothing(client, editor, draft):
    client.force_login(editor)
    # model-versions 4 needs data-discovery 3 (in the file); data-discovery 3 needing model-versions 4 loops.
    choice = models.Choice.objects.get(question__area__questionnaire=draft, question__key="data-discovery", level=3)
    model_versions = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    page = client.get(change_url(choice))
    data = form_data(page)
    data["text"] = "A shared list of data sets"
    add_inline_row(
        data, inline_prefix(page, "choiceneed"), {"question": str(model_versions.pk), "level": "4", "position": "0"}
    )
    response = client.post(change_url(choice), data)
    assert response.status_code == 200
    errors = error_texts(response)
    assert "needs form a cycle" in errors and "data-discovery level 3" in errors
    choice.refresh_from_db()
    assert choice.text == "A shared list of datasets" and not choice.needs.exists()


def test_it_refuses_a_need_on_a_level_the_other_question_lacks(client, editor, draft):
    client.force_login(editor)
    choice = models.Choice.objects.get(question__area__questionnaire=draft, question__key="streaming-data", level=2)
    discovery = models.Question.objects.get(area__questionnaire=draft, key="data-discovery")
    page = client.get(change_url(choice))
    data = form_data(page)
    add_inline_row(
        data, inline_prefix(page, "choiceneed"), {"question": str(discovery.pk), "level": "2", "position": "0"}
    )
    response = client.post(change_url(choice), data)
    assert response.status_code == 200
    assert 'needs level 2 of question "data-discovery", which has no choice at that level' in error_texts(response)


def test_it_refuses_roadmap_keys_on_the_lowest_choice(client, editor, draft):
    client.force_login(editor)
    choice = models.Choice.objects.get(question__area__questionnaire=draft, question__key="streaming-data", level=1)
    data = form_data(client.get(change_url(choice)))
    data["own_practices"] = "on"
    response = client.post(change_url(choice), data)
    assert response.status_code == 200
    assert "practices is not allowed on the lowest choice" in error_texts(response)


def test_it_edits_foundation_and_phase_sizes(client, editor, draft):
    client.force_login(editor)
    question = models.Question.objects.get(area__questionnaire=draft, key="streaming-data")
    data = form_data(client.get(change_url(question)))
    data["foundation"] = "on"
    assert client.post(change_url(question), data).status_code == 302
    data = form_data(client.get(change_url(draft)))
    data["phase_now"], data["phase_next"] = "5", "10"
    response = client.post(change_url(draft), data)
    assert response.status_code == 302, error_texts(response)
    rebuilt = questionnaire_domain(models.QuestionnaireVersion.objects.get(pk=draft.pk))
    assert rebuilt.areas[0].questions[0].foundation
    assert (rebuilt.phase_sizes.now, rebuilt.phase_sizes.next) == (5, 10)
    data["phase_now"] = "0"
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "greater than or equal to 1" in error_texts(response)


# --- Deleting a practice that something names ------------------------------------


@pytest.mark.parametrize("published", [False, True])
def test_it_refuses_deleting_a_practice_that_questions_choices_or_requires_name(
    client, editor, questionnaire_version, draft, published
):
    version = questionnaire_version if published else draft  # an unused published version is editable too
    client.force_login(editor)
    practice = models.Practice.objects.get(questionnaire=version, key="model-registry")
    url = reverse("admin:assessment_practice_delete", args=[practice.pk])
    links = models.ChoicePractice.objects.count(), models.QuestionPractice.objects.count()

    page = client.get(url).content.decode()
    response = client.post(url, {"post": "yes"})

    for named in [
        "question &quot;model-versions&quot; lists practice &quot;model-registry&quot; among its practices: take it "
        "out there first",
        "question &quot;production-monitoring&quot; lists practice &quot;model-registry&quot;",
        "choice 4 of question &quot;model-versions&quot; lists practice &quot;model-registry&quot;: take it out on "
        "the choice&#x27;s page first",
    ]:
        assert named in page
        assert named in response.content.decode()
    assert 'name="post"' not in page  # no confirm button
    assert response.status_code == 200
    assert models.Practice.objects.filter(pk=practice.pk).exists()
    assert (models.ChoicePractice.objects.count(), models.QuestionPractice.objects.count()) == links


def test_it_refuses_deleting_a_practice_another_requires(client, editor, draft):
    client.force_login(editor)
    models.QuestionPractice.objects.filter(practice__key="data-catalog").delete()
    models.ChoicePractice.objects.filter(practice__key="data-catalog").delete()
    practice = models.Practice.objects.get(questionnaire=draft, key="data-catalog")

    response = client.post(reverse("admin:assessment_practice_delete", args=[practice.pk]), {"post": "yes"})

    assert (
        "practice &quot;streaming-ingestion&quot; requires practice &quot;data-catalog&quot;: take it out of its "
        "requires first"
    ) in response.content.decode()
    assert models.Practice.objects.filter(pk=practice.pk).exists()


def practice_nothing_names(version):
    practice = models.Practice.objects.get(questionnaire=version, key="model-monitoring")
    models.QuestionPractice.objects.filter(practice=practice).delete()
    return practice


def test_it_deletes_a_practice_nothing_names(client, editor, draft):
    client.force_login(editor)
    practice = practice_nothing_names(draft)

    response = client.post(reverse("admin:assessment_practice_delete", args=[practice.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not models.Practice.objects.filter(pk=practice.pk).exists()


# --- Stale pages ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["delete", "change"])
def test_a_post_from_a_page_opened_before_an_assessment_used_the_version_says_why(
    client, editor, questionnaire_version, team, member, page
):
    client.force_login(editor)
    practice = models.Practice.objects.get(questionnaire=questionnaire_version, key="model-monitoring")
    url = reverse(f"admin:assessment_practice_{page}", args=[practice.pk])
    data = {"post": "yes"} if page == "delete" else form_data(client.get(url))
    models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title="Started", created_by=member)

    response = client.post(url, data)

    assert response.status_code == 403
    assert (
        "Not saved or deleted: &quot;small-ml 2026.1&quot; is used by 1 assessment(s), so it cannot change"
    ) in response.content.decode()
    assert models.Practice.objects.filter(pk=practice.pk).exists()


def test_a_delete_confirmed_after_another_editor_deleted_it_says_so(client, editor, draft):
    client.force_login(editor)
    practice = practice_nothing_names(draft)
    url = reverse("admin:assessment_practice_delete", args=[practice.pk])
    client.get(url)
    models.Practice.objects.filter(pk=practice.pk).delete()  # by another editor

    response = client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert f"Practice with ID “{practice.pk}” doesn’t exist. Perhaps it was deleted?" in response.content.decode()
