"""Small files of every kind an evidence upload may be, good and bad, made in the test (no fixtures on disk)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
CSV = "question,answer\nstreaming-data,3\nnote,“quoted” café\n".encode()
TEXT = b"Minutes of the data governance board, 3 March.\n"


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def ooxml(main_part: str, content_type: str) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>'
    ).encode()
    return zipped({"[Content_Types].xml": types, "_rels/.rels": b"<Relationships/>", main_part: b"<document/>"})


def odf(mimetype: str, extra: dict[str, bytes] | None = None) -> bytes:
    return zipped({"mimetype": mimetype.encode(), "META-INF/manifest.xml": b"<manifest/>", **(extra or {})})


DOCX = ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
PPTX = ooxml(
    "ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
DOCM = ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
ODT = odf("application/vnd.oasis.opendocument.text")
ODS = odf("application/vnd.oasis.opendocument.spreadsheet")
ODP = odf("application/vnd.oasis.opendocument.presentation")
ODT_WITH_MACROS = odf("application/vnd.oasis.opendocument.text", {"Basic/Standard/Module1.xml": b"<script/>"})
PLAIN_ZIP = zipped({"notes.txt": b"hello"})
# A PNG with a zip archive after it (the archive's directory at the end): an image and a zip at once.
POLYGLOT = PNG + PLAIN_ZIP
# A PDF header, then a web page: a browser sniffing it would run the script.
PDF_HTML = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n"

GOOD = {
    "report.pdf": PDF,
    "diagram.png": PNG,
    "photo.jpg": JPEG,
    "chart.gif": GIF,
    "board.webp": WEBP,
    "policy.docx": DOCX,
    "register.xlsx": XLSX,
    "briefing.pptx": PPTX,
    "policy.odt": ODT,
    "register.ods": ODS,
    "briefing.odp": ODP,
    "answers.csv": CSV,
    "minutes.txt": TEXT,
}

# (name, content, what the error says)
BAD = {
    "a program": ("setup.pdf", EXE, "not accepted"),
    "a Linux program": ("tool.txt", ELF, "not accepted"),
    "an HTML page named .pdf": ("report.pdf", HTML, "web page"),
    "an SVG image": ("logo.svg", SVG, "web page"),
    "a PDF that is also a web page": ("report.pdf", PDF_HTML, "web page"),
    "a polyglot image and zip": ("diagram.png", POLYGLOT, "polyglot"),
    "a gzip archive": ("data.csv.gz", GZIP, "not accepted"),
    "a plain zip archive": ("bundle.docx", PLAIN_ZIP, "not an office document"),
    "a macro-enabled Word document": ("policy.docm", DOCM, "macros"),
    "an OpenDocument with macros": ("policy.odt", ODT_WITH_MACROS, "macros"),
    "text with a NUL": ("notes.txt", b"abc\x00def", "NUL"),
    "text that is not UTF-8": ("notes.txt", b"caf\xe9 au lait\n", "UTF-8"),
    "a PDF named .docx": ("policy.docx", PDF, "Rename it to end in .pdf"),
    "an empty file": ("empty.pdf", b"", "empty"),
}


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """An upload as the browser sends it; its claimed type is ignored by the checks."""
    return SimpleUploadedFile(name, content, content_type=content_type)
