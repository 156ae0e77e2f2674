"""assessment/pdf/engine.py: WeasyPrint's settings for the reports (no database needed)."""

import io
import threading
import zlib

from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from assessment.pdf import engine

HTML = (
    '<html lang="en"><head><title>t</title></head><body><h1>Report</h1><p>Some text to compress, '
    + "again " * 200
    + "</p></body></html>"
)


def _raw_streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """(compressed bytes, decompressed bytes) of every Flate stream among the PDF's top-level objects."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for number in reader.xref.get(0, {}):
        obj = reader.get_object(IndirectObject(number, 0, reader))
        if isinstance(obj, StreamObject) and obj.get("/Filter") == "/FlateDecode":
            found.append((obj._data, obj.get_data()))
    return found


def test_it_compresses_streams_at_the_chosen_level():
    streams = _raw_streams(engine.write_pdf(HTML))
    assert streams, "no compressed stream found"
    for compressed, data in streams:
        # zlib's output is fixed for a given input and level, so recompressing
        # tells the level apart (level 9 gives other bytes on these streams).
        assert compressed == zlib.compress(data, engine.PDF_COMPRESSION_LEVEL)
    assert any(zlib.compress(data, 9) != compressed for compressed, data in streams)


def test_it_keeps_one_font_configuration_per_thread():
    first, again = engine.font_config(), engine.font_config()
    assert first is again
    other = []
    thread = threading.Thread(target=lambda: other.append(engine.font_config()))
    thread.start()
    thread.join()
    assert other[0] is not first


def test_it_renders_the_same_text_with_a_kept_font_configuration():
    texts = [" ".join(PdfReader(io.BytesIO(engine.write_pdf(HTML))).pages[0].extract_text().split()) for _ in range(2)]
    assert texts[0] == texts[1]
    assert texts[0].startswith("Report Some text to compress, again again")
