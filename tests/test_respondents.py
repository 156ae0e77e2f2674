"""Several respondents, one team answer: opening, answering alone, the disagreement view, reconciling."""

import html
import json
import re

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import AnswerInput, AnswerInvalid
from assessment.services.respondents import (
    PanelNotAllowed,
    panel_open,
    respondent_answers_save,
    respondent_submit,
    team_answers_decide,
)
from tests.helpers import client_for, count_queries, row_text, team_user, text_of


def url(name, assessment, **kwargs):
    return reverse(name, kwargs={"assessment_id": assessment.pk, **kwargs})


def area_post(streaming="", discovery="", streaming_note="", discovery_note="", **extra):
    data = {
        "answer_streaming-data": streaming,
        "note_streaming-data": streaming_note,
        "answer_data-discovery": discovery,
        "note_data-discovery": discovery_note,
        "action": "continue",
    }
    data.update(extra)
    return data


@pytest.fixture
def ana(team):
    return team_user(team, "ana", first_name="Ana", last_name="Engineer")


@pytest.fixture
def ben(team):
    return team_user(team, "ben", models.Membership.VIEWER, first_name="Ben", last_name="Security")


@pytest.fixture
def opened(assessment, member, ana, ben):
    """The lead (member) opened the assessment to Ana and Ben through the page."""
    memberships = models.Membership.objects.filter(team=assessment.team, user__in=[ana, ben])
    response = client_for(member).post(
        url("assessment-respondents", assessment), {"respondents": [m.pk for m in memberships]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return assessment


@pytest.fixture
def both_responded(opened, ana, ben):
    """Ana and Ben answered the data area 3 levels apart on streaming-data, alike on data-discovery."""
    assert (
        client_for(ana)
        .post(url("respondent-area", opened, area_key="data"), area_post("level-1", "level-3", "Only scripts"))
        .status_code
        == 302
    )
    assert (
        client_for(ben)
        .post(url("respondent-area", opened, area_key="data"), area_post("level-4", "level-3", "We have Kinesis"))
        .status_code
        == 302
    )
    return opened


@pytest.fixture
def submitted(both_responded, ana, ben):
    """Ana and Ben have submitted their responses: the lead and they see them now."""
    for user in (ana, ben):
        respondent_submit(respondent=models.Respondent.objects.get(user=user), user=user)
    return both_responded


def question(assessment, key):
    return models.Question.objects.get(area__questionnaire=assessment.questionnaire, key=key)


@pytest.mark.django_db
def test_it_opens_an_assessment_to_respondents_and_lists_who_responded(opened, member, ana, ben):
    panel = models.RespondentPanel.objects.get(assessment=opened)
    assert panel.lead == member and not panel.share_individual_answers
    assert sorted(opened.respondents.values_list("name", flat=True)) == ["Ana Engineer", "Ben Security"]
    page = text_of(client_for(member).get(url("assessment-respondents", opened)))
    assert "Ana Engineer Not started 0" in page and "Ben Security Not started 0" in page


@pytest.mark.django_db
def test_it_keeps_single_author_answering_as_the_default(assessment, member):
    page = text_of(client_for(member).get(url("assessment-respondents", assessment)))
    assert "answered by the team together" in page
    assert not models.RespondentPanel.objects.exists()


@pytest.mark.django_db
def test_each_respondent_answers_on_their_own(both_responded, ana, ben):
    stored = dict(
        models.RespondentAnswer.objects.filter(question__key="streaming-data").values_list(
            "respondent__user__username", "choice__level"
        )
    )
    assert stored == {"ana": 1, "ben": 4}
    assert not both_responded.answers.exists(), "respondents' answers are not team answers"
    page = client_for(ana).get(url("respondent-area", both_responded, area_key="data")).content.decode()
    assert "Only scripts" in page and "We have Kinesis" not in page


@pytest.mark.django_db
def test_a_respondent_sees_the_others_only_after_submitting(both_responded, ana, ben):
    client = client_for(ana)
    assert client.get(url("assessment-disagreements", both_responded)).status_code == 403
    assert client.post(url("respondent-submit", both_responded)).status_code == 302
    response = client.get(url("assessment-disagreements", both_responded))
    # Ben has not submitted: his answers and note are his alone, even for a respondent who has.
    assert response.status_code == 200 and "We have Kinesis" not in response.content.decode()
    assert client_for(ben).post(url("respondent-submit", both_responded)).status_code == 302
    assert "We have Kinesis" in client.get(url("assessment-disagreements", both_responded)).content.decode()
    # A submitted response is locked.
    response = client.post(url("respondent-area", both_responded, area_key="data"), area_post("level-5", "level-3"))
    assert response.status_code == 403
    assert models.RespondentAnswer.objects.get(respondent__user=ana, question__key="streaming-data").choice.level == 1


@pytest.mark.django_db
def test_the_disagreement_view_puts_the_widest_spread_first(submitted, member):
    response = client_for(member).get(url("assessment-disagreements", submitted))
    assert response.status_code == 200
    page = text_of(response)
    first, second = page.index("How does your organization collect streaming data"), page.index("How do teams find")
    assert first < second
    assert "Spread: 3 levels (2 of 2 submitted responses gave a level) · Flag: respondents are 3 levels apart" in page
    assert "Spread: 0 levels (2 of 2 submitted responses gave a level)" in page
    assert "Ana Engineer Level 1 (Initial) Only scripts" in page


@pytest.mark.django_db
def test_the_lead_reconciles_from_the_median_and_the_decision_records_who(submitted, member):
    client = client_for(member)
    page = client.get(url("assessment-reconcile", submitted, area_key="data")).content.decode()
    # Median of 1 and 4, rounded down: 2; with a note because the spread is 3.
    assert re.search(r'value="level-2"[^>]*checked|checked[^>]*value="level-2"', page)
    assert "Respondents disagreed (spread 3; levels 1, 4). Team answer set to the median, rounded down." in page
    assert "Ana Engineer 1" not in page  # the note reaches every reader: levels without names
    shown = dict(re.findall(r'name="shown_([a-z-]+)" value="([^"]+)"', page))
    data = area_post(
        "level-2",
        "level-3",
        "Respondents disagreed (spread 3; levels 1, 4). Team answer set to the median, rounded down.",
        **{f"shown_{k}": v for k, v in shown.items()},
    )
    assert client.post(url("assessment-reconcile", submitted, area_key="data"), data).status_code == 302
    team = {a.question.key: a for a in submitted.answers.select_related("question", "choice")}
    assert team["streaming-data"].choice.level == 2 and team["streaming-data"].answered_by == member
    assert "spread 3" in team["streaming-data"].note
    decision = models.TeamAnswerDecision.objects.get(question__key="streaming-data")
    assert decision.decided_by == member and decision.spread == 3
    assert decision.responses == {"Ana Engineer": 1, "Ben Security": 4}
    results = text_of(client.get(url("assessment-results", submitted)))
    assert "Data Ingestion and Preparation 50% 1 of 2" in results


@pytest.mark.django_db
def test_only_the_lead_reconciles(both_responded, ana):
    client_for(ana).post(url("respondent-submit", both_responded))
    response = client_for(ana).post(url("assessment-reconcile", both_responded, area_key="data"), area_post("level-5"))
    assert response.status_code == 403
    assert not both_responded.answers.exists()


@pytest.mark.django_db
def test_readers_see_individual_answers_only_when_the_lead_shares_them(submitted, member, viewer, executive, ana, ben):
    for reader in (viewer, executive):
        assert client_for(reader).get(url("assessment-disagreements", submitted)).status_code == 403
        results = text_of(client_for(reader).get(url("assessment-results", submitted)))
        assert "Agreement by area" in results and "Only scripts" not in results
    memberships = models.Membership.objects.filter(team=submitted.team, user__in=[ana, ben])
    client_for(member).post(
        url("assessment-respondents", submitted),
        {"respondents": [m.pk for m in memberships], "share_individual_answers": "on"},
    )
    for reader in (viewer, executive):
        response = client_for(reader).get(url("assessment-disagreements", submitted))
        assert response.status_code == 200 and "Only scripts" in response.content.decode()


@pytest.mark.django_db
def test_a_respondent_who_leaves_the_team_keeps_their_answers_as_a_former_member(submitted, member, ana):
    models.Membership.objects.filter(user=ana).delete()
    assert client_for(ana).get(url("respondent-area", submitted, area_key="data")).status_code == 404
    page = text_of(client_for(member).get(url("assessment-disagreements", submitted)))
    assert "Ana Engineer (former member) Level 1 (Initial) Only scripts" in page


@pytest.mark.django_db
def test_a_team_member_who_is_not_a_respondent_cannot_answer_as_one(both_responded, member, viewer):
    response = client_for(viewer).post(url("respondent-area", both_responded, area_key="data"), area_post("level-5"))
    assert response.status_code == 403
    assert models.RespondentAnswer.objects.count() == 4


@pytest.mark.django_db
def test_it_refuses_a_bad_respondent_answer_with_a_located_error(both_responded, ana):
    before = list(models.RespondentAnswer.objects.values_list("pk", "choice_id", "note"))
    response = client_for(ana).post(
        url("respondent-area", both_responded, area_key="data"), area_post("level-9", "level-2")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "not offered for this question" in page
    assert list(models.RespondentAnswer.objects.values_list("pk", "choice_id", "note")) == before


@pytest.mark.django_db
def test_only_team_members_become_respondents(assessment, member, outsider):
    with pytest.raises(AnswerInvalid, match="Only members of the team"):
        panel_open(assessment=assessment, lead=member, users=[outsider])
    assert not models.Respondent.objects.exists()
    response = client_for(member).post(url("assessment-respondents", assessment), {"respondents": ["999999"]})
    assert response.status_code == 400 and "not a member of this team" in response.content.decode()


@pytest.mark.django_db
def test_only_the_lead_changes_the_respondents(opened, ana, ben):
    with pytest.raises(PanelNotAllowed):
        panel_open(assessment=opened, lead=ana, users=[ana])
    response = client_for(ana).post(url("assessment-respondents", opened), {"respondents": []})
    assert response.status_code == 403


@pytest.mark.django_db
def test_it_keeps_a_respondent_with_answers_when_unchosen(both_responded, member, ana):
    _, kept = panel_open(assessment=both_responded, lead=member, users=[ana])
    assert kept == ["Ben Security"]
    assert both_responded.respondents.count() == 2


@pytest.mark.django_db
def test_the_services_refuse_someone_elses_response(both_responded, ana, ben):
    respondent = models.Respondent.objects.get(user=ana)
    streaming = question(both_responded, "streaming-data")
    with pytest.raises(PanelNotAllowed, match="Only the respondent can change their own answers"):
        respondent_answers_save(respondent=respondent, user=ben, answers=[AnswerInput(streaming.key, "not_sure")])
    with pytest.raises(PanelNotAllowed, match="Only the respondent can submit their own response"):
        respondent_submit(respondent=respondent, user=ben)
    assert models.RespondentAnswer.objects.get(respondent=respondent, question=streaming).kind == "choice"


@pytest.mark.django_db
def test_the_services_refuse_a_submitted_response(both_responded, ana):
    respondent = models.Respondent.objects.get(user=ana)
    streaming = question(both_responded, "streaming-data")
    respondent_submit(respondent=respondent, user=ana)
    with pytest.raises(PanelNotAllowed, match="it can no longer be changed"):
        respondent_answers_save(respondent=respondent, user=ana, answers=[AnswerInput(streaming.key, "not_sure")])
    with pytest.raises(PanelNotAllowed, match="You have already submitted your response"):
        respondent_submit(respondent=respondent, user=ana)
    assert models.RespondentAnswer.objects.get(respondent=respondent, question=streaming).kind == "choice"


@pytest.mark.django_db
def test_the_services_refuse_a_respondent_answer_or_a_decision_changed_since_shown(both_responded, member, ana, ben):
    from assessment.domain import model as domain
    from assessment.services.assessments import AnswersChangedMeanwhile

    respondent = models.Respondent.objects.get(user=ana)
    streaming = question(both_responded, "streaming-data")
    with pytest.raises(AnswersChangedMeanwhile) as refused:  # Ana's other tab showed no answer yet
        respondent_answers_save(
            respondent=respondent,
            user=ana,
            answers=[AnswerInput(streaming.key, "not_sure")],
            shown={streaming.key: domain.answer_token(None)},
        )
    assert refused.value.current == {streaming.key: domain.Answer("choice", 1, note="Only scripts")}
    assert models.RespondentAnswer.objects.get(respondent=respondent, question=streaming).kind == "choice"

    for user in (ana, ben):
        respondent_submit(respondent=models.Respondent.objects.get(user=user), user=user)
    team_answers_decide(assessment=both_responded, user=member, answers=[AnswerInput(streaming.key, "choice", level=2)])
    decided = models.TeamAnswerDecision.objects.get(assessment=both_responded, question=streaming).decided_at
    with pytest.raises(AnswersChangedMeanwhile):  # the lead's other tab, shown before that decision
        team_answers_decide(
            assessment=both_responded,
            user=member,
            answers=[AnswerInput(streaming.key, "choice", level=3)],
            shown={streaming.key: domain.answer_token(None)},
        )
    assert both_responded.answers.get(question=streaming).choice.level == 2
    assert models.TeamAnswerDecision.objects.get(assessment=both_responded, question=streaming).decided_at == decided


@pytest.mark.django_db
def test_the_change_log_keeps_respondents_changes(both_responded, ana):
    history = models.RespondentAnswer.history.filter(history_user=ana)
    assert sorted(history.values_list("question__key", flat=True)) == ["data-discovery", "streaming-data"]


@pytest.fixture
def reconciled(both_responded, member, ana, ben):
    for user in (ana, ben):
        respondent_submit(respondent=models.Respondent.objects.get(user=user), user=user)
    team_answers_decide(
        assessment=both_responded,
        user=member,
        answers=[AnswerInput(question(both_responded, "streaming-data").key, "choice", level=2, note="Median")],
    )
    return both_responded


@pytest.mark.slow
@pytest.mark.django_db
def test_the_pdf_shows_agreement_and_lists_the_disputed_question(reconciled, member):
    import io

    from pypdf import PdfReader

    from assessment.access import SEES_ANSWERS
    from assessment.pdf.render import assessment_pdf
    from assessment.selectors.results import assessment_results

    reader = PdfReader(io.BytesIO(assessment_pdf(assessment_results(reconciled))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Agreement between respondents" in text
    assert "Data Ingestion and Preparation 50% 1 of 2" in text
    # Sharing is off: the levels without the names.
    assert "1.1 How does your organization collect streaming data for ML?: spread 3; levels 1, 4" in text
    assert "Ana Engineer" not in text
    # For those who see each respondent's answers (the lead, say), with the names.
    reader = PdfReader(io.BytesIO(assessment_pdf(assessment_results(reconciled), audience=SEES_ANSWERS)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "spread 3; levels Ana Engineer 1, Ben Security 4" in text


@pytest.mark.django_db
def test_a_single_author_pdf_has_no_agreement_section(assessment, member):
    from assessment.pdf.render import assessment_pdf_html
    from assessment.selectors.results import assessment_results

    assert "Agreement between respondents" not in assessment_pdf_html(assessment_results(assessment))


@pytest.mark.django_db
def test_the_change_log_shows_respondents_changes_and_the_leads_decisions(reconciled, member, viewer):
    page = html.unescape(text_of(client_for(member).get(url("assessment-changes", reconciled))))
    assert "Team answer: lead's decision" in page
    assert "Ana Engineer's own answer (respondent)" in page and "Ben Security's own answer (respondent)" in page
    # Readers see the team answers' changes, and respondents' only when the lead shares them.
    page = html.unescape(text_of(client_for(viewer).get(url("assessment-changes", reconciled))))
    assert "Team answer: lead's decision" in page and "own answer (respondent)" not in page


@pytest.mark.django_db
def test_the_json_export_carries_respondents_and_decisions(reconciled, member, viewer):
    data = client_for(member).get(url("assessment-export-json", reconciled)).json()
    panel = data["respondents"]
    assert panel["lead"] == "member" and panel["share_individual_answers"] is False
    assert panel["agreement"][0] == {"area": "data", "agreed": 1, "counted": 2, "share": 0.5}
    ana = next(p for p in panel["respondents"] if p["name"] == "Ana Engineer")
    assert {"question": "streaming-data", "answer": "choice", "level": 1, "note": "Only scripts"} in ana["answers"]
    assert panel["decisions"] == [
        {
            "question": "streaming-data",
            "decided_by": "member",
            "decided_at": panel["decisions"][0]["decided_at"],
            "spread": 3,
            "responses": {"Ana Engineer": 1, "Ben Security": 4},
        }
    ]
    # A viewer, sharing off: the agreement and who decided, not who answered what.
    data = client_for(viewer).get(url("assessment-export-json", reconciled)).json()
    assert "answers" not in data["respondents"]["respondents"][0]
    assert "responses" not in data["respondents"]["decisions"][0]
    assert "Only scripts" not in json.dumps(data)


def _export(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "backup.json"
    call_command("export_assessments", "-o", str(path))
    return path, json.loads(path.read_text())


@pytest.mark.django_db
def test_export_and_import_carry_respondents_and_decisions(reconciled, tmp_path, ana):
    from django.core.management import call_command

    path, data = _export(tmp_path)
    panel = data["assessments"][0]["panel"]
    assert panel["lead"] == "member" and [r["user"] for r in panel["respondents"]] == ["ana", "ben"]
    reconciled.delete()
    ana.delete()  # an account missing in the new instance: the answers stay under the name
    call_command("import_assessments", str(path))
    imported = models.Assessment.objects.get()
    assert imported.panel.lead.username == "member"
    respondents = {r.name: r for r in imported.respondents.all()}
    assert respondents["Ana Engineer"].user is None and respondents["Ben Security"].user.username == "ben"
    assert respondents["Ana Engineer"].submitted_at is not None
    levels = dict(
        models.RespondentAnswer.objects.filter(question__key="streaming-data").values_list(
            "respondent__name", "choice__level"
        )
    )
    assert levels == {"Ana Engineer": 1, "Ben Security": 4}
    decision = models.TeamAnswerDecision.objects.get(assessment=imported)
    assert (decision.question.key, decision.decided_by.username, decision.spread) == ("streaming-data", "member", 3)
    panel["respondents"][0]["user"] = None  # the account is gone; everything else comes back the same
    assert _export(tmp_path)[1]["assessments"][0]["panel"] == panel


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda p: p["respondents"][0]["answers"][0].update(level=9),
            'panel: respondents[0]: answers[0] (question "streaming-data"): level 9 is not a choice',
        ),
        (lambda p: p["decisions"][0].update(question="nope"), "panel: decisions[0]: question 'nope' is not in"),
        (lambda p: p["decisions"][0].update(spread=-1), "panel: decisions[0]: spread: expected a whole number"),
        (lambda p: p.update(share_individual_answers="yes"), "panel: share_individual_answers: expected true or false"),
        (lambda p: p["respondents"][1].update(user="ana"), 'panel: respondents[1]: user "ana" is a respondent twice'),
        (lambda p: p.update(extra=1), "panel: unknown key 'extra'"),
    ],
)
def test_import_refuses_a_bad_panel_and_says_where(reconciled, tmp_path, capsys, change, message):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path, data = _export(tmp_path)
    change(data["assessments"][0]["panel"])
    path.write_text(json.dumps(data))
    reconciled.delete()
    with pytest.raises(CommandError):
        call_command("import_assessments", str(path))
    assert message in capsys.readouterr().err
    assert not models.Assessment.objects.exists() and not models.Respondent.objects.exists()


@pytest.mark.django_db
def test_the_disagreement_view_costs_the_same_queries_for_more_respondents(submitted, member):
    both_responded = submitted
    client = client_for(member)
    page = url("assessment-disagreements", both_responded)
    two = count_queries(client, page)
    more = []
    for i in range(4):
        more.append(
            team_user(both_responded.team, f"extra-{i}", models.Membership.VIEWER, first_name="Extra", last_name=str(i))
        )
    ana_and_ben = [r.user for r in models.Respondent.objects.filter(assessment=both_responded).select_related("user")]
    panel_open(assessment=both_responded, lead=member, users=[*ana_and_ben, *more])
    for user in more:
        respondent = models.Respondent.objects.get(user=user)
        respondent_answers_save(
            respondent=respondent,
            user=user,
            answers=[AnswerInput(question(both_responded, "streaming-data").key, "choice", level=3, note="More")],
        )
        respondent_submit(respondent=respondent, user=user)
    assert count_queries(client, page) <= two
    assert client.get(page).content.decode().count("More") >= 4


# --- Issue 25, point 2: until a respondent submits, nobody else sees their answers ------------------

LEAD_NOTE = "LEAD PRIVATE DRAFT NOTE"


@pytest.fixture
def lead_not_submitted(assessment, member, ben):
    """The issue's steps: the lead opens the draft to themselves and a viewer; the lead answers 1.1
    "Optimized" with a note and saves without submitting; the viewer answers and submits."""
    panel_open(assessment=assessment, lead=member, users=[member, ben])
    lead_client = client_for(member)
    lead_client.post(url("respondent-area", assessment, area_key="data"), area_post("level-5", "", LEAD_NOTE))
    assert models.RespondentAnswer.objects.filter(note=LEAD_NOTE).exists()
    client_for(ben).post(url("respondent-area", assessment, area_key="data"), area_post("level-1", "level-3", "Ben's"))
    respondent_submit(respondent=models.Respondent.objects.get(user=ben), user=ben)
    return assessment


@pytest.mark.django_db
def test_it_shows_nobody_the_leads_unsubmitted_answer_and_note(lead_not_submitted, ben, viewer):
    for reader in (ben, viewer):
        client = client_for(reader)
        for name in ("assessment-disagreements", "assessment-export-json", "assessment-changes", "assessment-results"):
            page = html.unescape(client.get(url(name, lead_not_submitted)).content.decode())
            assert LEAD_NOTE not in page, (reader, name)
            assert "Optimized" not in page and "spread 4" not in page.lower(), (reader, name)
    page = html.unescape(text_of(client_for(ben).get(url("assessment-disagreements", lead_not_submitted))))
    assert "1 of 2 respondents have submitted" in page
    assert "Ben Security Level 1 (Initial) Ben's" in page


@pytest.mark.django_db
def test_one_submitted_answer_has_no_spread_and_no_agreement_of_100_percent(lead_not_submitted, ben):
    client = client_for(ben)
    page = text_of(client.get(url("assessment-disagreements", lead_not_submitted)))
    assert "No spread: only one response gave a level (1 of 1 submitted response gave a level)" in page
    assert "Spread: 0 levels" not in page
    results = text_of(client.get(url("assessment-results", lead_not_submitted)))
    assert "counted from 1 of 2 responses" in results
    assert "Data Ingestion and Preparation Not yet: no question has two levels 0 of 0" in results
    assert "100%" not in row_text(
        client.get(url("assessment-results", lead_not_submitted)), "Data Ingestion and Preparation"
    )


@pytest.mark.django_db
def test_a_respondent_who_has_not_submitted_sees_no_agreement_figures(both_responded, ana, ben):
    respondent_submit(respondent=models.Respondent.objects.get(user=ben), user=ben)
    client = client_for(ana)
    results = text_of(client.get(url("assessment-results", both_responded)))
    assert "Agreement by area" not in results and "spread of 2 levels" not in results
    assert "once you have submitted your own response" in results
    data = client.get(url("assessment-export-json", both_responded)).json()["respondents"]
    assert "agreement" not in data and "We have Kinesis" not in json.dumps(data)


@pytest.mark.django_db
def test_the_draft_pdf_is_stored_and_served_per_audience(submitted, member, ana, viewer):
    """Each asker gets the report of their own audience; a respondent who has not submitted sees no levels."""
    from assessment.access import NOT_SUBMITTED, SEES_ANSWERS, TEAM_READER
    from tests.urlwalk import body_text

    models.Respondent.objects.filter(user=ana).update(submitted_at=None)  # Ana has not submitted after all
    models.Assessment.objects.filter(pk=submitted.pk).update(updated_at=submitted.updated_at)

    def pdf_for(user):
        response = client_for(user).get(url("assessment-pdf", submitted))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        return " ".join(body_text(response).split())

    assert client_for(ana).get(url("assessment-disagreements", submitted)).status_code == 403
    ana_pdf = pdf_for(ana)
    assert "Agreement between respondents" not in ana_pdf and "spread" not in ana_pdf.lower()
    for reader in (member, viewer):  # Ana's answer is hers alone for them too: Ben's level has no spread
        assert "levels 1, 4" not in pdf_for(reader) and "Ben Security 4" not in pdf_for(reader)
    audiences = set(models.StoredReport.objects.filter(assessment=submitted).values_list("audience", flat=True))
    assert audiences == {NOT_SUBMITTED, SEES_ANSWERS, TEAM_READER}
    # Once she submits, the lead's report names who answered what; the viewer's gives the levels alone.
    respondent_submit(respondent=models.Respondent.objects.get(user=ana), user=ana)
    assert "spread 3; levels Ana Engineer 1, Ben Security 4" in pdf_for(member)
    viewer_pdf = pdf_for(viewer)
    assert "spread 3; levels 1, 4" in viewer_pdf and "Ana Engineer 1" not in viewer_pdf


@pytest.mark.django_db
def test_only_the_lead_sets_team_answers_while_the_draft_is_open_to_respondents(submitted, member, ana):
    client = client_for(ana)
    page = text_of(client.get(url("assessment-area", submitted, area_key="data")))
    assert "its team answers are set only by the lead" in page
    assert (
        'name="answer_streaming-data"'
        not in client.get(url("assessment-area", submitted, area_key="data")).content.decode()
    )
    response = client.post(url("assessment-area", submitted, area_key="data"), area_post("level-5", "level-5"))
    assert response.status_code == 403 and "set only by the lead" in text_of(response)
    assert not submitted.answers.exists()
    from assessment.services.assessments import TeamAnswersByLead, answers_save

    with pytest.raises(TeamAnswersByLead):
        answers_save(assessment=submitted, user=member, answers=[AnswerInput("streaming-data", "choice", level=5)])
    # The lead's page points to the reconciliation, where each decision is recorded.
    assert "Set the team answers to this area" in text_of(
        client_for(member).get(url("assessment-area", submitted, area_key="data"))
    )


@pytest.mark.django_db
def test_a_member_takes_over_as_lead_when_the_lead_leaves(submitted, member, ana, ben, team_manager):
    client = client_for(ana)
    response = client.post(url("assessment-panel-lead", submitted))
    assert response.status_code == 403 and "is still the lead" in text_of(response)
    assert models.RespondentPanel.objects.get(assessment=submitted).lead == member
    models.Membership.objects.filter(user=member).delete()
    assert "Take over as lead" in text_of(client.get(url("assessment-respondents", submitted)))
    assert client.post(url("assessment-panel-lead", submitted)).status_code == 302
    assert models.RespondentPanel.objects.get(assessment=submitted).lead == ana
    change = models.PanelLeadChange.objects.get()
    assert (change.previous_lead, change.lead_name, change.changed_by) == ("Mia Member", "Ana Engineer", ana)
    assert "Ana Engineer took over from Mia Member" in text_of(client.get(url("assessment-respondents", submitted)))
    assert client.get(url("assessment-reconcile", submitted, area_key="data")).status_code == 200
    # A team manager of the agency names another lead; a viewer cannot lead.
    from assessment.services.respondents import panel_lead_take_over

    with pytest.raises(PanelNotAllowed, match="not a member of the team"):
        panel_lead_take_over(assessment=submitted, lead=ben, by=team_manager)
    carol = team_user(submitted.team, "carol", first_name="Carol", last_name="Member")
    panel_lead_take_over(assessment=submitted, lead=carol, by=team_manager)
    assert models.PanelLeadChange.objects.last().changed_by_name == "Max Manager"
    with pytest.raises(PanelNotAllowed, match="Only a team manager"):
        panel_lead_take_over(assessment=submitted, lead=carol, by=ana)


# --- Issue 25, point 3: reconciliation starts from the respondents' median ----------------------------


@pytest.fixture
def copied_draft(team, member, ana, ben, questionnaire_version):
    """A draft started the default way (copied from the last assessment, both answers at 3), opened to Ana and Ben."""
    from assessment.services.assessments import answers_save, assessment_create, assessment_submit

    last = assessment_create(team=team, version=questionnaire_version, title="Last quarter", user=member)
    answers_save(
        assessment=last,
        user=member,
        answers=[AnswerInput("streaming-data", "choice", level=3), AnswerInput("data-discovery", "choice", level=3)],
    )
    assessment_submit(assessment=last, user=member)
    draft = assessment_create(
        team=team, version=questionnaire_version, title="This quarter", user=member, copy_from=last
    )
    assert draft.answers.count() == 2
    panel_open(assessment=draft, lead=member, users=[ana, ben])
    for user, streaming, discovery in ((ana, 4, 1), (ben, 1, 3)):
        respondent_answers_save(
            respondent=models.Respondent.objects.get(user=user, assessment=draft),
            user=user,
            answers=[
                AnswerInput("streaming-data", "choice", level=streaming),
                AnswerInput("data-discovery", "choice", level=discovery),
            ],
        )
        respondent_submit(respondent=models.Respondent.objects.get(user=user, assessment=draft), user=user)
    return draft


def checked_value(page, question_key):
    match = re.search(rf'<input[^>]*name="answer_{question_key}"[^>]*value="([^"]+)"[^>]*checked', page)
    return match and match.group(1)


@pytest.mark.django_db
def test_reconciliation_starts_from_the_median_not_the_copied_answer(copied_draft, member):
    client = client_for(member)
    page = client.get(url("assessment-reconcile", copied_draft, area_key="data")).content.decode()
    # Streaming: 4 and 1, median 2 (not the copied 3), with the note; discovery: 1 and 3, median 2,
    # which the question does not offer (1, 3, 5): down to 1.
    assert checked_value(page, "streaming-data") == "level-2"
    assert checked_value(page, "data-discovery") == "level-1"
    assert "Respondents disagreed (spread 3; levels 1, 4). Team answer set to the median, rounded down." in page
    assert "Respondents disagreed (spread 2; levels 1, 3)." in page
    assert page.count("Last assessment: Level 3 (Defined)") == 2
    # The lead decides 3 for streaming: from then on the page starts from that decision, with nothing beside.
    team_answers_decide(
        assessment=copied_draft, user=member, answers=[AnswerInput("streaming-data", "choice", level=3, note="Kept")]
    )
    page = client.get(url("assessment-reconcile", copied_draft, area_key="data")).content.decode()
    assert checked_value(page, "streaming-data") == "level-3"
    assert checked_value(page, "data-discovery") == "level-1"
    assert page.count("Last assessment:") == 1


@pytest.mark.django_db
def test_a_team_manager_names_a_new_lead_in_the_admin(submitted, member, ana, team_manager):
    from tests.admin_forms import form_data

    models.Membership.objects.filter(user=member).delete()  # the lead has left the team
    panel = models.RespondentPanel.objects.get(assessment=submitted)
    client = client_for(team_manager)
    change_url = reverse("admin:assessment_respondentpanel_change", args=[panel.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and "Ana Engineer" in page.content.decode()
    response = client.post(change_url, dict(form_data(page), lead=str(ana.pk)))
    assert response.status_code == 302
    panel.refresh_from_db()
    assert panel.lead == ana
    change = models.PanelLeadChange.objects.get()
    assert (change.previous_lead, change.lead_name, change.changed_by) == ("Mia Member", "Ana Engineer", team_manager)
    assert "took over from Mia Member, named by Max Manager" in text_of(
        client_for(ana).get(url("assessment-respondents", submitted))
    )


def test_the_review_page_of_a_draft_open_to_respondents_does_not_invite_to_open_it(client, member, assessment):
    url = reverse("assessment-review", args=[assessment.pk])
    client.force_login(member)
    assert "open this assessment to several team members" in client.get(url).content.decode()
    panel_open(assessment=assessment, lead=member, users=[member])
    html = client.get(url).content.decode()
    assert "open this assessment to several team members" not in html
    assert "compare their answers and set the team answers" in html


@pytest.mark.django_db
def test_with_one_response_submitted_the_disagreements_page_says_there_is_nothing_to_compare_yet(
    both_responded, ana, member
):
    assert client_for(ana).post(url("respondent-submit", both_responded)).status_code == 302
    response = client_for(member).get(url("assessment-disagreements", both_responded))
    page = text_of(response)
    assert "Nothing to compare yet: disagreements show once two respondents have submitted, and 1 of 2 has." in page
    assert "Still answering: Ben" in page
    # The answers given so far are folded away, not one block per question down the page.
    html = response.content.decode()
    assert html.index("<details") < html.index("How does your organization collect streaming data")


@pytest.mark.django_db
def test_with_two_responses_submitted_the_disagreements_are_shown_unfolded(submitted, member):
    page = client_for(member).get(url("assessment-disagreements", submitted)).content.decode()
    assert "Nothing to compare yet" not in page and "<details" not in page


@pytest.mark.django_db
def test_the_review_page_names_the_respondents_still_answering_before_the_lead_submits(both_responded, ana, member):
    assert client_for(ana).post(url("respondent-submit", both_responded)).status_code == 302
    page = text_of(client_for(member).get(url("assessment-review", both_responded)))
    still = page[page.index("Still answering:") : page.index("Submit and see results")]
    assert "Ben" in still and "Ana" not in still
    assert "can no longer submit a response" in still


# --- Deactivated accounts, a removed respondent ------------------------------------------------------


def memberships(assessment, *users):
    return [m.pk for m in models.Membership.objects.filter(team=assessment.team, user__in=users)]


@pytest.mark.django_db
def test_it_neither_offers_nor_accepts_a_deactivated_account_as_respondent(assessment, member, ana, ben):
    ben.is_active = False
    ben.save()
    client = client_for(member)
    page = text_of(client.get(url("assessment-respondents", assessment)))
    assert "Ana Engineer (member)" in page and "Ben Security" not in page
    response = client.post(
        url("assessment-respondents", assessment), {"respondents": memberships(assessment, ana, ben)}
    )
    assert response.status_code == 400
    assert "Ben Security's account is deactivated, so they cannot be a respondent" in html.unescape(text_of(response))
    assert 'id="respondents-error"' in response.content.decode()  # at the field
    assert not models.RespondentPanel.objects.exists() and not models.Respondent.objects.exists()
    with pytest.raises(AnswerInvalid, match="Ben Security's account is deactivated"):
        panel_open(assessment=assessment, lead=member, users=[ana, ben])
    assert not models.Respondent.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_deactivated_account_as_the_lead(submitted, member, ana, team_manager):
    from assessment.services.respondents import panel_lead_take_over
    from tests.admin_forms import form_data

    ana.is_active = False
    ana.save()
    with pytest.raises(PanelNotAllowed, match="Ana Engineer's account is deactivated"):
        panel_lead_take_over(assessment=submitted, lead=ana, by=team_manager)
    panel = models.RespondentPanel.objects.get(assessment=submitted)
    client = client_for(team_manager)
    change_url = reverse("admin:assessment_respondentpanel_change", args=[panel.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and "Ana Engineer" not in text_of(page)  # not offered
    response = client.post(change_url, dict(form_data(page), lead=str(ana.pk)))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lead"] == [
        "Ana Engineer's account is deactivated, so they cannot lead. Ask a team manager to reactivate it, "
        "or choose someone else."
    ]
    panel.refresh_from_db()
    assert panel.lead == member and not models.PanelLeadChange.objects.exists()


@pytest.mark.django_db
def test_a_member_takes_over_when_the_lead_is_deactivated(submitted, member, ana, ben):
    client = client_for(ana)
    member.is_active = False
    member.save()
    page = text_of(client.get(url("assessment-respondents", submitted)))
    assert "Lead: Mia Member (account deactivated: a member can take over as lead" in page
    assert "Take over as lead" in page
    assert client.post(url("assessment-panel-lead", submitted)).status_code == 302
    assert models.RespondentPanel.objects.get(assessment=submitted).lead == ana
    assert client.get(url("assessment-reconcile", submitted, area_key="data")).status_code == 200
    # A viewer still cannot take over, nor can someone outside the team.
    response = client_for(ben).post(url("assessment-panel-lead", submitted))
    assert response.status_code == 403
    assert models.RespondentPanel.objects.get(assessment=submitted).lead == ana


@pytest.mark.django_db
def test_a_viewer_cannot_take_over_from_a_deactivated_lead_and_an_outsider_sees_nothing(
    submitted, member, ben, outsider
):
    member.is_active = False
    member.save()
    response = client_for(ben).post(url("assessment-panel-lead", submitted))
    assert response.status_code == 403 and "Only members of the team can lead" in text_of(response)
    assert "Take over as lead" not in text_of(client_for(ben).get(url("assessment-respondents", submitted)))
    assert client_for(outsider).post(url("assessment-panel-lead", submitted)).status_code == 404
    assert models.RespondentPanel.objects.get(assessment=submitted).lead == member


@pytest.mark.django_db
def test_a_respondent_taken_off_the_list_while_saving_is_told_and_nothing_is_written(
    opened, member, ana, ben, monkeypatch
):
    """Ana's page was shown; the lead takes her off the list while her save is on its way."""
    from assessment.views import respondents as views

    shown_report = views._respondent_report

    def removed_meanwhile(assessment, respondent):
        report = shown_report(assessment, respondent)
        panel_open(assessment=assessment, lead=member, users=[ben])  # after the view read her row
        return report

    monkeypatch.setattr(views, "_respondent_report", removed_meanwhile)
    response = client_for(ana).post(url("respondent-area", opened, area_key="data"), area_post("level-1", "level-3"))
    assert response.status_code == 403
    assert "You are no longer a respondent on this assessment" in text_of(response)
    assert not models.RespondentAnswer.objects.exists() and not models.Respondent.objects.filter(user=ana).exists()


@pytest.mark.django_db
def test_a_respondent_taken_off_the_list_is_told_on_every_page(opened, member, ana, ben):
    client = client_for(ana)
    assert client.get(url("respondent-area", opened, area_key="data")).status_code == 200
    panel_open(assessment=opened, lead=member, users=[ben])
    response = client.post(url("respondent-area", opened, area_key="data"), area_post("level-1", "level-3"))
    assert response.status_code == 403
    assert "You are not a respondent on this assessment, or no longer one" in text_of(response)
    assert "Nothing was saved" in text_of(response)
    for name in ("respondent-resume", "respondent-review"):
        response = client.get(url(name, opened))
        assert response.status_code == 403 and "not a respondent on this assessment" in text_of(response)
        assert "Nothing was saved" not in text_of(response)  # a page read changes nothing anyway
    response = client.post(url("respondent-submit", opened))
    assert response.status_code == 403 and "or no longer one" in text_of(response)
    assert not models.RespondentAnswer.objects.exists()


@pytest.mark.django_db
def test_a_member_never_asked_who_posts_is_not_told_they_were_taken_off(opened, team, member, ana, ben):
    """Nothing says whether a member without a row was ever asked: the words fit both cases."""
    carl = team_user(team, "carl", first_name="Carl", last_name="Curious")
    response = client_for(carl).post(url("respondent-area", opened, area_key="data"), area_post("level-1", "level-3"))
    assert response.status_code == 403
    assert "the lead has taken you off the list" not in text_of(response)
    assert "You are not a respondent on this assessment, or no longer one" in text_of(response)
    assert not models.RespondentAnswer.objects.exists()


@pytest.mark.django_db
def test_the_services_refuse_a_response_taken_off_the_list(opened, member, ana, ben):
    respondent = models.Respondent.objects.get(user=ana)
    panel_open(assessment=opened, lead=member, users=[ben])
    with pytest.raises(PanelNotAllowed, match="no longer a respondent"):
        respondent_answers_save(
            respondent=respondent, user=ana, answers=[AnswerInput("streaming-data", "choice", level=1)]
        )
    with pytest.raises(PanelNotAllowed, match="no longer a respondent"):
        respondent_submit(respondent=respondent, user=ana)
    assert not models.RespondentAnswer.objects.exists()


@pytest.mark.django_db
def test_the_panel_refuses_bad_input_at_the_field(assessment, member, other_team):
    stranger = team_user(other_team, "sam", first_name="Sam", last_name="Stranger")
    client = client_for(member)
    for respondents in ([], ["abc"], ["99999999999999999999999"], memberships(assessment, stranger) or ["0"]):
        response = client.post(url("assessment-respondents", assessment), {"respondents": respondents})
        assert response.status_code == 400, respondents
        assert 'id="respondents-error"' in response.content.decode()
    stranger_membership = models.Membership.objects.get(user=stranger).pk
    response = client.post(url("assessment-respondents", assessment), {"respondents": [stranger_membership]})
    assert response.status_code == 400 and "not a member of this team" in text_of(response)
    assert not models.RespondentPanel.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_lead_at_the_field(submitted, member, outsider, team_manager):
    from tests.admin_forms import form_data

    panel = models.RespondentPanel.objects.get(assessment=submitted)
    client = client_for(team_manager)
    change_url = reverse("admin:assessment_respondentpanel_change", args=[panel.pk])
    page = client.get(change_url)
    for lead in ("", "abc", "99999999999999999999999", str(outsider.pk)):
        response = client.post(change_url, dict(form_data(page), lead=lead))
        assert response.status_code == 200, lead
        assert response.context["adminform"].form.errors["lead"], lead
    panel.refresh_from_db()
    assert panel.lead == member and not models.PanelLeadChange.objects.exists()
