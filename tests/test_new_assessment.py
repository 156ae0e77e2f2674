"""Starting an assessment: title, targets, questionnaire version, copy of the previous one."""

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import AnswerInput, answers_save, assessment_submit
from assessment.services.respondents import panel_open

from .results_helpers import submitted_assessment

pytestmark = pytest.mark.django_db


def new_url(team):
    return reverse("assessment-new", args=[team.pk])


def post_new(client, team, version, **overrides):
    data = {
        "questionnaire": version.pk,
        "title": "Spring check",
        "target_data": "4",
        "target_models": "4",
        "target_operations": "4",
    }
    data.update(overrides)
    return client.post(new_url(team), data)


def test_it_offers_a_title_and_targets_that_default_to_the_questionnaire(client, member, team, questionnaire_version):
    client.force_login(member)
    response = client.get(new_url(team))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Start a new assessment" in html
    assert response.context["form"]["title"].value().startswith("Assessment ")
    for key in ("data", "models", "operations"):
        assert response.context["form"][f"target_{key}"].value() == "4"
    assert "Each defaults to 4 – Managed" in html
    # Only one questionnaire is published: nothing to choose, no copy to offer.
    assert 'name="questionnaire" id="questionnaire-choice"' not in html
    assert "previous assessment" not in html


def test_it_starts_an_assessment_and_goes_to_its_first_area(client, member, team, questionnaire_version):
    client.force_login(member)
    response = post_new(client, team, questionnaire_version, target_models="5")
    assessment = models.Assessment.objects.get(team=team)
    assert response["Location"] == reverse("assessment-resume", args=[assessment.pk])
    assert assessment.title == "Spring check"
    assert assessment.questionnaire == questionnaire_version
    assert assessment.created_by == member
    assert not assessment.is_submitted
    # Targets equal to the default follow it; the one changed is stored.
    assert dict(assessment.area_targets.values_list("area__key", "target")) == {"models": 5}
    assert client.get(response["Location"])["Location"] == reverse("assessment-area", args=[assessment.pk, "data"])


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": "   "}, "Enter a title for the assessment."),
        ({"target_data": "9"}, "Choose a target level from the list."),
        ({"target_data": "high"}, "Choose a target level from the list."),
    ],
)
def test_it_refuses_a_bad_form_and_says_where(client, member, team, questionnaire_version, overrides, message):
    client.force_login(member)
    response = post_new(client, team, questionnaire_version, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert message in html
    field = next(iter(overrides))
    assert f'href="#id_{field}"' in html
    assert not models.Assessment.objects.exists()


def test_it_refuses_an_unknown_questionnaire(client, member, team, questionnaire_version):
    client.force_login(member)
    response = post_new(client, team, questionnaire_version, questionnaire="99999")
    assert response["Location"] == new_url(team)
    assert "That questionnaire is not available" in client.get(response["Location"]).content.decode()
    assert not models.Assessment.objects.exists()


def test_it_refuses_a_draft_questionnaire(client, member, team, questionnaire_version, full_questionnaire_version):
    full_questionnaire_version.status = models.QuestionnaireVersion.DRAFT
    full_questionnaire_version.save()
    client.force_login(member)
    response = post_new(client, team, full_questionnaire_version)
    assert response["Location"] == new_url(team)
    assert not models.Assessment.objects.exists()


def test_it_lets_the_user_choose_among_several_published_questionnaires(
    client, member, team, questionnaire_version, full_questionnaire_version
):
    client.force_login(member)
    html = client.get(new_url(team)).content.decode()
    assert 'id="questionnaire-choice"' in html
    assert "Small ML Readiness Check (version 2026.1)" in html
    assert f"{full_questionnaire_version.title} (version {full_questionnaire_version.version})" in html

    response = client.get(new_url(team), {"questionnaire": full_questionnaire_version.pk})
    form = response.context["form"]
    area_keys = list(full_questionnaire_version.areas.values_list("key", flat=True))
    assert [name.removeprefix("target_") for name in form.target_field_names] == area_keys
    data = {"questionnaire": full_questionnaire_version.pk, "title": "Full check"}
    data.update({f"target_{key}": str(full_questionnaire_version.default_target) for key in area_keys})
    response = client.post(new_url(team), data)
    assert response.status_code == 302
    assert models.Assessment.objects.get(title="Full check").questionnaire == full_questionnaire_version


def test_it_starts_from_a_copy_of_the_previous_assessment(client, member, team, assessment):
    question = models.Question.objects.get(area__questionnaire=assessment.questionnaire, key="data-discovery")
    answers_save(
        assessment=assessment, user=member, answers=[AnswerInput(question.key, "choice", 3, "Catalog in the wiki")]
    )
    models.AreaTarget.objects.create(assessment=assessment, area=question.area, target=5)
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)

    response = client.get(new_url(team))
    html = response.content.decode()
    assert "Start from the team&#x27;s previous assessment, “Q1 assessment”" in html
    assert response.context["form"]["start_from"].value() == "copy"
    assert response.context["form"]["target_data"].value() == "5"

    response = post_new(client, team, assessment.questionnaire, start_from="copy", target_data="5")
    copy = models.Assessment.objects.get(title="Spring check")
    assert copy.copied_from == assessment
    assert [(a.question.key, a.choice.level, a.note) for a in copy.answers.all()] == [
        ("data-discovery", 3, "Catalog in the wiki")
    ]
    assert dict(copy.area_targets.values_list("area__key", "target")) == {"data": 5}
    messages = client.get(response["Location"], follow=True).content.decode()
    assert "1 answer copied from “Q1 assessment”" in messages


def test_it_starts_empty_when_asked(client, member, team, assessment):
    question = models.Question.objects.get(area__questionnaire=assessment.questionnaire, key="data-discovery")
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(question.key, "choice", 3)])
    client.force_login(member)
    post_new(client, team, assessment.questionnaire, start_from="empty", second_draft="on")
    fresh = models.Assessment.objects.get(title="Spring check")
    assert fresh.copied_from is None
    assert fresh.answers.count() == 0


@pytest.mark.parametrize("reader", ["viewer", "executive"])
def test_it_refuses_readers(client, reader, request, team, questionnaire_version):
    client.force_login(request.getfixturevalue(reader))
    response = client.get(new_url(team))
    assert response.status_code == 403
    assert "Only members of this team can start an assessment" in response.content.decode()
    assert post_new(client, team, questionnaire_version).status_code == 403
    assert not models.Assessment.objects.exists()


def test_it_hides_the_team_from_outsiders(client, outsider, team, questionnaire_version):
    client.force_login(outsider)
    assert client.get(new_url(team)).status_code == 404
    assert post_new(client, team, questionnaire_version).status_code == 404
    assert not models.Assessment.objects.exists()


def test_it_sends_anonymous_users_to_login(client, team):
    response = client.get(new_url(team))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_escapes_questionnaire_text_in_the_form(client, member, team, questionnaire_version):
    level = questionnaire_version.scale_levels.get(level=4)
    level.name = "<b>Managed</b> {{ form }}"
    level.save()
    questionnaire_version.save()  # bumps updated_at, so the cached content is rebuilt
    client.force_login(member)
    html = client.get(new_url(team)).content.decode()
    assert "Each defaults to 4 – &lt;b&gt;Managed&lt;/b&gt; {{ form }}" in html
    assert "<b>Managed</b>" not in html


def test_it_refuses_a_title_that_is_too_long(client, member, team, questionnaire_version):
    client.force_login(member)
    response = post_new(client, team, questionnaire_version, title="x" * 201)
    assert "Shorten the title to 200 characters or fewer (it has 201)." in response.content.decode()
    assert not models.Assessment.objects.exists()


def test_it_offers_to_continue_the_draft_in_progress(client, member, team, assessment):
    submitted_assessment(team, member, assessment.questionnaire, {}, title="Baseline")
    client.force_login(member)
    response = client.get(new_url(team))
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "Data Platform already has a draft in progress" in text
    assert "“Q1 assessment”, started by Mia Member on <time" in text
    assert f"{assessment.created_at:%-d %b %Y}</time>, last changed" in text
    assert "It is not open to respondents." in text
    assert f'<a class="btn btn-primary" href="{reverse("assessment-resume", args=[assessment.pk])}">' in text
    assert "Continue “Q1 assessment”" in text
    assert "It can copy “Baseline”, the last submitted assessment, not this draft." in text
    assert 'name="second_draft"' in text


def test_it_says_when_the_draft_is_open_to_respondents(client, member, team, assessment):
    panel_open(assessment=assessment, lead=member, users=[member])
    client.force_login(member)
    text = " ".join(client.get(new_url(team)).content.decode().split())
    assert "It is open to respondents" in text


def test_it_refuses_a_second_draft_without_the_explicit_choice(client, member, team, assessment):
    client.force_login(member)
    response = post_new(client, team, assessment.questionnaire, title="Second")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#id_second_draft"' in html
    assert "“Q1 assessment” is still a draft: continue it, or tick “Start a second draft anyway”" in html
    assert response.context["form"]["title"].value() == "Second"  # what was typed is kept
    assert list(models.Assessment.objects.values_list("title", flat=True)) == ["Q1 assessment"]


def test_it_starts_a_second_draft_when_asked_to(client, member, team, assessment):
    client.force_login(member)
    response = post_new(client, team, assessment.questionnaire, title="Second", start_from="empty", second_draft="on")
    assert response.status_code == 302
    assert set(models.Assessment.objects.values_list("title", flat=True)) == {"Q1 assessment", "Second"}


def test_it_asks_nothing_more_without_a_draft(client, member, team, assessment):
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    assert "second_draft" not in client.get(new_url(team)).content.decode()
    assert post_new(client, team, assessment.questionnaire, start_from="copy").status_code == 302


def test_it_offers_the_newest_version_and_keeps_older_ones_behind_a_disclosure(
    client, member, team, questionnaire_version
):
    from assessment.services.versions import version_new_draft, version_publish

    newest = version_publish(version_new_draft(questionnaire_version, new_version="2026.2"))
    client.force_login(member)
    response = client.get(new_url(team))
    assert response.context["version"] == newest
    html = response.content.decode()
    details = html[html.index('<details class="older-versions') :]
    assert "<summary>Older versions</summary>" in details
    assert f'<option value="{questionnaire_version.pk}"' in details
    assert f'<option value="{questionnaire_version.pk}"' not in html[: html.index('<details class="older-versions')]
    assert "current best practices" in details

    response = client.get(new_url(team), {"questionnaire": questionnaire_version.pk})
    assert response.context["version"] == questionnaire_version
    assert '<details class="older-versions mb-4" open>' in response.content.decode()
