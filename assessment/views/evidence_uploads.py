"""The upload handler of the evidence form: the file name as sent, and a stop at EVIDENCE_MAX_MB.

Django cuts any directory off an uploaded file's name before a form or a
service sees it (MultiPartParser.sanitize_file_name, then UploadedFile's name),
so `../../x.pdf` would arrive as `x.pdf`. This handler, first of the request's
handlers, parses the body itself with a parser that keeps each name as it was
sent, so that a name with a path is refused (docs/evidence.md) rather than
quietly cut. It also counts each file's bytes and skips a file once it passes
the limit: the rest of it is read and dropped, never kept.
"""

from __future__ import annotations

import html
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParser


class _NameKeepingParser(MultiPartParser):
    def __init__(self, *args: Any, sent_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sent_names = sent_names

    def sanitize_file_name(self, file_name: str) -> str | None:
        self._sent_names.append(html.unescape(file_name))  # what Django's own cutting starts from
        return super().sanitize_file_name(file_name)


class EvidenceUploadHandler(FileUploadHandler):
    """First of the evidence form's handlers; the next one (a temporary file) keeps the content."""

    def __init__(self, request: Any, limit: int) -> None:
        super().__init__(request)
        self._request = request
        self.limit = limit
        self.sent_names: list[str] = []  # every file name of the body, as sent
        self.too_large = False
        self._parsing = False
        self._received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self._parsing:  # called again by the parser below
            return None
        self._parsing = True
        parser = _NameKeepingParser(
            META, input_data, self._request.upload_handlers, encoding, sent_names=self.sent_names
        )
        return parser.parse()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large = True
            raise SkipFile  # the parser drops the rest of this file; the other fields are kept
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler returns the file
