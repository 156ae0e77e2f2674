"""The temporary-file upload handler of every form (settings.FILE_UPLOAD_HANDLERS, the evidence form).

Django names an upload's temporary file `tmpXXXX.upload` plus the extension of
the name as sent, of up to 255 characters: a name like `a.pdfbbbb…` (300
characters after its dot) makes a file name longer than the file system
allows, and the request ends in a 500 before any form sees it. This handler
keeps a short suffix on disk and the name as sent on the upload, so the form
says what is wrong with the name.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.files import uploadhandler
from django.core.files.uploadedfile import TemporaryUploadedFile

# Long enough for any real extension (.xlsx, .tar.gz is two); what is on disk only.
SUFFIX_MAX_LENGTH = 16


class TemporaryFileUploadHandler(uploadhandler.TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        uploadhandler.FileUploadHandler.new_file(self, *args, **kwargs)
        extension = os.path.splitext(self.file_name or "")[1][:SUFFIX_MAX_LENGTH]
        self.file = TemporaryUploadedFile(
            f"upload{extension}", self.content_type, 0, self.charset, self.content_type_extra
        )
        self.file.name = self.file_name  # UploadedFile keeps at most 255 characters of it
