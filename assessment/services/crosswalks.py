"""Writes of crosswalk revisions (docs/questionnaire-format.md, section 7) and of what an assessment was evaluated with.

A revision that an assessment was evaluated with is read-only: loading a
changed file under the same revision is refused, as a questionnaire version in
use is (services/questionnaires.py). The file's own rules are checked by the
loader (domain/crosswalk_loader.py) before anything here runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.domain.crosswalk import ITEM_STATUSES, Crosswalk, crosswalk_status
from assessment.domain.crosswalk_loader import crosswalk_to_dict, parse_crosswalk
from assessment.domain.profile import team_tags
from assessment.domain.schema import Problem
from assessment.selectors.crosswalks import crosswalk_current, crosswalk_domain
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.selectors.summaries import answers_for_assessments, profiles_for_assessments, targets_for_assessments
from assessment.services.questionnaires import CREATED, REPLACED, UNCHANGED, load_action

IMPORT_MAX_BYTES = 1024 * 1024


class CrosswalkConflict(Exception):
    """The file cannot be stored: its questionnaire version is missing, or its revision is in use with other content."""


@dataclass(frozen=True)
class CrosswalkOutcome:
    action: str  # CREATED | REPLACED | UNCHANGED
    revision: models.CrosswalkRevision | None  # None only from crosswalk_plan for a new revision

    def describe(self, crosswalk: Crosswalk) -> str:
        what = f'crosswalk revision "{crosswalk.revision}" of {crosswalk.questionnaire_slug} {crosswalk.questionnaire_version}'
        return {CREATED: f"loaded {what}", REPLACED: f"replaced {what} (unused)", UNCHANGED: f"{what} unchanged"}[
            self.action
        ]


def crosswalk_digest(crosswalk: Crosswalk) -> str:
    canonical = json.dumps(crosswalk_to_dict(crosswalk), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _version_of(crosswalk: Crosswalk) -> models.QuestionnaireVersion:
    version = models.QuestionnaireVersion.objects.filter(
        slug=crosswalk.questionnaire_slug, version=crosswalk.questionnaire_version
    ).first()
    if version is None:
        raise CrosswalkConflict(
            f'questionnaire "{crosswalk.questionnaire_slug}" version "{crosswalk.questionnaire_version}" is not loaded'
        )
    return version


def crosswalk_plan(crosswalk: Crosswalk) -> CrosswalkOutcome:
    """What loading would do, without writing. Raises CrosswalkConflict when refused."""
    version = _version_of(crosswalk)
    existing = models.CrosswalkRevision.objects.filter(questionnaire=version, revision=crosswalk.revision).first()
    action = load_action(
        existing,
        crosswalk_digest(crosswalk),
        users=lambda revision: revision.evaluations.all(),
        refusal=lambda count: CrosswalkConflict(
            f'crosswalk revision "{crosswalk.revision}" is already loaded with different content and '
            f"{count} assessment(s) were evaluated with it; give the changed file a new revision"
        ),
    )
    return CrosswalkOutcome(action, existing)


@transaction.atomic
def crosswalk_load(crosswalk: Crosswalk, *, text: str, loaded_from: str = "") -> CrosswalkOutcome:
    """Store a checked crosswalk as a revision of its questionnaire version; the same content again is a no-op."""
    outcome = crosswalk_plan(crosswalk)
    if outcome.action == UNCHANGED:
        return outcome
    revision = outcome.revision or models.CrosswalkRevision(
        questionnaire=_version_of(crosswalk), revision=crosswalk.revision
    )
    revision.source_text = text
    revision.content = crosswalk_to_dict(crosswalk)
    revision.content_digest = crosswalk_digest(crosswalk)
    revision.loaded_from = loaded_from
    revision.save()
    return CrosswalkOutcome(outcome.action, revision)


def stored_questionnaire_of(slug: str, version: str) -> domain.Questionnaire | None:
    """The lookup the crosswalk loader needs, from the questionnaire versions in the database."""
    found = models.QuestionnaireVersion.objects.filter(slug=slug, version=version).first()
    return questionnaire_domain(found) if found is not None else None


def crosswalk_import(data: bytes | str, filename: str) -> tuple[CrosswalkOutcome, Crosswalk, list[Problem]]:
    """Check and store an uploaded crosswalk file (the admin's import). Raises CrosswalkInvalid or CrosswalkConflict."""
    crosswalk, warnings = parse_crosswalk(data, filename, stored_questionnaire_of)
    text = data.decode("utf-8") if isinstance(data, bytes) else data  # the loader accepted it as UTF-8
    return crosswalk_load(crosswalk, text=text, loaded_from=filename), crosswalk, warnings


def crosswalk_evaluations_record(assessments: list[models.Assessment]) -> dict[int, models.CrosswalkRevision]:
    """The crosswalk revision each submitted assessment is evaluated with, recorded the first time.

    Called when their figures are stored (a submit, recompute_summaries): an
    assessment that has a revision recorded keeps it; one without gets its
    version's current revision. Assessments whose version has no crosswalk are left out.
    """
    ids = [assessment.pk for assessment in assessments]
    recorded = {
        evaluation.assessment_id: evaluation.crosswalk
        for evaluation in models.CrosswalkEvaluation.objects.filter(assessment_id__in=ids).select_related("crosswalk")
    }
    current: dict[int, models.CrosswalkRevision | None] = {}
    new = []
    now = timezone.now()
    for assessment in assessments:
        if assessment.pk in recorded:
            continue
        if assessment.questionnaire_id not in current:
            current[assessment.questionnaire_id] = crosswalk_current(assessment.questionnaire_id)
        revision = current[assessment.questionnaire_id]
        if revision is not None:
            recorded[assessment.pk] = revision
            new.append(models.CrosswalkEvaluation(assessment=assessment, crosswalk=revision, evaluated_at=now))
    models.CrosswalkEvaluation.objects.bulk_create(new)
    return recorded


def framework_summaries_build(assessments: list[models.Assessment]) -> list[models.FrameworkSummary]:
    """The per-framework rows of these submitted assessments' summaries (services/summaries.py saves them)."""
    revisions = crosswalk_evaluations_record(assessments)
    ids = list(revisions)
    if not ids:
        return []
    answers, targets = answers_for_assessments(ids), targets_for_assessments(ids)
    profiles = profiles_for_assessments(ids) if any(a.questionnaire.format == 2 for a in assessments) else {}
    crosswalks: dict[int, Crosswalk] = {}
    rows = []
    for assessment in assessments:
        revision = revisions.get(assessment.pk)
        if revision is None:
            continue
        if revision.pk not in crosswalks:
            crosswalks[revision.pk] = crosswalk_domain(revision)
        questionnaire = questionnaire_domain(assessment.questionnaire)
        profile = profiles.get(assessment.pk, {})
        statuses = crosswalk_status(
            questionnaire,
            crosswalks[revision.pk],
            answers.get(assessment.pk, {}),
            targets.get(assessment.pk, {}),
            profile=profile,
        )
        tags = sorted(team_tags(questionnaire, profile))
        rows += [
            models.FrameworkSummary(
                summary_id=assessment.pk,
                framework_key=status.framework.id,
                title=status.framework.title,
                **{name: status.counts[name] for name in ITEM_STATUSES},
                applicable=status.applicable,
                share_met=status.share_met,
                item_statuses=[[item.item.id, item.status] for item in status.items],
                team_tags=tags,
            )
            for status in statuses
        ]
    return rows


__all__ = [
    "IMPORT_MAX_BYTES",
    "CrosswalkConflict",
    "CrosswalkOutcome",
    "crosswalk_digest",
    "crosswalk_evaluations_record",
    "crosswalk_import",
    "crosswalk_load",
    "crosswalk_plan",
    "framework_summaries_build",
    "stored_questionnaire_of",
]
