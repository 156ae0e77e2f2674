"""The evidence of a backup (services/backups.py): its rows in the document, its files in an archive beside it.

The document lists each piece of evidence of an assessment (`evidence`: title,
question, dates, and for a file its name, type, size and SHA-256; a link needs
no file). The files are in a ZIP archive beside the JSON (`<file>.evidence.zip`),
one member per content, named by its SHA-256. An import reads every member and
checks its hash, size and type against the document before anything is written;
a missing, extra or different file is a problem located at the evidence and its
assessment, and nothing is imported. The files are stored last and removed
again if the import fails after all.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from assessment import models
from assessment.domain.evidence import FileRefused, file_kind, safe_file_name
from assessment.services.evidence import evidence_storage, stored_name_for
from assessment.services.plan import link_is_allowed

ARCHIVE_SUFFIX = ".evidence.zip"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 64 * 1024
IMPORTED = "Imported from a backup"
EVIDENCE_KEYS = {"question", "kind", "title", "link", "file", "valid_until", "added_by", "added_at"}
FILE_KEYS = {"name", "content_type", "size", "sha256"}

# The checks of backups.py, passed in so that both modules share one wording: text, date and time, username.
Checks = Any


def archive_path_for(document: Path) -> Path:
    return document.with_name(document.name + ARCHIVE_SUFFIX)


# ---------------------------------------------------------------- export


def evidence_export(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each assessment's evidence as the document writes it, by assessment id; one query."""
    documents: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        models.Evidence.objects.filter(assessment_id__in=ids)
        .select_related("added_by")
        .order_by("assessment_id", "question_key", "added_at", "pk")
    )
    for evidence in rows:
        item: dict[str, Any] = {"question": evidence.question_key, "kind": evidence.kind, "title": evidence.title}
        if evidence.is_file:
            item["file"] = {
                "name": evidence.original_name,
                "content_type": evidence.content_type,
                "size": evidence.size,
                "sha256": evidence.sha256,
            }
        else:
            item["link"] = evidence.url
        item.update(
            valid_until=evidence.valid_until.isoformat() if evidence.valid_until else None,
            added_by=evidence.added_by.get_username() if evidence.added_by is not None else None,
            added_at=evidence.added_at.isoformat(),
        )
        documents[evidence.assessment_id].append(item)
    return documents


class EvidenceUnreadable(Exception):
    """An evidence file the document names cannot be read from the evidence storage."""


def backup_write(data: dict[str, Any], text: str, output: Path) -> int:
    """Write the document `text` to `output` and its evidence files to the archive beside it, both or neither.

    Each is written under a temporary name first, so a failure leaves the previous backup at that
    path as it was; an archive left there by an earlier backup with files is removed when this one
    has none (an import would read it and refuse its extra files). Returns how many files were archived.
    """
    archive = archive_path_for(output)
    partial = output.with_name(output.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        archived = evidence_archive_write(data, archive)
        if not archived:
            archive.unlink(missing_ok=True)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return archived


def evidence_archive_write(data: dict[str, Any], path: Path) -> int:
    """Write the files of the document's evidence to the archive `path`; returns how many. None, no archive."""
    wanted = {
        item["file"]["sha256"]
        for assessment in data["assessments"]
        for item in assessment.get("evidence", [])
        if "file" in item
    }
    if not wanted:
        return 0
    stored = dict(
        models.Evidence.objects.filter(sha256__in=wanted, kind=models.Evidence.FILE)
        .order_by("sha256", "pk")
        .values_list("sha256", "stored_name")
    )
    storage = evidence_storage()
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for sha256 in sorted(wanted):
                try:
                    source = storage.open(stored[sha256], "rb")
                except OSError as exc:
                    raise EvidenceUnreadable(
                        f"the evidence file {sha256} (stored as {stored[sha256]}) cannot be read from the "
                        f"evidence storage: {exc.strerror or exc}"
                    ) from exc
                with source, archive.open(sha256, "w", force_zip64=True) as member:
                    shutil.copyfileobj(source, member, CHUNK)
        partial.replace(path)  # a backup is whole or absent
    finally:
        partial.unlink(missing_ok=True)
    return len(wanted)


# ---------------------------------------------------------------- import


@dataclass
class CheckedEvidence:
    question: str
    kind: str
    title: str
    url: str
    name: str
    content_type: str
    size: int
    sha256: str
    valid_until: datetime.date | None
    added_by: str | None
    added_at: datetime.datetime | None
    where: str  # `source: assessments[i] (team "x", "title"): evidence[j] ("title")`


def check_evidence(
    assessment: dict[str, Any], question_keys: set[str], where: str, problems: list[str], checks: Checks
) -> list[CheckedEvidence]:
    """The document's evidence of one assessment, each located; files are checked against the archive later."""
    checked: list[CheckedEvidence] = []
    expected = "an object with question, kind, title, link or file"
    for at, item in checks.objects(assessment, "evidence", where, expected, problems):
        at = f"{at} (“{str(item.get('title'))[:100]}”)"
        checks.unknown_keys(item, EVIDENCE_KEYS, at, problems)
        question, kind = item.get("question"), item.get("kind")
        if question not in question_keys:
            problems.append(f"{at}: question {question!r} is not in this assessment's questionnaire")
        title = checks.item_text(item, "title", at, problems, max_length=models.Evidence.TITLE_MAX_LENGTH)
        evidence = CheckedEvidence(
            question=question if isinstance(question, str) else "",
            kind=kind if isinstance(kind, str) else "",
            title=title,
            url="",
            name="",
            content_type="",
            size=0,
            sha256="",
            valid_until=_date(item.get("valid_until"), f"{at}: valid_until", problems),
            added_by=checks.username(item.get("added_by"), f"{at}: added_by", problems),
            added_at=checks.datetime(item.get("added_at"), f"{at}: added_at", problems, required=False),
            where=at,
        )
        if kind == models.Evidence.LINK:
            _check_link(item, evidence, at, problems)
        elif kind == models.Evidence.FILE:
            _check_file(item, evidence, at, problems, checks)
        else:
            problems.append(f"{at}: kind {kind!r} is not file or link")
            continue
        checked.append(evidence)
    return checked


def _date(value: object, where: str, problems: list[str]) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    problems.append(f"{where}: {value!r} is not a date such as 2027-03-31")
    return None


def _check_link(item: dict[str, Any], evidence: CheckedEvidence, at: str, problems: list[str]) -> None:
    url = item.get("link")
    if "file" in item:
        problems.append(f"{at}: a link has no file")
    if not isinstance(url, str) or len(url) > models.Evidence.URL_MAX_LENGTH or not link_is_allowed(url):
        problems.append(f"{at}: link {str(url)[:100]!r} must start with http:// or https://")
        return
    evidence.url = url


def _check_file(item: dict[str, Any], evidence: CheckedEvidence, at: str, problems: list[str], checks: Checks) -> None:
    described = item.get("file")
    if "link" in item:
        problems.append(f"{at}: a file has no link")
    if not isinstance(described, dict):
        problems.append(f"{at}: file: expected an object with name, content_type, size, sha256")
        return
    at = f"{at}: file"
    checks.unknown_keys(described, FILE_KEYS, at, problems)
    name = checks.item_text(described, "name", at, problems, max_length=200)
    try:
        if name and safe_file_name(name) != name:
            problems.append(f"{at}: name {name!r} is not a plain file name")
    except FileRefused as refused:
        problems.append(f"{at}: name {name!r}: {refused}")
    sha256, size = described.get("sha256"), described.get("size")
    if not isinstance(sha256, str) or not SHA256_RE.match(sha256):
        problems.append(f"{at}: sha256 {sha256!r} is not 64 lowercase hexadecimal digits")
        sha256 = ""
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        problems.append(f"{at}: size {size!r} is not a positive number of bytes")
        size = 0
    evidence.name, evidence.sha256, evidence.size = name, sha256, size
    evidence.content_type = checks.item_text(described, "content_type", at, problems, max_length=100)


def check_archive(evidence: list[CheckedEvidence], archive: Path | None, problems: list[str]) -> None:
    """Every file of `evidence` in the archive with its hash, size and type, and nothing else; reads every member."""
    by_sha: dict[str, list[CheckedEvidence]] = defaultdict(list)
    for item in evidence:
        if item.kind == models.Evidence.FILE and item.sha256:
            by_sha[item.sha256].append(item)
    if archive is None or not archive.exists():
        for items in by_sha.values():
            problems += [f"{i.where}: file {i.sha256} is missing: no archive {archive} beside the file" for i in items]
        return
    try:
        with zipfile.ZipFile(archive) as opened:
            _check_members(opened, by_sha, archive, problems)
    except (zipfile.BadZipFile, OSError) as error:
        problems.append(f"{archive}: not a readable ZIP archive of evidence files ({error})")


def _check_members(
    opened: zipfile.ZipFile, by_sha: dict[str, list[CheckedEvidence]], archive: Path, problems: list[str]
) -> None:
    seen: set[str] = set()
    for info in opened.infolist():
        if info.filename in seen:
            problems.append(f"{archive}: {info.filename}: the archive holds this member twice")
            continue
        seen.add(info.filename)
        items = by_sha.get(info.filename)
        if not items:
            problems.append(f"{archive}: {info.filename}: an extra file, which no evidence of the document names")
            continue
        digest, size = hashlib.sha256(), 0
        with opened.open(info) as member:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        for item in items:
            if digest.hexdigest() != item.sha256:
                problems.append(f"{item.where}: the archive's file {item.sha256} has SHA-256 {digest.hexdigest()}")
            elif size != item.size:
                problems.append(f"{item.where}: the archive's file is {size} bytes, the document says {item.size}")
            else:
                _check_type(opened, info, item, problems)
    for sha256, items in by_sha.items():
        if sha256 not in seen:
            problems += [f"{i.where}: file {sha256} is missing from the archive {archive}" for i in items]


def _check_type(opened: zipfile.ZipFile, info: zipfile.ZipInfo, item: CheckedEvidence, problems: list[str]) -> None:
    """The type decided from the content again, as on upload: a backup cannot turn a page into a PDF."""
    with opened.open(info) as member:
        try:
            kind = file_kind(member, item.name)
        except FileRefused as refused:
            problems.append(f"{item.where}: the archive's file is refused as evidence: {refused}")
            return
    if kind.content_type != item.content_type:
        problems.append(f"{item.where}: content_type {item.content_type!r}, but the file is {kind.content_type}")


def evidence_create(assessment: models.Assessment, items: Iterable[CheckedEvidence]) -> int:
    """The rows of checked evidence, each with its history entry dated when it was added; returns how many."""
    items = list(items)
    named = {item.added_by for item in items} - {None}
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=named)}
    for item in items:
        user = users.get(item.added_by or "")
        evidence = models.Evidence(
            assessment=assessment,
            question_key=item.question,
            kind=item.kind,
            title=item.title,
            url=item.url,
            stored_name=stored_name_for(item.sha256) if item.kind == models.Evidence.FILE else "",
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            valid_until=item.valid_until,
            added_by=user,
            added_at=item.added_at or datetime.datetime.now(tz=datetime.UTC),
        )
        tracked: Any = evidence  # django-simple-history reads these attributes, unknown to the model's type
        tracked._history_user = user
        tracked._change_reason = IMPORTED
        tracked._history_date = evidence.added_at
        evidence.save()
    return len(items)


def evidence_files_store(archive: Path | None, sha256s: set[str], stored: Callable[[str], None]) -> None:
    """Store the archive's files of `sha256s` that storage does not hold yet; `stored(name)` is told each one."""
    if not sha256s or archive is None:
        return
    storage = evidence_storage()
    with zipfile.ZipFile(archive) as opened:
        for sha256 in sorted(sha256s):
            name = stored_name_for(sha256)
            if storage.exists(name):
                continue
            with opened.open(sha256) as member:
                saved = storage.save(name, member)
            stored(saved)
