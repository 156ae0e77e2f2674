"""PDF tables a screen reader can follow, checked by pdfua, and the portfolio PDF's heatmap."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pdfua import validate
from pypdf import PdfReader

from assessment import models
from assessment.pdf.portfolio import portfolio_pdf_context
from assessment.pdf.render import assessment_pdf, portfolio_pdf
from assessment.selectors.results import assessment_results

from .test_pdf import empty_cache, page_texts, struct_elements  # noqa: F401 (an autouse fixture)
from .test_portfolio import agency_data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def table_headers(pdf: bytes) -> list[dict]:
    """Every /TH structure element of a PDF, with its attributes resolved."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    return [e for e in struct_elements(root) if e.get("/S") == "/TH"]


def pdfua_findings(pdf: bytes, path) -> list[str]:
    path.write_bytes(pdf)
    report = validate(str(path))
    # pdfua 0.1.3 crashes on headings whose /K is an array (its as_integer asks a
    # pikepdf Array for `is_integer`); it reports the rule as skipped, not failed.
    # Any other skipped rule is a surprise worth failing on.
    skipped = {outcome.rule_id for outcome in report.skipped}
    assert skipped <= {"UA-14-001"}, report.to_dict()["skipped"]
    return [f"{f.rule_id} {f.severity.name} page {f.location.page}: {f.message}" for f in report.findings]


@pytest.fixture
def demo(settings, tmp_path, demo_questionnaire_version):
    """The demo agency of `seed_demo`: three teams on the full questionnaire, two submissions each."""
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    return models.Agency.objects.get()


@pytest.mark.slow
def test_pdfua_finds_nothing_in_the_demo_pdfs(demo, tmp_path):
    submitted = models.Assessment.objects.filter(status=models.Assessment.SUBMITTED).order_by("pk").first()
    report_pdf = assessment_pdf(assessment_results(submitted))
    portfolio = portfolio_pdf(portfolio_pdf_context(demo))
    division = portfolio_pdf(portfolio_pdf_context(demo, models.Division.objects.get(name="Service Delivery")))

    assert pdfua_findings(report_pdf, tmp_path / "assessment.pdf") == []
    assert pdfua_findings(portfolio, tmp_path / "portfolio.pdf") == []
    assert pdfua_findings(division, tmp_path / "division.pdf") == []
    # The check has something to look at: the area table and the portfolio's tables.
    assert len(table_headers(report_pdf)) >= 7
    assert len(table_headers(portfolio)) >= 20
    assert len(table_headers(division)) > len(table_headers(portfolio))


@pytest.mark.slow
def test_it_gives_every_header_cell_a_scope(demo):
    submitted = models.Assessment.objects.filter(status=models.Assessment.SUBMITTED).order_by("pk").first()
    pdf = assessment_pdf(assessment_results(submitted))
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    tables = [e for e in struct_elements(root) if e.get("/S") == "/Table"]
    area_table = [str(h["/A"]["/Scope"]) for h in struct_elements(tables[0]) if h.get("/S") == "/TH"]
    # The area table: six column headers, then a row header per area and one for the overall row.
    assert area_table == ["/Column"] * 6 + ["/Row"] * (7 + 1)
    # Every other table (the roadmap's Next and Later) has column headers, then the question of each row.
    for table in tables[1:]:
        rows = [e for e in struct_elements(table) if e.get("/S") == "/TR"]
        head = [str(h["/A"]["/Scope"]) for h in struct_elements(rows[0]) if h.get("/S") == "/TH"]
        assert head and set(head) == {"/Column"}
        for row in rows[1:]:
            assert [str(h["/A"]["/Scope"]) for h in struct_elements(row) if h.get("/S") == "/TH"] == ["/Row"]
    # Data cells still name their headers: WeasyPrint's /Headers and /IDs are kept.
    assert all("/ID" in h for h in table_headers(pdf))


def test_the_portfolio_pdf_shows_the_heatmap_after_the_summary(executive, agency_data, client):  # noqa: F811
    client.force_login(executive)
    pdf = client.get(reverse("portfolio-pdf")).content
    pages = page_texts(pdf)
    # Page 1 holds the key figures and the heatmap; the agency's report has no team pages.
    assert "Divisions by area Each cell gives" in pages[0] and "Overdue actions" in pages[0]
    assert not any("Start now" in p for p in pages)
    text = " ".join(pages)
    # Number and level name in every cell, in the page's order: overall, then each area. The overall
    # mean: (0.25 + 2.75 / 3.5) / 2 -> 3.1; data (0.5 + 1) / 2 -> 4.0; models 3.5; operations 1.5.
    assert "Not in a division (2 of 3 teams) 3.1 Defined 4.0 Managed 3.5 Defined 1.5 Initial" in text
    # Weakest areas first, with the mean of the teams.
    weakest = re.search(
        r"Weakest areas Mean level over the teams, lowest first\. (.*?) Steps most teams have", text
    ).group(1)
    assert weakest == (
        "Operations: 1.5 Initial (mean of 2 teams) Model Development: 3.5 Defined (mean of 2 teams) "
        "Data Ingestion and Preparation: 4.0 Managed (mean of 2 teams)"
    )
    assert "Steps most teams have in “Now”" in text
    assert (
        "Practice In “Now” On the roadmap Monitor models in production 2 2 of 2 "
        "Register models before deployment 2 2 of 2"
    ) in text


def test_the_portfolio_pdf_heatmap_is_tagged_as_a_table(executive, agency_data, client):  # noqa: F811
    client.force_login(executive)
    pdf = client.get(reverse("portfolio-pdf")).content
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    tables = [e for e in struct_elements(root) if e.get("/S") == "/Table"]
    # The heatmap, the steps, the practices, the teams; no team pages (and no action plan yet).
    assert len(tables) == 4
    heatmap = tables[0]
    cells = [e for e in struct_elements(heatmap) if e.get("/S") in ("/TH", "/TD")]
    # Header row (division, overall, three areas), then one row ("Not in a division") of five cells.
    assert len(cells) == 5 + 5
    assert [c["/S"] for c in cells[:6]] == ["/TH"] * 6
