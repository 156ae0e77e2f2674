"""WeasyPrint as the reports use it: the options, and two settings that make it faster.

No Django here, so bench/pdf.py can run WeasyPrint with exactly these settings
outside the app and measure what the app itself adds.

1. One FontConfiguration per thread, kept between renders. WeasyPrint makes a
   new one per render by default, and with it a new Pango font map, so every
   render loads its fonts again and shapes its text with cold HarfBuzz and Pango
   caches. Keeping it cut the full report's render by about 13 % (median CPU
   time, six renders each, alternating; the Python work is unchanged, the
   saving is in Pango and HarfBuzz). Per thread, because Pango objects must not
   be shared between threads. The reports declare no @font-face, so the
   configuration holds only the system fonts and stays the same size.
2. Streams compressed at zlib level 6 instead of pydyf's 9: about five times
   faster for about 6 % more bytes (22 against 121 ms on the full report).
3. The garbage collector kept off the objects that existed before the render
   (see _long_lived_objects_frozen).

One addition to the tags: a /Scope on every table header cell (see
table_header_scopes_add).
"""

from __future__ import annotations

import gc
import threading
import zlib
from contextlib import contextmanager

import pydyf
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

# PDF/UA-1 makes WeasyPrint tag the structure (headings, lists, tables, links,
# figures with alt text), write /Lang and the title, and embed every font.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
PDF_COMPRESSION_LEVEL = 6

_local = threading.local()


def font_config() -> FontConfiguration:
    """This thread's FontConfiguration, made on first use."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


class _PdfZlib:
    """The zlib module as pydyf sees it, with streams compressed at PDF_COMPRESSION_LEVEL.

    pydyf calls ``zlib.compressobj(level=9)``; everything else passes through.
    tests/test_pdf.py checks that a rendered stream is compressed at this
    level, so a pydyf release that compresses another way shows up there.
    """

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(PDF_COMPRESSION_LEVEL, *args, **kwargs)


pydyf.zlib = _PdfZlib()


@contextmanager
def _long_lived_objects_frozen():
    """Keep the garbage collector off the objects that existed before the render.

    WeasyPrint allocates millions of small objects, which sets off many full
    collections; in a Django process each one would also walk the hundred
    thousand objects of Django, the app and its caches. Frozen, they are left
    out; afterwards they go back to the oldest generation, and one collection
    frees the render's own cyclic garbage at once (without it, garbage frozen
    by the next render piled up: 345 MB peak after ten renders instead of
    about 130). The collection runs before unfreezing, so it walks the
    render's objects only. Even without Django, in a bare process, a render
    took 1.19 s of CPU so against 1.66 s with the collector left as it is
    (median of four each, the full report), for 0.03 s of final collection.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()


def table_header_scopes_add(document, pdf: pydyf.PDF) -> None:
    """Give every /TH structure element a /Scope: /Row or /Column.

    WeasyPrint 70 ties cells to headers one way only: each /TH gets an /ID and
    each /TD lists its headers' IDs in /Headers, reading the HTML `scope`
    attribute to tell row headers from column headers. It never writes /Scope
    and ignores the HTML `headers` attribute. Checkers that look at the header
    cells themselves (pdfua's UA-15-003, PAC) then see headers tied to nothing.
    A header whose ID is listed by a data cell of its own row is a row header
    (`scope="row"` in the HTML); every other header is a column header.

    Runs as WeasyPrint's finisher, on the PDF objects before they are written.
    """
    objects = pdf.objects
    headers: list[pydyf.Dictionary] = []
    rows_of_data_cells: dict[str, set[object]] = {}  # header id -> the rows (parents) of the cells it heads
    for obj in objects:
        if not isinstance(obj, dict) or obj.get("Type") != "/StructElem":
            continue
        if obj.get("S") == "/TH":
            headers.append(obj)
        elif obj.get("S") == "/TD":
            attributes = obj.get("A") or {}
            for header_id in attributes.get("Headers") or ():
                rows_of_data_cells.setdefault(header_id.string, set()).add(obj.get("P"))
    for header in headers:
        attributes = header.get("A")
        if attributes is None:
            attributes = header["A"] = pydyf.Dictionary({"O": "/Table"})
        header_id = header.get("ID")
        rows = rows_of_data_cells.get(header_id.string, set()) if header_id is not None else set()
        attributes["Scope"] = "/Row" if header.get("P") in rows else "/Column"


def write_pdf(html: str, *, base_url: str | None = None, url_fetcher=None) -> bytes:
    """HTML to a tagged PDF with the settings above. The caller decides what may be fetched."""
    with _long_lived_objects_frozen():
        document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
        return document.write_pdf(font_config=font_config(), finisher=table_header_scopes_add, **PDF_OPTIONS)


def layout(html: str, *, base_url: str | None = None, url_fetcher=None):
    """HTML laid out in pages with the settings above, not written: a WeasyPrint Document, whose pages'
    boxes tell where each table row went (tests/test_pdf_layout.py)."""
    with _long_lived_objects_frozen():
        document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
        return document.render(font_config=font_config(), **PDF_OPTIONS)
