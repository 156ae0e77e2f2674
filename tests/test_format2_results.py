"""Format 2 teams' results and roadmap pages, and the profile service (hand-worked in tests/domain/test_format2_example.py)."""

import pytest

from assessment import models
from assessment.selectors.assessments import profile_answers
from assessment.selectors.results import assessment_results
from assessment.services.assessments import AnswerInvalid, ProfileByLead, assessment_create, profile_save
from assessment.services.respondents import panel_open
from tests.format2_helpers import ANSWERS, CLASSIC, expired_link, format2_draft
from tests.helpers import answer, client_for, team_user, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def classic_team(team, member, format2_version):
    """A draft of a team using classic ML only: the generative AI area is out of scope."""
    return format2_draft(team, member, format2_version, CLASSIC, title="Format 2")


def test_scores_and_roadmap_take_the_stored_profile(classic_team):
    report = assessment_results(classic_team)
    assert report.profile == CLASSIC
    assert report.score.out_of_scope == ["genai-guardrails", "genai-red-teaming"]
    assert [(i.position, i.question_key, i.phase) for i in report.roadmap.items] == [
        (1, "pipelines", "now"),
        (2, "impact-assessment", "next"),
        (3, "pipelines", "next"),
        (4, "data-catalog", "later"),
    ]
    assert [e.item.question_key for e in report.agency_entries] == ["ai-inventory"]
    assert report.points_in("now") == 3
    # The stored answers are kept; only scoring sees them as out of scope.
    assert models.Answer.objects.filter(assessment=classic_team, question__key="genai-red-teaming").exists()


def test_the_results_page_lists_what_is_out_of_scope_and_why(client, member, classic_team):
    page = text_of(client_for(member).get(f"/assessments/{classic_team.pk}/"))
    assert "About your team" in page
    assert (
        "3.1 Are prompts and outputs filtered and logged? Not in scope: “Which kinds of AI does your team build, "
        "buy or plan to use in the next 12 months?” answered “Models that predict or classify”." in page
    )
    assert "3.2 Is generative AI tested against misuse before release? Not in scope:" in page


def test_the_roadmap_page_shows_agency_steps_apart_and_the_points_of_now(client, member, classic_team):
    response = client_for(member).get(f"/assessments/{classic_team.pk}/roadmap/")
    page = text_of(response)
    assert "Now holds 3 effort points of a budget of 4" in page
    # The phases' links lead to the agency's steps too.
    assert 'href="#phase-agency">Agency-wide (1 item)</a>' in response.content.decode()
    agency = page[page.index("Agency-wide steps") :]
    assert "Agency step 1. Does the agency keep an inventory of AI uses?" in agency
    assert "Owner Your agency's Chief AI Officer or CIO" in agency
    # Agency items cannot be added to the team's plan.
    assert 'id="pick-agency' not in response.content.decode() and "Add to plan: agency" not in agency


def test_an_unstated_profile_keeps_everything_in_scope(team, member, format2_version):
    assessment = models.Assessment.objects.create(
        team=team, questionnaire=format2_version, title="F2", created_by=member
    )
    answer(assessment, member, ANSWERS)
    report = assessment_results(assessment)
    assert report.profile == {} and report.score.out_of_scope == []
    assert report.tags == {"classic-ml", "genai", "high-impact"}


def test_profile_save_refuses_unknown_questions_and_choices_and_stores_nothing(classic_team, member):
    with pytest.raises(AnswerInvalid, match='"maybe" is not a choice of profile question "impact"'):
        profile_save(assessment=classic_team, user=member, answers={"ai-kinds": "both", "impact": "maybe"})
    with pytest.raises(AnswerInvalid, match='Profile question "team-size" is not part'):
        profile_save(assessment=classic_team, user=member, answers={"team-size": "small"})
    assert assessment_results(classic_team).profile == CLASSIC


def test_profile_save_clears_an_answer_and_keeps_the_change_log(classic_team, member):
    assert profile_save(assessment=classic_team, user=member, answers={"impact": None, "ai-kinds": "classic"}) == 1
    assert assessment_results(classic_team).profile == {"ai-kinds": "classic"}
    assert models.ProfileAnswer.history.filter(assessment=classic_team).count() == 3  # two created, one deleted


def test_once_open_to_respondents_only_the_lead_sets_the_profile(classic_team, member, team):
    other = team_user(team, "other")
    panel_open(assessment=classic_team, lead=member, users=[member, other])
    with pytest.raises(ProfileByLead):
        profile_save(assessment=classic_team, user=other, answers={"impact": "yes"})
    assert profile_save(assessment=classic_team, user=member, answers={"impact": "yes"}) == 1


def test_start_from_previous_copies_the_profile(classic_team, member, team, format2_version):
    copy = assessment_create(team=team, version=format2_version, title="Next", user=member, copy_from=classic_team)
    assert assessment_results(copy).profile == CLASSIC
    assert models.Answer.objects.filter(assessment=copy, question__key="genai-red-teaming").exists()


# --- Answering: "About your team", the area pages, Next and Back ------------------------------


@pytest.fixture
def fresh(team, member, format2_version):
    return models.Assessment.objects.create(team=team, questionnaire=format2_version, title="F2", created_by=member)


def test_a_new_format2_draft_starts_with_about_your_team(client, member, fresh):
    client = client_for(member)
    assert client.get(f"/assessments/{fresh.pk}/continue/")["Location"] == f"/assessments/{fresh.pk}/profile/"
    page = text_of(client.get(f"/assessments/{fresh.pk}/profile/"))
    assert "1. Which kinds of AI does your team build" in page
    assert "Not stated yet (every answer is assumed possible)" in page


def test_saving_the_profile_lists_the_scope_changes_and_skips_areas_out_of_scope(client, member, fresh):
    client = client_for(member)
    response = client.post(f"/assessments/{fresh.pk}/profile/", {"profile_ai-kinds": "classic", "profile_impact": "no"})
    assert response["Location"] == f"/assessments/{fresh.pk}/areas/data/"
    assert assessment_results(fresh).profile == CLASSIC
    page = text_of(client.get(response["Location"]))
    assert (
        "No longer in scope (any answers are kept): 3.1 Are prompts and outputs filtered and logged?; "
        "3.2 Is generative AI tested against misuse before release?" in page
    )
    assert "Generative AI" not in page  # the area is left out of the journey
    # Save and continue from the last area shown goes to the review, skipping Generative AI.
    response = client.post(f"/assessments/{fresh.pk}/areas/governance/", {"action": "continue"})
    assert response["Location"] == f"/assessments/{fresh.pk}/review/"
    # Back from the first area shown goes to "About your team".
    response = client.post(f"/assessments/{fresh.pk}/areas/data/", {"action": "back"})
    assert response["Location"] == f"/assessments/{fresh.pk}/profile/"


def test_an_area_page_asks_only_the_questions_in_scope_with_their_file_numbers(client, member, fresh):
    client = client_for(member)
    profile_save(assessment=fresh, user=member, answers={"ai-kinds": "generative", "impact": "no"})
    page = text_of(client.get(f"/assessments/{fresh.pk}/areas/genai/"))
    assert "1. Are prompts and outputs filtered and logged?" in page
    assert "Is generative AI tested against misuse" not in page
    profile_save(assessment=fresh, user=member, answers={"impact": "yes"})
    page = text_of(client.get(f"/assessments/{fresh.pk}/areas/genai/"))
    assert "2. Is generative AI tested against misuse before release?" in page


def test_a_bad_profile_answer_is_refused_with_a_located_error(client, member, fresh):
    response = client_for(member).post(f"/assessments/{fresh.pk}/profile/", {"profile_impact": "maybe"})
    assert response.status_code == 400
    assert "Choose one of the answers listed" in text_of(response)
    assert 'href="#id_profile_impact_0"' in response.content.decode()
    assert not models.ProfileAnswer.objects.filter(assessment=fresh).exists()


def test_a_post_without_a_profile_question_keeps_the_saved_answers(client, member, fresh):
    """The page checks one radio of each group; a cut or hand-made post must not read as "Not stated yet"."""
    profile_save(assessment=fresh, user=member, answers={"ai-kinds": "classic", "impact": "yes"})
    response = client_for(member).post(f"/assessments/{fresh.pk}/profile/", {"profile_impact": "no"})
    assert response.status_code == 400
    assert "No answer was received for this question" in text_of(response)
    assert 'href="#id_profile_ai-kinds_0"' in response.content.decode()
    assert profile_answers(fresh) == {"ai-kinds": "classic", "impact": "yes"}


def test_only_members_who_may_write_set_the_profile(client, viewer, fresh, outsider):
    assert client_for(viewer).post(f"/assessments/{fresh.pk}/profile/", {"profile_impact": "no"}).status_code == 403
    assert client_for(outsider).get(f"/assessments/{fresh.pk}/profile/").status_code == 404
    assert not models.ProfileAnswer.objects.filter(assessment=fresh).exists()


def test_a_format1_assessment_has_no_profile_page(client, member, assessment):
    assert client_for(member).get(f"/assessments/{assessment.pk}/profile/").status_code == 404


def test_the_review_shows_the_profile_with_a_link_to_change_it(client, member, classic_team):
    page = client_for(member).get(f"/assessments/{classic_team.pk}/review/")
    text = text_of(page)
    assert "About your team" in text and "Models that predict or classify" in text
    assert "2 questions are not in scope for this profile" in text
    assert f'href="/assessments/{classic_team.pk}/profile/"' in page.content.decode()


# --- Exports -----------------------------------------------------------------------------------


def test_the_json_export_carries_the_profile_scope_and_agency_items(client, member, classic_team):
    import json

    data = json.loads(client_for(member).get(f"/assessments/{classic_team.pk}/export.json").content)
    assert data["profile"] == {"answers": {"ai-kinds": "classic", "impact": "no"}, "tags": ["classic-ml"]}
    assert [(a["id"], a["in_scope"]) for a in data["areas"]] == [("data", True), ("governance", True), ("genai", False)]
    red_team = next(a for a in data["answers"] if a["question"] == "genai-red-teaming")
    assert (red_team["answer"], red_team["in_scope"]) == ("not_sure", False)  # the stored answer is kept
    assert data["agency_items"] == [
        {
            "position": 1,
            "question": "ai-inventory",
            "area": "governance",
            "from": 1,
            "to": 3,
            "steps": [2, 3],
            "practices": ["inventory"],
            "effort": "low",
        }
    ]
    assert [(i["position"], i["question"], i["phase"]) for i in data["roadmap"]][:1] == [(1, "pipelines", "now")]


def test_the_csv_export_has_in_scope_and_agency_rows(client, member, classic_team):
    import csv
    import io

    text = client_for(member).get(f"/assessments/{classic_team.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[3][-2:] == ["Reason for Not applicable", "In scope"]
    assert any(row[:2] == ["Generative AI", "genai-red-teaming"] and row[-1] == "no" for row in rows)
    assert any(row[:4] == ["1", "Agency-wide", "Governance", "ai-inventory"] for row in rows)


def test_format1_exports_gain_no_key(client, member, answered):
    import json

    data = json.loads(client_for(member).get(f"/assessments/{answered.pk}/export.json").content)
    assert not {"profile", "agency_items"} & set(data)
    assert "in_scope" not in data["answers"][0] and "in_scope" not in data["areas"][0]


def test_the_evidence_counts_count_only_the_questions_in_scope(team, member, format2_version):
    """Generative AI in scope, but not high-impact: of the area's two questions only the guardrails are asked."""
    from django.urls import reverse

    assessment = format2_draft(team, member, format2_version, {"ai-kinds": "both", "impact": "no"})
    for key in ("genai-guardrails", "genai-red-teaming"):  # red-teaming's from before the profile said "no"
        expired_link(assessment, member, key)
    assert assessment_results(assessment).score.out_of_scope == ["genai-red-teaming"]
    page = text_of(client_for(member).get(reverse("assessment-results", args=[assessment.pk])))
    counts = page[page.index("Evidence by area") :]
    assert "Generative AI 1 of 1 1 1" in counts  # not "2 of 2 2 2": red-teaming is out of scope
    assert "Generative AI: 1 piece of evidence, expired on 1 answer" in counts
    assert "Evidence for genai-red-teaming" not in counts


def test_an_area_out_of_scope_has_no_evidence_count(client, member, classic_team):
    from django.urls import reverse

    page = text_of(client_for(member).get(reverse("assessment-results", args=[classic_team.pk])))
    counts = page[page.index("Evidence by area") :]
    assert "Governance 0 of 2" in counts and "Generative AI" not in counts  # not "0 of 2": nothing there is asked
