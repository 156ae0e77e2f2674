"""The PDF report: its sections, roadmap, links, tags and metadata, and the download views."""
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from assessment import models
from assessment.domain.roadmap import LATER, NEXT, NOW
from assessment.pdf import store as pdf_store
from assessment.pdf.render import assessment_pdf, assessment_pdf_html, html_to_pdf
from assessment.selectors.reports import assessment_report
from assessment.services.assessments import AnswerInput, answers_save, assessment_submit

pytestmark = pytest.mark.django_db

NOTE = "Checked with the data team lead on Tuesday."


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def answer(assessment, user, key, kind, level=None, note=""):
    question = models.Question.objects.get(area__questionnaire=assessment.questionnaire, key=key)
    answers_save(assessment=assessment, user=user, answers=[AnswerInput(question.pk, kind, level=level, note=note)])


@pytest.fixture
def answered(assessment, member):
    """Every question of the small questionnaire answered; all four practices end up on the roadmap."""
    answer(assessment, member, "streaming-data", "choice", 2, NOTE)
    answer(assessment, member, "data-discovery", "choice", 1)
    answer(assessment, member, "model-versions", "not_sure", note="Ask the platform team.")
    answer(assessment, member, "production-monitoring", "choice", 2)
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
def report_pdf(answered):
    """The PDF of the answered assessment. The same HTML is rendered once per
    test run (WeasyPrint takes a while); every test still reads a real PDF."""
    html = assessment_pdf_html(assessment_report(answered))
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
        "Roadmap 4 best practices",
        "Now Start these first",
        "Next Plan these",
        "Later Worth doing",
        "Appendix: questions and answers Every question",
    ]
    positions = [body.find(h) for h in headings]
    assert -1 not in positions, dict(zip(headings, positions, strict=True))
    assert positions == sorted(positions), dict(zip(headings, positions, strict=True))


def test_it_starts_the_outline_with_the_sections(report_pdf):
    reader = PdfReader(io.BytesIO(report_pdf))
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == ["Data Platform", "Executive summary", "Scores by area", "Roadmap", "Appendix: questions and answers"]


def test_it_shows_the_cover_facts(report_pdf, answered):
    cover = page_texts(report_pdf)[0]
    assert "Test Agency" in cover
    assert "Small ML Readiness Check, version 2026.1" in cover
    assert "Draft" in cover
    assert "4 of 4 questions" in cover


def test_it_lists_roadmap_items_under_their_phase_in_order(report_pdf, answered):
    report = assessment_report(answered)
    assert {item.phase for item in report.roadmap} == {NOW, NEXT, LATER}
    text = " ".join(page_texts(report_pdf)[1:])
    roadmap = text[text.index("Roadmap 4 best practices"):text.index("Appendix: questions and answers")]
    phase_starts = {
        NOW: roadmap.index("Now Start these first"),
        NEXT: roadmap.index("Next Plan these"),
        LATER: roadmap.index("Later Worth doing"),
    }
    previous = -1
    for item in report.roadmap:
        title = report.practices_by_id[item.practice_id].title
        heading = f"{item.position + 1}. {title}"
        position = roadmap.index(heading)
        assert position > previous, f"{heading} is out of order"
        previous = position
        later_phases = [start for start in phase_starts.values() if start > phase_starts[item.phase]]
        assert phase_starts[item.phase] < position < min(later_phases, default=len(roadmap)), heading


def test_it_explains_why_with_current_and_target_levels(report_pdf, answered):
    text = pdf_text(report_pdf)
    report = assessment_report(answered)
    streaming = next(i for i in report.roadmap if any(g.question_id == "streaming-data" for g in i.gaps))
    others = [g for g in streaming.gaps if g.question_id != "streaming-data"]
    assert not others, "the test expects the streaming practice to close one gap"
    assert "Why: it closes the gap of question 1.1 (now 2, target 4)." in text
    assert "(now Not sure (counted as 1), target 4)" in text
    # The levels are named once, in the roadmap's introduction, and the
    # questions' text is in the appendix under the same numbers.
    assert "(1 Initial, 2 Developing, 3 Defined, 4 Managed, 5 Optimized)" in text
    assert "1.1 How does your organization collect streaming data for ML?" in text


def test_it_links_each_item_title_to_its_reference(report_pdf, answered):
    uris = link_uris(report_pdf)
    report = assessment_report(answered)
    assert report.roadmap
    for item in report.roadmap:
        assert report.practices_by_id[item.practice_id].url in uris


def test_it_lists_the_source_sections_once(report_pdf, answered):
    report = assessment_report(answered)
    folder = report.questionnaire.source.url.rsplit("/", 1)[0] + "/"
    sections = {
        reference.url
        for item in report.roadmap
        for reference in report.practices_by_id[item.practice_id].references
        if reference.url.startswith(folder)
    }
    assert sections, "the test questionnaire should cite a section of its source"
    uris = link_uris(report_pdf)
    for url in sections:
        assert uris.count(url) == 1, url
    text = pdf_text(report_pdf)
    assert "Sources The sections of “Machine Learning Best Practices for Public Sector Organizations”" in text
    assert text.index("Sources The sections") < text.index("Appendix: questions and answers Every question")


def test_it_summarises_now_items_and_figures(report_pdf, answered):
    report = assessment_report(answered)
    summary = page_texts(report_pdf)[1]
    assert "Executive summary" in summary
    assert f"{report.score.level:.1f} of 5" in summary
    for item in report.roadmap:
        title = report.practices_by_id[item.practice_id].title
        assert (title in summary) == (item.phase == NOW), title


def test_it_has_an_appendix_with_answers_notes_and_lists(report_pdf):
    text = pdf_text(report_pdf)
    appendix = text[text.index("Appendix: questions and answers", text.index("Roadmap 4")):]
    assert "1.1 How does your organization collect streaming data for ML?" in appendix
    assert "Level 2 (Developing): A few shared scripts" in appendix
    assert f"Note: {NOTE}" in appendix
    assert "Not sure – to verify" in appendix
    to_verify = appendix[appendix.index("To verify"):appendix.index("Unanswered")]
    assert "How are trained models kept?" in to_verify
    assert appendix[appendix.index("Unanswered"):].startswith("Unanswered None.")


def test_it_lists_unanswered_questions(assessment, member):
    answer(assessment, member, "data-discovery", "choice", 3)
    text = pdf_text(assessment_pdf(assessment_report(assessment)))
    unanswered = text[text.rindex("Unanswered"):]
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


def test_it_downloads_the_pdf_for_a_member(client, member, answered):
    client.force_login(member)
    response = client.get(reverse("assessment-pdf", args=[answered.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    date = answered.updated_at.date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="data-platform_small-ml-2026.1_{date}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert "Executive summary" in pdf_text(response.content)


@pytest.mark.parametrize("who", ["viewer", "executive"])
def test_it_lets_readers_download(client, request, answered, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("assessment-pdf", args=[answered.pk])).status_code == 200


def test_it_hides_the_pdf_from_other_teams(client, outsider, answered):
    client.force_login(outsider)
    assert client.get(reverse("assessment-pdf", args=[answered.pk])).status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client, answered):
    response = client.get(reverse("assessment-pdf", args=[answered.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_names_the_file_by_submission_date(client, member, answered):
    assessment_submit(assessment=answered, user=member)
    answered.refresh_from_db()
    client.force_login(member)
    response = client.get(reverse("assessment-pdf", args=[answered.pk]))
    assert response["Content-Disposition"].endswith(f'_{answered.submitted_at.date().isoformat()}.pdf"')
    assert "Submitted on" in page_texts(response.content)[0]


def test_it_serves_an_unchanged_assessment_from_the_store(client, member, answered, monkeypatch):
    renders = []
    real = pdf_store.assessment_pdf
    monkeypatch.setattr(pdf_store, "assessment_pdf", lambda report: renders.append(1) or real(report))
    client.force_login(member)
    url = reverse("assessment-pdf", args=[answered.pk])
    first = client.get(url).content
    second = client.get(url).content
    assert len(renders) == 1
    assert first == second
    answer(answered, member, "data-discovery", "choice", 5, "Catalog went live.")
    third = client.get(url).content
    assert len(renders) == 2
    assert "Catalog went live." in pdf_text(third)


# Portfolio


def test_it_gives_executives_a_portfolio_with_a_page_per_team(client, executive, answered, member, other_team):
    assessment_submit(assessment=answered, user=member)
    client.force_login(executive)
    response = client.get(reverse("portfolio-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(r'attachment; filename="test-agency_portfolio_\d{4}-\d{2}-\d{2}\.pdf"', response["Content-Disposition"])
    pages = page_texts(response.content)
    assert "Agency summary" in pages[1] and "Data Platform" in pages[1]
    assert "Other Team" in pages[1]  # listed as without a submitted assessment
    team_pages = [p for p in pages[2:] if "Test Agency · ML readiness portfolio" in p]
    assert any("Data Platform" in p and "Start now" in p for p in team_pages)
    assert any("Other Team" in p and "No submitted assessment yet." in p for p in team_pages)
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True


def test_it_leaves_drafts_out_of_the_portfolio(client, executive, answered):
    client.force_login(executive)
    text = pdf_text(client.get(reverse("portfolio-pdf")).content)
    assert "No team has submitted an assessment yet." in text


@pytest.mark.parametrize("who", ["member", "viewer", "outsider"])
def test_it_hides_the_portfolio_from_non_executives(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("portfolio-pdf")).status_code == 404


def test_it_renders_an_assessment_nobody_has_answered_yet(assessment):
    text = pdf_text(assessment_pdf(assessment_report(assessment)))
    assert "No question has been answered with a level yet, so there is no overall level." in text
    assert "No practice is needed" in text
    assert "0 of 4 questions" in text


def test_it_keeps_long_and_multiline_notes_on_the_page(assessment, member):
    long_word = "x" * 1500
    answer(assessment, member, "streaming-data", "choice", 2, f"First line\nSecond line {long_word}")
    pdf = assessment_pdf(assessment_report(assessment))
    text = pdf_text(pdf)
    assert "Note: First line Second line" in text
    assert long_word in "".join(text.split())  # all of it is there
    reader = PdfReader(io.BytesIO(pdf))
    longest = max(len(line) for page in reader.pages for line in page.extract_text().splitlines())
    assert longest < 160, "a line runs off the page instead of wrapping"
    assert all(float(page.mediabox.width) == 612 for page in reader.pages)
