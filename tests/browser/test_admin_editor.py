"""An editor, as a new user would: copy a used version, fix a typo in the draft, publish, old assessments unchanged."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from assessment import models
from assessment.services.assessments import AnswerInput, answers_save
from tests.browser.conftest import assert_accessible, login
from tests.helpers import DATA, load_questionnaire_file, make_user

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def watch_csp(page):
    """Collect Content-Security-Policy violations the browser reports on the console.

    Scripts run through page.evaluate (axe-core) have no URL; what they do is not the page's.
    """
    violations = []

    def record(message):
        if "Content Security Policy" in message.text and message.location.get("url"):
            violations.append(f"{page.url}: {message.location} {message.text}")

    page.on("console", record)
    return violations


def _setup():
    version = load_questionnaire_file(DATA / "good_questionnaire.yaml")
    agency = models.Agency.objects.create(name="Agency")
    team = models.Team.objects.create(agency=agency, name="Data Platform", slug="data-platform")
    member = make_user("member", first_name="Mia", last_name="Member")
    models.Membership.objects.create(team=team, user=member, role="member")
    editor = make_user("editor", first_name="Eli", last_name="Editor", is_staff=True)
    group, _ = Group.objects.get_or_create(name="Questionnaire editors")
    if not group.permissions.exists():  # live_server flushed the migration's group
        from django.contrib.auth.models import Permission

        group.permissions.set(
            Permission.objects.filter(content_type__app_label="assessment")
            .exclude(codename__contains="team")
            .exclude(codename__contains="membership")
        )
    editor.groups.add(group)
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title="Q1", created_by=member)
    question = models.Question.objects.get(area__questionnaire=version, key="data-discovery")
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(question.key, "choice", level=3)])
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(question.key, "choice", level=5)])
    return version, assessment, editor, member


@pytest.mark.django_db(transaction=True)
def test_it_lets_an_editor_fix_a_typo_in_a_draft_and_publish_it(page, live_server):
    version, assessment, editor, _member = _setup()
    csp = watch_csp(page)
    login(page, live_server, editor)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Questionnaire versions").first.click()
    shot(page, "01-version-list")
    page.get_by_role("link", name="small-ml").first.click()
    expect(page.get_by_text("This content is read-only")).to_be_visible()
    shot(page, "02-used-version")
    page.get_by_role("button", name="New draft version").click()
    expect(page.get_by_text('Draft "2026.1-draft" created')).to_be_visible()
    shot(page, "03-new-draft")
    assert_accessible(page, context="#content")

    page.get_by_label("Version:").fill("2026.2")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("link", name="Change").nth(0).wait_for()
    # Open the first area, then its second question, and fix the typo.
    page.locator("#areas-group a.inlinechangelink").first.click()
    page.locator("#questions-group a.inlinechangelink").nth(1).click()
    page.get_by_label("Text:").fill("How do teams find the datasets they need?")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    # The question's history names the editor and shows the old text.
    fixed = models.Question.objects.get(text="How do teams find the datasets they need?")
    page.goto(f"{live_server.url}/admin/assessment/question/{fixed.pk}/history/")
    expect(page.get_by_text("How do teams find the data they need?").first).to_be_visible()
    expect(page.get_by_role("cell", name="editor").first).to_be_visible()
    shot(page, "03b-question-history")
    assert_accessible(page, context="#content")

    draft = models.QuestionnaireVersion.objects.get(version="2026.2")
    # A choice's roadmap keys: its page lists its practices and needs, reached from its question.
    registry = models.Choice.objects.get(question__area__questionnaire=draft, question__key="model-versions", level=4)
    page.goto(f"{live_server.url}/admin/assessment/question/{registry.question_id}/change/")
    page.locator("#choices-group a.inlinechangelink").nth(2).click()
    expect(page.get_by_role("heading", name="Needs")).to_be_visible()
    expect(page.locator("#needs-group select").first).to_have_value(
        str(models.Question.objects.get(area__questionnaire=draft, key="data-discovery").pk)
    )
    shot(page, "03c-choice-roadmap-keys")
    assert_accessible(page, context="#content")

    page.goto(f"{live_server.url}/admin/assessment/questionnaireversion/{draft.pk}/change/")
    expect(page.get_by_text("It passes every check")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published: new assessments start with it")).to_be_visible()
    shot(page, "04-published")

    draft.refresh_from_db()
    assessment.refresh_from_db()
    assert draft.status == "published"
    assert assessment.questionnaire_id == version.pk
    assert models.Question.objects.get(area__questionnaire=version, key="data-discovery").text == (
        "How do teams find the data they need?"
    )
    assert not csp, csp


@pytest.mark.django_db(transaction=True)
def test_it_shows_import_errors_and_a_preview_accessibly(page, live_server, tmp_path):
    _version, _assessment, editor, _member = _setup()
    csp = watch_csp(page)
    login(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/assessment/questionnaireversion/")
    page.get_by_role("link", name="Import YAML").click()
    expect(page.get_by_label("Questionnaire file (YAML)")).to_be_visible()
    assert_accessible(page, context="#content")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes((DATA / "bad_questionnaires" / "requires-cycle.yaml").read_bytes())
    page.get_by_label("Questionnaire file (YAML)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("bad.yaml was not imported")).to_be_visible()
    expect(page.get_by_text("requires forms a cycle").first).to_be_visible()
    shot(page, "05-import-errors")
    assert_accessible(page, context="#content")

    good = tmp_path / "next.yaml"
    good.write_text((DATA / "good_questionnaire.yaml").read_text().replace('version: "2026.1"', 'version: "2027.1"'))
    page.get_by_label("Questionnaire file (YAML)").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("created as a new draft")).to_be_visible()
    shot(page, "06-import-preview")
    assert_accessible(page, context="#content")
    page.get_by_role("button", name="Import as draft").click()
    expect(page.get_by_text('Imported "small-ml 2027.1"')).to_be_visible()
    assert models.QuestionnaireVersion.objects.get(version="2027.1").status == "draft"
    assert not csp, csp


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_answer_change_log_accessibly(page, live_server):
    _version, assessment, _editor, member = _setup()
    csp = watch_csp(page)
    login(page, live_server, member)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/changes/")
    expect(page.get_by_role("heading", name="Changes to answers")).to_be_visible()
    expect(page.get_by_role("cell", name="Level 3 (Defined)", exact=True).first).to_be_visible()
    shot(page, "07-changes")
    assert_accessible(page)
    assert not csp, csp
