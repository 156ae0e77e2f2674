"""HTML to PDF with WeasyPrint, for one assessment or an agency's portfolio.

The HTML comes from Django templates (autoescaped: notes and titles are text,
never markup) with the print stylesheet static/css/print.css, its own small
sheet: WeasyPrint is slow on, and has crashed on, the full Bootstrap CSS.
WeasyPrint fetches through SafeURLFetcher only, so nothing outside the app's
static files is ever read.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

from django.template.loader import render_to_string
from weasyprint import HTML

from assessment.pdf.context import assessment_pdf_context
from assessment.pdf.fetcher import BASE_URL, SafeURLFetcher, static_url
from assessment.selectors.reports import AssessmentReport

# PDF/UA-1 makes WeasyPrint tag the structure (headings, lists, tables, links,
# figures with alt text), write /Lang and the title, and embed every font.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
STYLESHEET = "css/print.css"


@contextmanager
def _long_lived_objects_frozen():
    """Keep the garbage collector off the objects that existed before the render.

    WeasyPrint allocates millions of small objects, which sets off many full
    collections; in a Django process each one would also walk the hundred
    thousand objects of Django, the app and its caches. Freezing them for the
    render cut the app's overhead over WeasyPrint alone from about 11 % to
    about 6 % in bench/pdf.py (idle machine, ten renders). Afterwards they go
    back to the oldest generation, and one full collection frees the render's
    own garbage at once (without it, garbage frozen by the next render piled
    up: 345 MB peak after ten renders instead of about 130).

    The collection runs before unfreezing, so it walks the render's objects
    only, not the frozen heap: about 0.23 s instead of 0.30 s per render in
    bench/pdf.py (the rest is the render's own cyclic garbage). Objects
    created before the render and dropped during it wait for a later
    collection. (Raising the collection thresholds during the render as
    well was measured too: no gain once the heap is frozen.)
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()


def html_to_pdf(html: str) -> bytes:
    """Render HTML made by this module; only the app's static files can be fetched."""
    with _long_lived_objects_frozen():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher())
        return document.write_pdf(**PDF_OPTIONS)


def assessment_pdf_html(report: AssessmentReport) -> str:
    context = assessment_pdf_context(report)
    return render_to_string("pdf/assessment.html", {"doc": context, "stylesheet_url": static_url(STYLESHEET)})


def assessment_pdf(report: AssessmentReport) -> bytes:
    """The PDF report of one assessment. Renders every time; see cache.py for the cached path."""
    return html_to_pdf(assessment_pdf_html(report))


def portfolio_pdf_html(portfolio_context) -> str:
    return render_to_string(
        "pdf/portfolio.html", {"doc": portfolio_context, "stylesheet_url": static_url(STYLESHEET)}
    )


def portfolio_pdf(portfolio_context) -> bytes:
    """The agency's portfolio PDF: a summary, then one page per team."""
    return html_to_pdf(portfolio_pdf_html(portfolio_context))
