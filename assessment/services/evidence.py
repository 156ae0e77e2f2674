"""Writes of evidence: files and links added to and removed from a draft's questions.

Only members of the assessment's team write, and only while it is a draft
(AssessmentLocked otherwise, as for answers). Every add and removal is a
history row with who and when, which the change log shows
(selectors/changes.py). A file is checked (assessment/domain/evidence.py, and
the agency's scanner), hashed while it is read in chunks, and stored once per
content through the "evidence" storage (settings.STORAGES): a copy of the
evidence on a new draft refers to the same file.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import shlex
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment import models
from assessment.domain.evidence import FileRefused, file_kind, safe_file_name
from assessment.domain.text import first_control_character
from assessment.services.assessments import AssessmentLocked
from assessment.services.plan import link_is_allowed

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

STORAGE_ALIAS = "evidence"
STORED_PREFIX = "evidence"
VALID_YEAR_MIN, VALID_YEAR_MAX = 2000, 2100
NOT_A_MEMBER = "Only members of this team can add or remove evidence."
LOCKED = "This assessment has been submitted: its evidence can no longer change. Add new evidence to the next draft."


class EvidenceInvalid(Exception):
    """Evidence that cannot be stored; `field` says which form field is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def evidence_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_MB * 1024 * 1024


def stored_name_for(sha256: str) -> str:
    return f"{STORED_PREFIX}/{sha256[:2]}/{sha256}"


def _check_writer(assessment: models.Assessment, user: User) -> None:
    is_member = models.Membership.objects.filter(
        team_id=assessment.team_id, user_id=user.pk, role=models.Membership.MEMBER
    ).exists()
    if not is_member:
        raise PermissionDenied(NOT_A_MEMBER)
    if assessment.is_submitted:
        raise AssessmentLocked(LOCKED)


def _lock(assessment: models.Assessment) -> models.Assessment:
    locked = models.Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_submitted:
        raise AssessmentLocked(LOCKED)
    return locked


def _clean_fields(
    assessment: models.Assessment, question_key: str, title: str, valid_until: datetime.date | None
) -> str:
    """The title to store, after the checks every kind of evidence shares."""
    if not models.Question.objects.filter(
        key=question_key, area__questionnaire_id=assessment.questionnaire_id
    ).exists():
        raise EvidenceInvalid("__all__", f'Question "{question_key[:100]}" is not part of this assessment.')
    title = (title or "").strip()
    if not title:
        raise EvidenceInvalid("title", "Enter a title for the evidence.")
    if len(title) > models.Evidence.TITLE_MAX_LENGTH:
        raise EvidenceInvalid(
            "title", f"The title is {len(title)} characters long; the limit is {models.Evidence.TITLE_MAX_LENGTH}."
        )
    if first_control_character(title) is not None:
        raise EvidenceInvalid("title", "Remove the line breaks, tabs and other control characters from the title.")
    if valid_until is not None and not VALID_YEAR_MIN <= valid_until.year <= VALID_YEAR_MAX:
        raise EvidenceInvalid(
            "valid_until", f"Enter a “valid until” date between the years {VALID_YEAR_MIN} and {VALID_YEAR_MAX}."
        )
    return title


def _create(
    assessment: models.Assessment,
    user: User,
    fields: tuple[str, str, datetime.date | None],
    **stored: Any,
) -> models.Evidence:
    """Store evidence with its (question key, title, valid until) and the fields of its kind."""
    question_key, title, valid_until = fields
    with transaction.atomic():
        locked = _lock(assessment)
        evidence = models.Evidence(
            assessment=locked,
            question_key=question_key,
            title=title,
            valid_until=valid_until,
            added_by=user,
            added_at=timezone.now(),
            **stored,
        )
        tracked: Any = evidence  # django-simple-history reads this attribute, unknown to the model's type
        tracked._history_user = user
        evidence.save()
        locked.save(update_fields=["updated_at"])  # the PDF, keyed by it, lists the evidence
    return evidence


def evidence_link_add(
    *,
    assessment: models.Assessment,
    user: User,
    question_key: str,
    title: str,
    url: str,
    valid_until: datetime.date | None = None,
) -> models.Evidence:
    """A link (http or https) as evidence for the question."""
    _check_writer(assessment, user)
    title = _clean_fields(assessment, question_key, title, valid_until)
    url = (url or "").strip()
    if len(url) > models.Evidence.URL_MAX_LENGTH or not link_is_allowed(url):
        raise EvidenceInvalid(
            "link",
            f"Enter a web address starting with http:// or https:// "
            f"({models.Evidence.URL_MAX_LENGTH} characters at most).",
        )
    return _create(assessment, user, (question_key, title, valid_until), kind=models.Evidence.LINK, url=url)


def evidence_file_add(
    *,
    assessment: models.Assessment,
    user: User,
    question_key: str,
    title: str,
    upload: UploadedFile,
    valid_until: datetime.date | None = None,
) -> models.Evidence:
    """A file as evidence for the question: checked, scanned, hashed and stored, or EvidenceInvalid.

    The upload is read in chunks (Django keeps one larger than
    FILE_UPLOAD_MAX_MEMORY_SIZE in a temporary file), never whole.
    """
    _check_writer(assessment, user)
    title = _clean_fields(assessment, question_key, title, valid_until)
    limit = max_bytes()
    if upload.size is None or upload.size == 0:
        raise EvidenceInvalid("file", "The file is empty.")
    if upload.size > limit:
        raise EvidenceInvalid(
            "file", f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {settings.EVIDENCE_MAX_MB} MB."
        )
    try:
        name = safe_file_name(upload.name or "")
        upload.open("rb")
        kind = file_kind(cast("IO[bytes]", upload.file), name)
        sha256 = _sha256(upload)
        _scan(upload)
    except FileRefused as refused:
        raise EvidenceInvalid("file", str(refused)) from refused
    storage = evidence_storage()
    stored = stored_name_for(sha256)
    if not storage.exists(stored):
        upload.seek(0)
        stored = storage.save(stored, upload)
    return _create(
        assessment,
        user,
        (question_key, title, valid_until),
        kind=models.Evidence.FILE,
        stored_name=stored,
        original_name=name,
        content_type=kind.content_type,
        size=upload.size,
        sha256=sha256,
    )


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@contextmanager
def _on_disk(upload: UploadedFile) -> Iterator[str]:
    """A path to the upload's content: Django's temporary file, or one written here in chunks."""
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        yield path()
        return
    with tempfile.NamedTemporaryFile(prefix="evidence-", suffix=".upload") as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        yield copy.name
    upload.seek(0)


def _scan(upload: UploadedFile) -> None:
    """Run EVIDENCE_SCAN_COMMAND on the file; FileRefused unless it exits 0 in time."""
    command = settings.EVIDENCE_SCAN_COMMAND
    if not command:
        return
    timeout = settings.EVIDENCE_SCAN_TIMEOUT_SECONDS
    with _on_disk(upload) as path:
        try:
            # Its own process group, so that a timeout ends whatever the scanner started too.
            process = subprocess.Popen(  # the command is the administrator's own setting
                [*shlex.split(command), path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
            )
        except OSError as error:
            logger.error("EVIDENCE_SCAN_COMMAND could not run: %s", error)
            raise FileRefused("The file could not be checked for viruses: the scanner did not start.") from error
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise FileRefused(f"The file could not be checked for viruses within {timeout} seconds.") from error
    if process.returncode != 0:
        logger.warning("The evidence scanner refused an upload (exit %s): %s", process.returncode, output[:500])
        raise FileRefused("The virus scanner refused the file.")


@transaction.atomic
def evidence_remove(*, evidence: models.Evidence, user: User) -> None:
    """Remove one piece of evidence from its draft. The file stays until prune_evidence finds it unused."""
    assessment = evidence.assessment
    _check_writer(assessment, user)
    locked = _lock(assessment)
    tracked: Any = evidence
    tracked._history_user = user
    evidence.delete()
    locked.save(update_fields=["updated_at"])


def evidence_dates_restore(*, evidence: models.Evidence, added_at: datetime.datetime) -> None:
    """Give evidence added after the fact (demo data) the time it was added, in its row and its history.

    Adding stamps the current time; the change log reads the history's date, the lists `added_at`.
    """
    models.Evidence.objects.filter(pk=evidence.pk).update(added_at=added_at)
    models.Evidence.history.filter(id=evidence.pk).update(history_date=added_at)
    evidence.added_at = added_at


def evidence_copy(*, source: models.Assessment, target: models.Assessment, user: User) -> int:
    """The source's evidence on the target's questions of the same key: the references, not the files."""
    keys = set(
        models.Question.objects.filter(area__questionnaire_id=target.questionnaire_id).values_list("key", flat=True)
    )
    now = timezone.now()
    copies = [
        models.Evidence(
            assessment=target,
            question_key=old.question_key,
            kind=old.kind,
            title=old.title,
            url=old.url,
            stored_name=old.stored_name,
            original_name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            sha256=old.sha256,
            valid_until=old.valid_until,
            added_by=old.added_by,
            added_at=old.added_at,
        )
        for old in models.Evidence.objects.filter(assessment=source).order_by("pk")
        if old.question_key in keys
    ]
    bulk_create_with_history(
        copies,
        models.Evidence,
        default_user=user,
        default_change_reason=f"{models.COPIED_FROM}“{source.title}”"[:100],
        default_date=now,
    )
    return len(copies)


def evidence_prune(*, older_than: datetime.timedelta = datetime.timedelta(hours=1), dry_run: bool = False) -> list[str]:
    """Delete stored evidence files that no evidence refers to; returns their names.

    A file younger than `older_than` is kept: its upload may not have committed its row yet.
    """
    storage = evidence_storage()
    used = set(models.Evidence.objects.exclude(stored_name="").values_list("stored_name", flat=True))
    cutoff = timezone.now() - older_than
    removed = []
    for name in _stored_names(storage):
        if name in used:
            continue
        if storage.get_modified_time(name) > cutoff:
            continue
        if not dry_run:
            storage.delete(name)
        removed.append(name)
    return removed


def _stored_names(storage: Storage) -> list[str]:
    names = []
    try:
        directories, _ = storage.listdir(STORED_PREFIX)
    except FileNotFoundError:
        return []
    for directory in directories:
        _, files = storage.listdir(f"{STORED_PREFIX}/{directory}")
        names += [f"{STORED_PREFIX}/{directory}/{name}" for name in files]
    return sorted(names)
