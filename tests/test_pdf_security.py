"""What people type cannot make the PDF renderer fetch anything or read local files."""

import http.server
import io
import logging
import subprocess
import threading

import pytest
from pypdf import PdfReader

from assessment import models
from assessment.pdf.fetcher import APP_ORIGIN, URLRefused, safe_url_fetcher, static_url
from assessment.pdf.render import assessment_pdf
from assessment.selectors.results import assessment_results
from assessment.services.assessments import AnswerInput, answers_save


@pytest.fixture
def listener():
    """A local HTTP server that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def poppler_text(pdf: bytes) -> str:
    """The text as poppler's pdftotext reads it (poppler-utils, installed by `make test`).

    Used where a run falls back from Liberation Sans to another font: pypdf
    then reads the paragraph as UTF-16 and leaves stray bytes, while poppler,
    like PDF readers, reads it through the fonts' ToUnicode maps."""
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def without_spaces(text: str) -> str:
    """Text with every space and line break removed: a long note may wrap at a "/" of a URL."""
    return "".join(text.split())


@pytest.mark.django_db
def test_it_neither_fetches_nor_reads_what_notes_point_to(assessment, member, listener):
    port, hits = listener
    notes = {
        "streaming-data": f'<img src="http://127.0.0.1:{port}/x"> see file:///etc/passwd',
        "data-discovery": f'<link rel=stylesheet href="http://127.0.0.1:{port}/y.css">',
        "model-versions": '<img src="file:///etc/passwd">',
        "production-monitoring": f"<style>@import url(http://127.0.0.1:{port}/z.css);</style>",
    }
    answers_save(
        assessment=assessment,
        user=member,
        answers=[AnswerInput(key, "choice", level=1, note=note) for key, note in notes.items()],
    )
    assessment.refresh_from_db()

    pdf = assessment_pdf(assessment_results(assessment))

    assert hits == []
    text = pdf_text(pdf)
    for note in notes.values():
        assert without_spaces(note) in without_spaces(text)  # shown as the text that was typed, not as markup
    assert "root:x:0:0" not in text
    assert "/bin/" not in text


def test_it_serves_the_apps_static_files():
    response = safe_url_fetcher(static_url("css/print.css"))
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://example.com/static/css/print.css",
        "http://pdf.app.invalid/static/css/print.css",  # the app's host, but not its scheme
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        "ftp://example.com/x",
        f"{APP_ORIGIN}/static/../../../../etc/passwd",
        f"{APP_ORIGIN}/static/%2e%2e/%2e%2e/config/settings.py",
        f"{APP_ORIGIN}/static/css/..%2f..%2fconfig%2fsettings.py",
        f"{APP_ORIGIN}/static//etc/passwd",
        f"{APP_ORIGIN}/admin/",
        f"{APP_ORIGIN}/static/css/no-such-file.css",
        "https://pdf.app.invalid.example.com/static/css/print.css",
        "https://user@pdf.app.invalid/static/css/print.css",
    ],
)
def test_it_refuses_and_logs_everything_else(url, caplog):
    with caplog.at_level(logging.WARNING, logger="assessment.pdf.fetcher"), pytest.raises(URLRefused):
        safe_url_fetcher(url)
    assert any("refused" in record.getMessage() for record in caplog.records)


def test_it_blocks_raw_markup_that_reaches_weasyprint(listener):
    """The fetcher is the second wall: even unescaped markup fetches nothing."""
    from assessment.pdf.render import html_to_pdf

    port, hits = listener
    html = f"""<!DOCTYPE html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">
      <style>@import url(http://127.0.0.1:{port}/b.css);
        @font-face {{ font-family: x; src: url(http://127.0.0.1:{port}/c.woff); }}
        p {{ font-family: x; background: url(http://127.0.0.1:{port}/d.png); }}</style></head>
      <body><p>Visible</p><img alt="a" src="http://127.0.0.1:{port}/e.png">
      <img alt="b" src="file:///etc/passwd"><object data="file:///etc/passwd"></object>
      <iframe src="file:///etc/passwd"></iframe><embed src="http://127.0.0.1:{port}/f"></body></html>"""
    pdf = html_to_pdf(html)
    assert hits == []
    text = pdf_text(pdf)
    assert "Visible" in text
    assert "root:x:0:0" not in text


@pytest.mark.django_db
def test_it_renders_any_script_and_symbol_people_type(assessment, member):
    note = "Données ✓ – 数据目录 – بيانات – 🚀 – \u202eevil\u202c – &amp; <b>bold</b> {{ x }} {% if %}"
    question = models.Question.objects.get(area__questionnaire=assessment.questionnaire, key="streaming-data")
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(question.key, "choice", level=2, note=note)])
    assessment.refresh_from_db()
    pdf = assessment_pdf(assessment_results(assessment))
    # Glyphs no installed font has (CJK, emoji) are drawn as empty boxes, but
    # nothing fails. The right-to-left override and the Arabic reorder the
    # text around them on the page, so the pieces are checked one by one.
    text = poppler_text(pdf)
    assert "Note: Données ✓" in text
    assert "بيانات" in text and "live" in text  # "evil" under the right-to-left override
    assert "amp; <b>bold</b> {{ x }} {% if %}" in text
