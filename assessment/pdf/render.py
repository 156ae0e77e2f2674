"""HTML to PDF with WeasyPrint, for one assessment or an agency's portfolio.

The HTML comes from Django templates (autoescaped: notes and titles are text,
never markup) with the print stylesheet static/css/print.css, its own small
sheet: WeasyPrint is slow on, and has crashed on, the full Bootstrap CSS.
WeasyPrint runs with the settings of engine.py and fetches through
SafeURLFetcher only, so nothing outside the app's static files is ever read.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from assessment.access import TEAM_READER
from assessment.domain.text import printable
from assessment.pdf import engine
from assessment.pdf.context import assessment_pdf_context
from assessment.pdf.fetcher import BASE_URL, SafeURLFetcher, static_url
from assessment.selectors.results import AssessmentResults

STYLESHEET = "css/print.css"


def html_to_pdf(html: str) -> bytes:
    """Render HTML made by this module; only the app's static files can be fetched.

    Control characters stored in a name or note (an escape, a bell) are left out: a font has no glyph for them.
    """
    return engine.write_pdf(printable(html), base_url=BASE_URL, url_fetcher=SafeURLFetcher())


def html_layout(html: str):
    """The pages WeasyPrint lays `html` out in, as html_to_pdf would, without writing the PDF."""
    return engine.layout(printable(html), base_url=BASE_URL, url_fetcher=SafeURLFetcher())


def assessment_pdf_html(results: AssessmentResults, *, audience: str = TEAM_READER) -> str:
    context = assessment_pdf_context(results, audience=audience)
    return render_to_string("pdf/assessment.html", {"doc": context, "stylesheet_url": static_url(STYLESHEET)})


def assessment_pdf(results: AssessmentResults, *, audience: str = TEAM_READER) -> bytes:
    """The PDF report of one assessment for `audience` (access.AUDIENCES). Renders every time; store.py keeps it."""
    return html_to_pdf(assessment_pdf_html(results, audience=audience))


def portfolio_pdf_html(portfolio_context) -> str:
    return render_to_string("pdf/portfolio.html", {"doc": portfolio_context, "stylesheet_url": static_url(STYLESHEET)})


def portfolio_pdf(portfolio_context) -> bytes:
    """The agency's portfolio PDF: a summary, then one page per team."""
    return html_to_pdf(portfolio_pdf_html(portfolio_context))
