"""Reads of crosswalks: the revision an assessment is measured against, and where it stands item by item.

docs/questionnaire-format.md, section 7. A submitted assessment is shown
against the revision it was evaluated with (services/crosswalks.py records it);
a draft against its version's current revision, the latest loaded. The pages
show what the answers imply; an audit needs evidence as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import BigIntegerField, Subquery
from django.db.models.functions import Coalesce

from assessment import models
from assessment.domain import model as domain
from assessment.domain.crosswalk import (
    Crosswalk,
    FrameworkStatus,
    ItemStatus,
    MappingStatus,
    crosswalk_status,
)
from assessment.domain.crosswalk_loader import crosswalk_from_dict
from assessment.selectors.results import AssessmentResults, RoadmapEntry

EVIDENCE_NOTE = (
    "This shows what your answers imply about each framework, not a finding: "
    "an audit needs evidence as well as these answers."
)


def crosswalk_current(questionnaire_id: int) -> models.CrosswalkRevision | None:
    """The latest loaded revision of a questionnaire version's crosswalk, None when it has none."""
    return (
        models.CrosswalkRevision.objects.filter(questionnaire_id=questionnaire_id)
        .order_by("-created_at", "-pk")
        .first()
    )


def crosswalk_id_of_assessment(assessment: models.Assessment) -> int | None:
    """The pk of `crosswalk_of_assessment`'s revision, in one query (the stored PDF's key)."""
    evaluated = models.CrosswalkEvaluation.objects.filter(assessment=assessment).values("crosswalk_id")
    current = (
        models.CrosswalkRevision.objects.filter(questionnaire_id=assessment.questionnaire_id)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    found = models.Assessment.objects.filter(pk=assessment.pk).values_list(
        Coalesce(Subquery(evaluated), Subquery(current), output_field=BigIntegerField()), flat=True
    )
    return next(iter(found), None)


def crosswalk_of_assessment(assessment: models.Assessment) -> models.CrosswalkRevision | None:
    """The revision a submitted assessment was evaluated with, else (a draft, or none recorded) the current one."""
    evaluation = models.CrosswalkEvaluation.objects.filter(assessment=assessment).select_related("crosswalk").first()
    if evaluation is not None:
        return evaluation.crosswalk
    return crosswalk_current(assessment.questionnaire_id)


def crosswalk_domain(revision: models.CrosswalkRevision) -> Crosswalk:
    return crosswalk_from_dict(revision.content)


@dataclass(frozen=True)
class MappingLine:
    """One question behind an item: its number, the level it needs, the answer, and the roadmap item that gets there."""

    status: MappingStatus
    number: str
    question: domain.Question
    level_name: str
    closing: RoadmapEntry | None  # None: met, beyond the target, or not on the roadmap


@dataclass(frozen=True)
class ItemLine:
    status: ItemStatus
    lines: tuple[MappingLine, ...]

    @property
    def closing(self) -> list[RoadmapEntry]:
        """The roadmap items that close this gap, each once, in roadmap order."""
        found = {line.closing.item.position: line.closing for line in self.lines if line.closing is not None}
        return [found[position] for position in sorted(found)]


@dataclass(frozen=True)
class FrameworkView:
    status: FrameworkStatus
    items: tuple[ItemLine, ...]

    @property
    def framework(self):
        return self.status.framework

    @property
    def share_percent(self) -> int | None:
        share = self.status.share_met
        return None if share is None else round(share * 100)


@dataclass
class AssessmentFrameworks:
    """An assessment against every framework of its crosswalk; `revision` None when its version has none."""

    results: AssessmentResults
    revision: models.CrosswalkRevision | None

    @cached_property
    def frameworks(self) -> tuple[FrameworkView, ...]:
        if self.revision is None:
            return ()
        results = self.results
        statuses = crosswalk_status(
            results.questionnaire, crosswalk_domain(self.revision), results.answers, results.area_targets
        )
        entries = {entry.item.position: entry for entry in results.roadmap_entries}
        return tuple(
            FrameworkView(status, tuple(self._item_line(item, entries) for item in status.items)) for status in statuses
        )

    def _item_line(self, item: ItemStatus, entries: dict[int, RoadmapEntry]) -> ItemLine:
        results = self.results
        lines = []
        for mapping in item.mappings:
            _area, question = results.questions_by_key[mapping.mapping.question_key]
            reaching = results.item_reaching.get((question.id, mapping.mapping.level))
            closing = entries.get(reaching.position) if reaching is not None and mapping.status != "met" else None
            lines.append(
                MappingLine(
                    status=mapping,
                    number=results.question_numbers[question.id],
                    question=question,
                    level_name=results.questionnaire.level_name(mapping.mapping.level),
                    closing=closing,
                )
            )
        return ItemLine(item, tuple(lines))

    def framework(self, framework_key: str) -> FrameworkView | None:
        return next((view for view in self.frameworks if view.framework.id == framework_key), None)


def assessment_frameworks(results: AssessmentResults) -> AssessmentFrameworks:
    return AssessmentFrameworks(results=results, revision=crosswalk_of_assessment(results.assessment))


__all__ = [
    "EVIDENCE_NOTE",
    "AssessmentFrameworks",
    "FrameworkView",
    "ItemLine",
    "MappingLine",
    "assessment_frameworks",
    "crosswalk_current",
    "crosswalk_domain",
    "crosswalk_of_assessment",
]
