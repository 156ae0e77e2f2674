"""Writes of questionnaire versions: the edit guard, checks after an edit, new drafts, publish, import.

The rules of a questionnaire live in one place, the file loader
(domain/schema.py). To check a version edited in the admin, its content is
written out as the file format and read back through that same loader, so an
edit is held to exactly the rules a file is.

Rules of this module (also in the README, "Editing questionnaires"):

- A version that any assessment uses is *locked*: nothing in it may change,
  text included, so an old assessment always shows the questions it answered
  and keeps its scores. Changes go into a new draft version.
- A draft may be unfinished while it is built (an area with no questions yet, a
  question with fewer than two choices); every other rule refuses the edit.
  Publishing refuses a draft with any problem.
- An unused published version may be edited, but only to another complete,
  valid questionnaire.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.domain.schema import QuestionnaireInvalid, parse_questionnaire, questionnaire_to_dict
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.plan import plan_progress_store
from assessment.services.questionnaires import (
    CREATED,
    REPLACED,
    UNCHANGED,
    LoadOutcome,
    QuestionnaireConflict,
    content_digest,
    questionnaire_load,
    questionnaire_plan,
)
from assessment.services.reports import reports_queue_for_version
from assessment.services.summaries import summaries_store_for_version

IMPORT_MAX_BYTES = 1024 * 1024
_FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOCATION = re.compile(r"^.*?:\d+: ")


class VersionLocked(Exception):
    """The version is used by assessments, so its content may not change."""


class VersionInvalid(Exception):
    """A version breaks the rules of the questionnaire format; `problems` says how."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class ImportRefused(Exception):
    """An uploaded file that is valid but may not be loaded from the admin."""


@dataclass
class VersionCheck:
    """The problems of a version's content after an edit."""

    problems: list[str] = field(default_factory=list)  # broken rules
    unfinished: list[str] = field(default_factory=list)  # allowed in a draft, refused at publish

    def blocking(self, version: models.QuestionnaireVersion) -> list[str]:
        if version.status == models.QuestionnaireVersion.DRAFT:
            return self.problems
        return self.problems + self.unfinished


# --- The guard ----------------------------------------------------------------


def version_is_locked(version: models.QuestionnaireVersion) -> bool:
    """True when any assessment uses the version: its content is then frozen."""
    return version.pk is not None and models.Assessment.objects.filter(questionnaire_id=version.pk).exists()


def version_ensure_editable(version: models.QuestionnaireVersion) -> None:
    """Raise VersionLocked unless the version's content may change. Locks the row for the transaction."""
    if version.pk is None:
        return
    models.QuestionnaireVersion.objects.select_for_update().filter(pk=version.pk).first()
    count = models.Assessment.objects.filter(questionnaire_id=version.pk).count()
    if count:
        raise VersionLocked(version_locked_message(version, count))


def version_locked_message(version: models.QuestionnaireVersion, count: int | None = None) -> str:
    if count is None:
        count = models.Assessment.objects.filter(questionnaire_id=version.pk).count()
    return (
        f'"{version.slug} {version.version}" is used by {count} assessment(s), so it cannot change: '
        'their scores and questions must stay as they were. Use "New draft version" to make an editable copy.'
    )


# --- Checks -------------------------------------------------------------------


def questionnaire_problems(questionnaire: domain.Questionnaire) -> list[str]:
    """Every rule of the file format that `questionnaire` breaks, as messages naming the item and key.

    The content goes through the loader itself, so admin edits and files obey one set of rules.
    """
    if not questionnaire.scale:
        return ["scale: the questionnaire has no scale levels; add at least two"]
    # The plain (C) dumper: the readable writer of schema.py is several times slower, and
    # nobody reads this text. Both quote what would read back as another type.
    text = yaml.dump(questionnaire_to_dict(questionnaire), Dumper=_FAST_DUMPER, sort_keys=False, allow_unicode=True)
    try:
        parse_questionnaire(text, "questionnaire")
    except QuestionnaireInvalid as error:
        # Line numbers would point into a file the editor never saw; the messages name the item.
        return list(dict.fromkeys(_LOCATION.sub("", str(problem)) for problem in error.problems))
    return []


def _finished_part(questionnaire: domain.Questionnaire) -> tuple[domain.Questionnaire, list[str]]:
    """The questionnaire without the pieces a draft may still lack, and a message for each."""
    unfinished = []
    areas = []
    for area in questionnaire.areas:
        questions = []
        for question in area.questions:
            if len(question.choices) < 2:
                unfinished.append(
                    f'question "{question.id}" (area "{area.id}") has {len(question.choices)} choice(s); '
                    "it needs at least two"
                )
            else:
                questions.append(question)
        if not questions and area.questions:
            unfinished.append(f'area "{area.id}" has no question with at least two choices yet')
        elif not area.questions:
            unfinished.append(f'area "{area.id}" has no questions yet')
        if questions:
            areas.append(dataclasses.replace(area, questions=tuple(questions)))
    if not areas:
        return questionnaire, []  # nothing finished to check apart: the loader reports it
    return dataclasses.replace(questionnaire, areas=tuple(areas)), unfinished


def _cross_version_links(version: models.QuestionnaireVersion) -> list[str]:
    """Links to practices of another version: the domain rebuild would hide them, so look in the tables."""

    def another(label: str, other: models.QuestionnaireVersion) -> str:
        return f'{label} of another version ("{other.version}")'

    def question_choice(choice: models.Choice) -> str:
        return f'question "{choice.question.key}", choice level {choice.level}'

    Check = tuple[QuerySet[Any], str, Callable[[Any], str]]

    def practices_links(links: QuerySet[Any], where: Callable[[Any], str]) -> Check:
        """The `practices` links of a question or a choice (`where` names it) to another version."""
        return (
            links.select_related("practice__questionnaire"),
            "practice__questionnaire",
            lambda link: (
                f"{where(link)}: practices links to "
                + another(f'practice "{link.practice.key}"', link.practice.questionnaire)
            ),
        )

    # Each: the links of this version (with what the message reads), the lookup
    # from a link to the version it points to, and the message.
    checks: list[Check] = [
        practices_links(
            models.QuestionPractice.objects.filter(question__area__questionnaire=version).select_related("question"),
            lambda link: f'question "{link.question.key}"',
        ),
        (
            models.PracticeRequirement.objects.filter(practice__questionnaire=version).select_related(
                "practice", "required__questionnaire"
            ),
            "required__questionnaire",
            lambda link: (
                f'practice "{link.practice.key}": requires names '
                + another(f'practice "{link.required.key}"', link.required.questionnaire)
            ),
        ),
        practices_links(
            models.ChoicePractice.objects.filter(choice__question__area__questionnaire=version).select_related(
                "choice__question"
            ),
            lambda link: question_choice(link.choice),
        ),
        (
            models.ChoiceNeed.objects.filter(choice__question__area__questionnaire=version).select_related(
                "choice__question", "question__area__questionnaire"
            ),
            "question__area__questionnaire",
            lambda need: (
                f"{question_choice(need.choice)}: needs names "
                + another(f'question "{need.question.key}"', need.question.area.questionnaire)
            ),
        ),
    ]
    return [message(link) for links, target, message in checks for link in links.exclude(**{target: version})]


def _phases_sized_twice(version: models.QuestionnaireVersion) -> list[str]:
    """A phase given both a size and a budget: the rebuilt domain keeps only the budget, so look at the row."""
    return [
        f"phase_budget: {phase} is also given in phase_sizes: size a phase by steps or by effort points, "
        f"not both (empty the steps in {phase.title()})"
        for phase, size, budget in (
            ("now", version.phase_now, version.budget_now),
            ("next", version.phase_next, version.budget_next),
        )
        if size is not None and budget is not None
    ]


def version_check(version: models.QuestionnaireVersion) -> VersionCheck:
    """The problems of the version's content as stored now."""
    questionnaire = questionnaire_domain(version)
    finished, unfinished = _finished_part(questionnaire)
    return VersionCheck(
        problems=_cross_version_links(version) + _phases_sized_twice(version) + questionnaire_problems(finished),
        unfinished=unfinished,
    )


def version_content_changed(version: models.QuestionnaireVersion) -> VersionCheck:
    """Call after any write to a version's content: bumps updated_at, recomputes the digest, checks.

    `updated_at` keys the in-memory questionnaire cache and the PDF cache, and the
    digest lets a reloaded file be compared with the edited content.
    """
    version = models.QuestionnaireVersion.objects.get(pk=version.pk)
    version.updated_at = timezone.now()  # a fresh cache key, so the rebuild sees this transaction's rows
    questionnaire = questionnaire_domain(version)
    version.content_digest = content_digest(questionnaire)
    version.save(update_fields=["content_digest", "updated_at"])
    reports_queue_for_version(version.pk)  # submitted assessments' PDFs show the content
    summaries_store_for_version(version.pk)  # and so do their stored figures (and their actions' progress)
    # Drafts' teams too: a question gone from their newest version retires their actions on it.
    drafts = version.assessments.exclude(status=models.Assessment.SUBMITTED)
    plan_progress_store(drafts.values_list("team_id", flat=True))
    return version_check(version)


# --- New draft, publish -------------------------------------------------------

_DRAFT_SUFFIX = re.compile(r"-draft(-\d+)?$")


def next_draft_version_string(version: models.QuestionnaireVersion) -> str:
    """ "2026.1" -> "2026.1-draft", then "2026.1-draft-2", ...: the first one not taken."""
    base = _DRAFT_SUFFIX.sub("", version.version)[:40] + "-draft"
    taken = set(models.QuestionnaireVersion.objects.filter(slug=version.slug).values_list("version", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def version_new_draft(version: models.QuestionnaireVersion, *, new_version: str = "") -> models.QuestionnaireVersion:
    """A draft copy of `version` (all its content), under a new version string, for editing."""
    new_version = new_version.strip() or next_draft_version_string(version)
    if models.QuestionnaireVersion.objects.filter(slug=version.slug, version=new_version).exists():
        raise VersionInvalid([f'version "{new_version}" of "{version.slug}" already exists; choose another'])
    copy = dataclasses.replace(questionnaire_domain(version), version=new_version)
    outcome = questionnaire_load(
        copy, loaded_from=f"copy of {version.slug} {version.version}", status=models.QuestionnaireVersion.DRAFT
    )
    assert outcome.version is not None  # questionnaire_load always stores the version it loads
    _record_initial_history(outcome.version, f"Copied from {version.slug} {version.version}")
    return outcome.version


def _record_initial_history(version: models.QuestionnaireVersion, reason: str) -> None:
    """History rows for content written with bulk_create (which skips history), so later edits show "from what"."""
    content = [
        models.ScaleLevel.objects.filter(questionnaire=version),
        models.Practice.objects.filter(questionnaire=version),
        models.PracticeReference.objects.filter(practice__questionnaire=version),
        models.PracticeRequirement.objects.filter(practice__questionnaire=version),
        models.Question.objects.filter(area__questionnaire=version),
        models.QuestionPractice.objects.filter(question__area__questionnaire=version),
        models.Choice.objects.filter(question__area__questionnaire=version),
        models.ChoicePractice.objects.filter(choice__question__area__questionnaire=version),
        models.ChoiceNeed.objects.filter(choice__question__area__questionnaire=version),
        models.ProfileQuestion.objects.filter(questionnaire=version),
        models.ProfileChoice.objects.filter(question__questionnaire=version),
    ]  # areas are saved one by one, so they have theirs already
    for queryset in content:
        tracked: Any = queryset.model  # `history` comes from django-simple-history, unknown to the model's type
        tracked.history.bulk_history_create(list(queryset), default_change_reason=reason)


@transaction.atomic
def version_publish(version: models.QuestionnaireVersion) -> models.QuestionnaireVersion:
    """Make a complete, valid draft the version new assessments start with."""
    version = models.QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == models.QuestionnaireVersion.PUBLISHED:
        raise VersionInvalid([f'"{version.slug} {version.version}" is already published'])
    check = version_check(version)
    problems = check.problems + check.unfinished
    if problems:
        raise VersionInvalid(problems)
    version.status = models.QuestionnaireVersion.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    return version


# --- Import from an uploaded file ---------------------------------------------


def _changed_fields(old: object, new: object, names: list[str]) -> list[str]:
    return [name for name in names if getattr(old, name) != getattr(new, name)]


_Item = domain.Practice | domain.Area | domain.Question | domain.ProfileQuestion


def content_differences(old: domain.Questionnaire, new: domain.Questionnaire) -> list[str]:
    """What changes from `old` to `new`, one line per added, removed or changed item, in file order."""
    lines = []
    top = _changed_fields(
        old, new, ["title", "summary", "source", "default_target", "phase_sizes", "phase_budget", "format"]
    )
    if old.scale != new.scale:
        top.append("scale")
    if top:
        lines.append(f"questionnaire: {', '.join(top)} changed")
    sections: list[tuple[str, Sequence[_Item], Sequence[_Item], list[str]]] = [
        ("profile question", old.profile, new.profile, ["text", "help", "choices"]),
        (
            "practice",
            old.practices,
            new.practices,
            ["title", "summary", "url", "effort", "references", "note", "requires"],
        ),
        ("area", old.areas, new.areas, ["title", "summary", "weight", "applies_when"]),
        (
            "question",
            [q for _, q in old.questions()],
            [q for _, q in new.questions()],
            [
                "text",
                "help",
                "weight",
                "not_applicable",
                "foundation",
                "practices",
                "applies_when",
                "foundation_when",
                "owner",
            ],
        ),
    ]
    for kind, old_items, new_items, fields in sections:
        before = {item.id: item for item in old_items}
        after = {item.id: item for item in new_items}
        for item in new_items:
            if item.id not in before:
                lines.append(f'{kind} "{item.id}" added')
            else:
                earlier = before[item.id]
                changed = _changed_fields(earlier, item, fields)
                if isinstance(earlier, domain.Question) and isinstance(item, domain.Question):
                    changed += _choice_differences(earlier, item)
                if changed:
                    lines.append(f'{kind} "{item.id}": {", ".join(changed)} changed')
        lines += [f'{kind} "{item.id}" removed' for item in old_items if item.id not in after]
    return lines


def _choice_differences(old: domain.Question, new: domain.Question) -> list[str]:
    """ "choices" when levels or texts change; else the roadmap keys that change, per choice level."""
    if [(c.level, c.text) for c in old.choices] != [(c.level, c.text) for c in new.choices]:
        return ["choices"]
    changed = []
    for before, after in zip(old.choices, new.choices, strict=True):  # the same levels, checked above
        keys = _changed_fields(before, after, ["practices", "stage", "needs"])
        if keys:
            changed.append(f"choice {after.level} {' and '.join(keys)}")
    return changed


@dataclass
class ImportPreview:
    questionnaire: domain.Questionnaire
    outcome: LoadOutcome
    compared_with: models.QuestionnaireVersion | None = None
    differences: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.outcome.action

    @property
    def counts(self) -> dict[str, int]:
        q = self.questionnaire
        counts = {
            "areas": len(q.areas),
            "questions": sum(len(a.questions) for a in q.areas),
            "practices": len(q.practices),
        }
        if q.format == 2:
            counts["profile"] = len(q.profile)
        return counts

    @property
    def format2_lines(self) -> list[str]:
        """The format 2 keys the file sets, one line each (none for a format 1 file)."""
        q = self.questionnaire
        lines = [
            f'Profile question "{question.id}": '
            + "; ".join(f"{c.id} ({', '.join(c.tags) or 'no tags'})" for c in question.choices)
            for question in q.profile
        ]
        lines += [
            f'Area "{area.id}" applies when: {", ".join(area.applies_when)}' for area in q.areas if area.applies_when
        ]
        for _, question in q.questions():
            if question.applies_when:
                lines.append(f'Question "{question.id}" applies when: {", ".join(question.applies_when)}')
            if question.foundation_when:
                lines.append(f'Question "{question.id}" is a duty when: {", ".join(question.foundation_when)}')
            if question.owner == domain.OWNER_AGENCY:
                lines.append(f'Question "{question.id}" is owned by the agency')
        budget = q.phase_budget
        lines += [
            f"Phase budget: {phase} holds {points} effort points"
            for phase, points in (("Now", budget.now), ("Next", budget.next))
            if points is not None
        ]
        return lines


def questionnaire_import_preview(data: bytes | str, filename: str) -> ImportPreview:
    """What importing the file would do, writing nothing.

    Raises QuestionnaireInvalid (located problems), QuestionnaireConflict or ImportRefused.
    """
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > IMPORT_MAX_BYTES:
        raise ImportRefused(f"{filename} is {size} bytes; files over 1 MiB ({IMPORT_MAX_BYTES} bytes) are refused")
    questionnaire = parse_questionnaire(data, filename)
    outcome = questionnaire_plan(questionnaire)
    replaced = outcome.version if outcome.action == REPLACED else None
    if replaced is not None and replaced.status == models.QuestionnaireVersion.PUBLISHED:
        raise ImportRefused(
            f'version "{questionnaire.version}" of "{questionnaire.slug}" is already published with other '
            "content; give the file a new version (it will be imported as a draft)"
        )
    preview = ImportPreview(questionnaire, outcome)
    if outcome.action != UNCHANGED:
        # Against the version it replaces, else the newest version of the same questionnaire.
        base = (
            outcome.version
            or models.QuestionnaireVersion.objects.filter(slug=questionnaire.slug)
            .order_by("-created_at", "-pk")
            .first()
        )
        if base is not None:
            preview.compared_with = base
            preview.differences = content_differences(questionnaire_domain(base), questionnaire)
    return preview


@transaction.atomic
def questionnaire_import(data: bytes | str, filename: str) -> ImportPreview:
    """Validate the file again and load it as a draft (or do nothing when already loaded unchanged)."""
    preview = questionnaire_import_preview(data, filename)
    if preview.action == UNCHANGED:
        return preview
    outcome = questionnaire_load(preview.questionnaire, loaded_from=filename, status=models.QuestionnaireVersion.DRAFT)
    assert outcome.version is not None  # questionnaire_load always stores the version it loads
    _record_initial_history(outcome.version, f"Imported from {filename}")
    return ImportPreview(preview.questionnaire, outcome)


__all__ = [
    "CREATED",
    "IMPORT_MAX_BYTES",
    "REPLACED",
    "UNCHANGED",
    "ImportPreview",
    "ImportRefused",
    "QuestionnaireConflict",
    "QuestionnaireInvalid",
    "VersionCheck",
    "VersionInvalid",
    "VersionLocked",
    "next_draft_version_string",
    "questionnaire_import",
    "questionnaire_import_preview",
    "questionnaire_problems",
    "version_check",
    "version_content_changed",
    "version_ensure_editable",
    "version_is_locked",
    "version_new_draft",
    "version_publish",
]
