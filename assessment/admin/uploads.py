"""What the admin's YAML imports and exports share (questionnaire versions, crosswalk revisions)."""

from __future__ import annotations

import os
import re

from django import forms
from django.contrib.auth import get_permission_codename
from django.http import HttpResponse

from assessment.services.versions import IMPORT_MAX_BYTES as UPLOAD_MAX_BYTES


class YamlUploadForm(forms.Form):
    """One YAML file of at most 1 MiB; a subclass gives the field its label and help text."""

    file = forms.FileField()
    file_label = "File (YAML)"
    file_help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label
        self.fields["file"].help_text = self.file_help

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size} bytes; files over 1 MiB ({UPLOAD_MAX_BYTES} bytes) are refused."
            )
        return upload


def safe_filename(name: str) -> str:
    return os.path.basename(name or "upload.yaml")[:200] or "upload.yaml"


def yaml_download(text: str, stem: str) -> HttpResponse:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", stem) + ".yaml"
    response = HttpResponse(text.encode("utf-8"), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class UploadAdminMixin:
    """For a ModelAdmin with an import page: the permission check and the page's base context."""

    def user_may(self, request, action) -> bool:
        opts = self.opts  # type: ignore[attr-defined]
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")

    def import_context(self, request, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.opts,  # type: ignore[attr-defined]
            "title": title,
            "max_bytes": UPLOAD_MAX_BYTES,
        }
