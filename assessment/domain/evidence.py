"""What an evidence file may be: its type decided from its content, and its name made safe.

No database here: the checks read an open file (seekable, read in small pieces:
never the whole file at once) and say what it is, or why it is refused.

Accepted: PDF; PNG, JPEG, GIF and WebP images; office documents recognised by
their zip manifest (OOXML docx/xlsx/pptx, ODF odt/ods/odp), without macros;
text and CSV (valid UTF-8, no NUL, no HTML tag in the first KiB). Everything
else is refused: programs, web pages, SVG, other archives, and files that are
two things at once (a PDF or an image that is also a zip: a polyglot).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype  # type: ignore[import-untyped]

# How much of the start of a file the type checks read.
HEAD_BYTES = 8192
# The start of a file in which an HTML tag refuses it (the browsers' sniffing looks about this far).
TAG_WINDOW = 1024
READ_CHUNK = 64 * 1024
NAME_MAX_LENGTH = 100


class FileRefused(Exception):
    """A file that may not be evidence, with the reason in words for the form."""


@dataclass(frozen=True)
class FileKind:
    content_type: str  # what the download says it is
    words: str  # "a PDF document"
    extensions: tuple[str, ...]  # the names it may have, the first one the usual


PDF = FileKind("application/pdf", "a PDF document", ("pdf",))
PNG = FileKind("image/png", "a PNG image", ("png",))
JPEG = FileKind("image/jpeg", "a JPEG image", ("jpg", "jpeg"))
GIF = FileKind("image/gif", "a GIF image", ("gif",))
WEBP = FileKind("image/webp", "a WebP image", ("webp",))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word document (docx)", ("docx",)
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "an Excel workbook (xlsx)", ("xlsx",)
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "a PowerPoint presentation (pptx)",
    ("pptx",),
)
ODT = FileKind("application/vnd.oasis.opendocument.text", "an OpenDocument text (odt)", ("odt",))
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet (ods)", ("ods",))
ODP = FileKind("application/vnd.oasis.opendocument.presentation", "an OpenDocument presentation (odp)", ("odp",))
CSV = FileKind("text/csv; charset=utf-8", "a CSV file", ("csv",))
TEXT = FileKind("text/plain; charset=utf-8", "a text file", ("txt", "md", "log"))

BY_CONTENT = {"application/pdf": PDF, "image/png": PNG, "image/jpeg": JPEG, "image/gif": GIF, "image/webp": WEBP}
# The part an OOXML package must have, in the manifest ([Content_Types].xml) and the archive.
OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
ODF_MIMETYPES = {ODT.content_type: ODT, ODS.content_type: ODS, ODP.content_type: ODP}
ACCEPTED = "a PDF, an image (PNG, JPEG, GIF, WebP), an office document (docx, xlsx, pptx, odt, ods, odp), text or CSV"

# Tags that make a browser (or a viewer) treat bytes as a web page or an SVG image.
_ACTIVE_TAG = re.compile(
    rb"<\s*(!doctype|html|head|body|script|iframe|svg|meta|object|embed|style|a\s|img\s|\?xml)", re.IGNORECASE
)
# Any tag at all, for text files: a CSV cell has no reason to hold one.
_ANY_TAG = re.compile(rb"<\s*/?\s*[a-z!?][a-z0-9:-]*(\s[^<>]*)?/?\s*>", re.IGNORECASE)
_NAME_UNSAFE = re.compile(r"[^\w .()+-]", re.UNICODE)


def safe_file_name(name: str) -> str:
    """The name as stored and offered on download: one plain file name, or FileRefused.

    A name with a path (`../../x`, `C:\\x`) is refused rather than cut, since its
    sender meant something other than a file name; what is left of another name
    keeps letters, digits, spaces and `._-()+`.
    """
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise FileRefused("The file name contains a path. Rename the file to a plain name, such as report.pdf.")
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    cleaned = " ".join(_NAME_UNSAFE.sub("_", cleaned).split()).lstrip(". ")
    if not cleaned:
        raise FileRefused("The file has no usable name. Rename it, for example report.pdf.")
    if len(cleaned) > NAME_MAX_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and len(extension) <= 10:
            cleaned = stem[: NAME_MAX_LENGTH - len(extension) - 1] + "." + extension
        else:
            cleaned = cleaned[:NAME_MAX_LENGTH]
    return cleaned


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def file_kind(handle: IO[bytes], name: str) -> FileKind:
    """What the open file is, from its content; FileRefused when it may not be evidence.

    The name must end in an extension of that kind (`.pdf` for a PDF), so the
    file a reader downloads opens as what it is.
    """
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    if not head:
        raise FileRefused("The file is empty.")
    guessed = filetype.guess(head)
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(handle)
    elif guessed is not None and guessed.mime in BY_CONTENT:
        kind = BY_CONTENT[guessed.mime]
        if _ACTIVE_TAG.search(head[:TAG_WINDOW]):
            raise FileRefused(f"The file starts as {kind.words} but holds a web page or SVG: it is refused.")
        if _is_zip(handle):
            raise FileRefused(f"The file is {kind.words} and an archive at once (a polyglot): it is refused.")
    elif guessed is not None:
        raise FileRefused(f"The file is of a type that is not accepted ({guessed.extension}). Accepted: {ACCEPTED}.")
    else:
        kind = _text_kind(handle, head, name)
    extension = _extension(name)
    if extension not in kind.extensions:
        ends = f"ends in .{extension}" if extension else "has no extension"
        raise FileRefused(
            f"The file is {kind.words}, but its name {ends}. Rename it to end in .{kind.extensions[0]} "
            "if it is what you meant to attach."
        )
    handle.seek(0)
    return kind


def _is_zip(handle: IO[bytes]) -> bool:
    try:
        return zipfile.is_zipfile(handle)
    finally:
        handle.seek(0)


def _office_kind(handle: IO[bytes]) -> FileKind:
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise FileRefused("The file is a damaged or unreadable archive.") from error
    lowered = {n.lower() for n in names}
    macros = FileRefused("The document holds macros (docm, xlsm, pptm or ODF scripts): save it without macros.")
    if any(n.endswith("vbaproject.bin") or n.startswith(("basic/", "scripts/")) for n in lowered):
        raise macros
    try:
        if "[Content_Types].xml" in names:
            manifest = _member_start(archive, "[Content_Types].xml")
            if b"macroenabled" in manifest.lower():
                raise macros
            for part, kind in OOXML_MAIN_PARTS.items():
                if part in names and f'PartName="/{part}"'.encode() in manifest:
                    return kind
        if "mimetype" in names:
            declared = _member_start(archive, "mimetype").strip().decode("ascii", "replace")
            if declared in ODF_MIMETYPES and "META-INF/manifest.xml" in names:
                return ODF_MIMETYPES[declared]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as error:
        raise FileRefused("The file is a damaged or unreadable archive.") from error
    raise FileRefused(f"The file is an archive that is not an office document. Accepted: {ACCEPTED}.")


def _member_start(archive: zipfile.ZipFile, name: str, limit: int = 256 * 1024) -> bytes:
    """The first `limit` bytes of one member, uncompressed: a manifest, never a bomb's worth."""
    with archive.open(name) as member:
        return member.read(limit)


def _text_kind(handle: IO[bytes], head: bytes, name: str) -> FileKind:
    if _ANY_TAG.search(head[:TAG_WINDOW]) or _ACTIVE_TAG.search(head[:TAG_WINDOW]):
        raise FileRefused("The file looks like a web page (HTML) or an SVG image, which are not accepted.")
    decoder = codecs.getincrementaldecoder("utf-8")()
    handle.seek(0)
    position = 0
    while chunk := handle.read(READ_CHUNK):
        if b"\x00" in chunk:
            raise FileRefused("The file is not text: it holds NUL bytes. Accepted: " + ACCEPTED + ".")
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise FileRefused(
                f"The file is not valid UTF-8 text (at byte {position + error.start + 1}). Save it as UTF-8, "
                f"or attach {ACCEPTED}."
            ) from error
        position += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise FileRefused("The file is not valid UTF-8 text: it ends in the middle of a character.") from error
    return CSV if _extension(name) == "csv" else TEXT
