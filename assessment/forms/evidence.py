"""The form that adds evidence to one question: a title, a file or a link, a "valid until" date."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from assessment import models
from assessment.validators import link_field, one_line_validator


def evidence_prefix(question_key: str) -> str:
    """The fields of a question's form are named evidence-<question id>-title, ... (one form per question)."""
    return f"evidence-{question_key}"


class EvidenceForm(forms.Form):
    title = forms.CharField(
        max_length=models.Evidence.TITLE_MAX_LENGTH,
        validators=[one_line_validator],
        help_text="What it shows, for example “Data catalogue entry, March review”.",
        error_messages={
            "required": "Enter a title for the evidence.",
            "max_length": "Shorten the title to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )
    file = forms.FileField(
        required=False,
        label="File",
        help_text="PDF, image, office document (docx, xlsx, pptx, odt, ods, odp), text or CSV.",
        error_messages={"empty": "The file is empty.", "invalid": "No file was received: choose the file again."},
    )
    link = link_field(models.Evidence.URL_MAX_LENGTH, "http:// or https:// only.", label="Or a link")
    valid_until = forms.DateField(
        required=False,
        label="Valid until (optional)",
        help_text="The date after which it no longer proves the answer.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2027-03-31."},
    )

    def __init__(self, *args, question_key: str, upload_problem: str | None = None, **kwargs):
        """`upload_problem`: what the upload handler found wrong with the file as sent (views/evidence_uploads.py)."""
        kwargs["prefix"] = evidence_prefix(question_key)
        super().__init__(*args, **kwargs)
        self.question_key = question_key
        self.upload_problem = upload_problem

    @classmethod
    def refused(cls, *, question_key: str, field: str, message: str) -> EvidenceForm:
        """The empty form with one error: a request refused before its body was read."""
        form = cls(question_key=question_key)
        form.errors[field] = form.error_class([message])  # an unbound form's errors stay as set
        return form

    def clean_valid_until(self):
        valid_until = self.cleaned_data["valid_until"]
        if valid_until is not None and valid_until < timezone.localdate():
            raise forms.ValidationError(
                f"{valid_until:%Y-%m-%d} has passed: evidence that no longer proves the answer is not added. "
                "Give the date it is valid until, or leave it empty if it does not expire."
            )
        return valid_until

    def clean(self):
        data = super().clean() or {}
        if self.upload_problem:
            self.errors.pop("file", None)
            self.add_error("file", self.upload_problem)
            return data
        has_file, has_link = bool(data.get("file")), bool((data.get("link") or "").strip())
        if has_file and has_link:
            self.add_error("link", "Give a file or a link, not both: add them as two pieces of evidence.")
        elif not has_file and not has_link and "file" not in self.errors and "link" not in self.errors:
            self.add_error("file", "Choose a file, or give a link.")
        return data
