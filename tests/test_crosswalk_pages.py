"""Against the frameworks: the assessment's page and exports, and the portfolio per framework (issue 29)."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.services.assessments import assessment_create, assessment_submit, profile_save
from assessment.services.crosswalks import crosswalk_import
from assessment.templatetags.assessment_tags import sentence

from .helpers import DATA, answer, client_for, error_summary_text, load_questionnaire_file, text_of

pytestmark = pytest.mark.django_db

CROSSWALK = DATA / "format2_crosswalk.yaml"
ANSWERS = {
    "data-catalog": ("choice", 2),
    "pipelines": ("choice", 1),
    "ai-inventory": ("choice", 3),  # 3(a) at 3, equal: met
    "impact-assessment": ("choice", 1),  # 4(b)(i) at 3: not met; MAP 1.1 at 2: not met
    "genai-guardrails": ("choice", 1),
    "genai-red-teaming": ("not_sure", None),  # 4(b)(ii): to verify
}
HIGH_IMPACT = {"ai-kinds": "both", "impact": "yes"}
LOW_IMPACT = {"ai-kinds": "classic", "impact": "no"}


@pytest.fixture
def version(db):
    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    crosswalk_import(CROSSWALK.read_bytes(), CROSSWALK.name)
    return version


def draft(team, member, version, profile=HIGH_IMPACT, answers=ANSWERS):
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title="Draft", created_by=member)
    answer(assessment, member, answers)
    profile_save(assessment=assessment, user=member, answers=profile)
    return assessment


def submitted_assessment_with_profile(team, member, version, answers, profile):
    assessment = assessment_create(team=team, version=version, title="Submitted", user=member)
    answer(assessment, member, answers)
    profile_save(assessment=assessment, user=member, answers=profile)
    assessment_submit(assessment=assessment, user=member)
    assessment.refresh_from_db()
    return assessment


def page(user, assessment, **params):
    return client_for(user).get(reverse("assessment-frameworks", args=[assessment.pk]), params)


def test_a_draft_shows_the_live_statuses_with_questions_answers_and_closing_roadmap_items(team, member, version):
    assessment = draft(team, member, version)

    response = page(member, assessment)

    assert response.status_code == 200
    text = text_of(response)
    assert "an audit needs evidence as well" in text
    assert "A draft: evaluated live with crosswalk revision 1" in text
    assert "1 of 3 applicable items met (33%)" in text  # 3(a) met; 4(b)(i) not met, 4(b)(ii) to verify; 4(b)(iv) no map
    assert "Not covered by any question: 1" in text
    html = response.content.decode()
    assert 'aria-current="page" href="?framework=omb-m-25-21"' in html
    impact = text.split("4(b)(i) : Impact assessment before use")[1].split("4(b)(ii)")[0]
    assert "Not met" in impact and "equal" in impact
    assert "Your answer: Level 1" in impact
    roadmap = models.Assessment.objects.get(pk=assessment.pk)
    assert f'href="{reverse("assessment-roadmap", args=[roadmap.pk])}#item-' in html
    assert "Closed by roadmap item" in impact
    assert "To verify" in text.split("4(b)(ii) : Testing generative AI before use")[1].split("4(b)(iv)")[0]


def test_each_framework_is_a_link_and_an_unknown_one_is_said_at_the_tabs(team, member, version):
    assessment = draft(team, member, version)

    other = page(member, assessment, framework="nist-ai-rmf")
    unknown = page(member, assessment, framework="iso-nonsense")

    assert other.status_code == 200
    assert "NIST AI Risk Management Framework version 1.0" in text_of(other)
    assert "MEASURE 2.7 : Security is evaluated" in text_of(other)
    assert unknown.status_code == 400
    assert "There is no framework “iso-nonsense” here; choose one of: " in text_of(unknown)
    assert "(nist-ai-rmf)" in text_of(unknown)
    assert 'aria-current="page" href="?framework=omb-m-25-21"' in unknown.content.decode()  # the first, shown


def test_high_impact_practices_do_not_apply_to_a_team_that_is_not_high_impact(team, member, version):
    assessment = draft(team, member, version, profile=LOW_IMPACT)

    text = text_of(page(member, assessment))

    impact = text.split("4(b)(i) : Impact assessment before use")[1].split("4(b)(ii)")[0]
    assert "Not applicable" in impact and "teams tagged high-impact" in impact
    assert "1 of 1 applicable item met (100%)" in text


def test_it_flags_expired_evidence_behind_an_item(team, member, version):
    assessment = draft(team, member, version)
    models.Evidence.objects.create(
        assessment=assessment,
        question_key="ai-inventory",
        kind="link",
        title="Inventory",
        url="https://example.org/inventory",
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
        added_at=timezone.now(),
    )

    text = text_of(page(member, assessment))

    inventory = text.split("3(a) : The agency keeps an inventory of AI uses")[1].split("4(b)(i)")[0]
    assert "some of it expired" in inventory
    assert "no evidence on its questions yet" in text.split("4(b)(i) : Impact")[1].split("4(b)(ii)")[0]


def test_a_submitted_assessment_reads_the_revision_it_was_evaluated_with(team, member, version):
    assessment = submitted_assessment_with_profile(team, member, version, ANSWERS, HIGH_IMPACT)
    changed = CROSSWALK.read_text(encoding="utf-8").replace('revision: "1"', 'revision: "2"')
    crosswalk_import(changed.replace("Impact assessment before use", "Impact assessed"), CROSSWALK.name)

    text = text_of(page(member, assessment))

    assert "Evaluated with crosswalk revision 1, stored when the assessment was submitted" in text
    assert "Impact assessment before use" in text and "Impact assessed" not in text


def test_the_results_nav_links_the_page(team, member, version):
    assessment = draft(team, member, version)

    response = client_for(member).get(reverse("assessment-results", args=[assessment.pk]))

    assert reverse("assessment-frameworks", args=[assessment.pk]).encode() in response.content


def test_the_csv_and_json_give_items_statuses_questions_levels_and_roadmap_positions(team, member, version):
    assessment = draft(team, member, version)
    client = client_for(member)

    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("assessment-frameworks-csv", args=[assessment.pk])).content.decode("utf-8-sig")
            )
        )
    )
    data = json.loads(client.get(reverse("assessment-frameworks-json", args=[assessment.pk])).content)

    [impact] = [row for row in rows if row["item"] == "4(b)(i)"]
    assert (impact["status"], impact["question"], impact["level_needed"], impact["answered_level"]) == (
        "not_met",
        "impact-assessment",
        "3",
        "1",
    )
    assert impact["roadmap_positions"].isdigit()
    [uncovered] = [row for row in rows if row["item"] == "4(b)(iv)"]
    assert (uncovered["status"], uncovered["question"]) == ("not_covered", "")
    omb = data["frameworks"][0]
    assert (omb["id"], omb["met"], omb["applicable"]) == ("omb-m-25-21", 1, 3)
    [json_impact] = [item for item in omb["items"] if item["id"] == "4(b)(i)"]
    assert json_impact["roadmap_positions"] == [int(impact["roadmap_positions"])]
    assert json_impact["questions"][0]["level_needed"] == 3
    assert "audit needs evidence" in data["note"]


# --- the portfolio


@pytest.fixture
def portfolio_teams(agency, member, version):
    """Three teams in two divisions: two high-impact, one not; their assessments submitted."""
    north = models.Division.objects.create(agency=agency, name="North")
    south = models.Division.objects.create(agency=agency, name="South")
    made = {}
    for name, division, profile, inventory in (
        ("Alpha", north, HIGH_IMPACT, 3),
        ("Bravo", north, LOW_IMPACT, 3),
        ("Charlie", south, HIGH_IMPACT, 1),
    ):
        team = models.Team.objects.create(agency=agency, name=name, slug=name.lower(), division=division)
        models.Membership.objects.create(user=member, team=team, role=models.Membership.MEMBER)
        answers = {**ANSWERS, "ai-inventory": ("choice", inventory)}
        made[name] = submitted_assessment_with_profile(team, member, version, answers, profile)
    return north, south


def test_the_portfolio_ranks_teams_by_share_met_and_lists_high_impact_practices_team_by_team(
    executive, portfolio_teams
):
    response = client_for(executive).get(reverse("portfolio-frameworks"), {"framework": "omb-m-25-21"})

    assert response.status_code == 200
    text = text_of(response)
    assert "an audit needs evidence as well" in text
    ranking = text.split("teams by share of applicable items met")[1].split("Items for some teams only")[0]
    assert ranking.index("Bravo") < ranking.index("Alpha") < ranking.index("Charlie")  # 100%, 33%, 0%
    assert "1 of 1" in ranking and "1 of 3" in ranking and "0 of 3" in ranking
    conditional = text.split("Items for some teams only, team by team")[1]
    assert "Alpha" in conditional and "Charlie" in conditional and "Bravo" not in conditional
    assert "Not met" in conditional and "To verify" in conditional
    # Each team leads to its own assessment against the same framework.
    latest = models.AssessmentSummary.objects.filter(is_latest=True)
    assert latest.count() == 3
    for summary in latest:
        link = f'{reverse("assessment-frameworks", args=[summary.pk])}?framework=omb-m-25-21"'
        assert link in response.content.decode()
        assert client_for(executive).get(link.rstrip('"')).status_code == 200


def test_the_portfolio_links_the_page_and_a_division_limited_executive_sees_only_its_divisions(agency, portfolio_teams):
    north, _south = portfolio_teams
    from .helpers import make_user

    limited = make_user("north-exec")
    executive = models.Executive.objects.create(user=limited, agency=agency)
    executive.divisions.add(north)
    client = client_for(limited)

    response = client.get(reverse("portfolio-frameworks"))
    omb = {"framework": "omb-m-25-21"}
    home = client.get(reverse("portfolio"))
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("portfolio-frameworks-csv"), omb).content.decode("utf-8-sig")))
    )

    text = text_of(response)
    assert "Alpha" in text and "Bravo" in text and "Charlie" not in text
    assert reverse("portfolio-frameworks").encode() in home.content
    assert [row[0] for row in rows[1:]] == ["Bravo", "Alpha"]
    assert rows[0][:3] == ["team", "division", "met"] and "4(b)(i)" in rows[0]


def test_the_portfolio_says_an_unknown_framework_at_the_tabs_and_shows_the_first(executive, portfolio_teams):
    client = client_for(executive)

    for asked in ("iso-nonsense", "\x00", "x" * 5000):
        response = client.get(reverse("portfolio-frameworks"), {"framework": asked})
        assert response.status_code == 400
        text = text_of(response)
        assert "Framework in the address: There is no framework" in text
        assert "choose one of: OMB Memorandum M-25-21 (omb-m-25-21)" in text
        assert response.context["framework"].key == "omb-m-25-21"
    repeated = client.get(reverse("portfolio-frameworks") + "?framework=omb-m-25-21&framework=nist-ai-rmf")
    assert repeated.status_code == 200 and repeated.context["framework"].key == "nist-ai-rmf"  # the last, as elsewhere
    assert client.get(reverse("portfolio-frameworks"), {"framework": ""}).status_code == 200


def test_the_portfolio_csv_refuses_an_unknown_framework_with_a_page(executive, portfolio_teams):
    response = client_for(executive).get(reverse("portfolio-frameworks-csv"), {"framework": "iso-nonsense"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "There is no framework “iso-nonsense” here" in (error_summary_text(response) or "")
    assert f'href="{reverse("portfolio-frameworks")}"' in response.content.decode()


def test_the_portfolio_pages_are_for_executives_only(member, portfolio_teams):
    client = client_for(member)

    assert client.get(reverse("portfolio-frameworks")).status_code == 404
    assert client.get(reverse("portfolio-frameworks-csv")).status_code == 404


def test_recompute_keeps_the_stored_item_statuses_and_team_tags(executive, portfolio_teams):
    from django.core.management import call_command

    models.FrameworkSummary.objects.all().delete()
    call_command("recompute_summaries", stdout=io.StringIO())

    alpha = models.FrameworkSummary.objects.get(summary__team__name="Alpha", framework_key="omb-m-25-21")
    bravo = models.FrameworkSummary.objects.get(summary__team__name="Bravo", framework_key="omb-m-25-21")
    assert "high-impact" in alpha.team_tags and "high-impact" not in bravo.team_tags
    assert dict(alpha.item_statuses)["4(b)(i)"] == "not_met"
    assert dict(bravo.item_statuses)["4(b)(i)"] == "not_applicable"


def test_a_gap_on_an_agency_owned_question_is_closed_by_the_agency_step_not_the_team_item_of_that_number(
    team, member, version
):
    # ai-inventory is agency-owned: its step is agency-wide step 1, numbered apart from the team's roadmap, whose
    # item 1 is another question's step. The gap names and links the agency's step.
    assessment = draft(team, member, version, answers={**ANSWERS, "ai-inventory": ("choice", 1)})

    response = page(member, assessment)

    inventory = text_of(response).split("3(a) : The agency keeps an inventory of AI uses")[1].split("4(b)(i)")[0]
    assert "Not met" in inventory
    assert "Closed by the agency: agency-wide step 1 (to level 3" in inventory
    assert "roadmap item" not in inventory
    assert f'{reverse("assessment-roadmap", args=[assessment.pk])}#agency-item-1"' in response.content.decode()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Level 2 (Developing): Rules are set for AI.", "Level 2 (Developing): Rules are set for AI."),
        ("No", "No."),
        ("Is it?", "Is it?"),
        ("", ""),
    ],
)
def test_an_answer_ends_with_one_full_stop_on_the_page(text, expected):
    # "Your answer: ..." ends the sentence; a choice's text that ends in a full stop gets no second one.
    assert sentence(text) == expected


def test_the_portfolio_orders_the_frameworks_as_the_crosswalk_file_and_the_assessment_page_do(
    executive, member, portfolio_teams
):
    """The file lists OMB M-25-21 before NIST: the portfolio opens on it, as the assessment page does."""
    client = client_for(executive)
    assessment = models.Assessment.objects.filter(status=models.Assessment.SUBMITTED).first()
    on_assessment = text_of(client.get(reverse("assessment-frameworks", args=[assessment.pk])))
    assert on_assessment.index("OMB Memorandum M-25-21") < on_assessment.index("NIST AI Risk Management Framework")
    response = client.get(reverse("portfolio-frameworks"))
    assert [key for key, _title in response.context["keys"]] == ["omb-m-25-21", "nist-ai-rmf"]
    assert response.context["framework"].key == "omb-m-25-21"
    csv_response = client.get(reverse("portfolio-frameworks-csv"))
    assert 'filename="portfolio-omb-m-25-21.csv"' in csv_response["Content-Disposition"]
