"""The assessment PDF's Contents, format 2's sections and the appendix "Against the frameworks";
the portfolio PDF's first page, teams and action plans (issue 30 point 2, issue 27, issue 29 deliver 4)."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from assessment import models
from assessment.pdf import portfolio as pdf_portfolio
from assessment.pdf.context import assessment_pdf_context
from assessment.pdf.portfolio import portfolio_pdf_context
from assessment.pdf.render import assessment_pdf, portfolio_pdf
from assessment.pdf.store import portfolio_pdf_key
from assessment.selectors.results import assessment_results
from assessment.services.assessments import assessment_submit
from assessment.services.crosswalks import crosswalk_import
from assessment.services.summaries import summaries_recompute_all

from .helpers import DATA, load_questionnaire_file
from .results_helpers import submitted_assessment
from .test_crosswalk_pages import CROSSWALK as FORMAT2_CROSSWALK
from .test_crosswalk_pages import LOW_IMPACT, draft
from .test_crosswalks import ANSWERS as CROSSWALK_ANSWERS
from .test_crosswalks import loaded  # noqa: F401 (a fixture)
from .test_format2_portfolio import two_teams  # noqa: F401 (a fixture)
from .test_format2_results import classic_team  # noqa: F401 (a fixture; format2_version is conftest's)
from .test_pdf import empty_cache, page_texts, pdf_text, struct_elements  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db


def contents(pdf: bytes) -> str:
    first = page_texts(pdf)[0]
    return first[first.index("Contents") :]


def test_a_format2_pdf_has_about_your_team_the_agency_steps_and_nows_points(classic_team):  # noqa: F811
    pdf = assessment_pdf(assessment_results(classic_team))
    text = pdf_text(pdf)
    assert "About your team" in contents(pdf) and "Agency-wide steps" in contents(pdf)
    about = text[text.index("About your team The team's profile") :]
    assert (
        "Which kinds of AI does your team build, buy or plan to use in the next 12 months? Models that predict or classify"
        in about
    )
    assert (
        "3.1 Are prompts and outputs filtered and logged? Not in scope: “Which kinds of AI does your team build, "
        "buy or plan to use in the next 12 months?” answered “Models that predict or classify”." in about
    )
    assert "Now holds 3 effort points of a budget of 4" in text
    agency = text[text.index("Agency-wide steps These capabilities") :]
    assert "1 " in agency and "Does the agency keep an inventory of AI uses?" in agency
    assert "The agency's Chief AI Officer or CIO" in agency


def test_a_format1_pdf_has_no_format2_section(assessment):
    pdf = assessment_pdf(assessment_results(assessment))
    text = pdf_text(pdf)
    assert "About your team" not in text and "Agency-wide steps" not in text and "effort point" not in text
    assert "Action plan" not in contents(pdf), "no plan yet: the Contents does not list an empty section"
    assert "against the frameworks" not in text


def test_the_contents_lists_the_action_plan_when_there_is_one(assessment, member):
    models.Action.objects.create(
        team=assessment.team,
        questionnaire_slug=assessment.questionnaire.slug,
        question_key="data-discovery",
        target_level=3,
        created_by=member,
        created_at=timezone.now(),
    )
    pdf = assessment_pdf(assessment_results(assessment))
    assert "Action plan" in contents(pdf)


def test_the_appendix_against_the_frameworks_lists_items_status_questions_and_closing_items(
    loaded,  # noqa: F811
    team,
    member,
):
    assessment = submitted_assessment(team, member, loaded, CROSSWALK_ANSWERS)
    pdf = assessment_pdf(assessment_results(assessment))
    text = pdf_text(pdf)
    assert "Appendix: against the frameworks" in contents(pdf)
    appendix = text[text.index("Appendix: against the frameworks Where the answers") :]
    assert "an audit needs evidence as well as these answers" in appendix
    assert "GOVERN 1.6" in appendix and "MANAGE 4.3" in appendix
    manage = appendix[appendix.index("MANAGE 4.3") :]
    assert "Not met" in manage[:300] and "(short" in manage[:400] and "item" in manage[:500]
    assert "To verify" in appendix and "Met" in appendix
    # Tagged: the framework table has five column headers and a row header per item.
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    tables = [e for e in struct_elements(root) if e.get("/S") == "/Table"]
    scopes = [str(h["/A"]["/Scope"]) for h in struct_elements(tables[-1]) if h.get("/S") == "/TH"]
    assert scopes[:5] == ["/Column"] * 5 and len(scopes) > 5 and set(scopes[5:]) == {"/Row"}


def test_the_agency_portfolio_starts_with_figures_and_heatmap_and_lists_teams_and_plans(team, other_team, member):
    pdf = portfolio_pdf(portfolio_pdf_context(team.agency))
    pages = page_texts(pdf)
    assert "Teams 2" in pages[0] and "Overdue actions" in pages[0]
    assert "of which" not in pages[0]
    assert "Teams: 2, none with a submitted assessment yet." in pages[0]
    text = " ".join(pages)
    teams = text[text.index("Teams Every team by division") :]
    assert "Data Platform No division" in teams and "Other Team No division" in teams
    assert "Action plans No team has taken roadmap items into an action plan yet." in text


def test_the_agency_portfolio_of_format2_teams_has_the_agency_roadmap(agency, two_teams):  # noqa: F811
    pdf = portfolio_pdf(portfolio_pdf_context(agency))
    assert "Agency roadmap" in contents(pdf)
    text = pdf_text(pdf)
    roadmap = text[text.index("Agency roadmap Capabilities the agency provides") :]
    assert text.index("Action plans No team") < text.index("Agency roadmap Capabilities")
    # The portfolio page's row: one team of two needs the inventory; levels 1 and 3 reported, 2 apart.
    assert (
        "Does the agency keep an inventory of AI uses? (Governance) Teams see it differently: the levels they "
        "report are 2 apart. 1 of 2 1 0 1 0 0 0 0 0" in roadmap
    )


def test_the_agency_portfolio_of_format1_teams_has_no_agency_roadmap(answered, member):
    assessment_submit(assessment=answered, user=member)
    pdf = portfolio_pdf(portfolio_pdf_context(answered.team.agency))
    assert "Agency roadmap" not in pdf_text(pdf)


def test_the_stored_portfolio_key_changes_when_the_summaries_behind_the_roadmap_do(agency, two_teams):  # noqa: F811
    before = portfolio_pdf_key(agency, None)
    summaries_recompute_all()
    assert portfolio_pdf_key(agency, None) != before


def test_a_large_agency_lists_divisions_and_names_teams_of_no_division(team, other_team, monkeypatch):
    monkeypatch.setattr(pdf_portfolio, "TEAM_LIST_LIMIT", 1)
    division = models.Division.objects.create(agency=team.agency, name="Data Office")
    models.Team.objects.filter(pk=team.pk).update(division=division)
    context = portfolio_pdf_context(team.agency)
    assert context.teams is None
    text = pdf_text(portfolio_pdf(context))
    assert "Data Office: 1 team, in the report of the division Data Office" in text
    assert "In no division: Other Team" in text


def test_an_item_that_does_not_apply_to_the_team_says_so_in_the_appendix(team, member):
    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    crosswalk_import(FORMAT2_CROSSWALK.read_bytes(), FORMAT2_CROSSWALK.name)
    assessment = draft(team, member, version, profile=LOW_IMPACT)

    context = assessment_pdf_context(assessment_results(assessment))

    rows = {row.item_id: row for table in context.frameworks for row in table.items}
    assert rows["4(b)(iv)"].status == "Not applicable"
    assert rows["4(b)(iv)"].questions.startswith("Does not apply to this team")
