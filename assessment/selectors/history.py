"""A team's submitted assessments over time, each area against the previous one.

A fixed number of queries whatever the number of assessments: the assessments,
all their answers and all their targets in one query each (only for those not
summarized yet: see selectors.summaries), the
questionnaire content once per version (cached).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessment import models
from assessment.domain import model as domain
from assessment.domain.scoring import AssessmentScore, round_half_up
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.selectors.summaries import assessment_summaries


@dataclass(frozen=True)
class Change:
    """The change of a level against the previous assessment, to one decimal."""

    delta: float | None  # None when there is nothing to compare with

    @property
    def direction(self) -> str:
        if self.delta is None:
            return "none"
        if self.delta > 0:
            return "up"
        if self.delta < 0:
            return "down"
        return "same"


@dataclass(frozen=True)
class HistoryCell:
    area: domain.Area
    level: float | None
    level_name: str | None
    change: Change


@dataclass(frozen=True)
class HistoryRow:
    assessment: models.Assessment
    questionnaire: domain.Questionnaire
    score: AssessmentScore
    overall_change: Change
    cells: Sequence[HistoryCell | None]  # None for an area this row's questionnaire does not have


@dataclass(frozen=True)
class TeamHistory:
    areas: list[domain.Area]  # the columns: areas of the newest questionnaire used
    rows: list[HistoryRow]  # oldest first


def _change(current: float | None, previous: float | None) -> Change:
    """Difference of the displayed levels (one decimal), so the figures on the page add up."""
    if current is None or previous is None:
        return Change(None)
    return Change(round_half_up(current - previous, 1) + 0.0)  # + 0.0 turns -0.0 into 0.0


def team_history(team: models.Team) -> TeamHistory:
    assessments = list(
        models.Assessment.objects.filter(team=team, status=models.Assessment.SUBMITTED)
        .select_related("questionnaire")
        .order_by("submitted_at", "pk")
    )
    summaries = assessment_summaries(assessments)
    rows: list[HistoryRow] = []
    previous_levels: dict[str, float | None] = {}
    previous_overall: float | None = None
    columns: list[domain.Area] = []
    for assessment in assessments:
        questionnaire = questionnaire_domain(assessment.questionnaire)
        columns = list(questionnaire.areas)  # the newest assessment's areas, after the loop
        score = summaries[assessment.pk].score
        overall = score.level
        cells = []
        levels = {}
        for area, area_score in zip(questionnaire.areas, score.areas, strict=True):
            level = area_score.level
            levels[area.id] = level
            cells.append(
                HistoryCell(
                    area=area,
                    level=area_score.level,
                    level_name=area_score.level_name,
                    change=_change(level, previous_levels.get(area.id)) if rows else Change(None),
                )
            )
        rows.append(
            HistoryRow(
                assessment=assessment,
                questionnaire=questionnaire,
                score=score,
                overall_change=_change(overall, previous_overall) if len(rows) else Change(None),
                cells=cells,
            )
        )
        previous_levels, previous_overall = levels, overall
    # Align every row with the columns by area id; an area a version lacks is an empty cell.
    aligned = []
    for row in rows:
        by_id = {cell.area.id: cell for cell in row.cells if cell is not None}
        aligned.append(
            HistoryRow(
                assessment=row.assessment,
                questionnaire=row.questionnaire,
                score=row.score,
                overall_change=row.overall_change,
                cells=[by_id.get(area.id) for area in columns],
            )
        )
    return TeamHistory(areas=columns, rows=aligned)
