"""Exports of the crosswalk (docs/results-and-exports.md, "Against the frameworks"): one assessment's items as CSV
and JSON, and the portfolio's teams against one framework as CSV."""

from __future__ import annotations

import io
from typing import Any

from assessment.domain.crosswalk import STATUS_TITLES
from assessment.domain.roadmap import AGENCY
from assessment.exports.csv import CsvWriter
from assessment.selectors.crosswalks import AssessmentFrameworks, ItemLine, PortfolioFramework

ASSESSMENT_COLUMNS = [
    "framework",
    "item",
    "item_title",
    "status",
    "beyond_target",
    "question_number",
    "question",
    "relation",
    "level_needed",
    "answered_level",
    "mapping_status",
    "roadmap_positions",
]
PORTFOLIO_COLUMNS = [
    "team",
    "division",
    "met",
    "applicable",
    "share_met",
    "partly_met",
    "not_met",
    "to_verify",
    "not_applicable",
    "not_covered",
]


def _positions(item: ItemLine) -> str:
    return " ".join(_position(entry) for entry in item.closing)


def frameworks_to_csv(frameworks: AssessmentFrameworks) -> str:
    """One row per question behind an item (an item no question maps to, or that does not apply: one row)."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(ASSESSMENT_COLUMNS)
    for view in frameworks.frameworks:
        for item in view.items:
            status = item.status
            head = [view.framework.id, status.item.id, status.item.title, status.status, status.beyond_target]
            if not item.lines:
                writer.writerow([*head, "", "", "", "", "", "", ""])
            for line in item.lines:
                writer.writerow(
                    [
                        *head,
                        line.number,
                        line.question.id,
                        line.status.mapping.relation,
                        line.status.mapping.level,
                        "" if line.status.answered_level is None else line.status.answered_level,
                        line.status.status,
                        _position(line.closing) if line.closing is not None else "",
                    ]
                )
    return out.getvalue()


def frameworks_to_dict(frameworks: AssessmentFrameworks) -> dict[str, Any]:
    assessment = frameworks.results.assessment
    revision = frameworks.revision
    return {
        "assessment": assessment.pk,
        "team": assessment.team.name,
        "questionnaire": {"slug": assessment.questionnaire.slug, "version": assessment.questionnaire.version},
        "crosswalk_revision": revision.revision if revision is not None else None,
        "note": "What the answers imply about each framework; an audit needs evidence as well.",
        "frameworks": [
            {
                "id": view.framework.id,
                "title": view.framework.title,
                "version": view.framework.version,
                "applicable": view.status.applicable,
                "met": view.status.met,
                "share_met": view.status.share_met,
                "counts": view.status.counts,
                "items": [
                    {
                        "id": item.status.item.id,
                        "title": item.status.item.title,
                        "status": item.status.status,
                        "beyond_target": item.status.beyond_target,
                        # Team items by position in the roadmap; agency-wide steps are numbered apart.
                        "roadmap_positions": [e.item.position for e in item.closing if e.item.phase != AGENCY],
                        "agency_positions": [e.item.position for e in item.closing if e.item.phase == AGENCY],
                        "questions": [
                            {
                                "number": line.number,
                                "question": line.question.id,
                                "relation": line.status.mapping.relation,
                                "level_needed": line.status.mapping.level,
                                "answered_level": line.status.answered_level,
                                "status": line.status.status,
                                "roadmap_position": line.closing.item.position if line.closing is not None else None,
                                "agency_step": line.closing is not None and line.closing.item.phase == AGENCY,
                            }
                            for line in item.lines
                        ],
                    }
                    for item in view.items
                ],
            }
            for view in frameworks.frameworks
        ],
    }


def portfolio_framework_to_csv(framework: PortfolioFramework) -> str:
    """One row per team, by share of applicable items met; then a column per item that applies only to some teams."""
    out = io.StringIO()
    writer = CsvWriter(out)
    items = [item_id for item_id, _title, _tags in framework.conditional_items]
    writer.writerow([*PORTFOLIO_COLUMNS, *items])
    for line in framework.teams:
        row = line.row
        division = line.team.division
        statuses = line.statuses
        writer.writerow(
            [
                line.team.name,
                division.name if division is not None else "",
                row.met,
                row.applicable,
                "" if row.share_met is None else round(row.share_met, 4),
                row.partly_met,
                row.not_met,
                row.to_verify,
                row.not_applicable,
                row.not_covered,
                *(
                    STATUS_TITLES.get(statuses.get(item_id, ""), "") if not set(tags).isdisjoint(row.team_tags) else ""
                    for item_id, _title, tags in framework.conditional_items
                ),
            ]
        )
    return out.getvalue()


def _position(entry) -> str:
    """A roadmap position in the CSV: "4", or "agency 2" for an agency-wide step (numbered apart)."""
    return f"agency {entry.item.position}" if entry.item.phase == AGENCY else str(entry.item.position)
