"""No table row of any PDF splits across pages; a table that runs on repeats its header row (issue 30, point 2)."""

import pytest

from assessment import models
from assessment.pdf.fetcher import static_url
from assessment.pdf.portfolio import portfolio_pdf_context
from assessment.pdf.render import STYLESHEET, assessment_pdf_html, html_layout, portfolio_pdf_html
from assessment.selectors.results import assessment_results

from .pdf_layout import body_rows, header_rows_per_page, split_rows
from .test_pdf import empty_cache  # noqa: F401 (an autouse fixture)
from .test_pdf_tables import demo  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LONG_ROWS = "".join(f"<tr><th scope='row'>Row {n}</th><td>{'a line of text<br>' * 6}</td></tr>" for n in range(60))


def table_html(extra_css: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>Rows</title>"
        f"<link rel='stylesheet' href='{static_url(STYLESHEET)}'><style>{extra_css}</style></head><body>"
        f"<table><caption>Rows</caption><thead><tr><th scope='col'>Name</th><th scope='col'>Text</th></tr></thead>"
        f"<tbody>{LONG_ROWS}</tbody></table></body></html>"
    )


def test_the_check_finds_a_row_split_when_rows_may_break():
    document = html_layout(table_html("tr { break-inside: auto; }"))
    assert len(document.pages) > 2
    assert split_rows(document), "60 rows of six lines over several pages: some row must split"


def test_the_print_stylesheet_keeps_rows_whole_and_repeats_the_header():
    document = html_layout(table_html())
    assert len(document.pages) > 2
    assert split_rows(document) == []
    assert body_rows(document) == 60
    assert header_rows_per_page(document) == [1] * len(document.pages)


@pytest.mark.slow
def test_no_row_of_any_demo_pdf_splits_across_pages(demo):  # noqa: F811
    documents = {}
    for assessment in models.Assessment.objects.order_by("pk"):
        documents[f"assessment {assessment.pk}"] = html_layout(assessment_pdf_html(assessment_results(assessment)))
    documents["portfolio"] = html_layout(portfolio_pdf_html(portfolio_pdf_context(demo)))
    for division in models.Division.objects.filter(agency=demo).order_by("pk"):
        documents[f"division {division.name}"] = html_layout(portfolio_pdf_html(portfolio_pdf_context(demo, division)))

    assert {name: split_rows(document) for name, document in documents.items()} == {name: [] for name in documents}
    # There were rows to split: the roadmap tables and the division's team tables run over pages.
    assert all(body_rows(document) > 5 for document in documents.values())
    assert any(len(document.pages) > 3 for document in documents.values())
