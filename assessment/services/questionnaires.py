"""Writes of questionnaire content: loading a parsed file into the database."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain

CREATED = "created"
UNCHANGED = "unchanged"
REPLACED = "replaced"


class QuestionnaireConflict(Exception):
    """The database refuses a file: its (slug, version) is in use with other content."""


@dataclass
class LoadOutcome:
    action: str  # CREATED | UNCHANGED | REPLACED
    version: models.QuestionnaireVersion | None

    def describe(self, questionnaire: domain.Questionnaire) -> str:
        counts = (
            f"{len(questionnaire.areas)} areas, "
            f"{sum(len(a.questions) for a in questionnaire.areas)} questions, "
            f"{len(questionnaire.practices)} practices"
        )
        what = {
            CREATED: "created",
            UNCHANGED: "unchanged, already loaded",
            REPLACED: "replaced (no assessment used it)",
        }
        return f"{questionnaire.slug} {questionnaire.version}: {what[self.action]} ({counts})"


def _normalized(value: object) -> object:
    # Weights read back from the database are floats; 1 and 1.0 are the same content.
    if isinstance(value, dict):
        return {k: float(v) if k == "weight" else _normalized(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalized(v) for v in value]
    return value


def _without_default_roadmap_keys(data: dict[str, Any]) -> dict[str, Any]:
    """The content without roadmap keys left at their defaults.

    So a questionnaire that uses none of them keeps the digest it had before
    they existed, and loading it again stays a no-op.
    """
    if data["phase_sizes"] == dataclasses.asdict(domain.PhaseSizes()):
        del data["phase_sizes"]
    # Format 2's keys at their defaults (none in a format 1 file), so format 1 digests stay as they were.
    if not data["profile"]:
        del data["profile"]
    if data["phase_budget"] == dataclasses.asdict(domain.PhaseBudget()):
        del data["phase_budget"]
    for area in data["areas"]:
        if not area["applies_when"]:
            del area["applies_when"]
        for question in area["questions"]:
            if not question["foundation"]:
                del question["foundation"]
            for key in ("applies_when", "foundation_when"):
                if not question[key]:
                    del question[key]
            if question["owner"] == domain.OWNER_TEAM:
                del question["owner"]
            for choice in question["choices"]:
                for key, default in (("practices", None), ("stage", None), ("needs", [])):
                    if choice[key] == default or (key == "needs" and choice[key] == ()):
                        del choice[key]
    return data


def content_digest(questionnaire: domain.Questionnaire) -> str:
    content = _without_default_roadmap_keys(dataclasses.asdict(questionnaire))
    canonical = json.dumps(_normalized(content), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class StoredContent(Protocol):
    content_digest: str


Stored = TypeVar("Stored", bound=StoredContent)


def load_action(
    existing: Stored | None,
    digest: str,
    *,
    users: Callable[[Stored], QuerySet[Any]],
    refusal: Callable[[int], Exception],
) -> str:
    """What loading content of `digest` where `existing` is stored does: CREATED, UNCHANGED or REPLACED.

    Content that something uses (`users` of the stored row: assessments of a questionnaire
    version, evaluations of a crosswalk revision) is never replaced: `refusal(how many)` is raised.
    """
    if existing is None:
        return CREATED
    if existing.content_digest == digest:
        return UNCHANGED
    using = users(existing)
    if using.exists():
        raise refusal(using.count())
    return REPLACED


def questionnaire_plan(questionnaire: domain.Questionnaire) -> LoadOutcome:
    """What loading would do, without writing. Raises QuestionnaireConflict when refused."""
    existing = models.QuestionnaireVersion.objects.filter(
        slug=questionnaire.slug, version=questionnaire.version
    ).first()
    action = load_action(
        existing,
        content_digest(questionnaire),
        users=lambda version: version.assessments.all(),
        refusal=lambda count: QuestionnaireConflict(
            f'version "{questionnaire.version}" of "{questionnaire.slug}" is already loaded with different '
            f"content and {count} assessment(s) use it; give the changed file a new version"
        ),
    )
    return LoadOutcome(action, existing)


@transaction.atomic
def questionnaire_load(
    questionnaire: domain.Questionnaire, *, loaded_from: str = "", status: str = models.QuestionnaireVersion.PUBLISHED
) -> LoadOutcome:
    """Store a validated questionnaire. Identical content already loaded is a no-op."""
    outcome = questionnaire_plan(questionnaire)
    if outcome.action == UNCHANGED:
        return outcome
    version = outcome.version
    if version is not None:  # REPLACED: the old content goes, the row stays
        version.areas.all().delete()
        version.practices.all().delete()
        version.scale_levels.all().delete()
        version.profile_questions.all().delete()
    else:
        version = models.QuestionnaireVersion(slug=questionnaire.slug, version=questionnaire.version)
    source = questionnaire.source or domain.Source(title="")
    for name, value in models.domain_fields(questionnaire, models.QuestionnaireVersion.DOMAIN_FIELDS).items():
        setattr(version, name, value)
    # A phase with a budget has no size (docs/questionnaire-format.md, section 6.3).
    budget = questionnaire.phase_budget
    version.phase_now = None if budget.now is not None else questionnaire.phase_sizes.now
    version.phase_next = None if budget.next is not None else questionnaire.phase_sizes.next
    version.budget_now, version.budget_next = budget.now, budget.next
    version.source_title = source.title
    version.source_publisher = source.publisher
    version.source_url = source.url
    version.status = status
    version.loaded_from = loaded_from
    version.content_digest = content_digest(questionnaire)
    if status == models.QuestionnaireVersion.PUBLISHED and version.published_at is None:
        version.published_at = timezone.now()
    version.save()
    _write_content(version, questionnaire)
    return LoadOutcome(outcome.action, version)


def _write_content(version: models.QuestionnaireVersion, questionnaire: domain.Questionnaire) -> None:
    _write_profile(version, questionnaire.profile)
    models.ScaleLevel.objects.bulk_create(
        models.ScaleLevel(questionnaire=version, **models.domain_fields(s, models.ScaleLevel.DOMAIN_FIELDS))
        for s in questionnaire.scale
    )
    practices = {}
    for position, p in enumerate(questionnaire.practices):
        practices[p.id] = models.Practice(
            questionnaire=version,
            key=p.id,
            **models.domain_fields(p, models.Practice.DOMAIN_FIELDS),
            position=position,
        )
    models.Practice.objects.bulk_create(practices.values())
    models.PracticeReference.objects.bulk_create(
        models.PracticeReference(practice=practices[p.id], title=r.title, url=r.url, position=i)
        for p in questionnaire.practices
        for i, r in enumerate(p.references)
    )
    models.PracticeRequirement.objects.bulk_create(
        models.PracticeRequirement(practice=practices[p.id], required=practices[r], position=i)
        for p in questionnaire.practices
        for i, r in enumerate(p.requires)
    )
    links: list[models.QuestionPractice] = []
    choices: list[tuple[models.Choice, domain.Choice]] = []
    question_rows: dict[str, models.Question] = {}
    for area_position, a in enumerate(questionnaire.areas):
        area = models.Area.objects.create(
            questionnaire=version,
            key=a.id,
            **models.domain_fields(a, models.Area.DOMAIN_FIELDS),
            applies_when=models.tags_text(a.applies_when),
            position=area_position,
        )
        questions = models.Question.objects.bulk_create(
            models.Question(
                area=area,
                key=q.id,
                **models.domain_fields(q, models.Question.DOMAIN_FIELDS),
                applies_when=models.tags_text(q.applies_when),
                foundation_when=models.tags_text(q.foundation_when),
                position=i,
            )
            for i, q in enumerate(a.questions)
        )
        for row, q in zip(questions, a.questions, strict=True):
            question_rows[q.id] = row
            choices.extend(
                (
                    models.Choice(
                        question=row,
                        **models.domain_fields(c, models.Choice.DOMAIN_FIELDS),
                        own_practices=c.practices is not None,
                    ),
                    c,
                )
                for c in q.choices
            )
            links.extend(
                models.QuestionPractice(question=row, practice=practices[key], position=i)
                for i, key in enumerate(q.practices)
            )
    models.Choice.objects.bulk_create(row for row, _ in choices)
    models.QuestionPractice.objects.bulk_create(links)
    models.ChoicePractice.objects.bulk_create(
        models.ChoicePractice(choice=row, practice=practices[key], position=i)
        for row, c in choices
        for i, key in enumerate(c.practices or ())
    )
    models.ChoiceNeed.objects.bulk_create(
        models.ChoiceNeed(choice=row, question=question_rows[need.question_key], level=need.level, position=i)
        for row, c in choices
        for i, need in enumerate(c.needs)
    )


def _write_profile(version: models.QuestionnaireVersion, profile: tuple[domain.ProfileQuestion, ...]) -> None:
    rows = models.ProfileQuestion.objects.bulk_create(
        models.ProfileQuestion(
            questionnaire=version,
            key=q.id,
            **models.domain_fields(q, models.ProfileQuestion.DOMAIN_FIELDS),
            position=i,
        )
        for i, q in enumerate(profile)
    )
    models.ProfileChoice.objects.bulk_create(
        models.ProfileChoice(
            question=row,
            key=c.id,
            **models.domain_fields(c, models.ProfileChoice.DOMAIN_FIELDS),
            tags=models.tags_text(c.tags),
            position=i,
        )
        for row, q in zip(rows, profile, strict=True)
        for i, c in enumerate(q.choices)
    )
