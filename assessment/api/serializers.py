"""What the API reads from the query string, and the shapes of its answers.

One assessment in full is the JSON export itself (exports/results.py, assessment_export): no second
serializer for the same data. Lists of assessments carry the export's `overall` and `areas`
(score_to_dict), from the stored figures of selectors/summaries.py.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assessment import models
from assessment.exports.results import score_to_dict
from assessment.selectors.portfolio import HeatCell, Portfolio
from assessment.selectors.summaries import AssessmentFigures

MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 500


class NoQuery(serializers.Serializer):
    """One object: no query parameter at all."""


class ListQuery(serializers.Serializer):
    """The query parameters every list takes."""

    cursor = serializers.CharField(required=False, max_length=1000, help_text="The `next` link's cursor.")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, help_text=f"Items per page, 1 to {MAX_PAGE_SIZE}."
    )


class AssessmentListQuery(ListQuery):
    team = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A team's id.")
    status = serializers.ChoiceField(required=False, choices=models.Assessment.STATUS_CHOICES)
    questionnaire = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A questionnaire version's id."
    )
    submitted_since = serializers.DateTimeField(
        required=False, help_text="Submitted at or after this time (ISO 8601: 2026-01-31 or 2026-01-31T08:00:00Z)."
    )
    latest = serializers.BooleanField(
        required=False, default=None, allow_null=True, help_text="true: only each team's latest submitted assessment."
    )

    def to_internal_value(self, data):
        # A plain date is the start of that day, in the site's time zone.
        value = data.get("submitted_since")
        if isinstance(value, str) and len(value) == 10:
            data = {**data, "submitted_since": value + "T00:00:00"}
        return super().to_internal_value(data)


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Agency
        fields = ["id", "name"]


class DivisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Division
        fields = ["id", "name", "agency"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Team
        fields = ["id", "name", "slug", "agency", "division"]


class QuestionnaireVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.QuestionnaireVersion
        fields = ["id", "slug", "version", "title", "format", "status", "published_at", "updated_at"]


def assessment_row(assessment: models.Assessment, figures: AssessmentFigures, latest_ids: set[int]) -> dict:
    """One assessment in a list: what it is, and its overall and area figures in the export's keys."""
    version = assessment.questionnaire
    return {
        "id": assessment.pk,
        "team": assessment.team_id,
        "team_slug": assessment.team.slug,
        "team_name": assessment.team.name,
        "title": assessment.title,
        "status": assessment.status,
        "questionnaire": {"id": version.pk, "slug": version.slug, "version": version.version},
        "created_at": assessment.created_at.isoformat(),
        "updated_at": assessment.updated_at.isoformat(),
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "is_latest": assessment.pk in latest_ids,
        **score_to_dict(figures.score),
    }


def _cell(cell: HeatCell) -> dict[str, Any]:
    return {"area": cell.area_key, "score": cell.score, "level": cell.level, "percent": cell.percent}


def portfolio_to_dict(portfolio: Portfolio, *, limited_to: frozenset[int] | None) -> dict:
    """The portfolio page's figures: per questionnaire, each division's mean levels, and the agency-wide lists."""
    return {
        "agency": {"id": portfolio.agency.pk, "name": portfolio.agency.name},
        "divisions_limited_to": sorted(limited_to) if limited_to is not None else None,
        "team_count": portfolio.team_count,
        "without_submitted": portfolio.without_submitted,
        "division_count": portfolio.division_count,
        "questionnaires": [
            {
                "slug": group.version.slug,
                "version": group.version.version,
                "title": group.questionnaire.title,
                "team_count": group.team_count,
                "divisions": [
                    {
                        "id": row.pk,
                        "name": row.name,
                        "teams": row.teams,
                        "submitted": row.submitted,
                        "overall": _cell(row.overall),
                        "areas": [_cell(cell) for cell in row.cells],
                    }
                    for row in group.divisions
                ],
                "weakest_areas": [
                    {
                        "area": mean.area.id,
                        "title": mean.area.title,
                        "score": mean.score,
                        "level": mean.level,
                        "teams": mean.teams,
                    }
                    for mean in group.weakest_areas
                ],
                "top_practices": [
                    {
                        "practice": count.practice.id,
                        "title": count.practice.title,
                        "now": count.now,
                        "teams": count.teams,
                    }
                    for count in group.top_practices
                ],
                "top_now_questions": [
                    {
                        "question": row.question.id,
                        "area": row.area.id,
                        "teams": row.teams,
                        "steps": [
                            {"level": step.level, "level_name": step.level_name, "teams": step.teams}
                            for step in row.steps
                        ],
                    }
                    for row in group.top_now_questions
                ],
            }
            for group in portfolio.groups
        ],
    }
