"""The PDF report: its sections, roadmap, links, tags and metadata, and the download views."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessment import models
from assessment.domain.roadmap import LATER, NEXT, NOW
from assessment.pdf import store as pdf_store
from assessment.pdf.render import assessment_pdf, assessment_pdf_html, html_to_pdf
from assessment.selectors.results import assessment_results
from assessment.services.assessments import assessment_submit
from tests.helpers import answer

pytestmark = pytest.mark.django_db

NOTE = "Checked with the data team lead on Tuesday."


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def all_answered(assessment, member):
    """Every question of the small questionnaire answered, with 3 steps in Next (2 in Now, from the file).

    Worked by hand: placed (model-versions 2) (data-discovery 3) | (streaming-data 3)
    (model-versions 4) (production-monitoring 3) | (streaming-data 4)
    (production-monitoring 4) (data-discovery 5). Items: Now 1 model-versions
    Not sure -> 2, 2 data-discovery 1 -> 3; Next 3 streaming-data 2 -> 3,
    4 model-versions 2 -> 4, 5 production-monitoring 2 -> 3; Later 6
    streaming-data 3 -> 4, 7 production-monitoring 3 -> 4, 8 data-discovery 3 -> 5.
    """
    models.QuestionnaireVersion.objects.filter(pk=assessment.questionnaire_id).update(
        phase_next=3,
        updated_at=timezone.now(),  # a new key for the cached questionnaire
    )
    answer(assessment, member, {"streaming-data": ("choice", 2)}, notes={"streaming-data": NOTE})
    answer(assessment, member, {"data-discovery": ("choice", 1)})
    answer(
        assessment, member, {"model-versions": ("not_sure", None)}, notes={"model-versions": "Ask the platform team."}
    )
    answer(assessment, member, {"production-monitoring": ("choice", 2)})
    assessment.refresh_from_db()
    return assessment


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def link_uris(pdf: bytes) -> list[str]:
    uris = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def struct_elements(node, found=None):
    """Every structure element under a node of the tag tree, depth first."""
    found = [] if found is None else found
    node = node.get_object()
    if isinstance(node, dict):
        if node.get("/Type") == "/StructElem" or "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                    struct_elements(kid, found)
    return found


_rendered: dict[str, bytes] = {}


@pytest.fixture
def report_pdf(all_answered):
    """The PDF of the `all_answered` assessment. The same HTML is rendered once per
    test run (WeasyPrint takes a while); every test still reads a real PDF."""
    html = assessment_pdf_html(assessment_results(all_answered))
    if html not in _rendered:
        _rendered[html] = html_to_pdf(html)
    return _rendered[html]


def test_it_puts_the_sections_in_order(report_pdf):
    pages = page_texts(report_pdf)
    assert "ML READINESS REPORT" in pages[0].upper() and "Data Platform" in pages[0]
    body = " ".join(pages[1:])  # after the cover and its contents list
    # Each heading with the words that follow it, so a running header or a
    # mention in the text cannot stand in for the section itself.
    headings = [
        "Executive summary Overall level",
        "Scores by area Score, level, target",
        "Roadmap 8 steps take",
        "Now Start with these steps",
        "Next Plan these",
        "Later The rest of the way",
        "Appendix: questions and answers Every question",
    ]
    positions = [body.find(h) for h in headings]
    assert -1 not in positions, dict(zip(headings, positions, strict=True))
    assert positions == sorted(positions), dict(zip(headings, positions, strict=True))


def test_it_starts_the_outline_with_the_sections(report_pdf):
    reader = PdfReader(io.BytesIO(report_pdf))
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == [
        "Data Platform",
        "Executive summary",
        "Scores by area",
        "Roadmap",
        "Action plan",
        "Appendix: questions and answers",
    ]


def test_it_shows_the_cover_facts(report_pdf, all_answered):
    cover = page_texts(report_pdf)[0]
    assert "Test Agency" in cover
    assert "Small ML Readiness Check, version 2026.1" in cover
    assert "Draft" in cover
    assert "4 of 4 questions" in cover


def roadmap_text(pdf: bytes) -> str:
    text = " ".join(page_texts(pdf)[1:])
    return text[text.index("Roadmap 8 steps take") : text.index("Appendix: questions and answers Every question")]


def test_it_shows_now_items_in_full_and_next_and_later_as_tables(report_pdf, all_answered):
    report = assessment_results(all_answered)
    assert [(item.position, item.question_key, item.phase) for item in report.roadmap] == [
        (1, "model-versions", NOW),
        (2, "data-discovery", NOW),
        (3, "streaming-data", NEXT),
        (4, "model-versions", NEXT),
        (5, "production-monitoring", NEXT),
        (6, "streaming-data", LATER),
        (7, "production-monitoring", LATER),
        (8, "data-discovery", LATER),
    ]
    roadmap = roadmap_text(report_pdf)
    now, nxt, later = (roadmap.index(h) for h in ("Now Start with", "Next Plan these", "Later The rest"))
    # Now: a heading per item, then the item in full.
    first = roadmap.index(
        "1. How are trained models kept? Model Development, question 2.1: "
        "Not sure (counted as 1 Initial) → 2 Developing. Effort medium. Done when: In a shared folder"
    )
    second = roadmap.index(
        "2. How do teams find the data they need? Data Ingestion and Preparation, question 1.2: "
        "1 Initial → 3 Defined. Effort low. Done when: A shared list of datasets"
    )
    assert now < first < second < nxt
    assert "Register models before deployment (medium effort): Keep every deployed model version" in roadmap
    # Next and Later: one row per item, question as the row header.
    rows = [
        "3 1.1 How does your organization collect streaming data for ML? 2 Developing → 3 Defined",
        "4 2.1 How are trained models kept? 2 Developing → 4 Managed Register models before deployment Medium",
        "5 3.1 How do you know a model in production still performs well? 2 Developing → 3 Defined None named "
        "Not rated",
        "6 1.1 How does your organization collect streaming data for ML? 3 Defined → 4 Managed",
        "8 1.2 How do teams find the data they need? 3 Defined → 5 Optimized Keep a data catalog Low",
    ]
    positions = [roadmap.index(row) for row in rows]
    assert nxt < positions[0] < positions[1] < positions[2] < later < positions[3] < positions[4]


def test_the_next_and_later_tables_have_column_and_row_headers(all_answered):
    html = assessment_pdf_html(assessment_results(all_answered))
    table = html[html.index('<table class="roadmap-table">') :]
    table = table[: table.index("</table>")]
    assert '<th scope="col" class="num w-5">#</th><th scope="col">Question</th>' in table
    assert table.count('<th scope="row">') == 3  # Next: items 3, 4 and 5


def test_it_says_what_to_verify_and_what_a_step_needs(report_pdf):
    roadmap = roadmap_text(report_pdf)
    assert "Verify first: 1 answer is “Not sure” and counted at the lowest level (2.1)." in roadmap
    assert "(1 Initial, 2 Developing, 3 Defined, 4 Managed, 5 Optimized)" not in roadmap  # named once, with colons
    assert "Levels: 1 Initial, 2 Developing, 3 Defined, 4 Managed, 5 Optimized." in roadmap


def test_it_links_the_practices_of_now_items_to_their_reference(report_pdf, all_answered):
    uris = link_uris(report_pdf)
    report = assessment_results(all_answered)
    now = [practice for entry in report.entries_in(NOW) for practice in entry.practices]
    assert now
    for practice in now:
        assert practice.url in uris


def test_it_lists_the_source_sections_once(report_pdf, all_answered):
    report = assessment_results(all_answered)
    folder = report.questionnaire.source.url.rsplit("/", 1)[0] + "/"
    sections = {
        reference.url
        for entry in report.roadmap_entries
        for practice in entry.practices
        for reference in practice.references
        if reference.url.startswith(folder)
    }
    assert sections, "the test questionnaire should cite a section of its source"
    uris = link_uris(report_pdf)
    for url in sections:
        assert uris.count(url) == 1, url
    text = pdf_text(report_pdf)
    assert "Sources The sections of “Machine Learning Best Practices for Public Sector Organizations”" in text
    assert text.index("Sources The sections") < text.index("Appendix: questions and answers Every question")


def test_it_summarises_now_items_and_figures(report_pdf, all_answered):
    report = assessment_results(all_answered)
    summary = page_texts(report_pdf)[1]
    assert "Executive summary" in summary
    assert f"{report.score.level:.1f} of 5" in summary
    assert "The next 2 steps of the roadmap (8 in all):" in summary
    assert "How are trained models kept? Not sure (counted as 1 Initial) → 2 Developing (item 1)." in summary
    assert "How do teams find the data they need? 1 Initial → 3 Defined (item 2)." in summary
    assert "(item 3)" not in summary


def test_it_has_an_appendix_with_answers_notes_and_lists(report_pdf):
    text = pdf_text(report_pdf)
    appendix = text[text.index("Appendix: questions and answers", text.index("Roadmap 8")) :]
    assert "1.1 How does your organization collect streaming data for ML?" in appendix
    assert "Level 2 (Developing): A few shared scripts" in appendix
    assert f"Note: {NOTE}" in appendix
    assert "Not sure – to verify" in appendix
    to_verify = appendix[appendix.index("To verify") : appendix.index("Unanswered")]
    assert "How are trained models kept?" in to_verify
    assert appendix[appendix.index("Unanswered") :].startswith("Unanswered None.")


def test_it_lists_unanswered_questions(assessment, member):
    answer(assessment, member, {"data-discovery": ("choice", 3)})
    text = pdf_text(assessment_pdf(assessment_results(assessment)))
    unanswered = text[text.rindex("Unanswered") :]
    assert "How does your organization collect streaming data for ML?" in unanswered
    assert "How are trained models kept?" in unanswered
    assert "How do teams find the data they need?" not in unanswered


def test_it_is_tagged_with_language_metadata_and_outline(report_pdf):
    reader = PdfReader(io.BytesIO(report_pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "en"
    assert reader.metadata.title == "ML readiness report: Data Platform – Small ML Readiness Check 2026.1"
    assert reader.metadata.author == "Test Agency – Data Platform"
    outline = reader.outline
    roadmap = next(i for i, item in enumerate(outline) if not isinstance(item, list) and item.title == "Roadmap")
    assert [item.title for item in outline[roadmap + 1]] == ["Now", "Next", "Later", "Sources"]


def test_it_gives_the_chart_a_text_alternative(report_pdf):
    root = PdfReader(io.BytesIO(report_pdf)).trailer["/Root"]
    elements = struct_elements(root["/StructTreeRoot"])
    figures = [e for e in elements if e.get("/S") == "/Figure"]
    assert figures, "the radar chart is not tagged as a figure"
    alt = str(figures[0].get("/Alt"))
    assert alt.startswith("Radar chart of the maturity level per area")
    assert "Data Ingestion and Preparation:" in alt
    tables = [e for e in elements if e.get("/S") == "/Table"]
    assert tables, "the area table is not tagged as a table"
    assert "holds the same figures" in pdf_text(report_pdf)


# Views


def test_it_downloads_the_pdf_for_a_member(client, member, all_answered):
    client.force_login(member)
    response = client.get(reverse("assessment-pdf", args=[all_answered.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    date = all_answered.updated_at.date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="data-platform_small-ml-2026.1_{date}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert "Executive summary" in pdf_text(response.content)


@pytest.mark.parametrize("who", ["viewer", "executive"])
def test_it_lets_readers_download(client, request, all_answered, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("assessment-pdf", args=[all_answered.pk])).status_code == 200


def test_it_hides_the_pdf_from_other_teams(client, outsider, all_answered):
    client.force_login(outsider)
    assert client.get(reverse("assessment-pdf", args=[all_answered.pk])).status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client, all_answered):
    response = client.get(reverse("assessment-pdf", args=[all_answered.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_names_the_file_by_submission_date(client, member, all_answered):
    assessment_submit(assessment=all_answered, user=member)
    all_answered.refresh_from_db()
    client.force_login(member)
    response = client.get(reverse("assessment-pdf", args=[all_answered.pk]))
    assert response["Content-Disposition"].endswith(f'_{all_answered.submitted_at.date().isoformat()}.pdf"')
    assert "Submitted on" in page_texts(response.content)[0]


def test_it_serves_an_unchanged_assessment_from_the_store(client, member, all_answered, monkeypatch):
    renders = []
    real = pdf_store.assessment_pdf
    monkeypatch.setattr(
        pdf_store, "assessment_pdf", lambda report, **audience: renders.append(1) or real(report, **audience)
    )
    client.force_login(member)
    url = reverse("assessment-pdf", args=[all_answered.pk])
    first = client.get(url).content
    second = client.get(url).content
    assert len(renders) == 1
    assert first == second
    answer(all_answered, member, {"data-discovery": ("choice", 5)}, notes={"data-discovery": "Catalog went live."})
    third = client.get(url).content
    assert len(renders) == 2
    assert "Catalog went live." in pdf_text(third)


# Portfolio


def test_it_gives_executives_a_portfolio_by_division_without_team_pages(
    client, executive, all_answered, member, other_team
):
    assessment_submit(assessment=all_answered, user=member)
    client.force_login(executive)
    response = client.get(reverse("portfolio-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="test-agency_portfolio_\d{4}-\d{2}-\d{2}\.pdf"', response["Content-Disposition"]
    )
    pages = page_texts(response.content)
    # Page 1: the key figures and the heatmap by division; no cover page of its own.
    assert "Teams 2" in pages[0] and "Assessed 1" in pages[0] and "Not in a division (1 of 2 teams)" in pages[0]
    assert "Teams: 2: 1 with a submitted assessment, 1 without." in pages[0]
    assert not any("Start now" in p for p in pages), "the agency's report has no team pages"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True


def test_it_gives_a_division_its_own_report_with_a_page_per_team(
    client, executive, all_answered, member, team, other_team
):
    assessment_submit(assessment=all_answered, user=member)
    division = models.Division.objects.create(agency=team.agency, name="Data Office")
    models.Team.objects.filter(pk=team.pk).update(division=division)
    client.force_login(executive)
    response = client.get(reverse("division-pdf", args=[division.pk]))
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="test-agency_data-office_portfolio_\d{4}-\d{2}-\d{2}\.pdf"',
        response["Content-Disposition"],
    )
    pages = page_texts(response.content)
    assert "Data Office (1 of 1 team)" in pages[0]
    assert any(p.startswith("Data Platform") and "Start now" in p for p in pages)
    assert not any("Other Team" in p for p in pages), "a team of no division is not in the division's report"
    assert models.StoredReport.objects.filter(division=division, status=models.StoredReport.READY).count() == 1


def test_it_limits_an_executive_to_their_divisions_reports(client, executive, team):
    mine = models.Division.objects.create(agency=team.agency, name="Mine")
    other = models.Division.objects.create(agency=team.agency, name="Not mine")
    executive.executive.divisions.add(mine)
    client.force_login(executive)
    assert client.get(reverse("division-pdf", args=[other.pk])).status_code == 404
    assert client.get(reverse("portfolio-pdf")).status_code == 404  # the whole agency's report is not theirs
    assert client.get(reverse("division-pdf", args=[mine.pk])).status_code == 200


def test_it_leaves_drafts_out_of_the_portfolio(client, executive, all_answered):
    client.force_login(executive)
    text = pdf_text(client.get(reverse("portfolio-pdf")).content)
    assert "No team has submitted an assessment yet." in text


@pytest.mark.parametrize("who", ["member", "viewer", "outsider"])
def test_it_hides_the_portfolio_from_non_executives(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("portfolio-pdf")).status_code == 404


def test_it_renders_an_assessment_nobody_has_answered_yet(assessment):
    text = pdf_text(assessment_pdf(assessment_results(assessment)))
    assert "No question has been answered with a level yet, so there is no overall level." in text
    assert "No step is needed" in text
    assert "0 of 4 questions" in text


def test_it_keeps_long_and_multiline_notes_on_the_page(assessment, member):
    long_word = "x" * 1500
    answer(
        assessment,
        member,
        {"streaming-data": ("choice", 2)},
        notes={"streaming-data": f"First line\nSecond line {long_word}"},
    )
    pdf = assessment_pdf(assessment_results(assessment))
    text = pdf_text(pdf)
    assert "Note: First line Second line" in text
    assert long_word in "".join(text.split())  # all of it is there
    reader = PdfReader(io.BytesIO(pdf))
    longest = max(len(line) for page in reader.pages for line in page.extract_text().splitlines())
    assert longest < 160, "a line runs off the page instead of wrapping"
    assert all(float(page.mediabox.width) == 612 for page in reader.pages)
