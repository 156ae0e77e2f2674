"""Reads of crosswalks: the revision an assessment is measured against, and where it stands item by item.

docs/questionnaire-format.md, section 7. A submitted assessment is shown
against the revision it was evaluated with (services/crosswalks.py records it);
a draft against its version's current revision, the latest loaded. The pages
show what the answers imply; an audit needs evidence as well.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import BigIntegerField, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.domain.crosswalk import (
    STATUS_TITLES,
    Crosswalk,
    FrameworkStatus,
    ItemStatus,
    MappingStatus,
    crosswalk_status,
)
from assessment.domain.crosswalk_loader import crosswalk_from_dict
from assessment.domain.roadmap import AGENCY
from assessment.presentation import answer_in_words
from assessment.selectors.evidence import evidence_by_question
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
    answer_text: str  # the answer as a reader sees it
    closing: RoadmapEntry | None  # None: met, beyond the target, or not on the roadmap
    evidence: int  # pieces of evidence on the question
    evidence_expired: bool  # at least one of them is past its "valid until" date


@dataclass(frozen=True)
class ItemLine:
    status: ItemStatus
    lines: tuple[MappingLine, ...]

    @property
    def closing(self) -> list[RoadmapEntry]:
        """The roadmap items that close this gap, each once, in roadmap order: the team's, then the agency's."""
        found = {
            (line.closing.item.phase == AGENCY, line.closing.item.position): line.closing
            for line in self.lines
            if line.closing is not None
        }
        return [found[key] for key in sorted(found)]

    @property
    def has_evidence(self) -> bool:
        return any(line.evidence for line in self.lines)

    @property
    def evidence_expired(self) -> bool:
        """Issue 32's crosswalk flag: some evidence behind this item has expired."""
        return any(line.evidence_expired for line in self.lines)


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
    evidence: dict[str, list[models.Evidence]] = field(default_factory=dict)  # question key -> its evidence
    today: datetime.date = field(default_factory=timezone.localdate)

    @cached_property
    def frameworks(self) -> tuple[FrameworkView, ...]:
        if self.revision is None:
            return ()
        results = self.results
        statuses = crosswalk_status(
            results.questionnaire,
            crosswalk_domain(self.revision),
            results.answers,
            results.area_targets,
            profile=results.profile,
        )
        # Keyed by phase and position: agency-wide steps are numbered apart, from 1 like the team's.
        entries = {
            (entry.item.phase == AGENCY, entry.item.position): entry
            for entry in (*results.roadmap_entries, *results.agency_entries)
        }
        return tuple(
            FrameworkView(status, tuple(self._item_line(item, entries) for item in status.items)) for status in statuses
        )

    def _item_line(self, item: ItemStatus, entries: dict[tuple[bool, int], RoadmapEntry]) -> ItemLine:
        results = self.results
        lines = []
        for mapping in item.mappings:
            _area, question = results.questions_by_key[mapping.mapping.question_key]
            reaching = results.item_reaching.get((question.id, mapping.mapping.level))
            closing = None
            if reaching is not None and mapping.status != "met":
                closing = entries.get((reaching.phase == AGENCY, reaching.position))
            evidence = self.evidence.get(question.id, [])
            lines.append(
                MappingLine(
                    status=mapping,
                    number=results.question_numbers[question.id],
                    question=question,
                    level_name=results.questionnaire.level_name(mapping.mapping.level),
                    answer_text=answer_in_words(results.questionnaire, results.answers.get(question.id), question),
                    closing=closing,
                    evidence=len(evidence),
                    evidence_expired=any(piece.expired_on(self.today) for piece in evidence),
                )
            )
        return ItemLine(item, tuple(lines))

    def framework(self, framework_key: str) -> FrameworkView | None:
        return next((view for view in self.frameworks if view.framework.id == framework_key), None)


def assessment_frameworks(results: AssessmentResults, *, with_evidence: bool = False) -> AssessmentFrameworks:
    """The assessment against its crosswalk; `with_evidence` also reads its evidence (one query more)."""
    assessment = results.assessment
    revision = crosswalk_of_assessment(assessment)
    evidence = evidence_by_question(assessment) if with_evidence and revision is not None else {}
    return AssessmentFrameworks(results=results, revision=revision, evidence=evidence)


@dataclass(frozen=True)
class TeamFramework:
    """One team's stored figures against one framework (its latest submitted assessment)."""

    row: models.FrameworkSummary

    @property
    def team(self) -> models.Team:
        return self.row.summary.team

    @property
    def share_percent(self) -> int | None:
        return None if self.row.share_met is None else round(self.row.share_met * 100)

    @property
    def statuses(self) -> dict[str, str]:
        return dict(self.row.item_statuses)


@dataclass(frozen=True)
class PortfolioFramework:
    """A framework across the portfolio's teams, from the figures stored at submit."""

    key: str
    title: str
    teams: list[TeamFramework]  # by share of applicable items met, highest first; None shares last
    conditional_items: list[tuple[str, str, tuple[str, ...]]]  # (id, title, applies_when) of items only some teams have
    conditional_teams: list[tuple[TeamFramework, list[str]]]  # a team they apply to, each item's status title


def portfolio_framework_keys(team_filter: Q) -> list[tuple[str, str]]:
    """(key, title) of the frameworks the scope's latest assessments were measured against, in two queries.

    In their crosswalk file's order, as the assessment's page lists them (the product's file puts the US
    frameworks first): the newest revision's, then those only older revisions have, in theirs."""
    rows = (
        models.FrameworkSummary.objects.filter(team_filter)
        .values_list("framework_key", "title")
        .order_by("framework_key")
        .distinct()
    )
    titles: dict[str, str] = {}
    for key, title in rows:
        titles.setdefault(key, title)
    if not titles:
        return []
    assessments = models.FrameworkSummary.objects.filter(team_filter).values("summary_id")
    revisions = (
        models.CrosswalkRevision.objects.filter(evaluations__assessment_id__in=assessments)
        .distinct()
        .order_by("-created_at", "-pk")
    )
    in_file_order = [f.id for revision in revisions for f in crosswalk_domain(revision).frameworks if f.id in titles]
    order = list(dict.fromkeys(in_file_order + sorted(titles)))  # a key no revision names (none should): last
    return [(key, titles[key]) for key in order]


def portfolio_framework(team_filter: Q, key: str, title: str) -> PortfolioFramework:
    """The scope's teams against one framework: two queries, whatever the number of teams."""
    rows = list(
        models.FrameworkSummary.objects.filter(team_filter, framework_key=key).select_related("summary__team__division")
    )
    teams = sorted(
        (TeamFramework(row) for row in rows),
        key=lambda line: (line.row.share_met is None, -(line.row.share_met or 0), line.team.name.casefold()),
    )
    revisions = models.CrosswalkRevision.objects.filter(
        evaluations__assessment_id__in=[row.summary_id for row in rows]
    ).distinct()
    conditional: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for revision in revisions:
        for framework in crosswalk_domain(revision).frameworks:
            if framework.id == key:
                for item in framework.items:
                    if item.applies_when:
                        conditional.setdefault(item.id, (item.id, item.title, item.applies_when))
    items = list(conditional.values())
    conditional_teams = [
        (line, [STATUS_TITLES.get(line.statuses.get(item_id, ""), "") for item_id, _title, _tags in items])
        for line in sorted(teams, key=lambda line: line.team.name.casefold())
        if any(not set(applies_when).isdisjoint(line.row.team_tags) for _id, _title, applies_when in items)
    ]
    return PortfolioFramework(key, title, teams, items, conditional_teams)


__all__ = [
    "EVIDENCE_NOTE",
    "AssessmentFrameworks",
    "FrameworkView",
    "ItemLine",
    "MappingLine",
    "PortfolioFramework",
    "TeamFramework",
    "assessment_frameworks",
    "crosswalk_current",
    "crosswalk_domain",
    "crosswalk_of_assessment",
    "portfolio_framework",
    "portfolio_framework_keys",
]
