"""The executive portfolio: every team's latest submitted assessment, side by side.

Built with a fixed number of queries whatever the number of teams: the latest
submitted assessment of each team in one query, all their answers in one, all
their targets in one, the questionnaire content once per version (cached);
then the pure scoring and roadmap functions run per team in Python, and their
results are kept in memory per assessment (see assessment_summaries).
"""
from __future__ import annotations

import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from assessment import models
from assessment.domain import model as domain
from assessment.domain.roadmap import NOW, roadmap_for
from assessment.domain.scoring import (
    AreaScore,
    AssessmentScore,
    display_level,
    display_percent,
    level_name_for,
    score_assessment,
)
from assessment.selectors.questionnaires import questionnaire_domain

TOP_PRACTICES = 10
TOP_STEPS = 10


def answers_for_assessments(assessment_ids) -> dict[int, dict[str, domain.Answer]]:
    """Answers of many assessments in one query, keyed by assessment id then question id."""
    answers: dict[int, dict[str, domain.Answer]] = defaultdict(dict)
    rows = models.Answer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "question__key", "kind", "choice__level"
    )
    for assessment_id, key, kind, level in rows:
        answers[assessment_id][key] = domain.Answer(kind=kind, level=level)
    return answers


def targets_for_assessments(assessment_ids) -> dict[int, dict[str, int]]:
    """Area targets set on many assessments in one query, keyed by assessment id then area id."""
    targets: dict[int, dict[str, int]] = defaultdict(dict)
    rows = models.AreaTarget.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "area__key", "target"
    )
    for assessment_id, key, target in rows:
        targets[assessment_id][key] = target
    return targets


def heat_band(questionnaire: domain.Questionnaire, score: float | None) -> int | None:
    """Color band 1..5 of a score, from the whole level it has reached.

    On a 1..5 scale the band is the level; other scales are spread over five bands.
    """
    if score is None:
        return None
    lo, hi = questionnaire.lo, questionnaire.hi
    level = min(hi, max(lo, math.floor(lo + score * (hi - lo) + 1e-9)))
    return 1 + round((level - lo) * 4 / (hi - lo))


@dataclass(frozen=True)
class HeatCell:
    area_key: str
    score: float | None
    level: float | None
    percent: int | None
    level_name: str | None
    band: int | None


@dataclass
class TeamRow:
    team: TeamRef
    assessment: AssessmentRef
    score: AssessmentScore
    cells: list[HeatCell]
    band: int | None  # of the overall score


@dataclass(frozen=True)
class AreaMean:
    area: domain.Area
    score: float | None  # mean of the area's score over the teams that have one
    level: float | None
    percent: int | None
    level_name: str | None
    teams: int  # how many teams have a score in the area


@dataclass(frozen=True)
class PracticeCount:
    practice: domain.Practice
    now: int  # teams with the practice in their Now phase
    teams: int  # teams with it anywhere on their roadmap


@dataclass(frozen=True)
class StepCount:
    """A step (a question raised to a level) and how many teams have it in Now."""

    area: domain.Area
    question: domain.Question
    level: int
    level_name: str
    done: str  # the text of the choice reached
    teams: int


@dataclass(frozen=True)
class SummaryItem:
    """What the portfolio keeps of one roadmap item."""

    question_key: str
    phase: str
    steps: tuple[int, ...]
    practices: tuple[str, ...]


@dataclass
class PortfolioGroup:
    """The teams whose latest assessment uses one questionnaire (by slug)."""

    questionnaire: domain.Questionnaire  # the newest version among them: its areas are the columns
    version: models.QuestionnaireVersion
    rows: list[TeamRow] = field(default_factory=list)
    weakest_areas: list[AreaMean] = field(default_factory=list)
    top_practices: list[PracticeCount] = field(default_factory=list)
    top_now_steps: list[StepCount] = field(default_factory=list)


@dataclass
class Portfolio:
    agency: models.Agency
    groups: list[PortfolioGroup]
    teams_without_submitted: list[TeamRef]
    team_count: int


@dataclass(frozen=True)
class TeamRef:
    """A team as the portfolio shows it (plain rows: hundreds of model instances cost time)."""

    pk: int
    name: str
    slug: str
    latest_id: int | None  # its latest submitted assessment


@dataclass(frozen=True)
class AssessmentRef:
    pk: int
    title: str
    submitted_at: object
    updated_at: object
    team_id: int
    questionnaire: models.QuestionnaireVersion


def _latest_submitted(agency_id: int) -> list[TeamRef]:
    latest = (
        models.Assessment.objects.filter(team=OuterRef("pk"), status=models.Assessment.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    rows = (
        models.Team.objects.filter(agency_id=agency_id)
        .annotate(latest_id=Subquery(latest))
        .order_by("name", "pk")
        .values_list("pk", "name", "slug", "latest_id")
    )
    return [TeamRef(*row) for row in rows]


def _assessments(ids: list[int]) -> dict[int, AssessmentRef]:
    rows = list(
        models.Assessment.objects.filter(pk__in=ids).values_list(
            "pk", "title", "submitted_at", "updated_at", "team_id", "questionnaire_id"
        )
    )
    versions = models.QuestionnaireVersion.objects.in_bulk({row[5] for row in rows})
    return {row[0]: AssessmentRef(*row[:5], questionnaire=versions[row[5]]) for row in rows}


@dataclass(frozen=True)
class AssessmentSummary:
    """What the portfolio and the history need of one assessment: its scores and roadmap."""

    score: AssessmentScore
    roadmap: tuple[SummaryItem, ...]  # in roadmap order


# Summaries of assessments by (assessment id, updated_at, version id, version updated_at).
# Every service that changes an assessment bumps its updated_at, every change of a
# questionnaire its version's; the portfolio shows submitted assessments, which no
# longer change. Scoring and ordering roadmaps for hundreds of teams on every
# request took most of the page's time (see bench/portfolio.py), hence the cache.
_summaries: dict[tuple, AssessmentSummary] = {}
_summaries_lock = threading.Lock()
SUMMARY_CACHE_SIZE = 20000


def clear_summary_cache() -> None:
    with _summaries_lock:
        _summaries.clear()


def _summary_key(assessment: models.Assessment) -> tuple:
    return (assessment.pk, assessment.updated_at, assessment.questionnaire.pk, assessment.questionnaire.updated_at)


def assessment_summaries(assessments) -> dict[int, AssessmentSummary]:
    """Scores and roadmaps of many assessments (models or AssessmentRefs, with their questionnaire).

    Answers and targets are read, in one query each, only for assessments not
    already summarized; then the pure scoring and roadmap functions run on them.
    """
    with _summaries_lock:
        found = {a.pk: _summaries.get(_summary_key(a)) for a in assessments}
    missing = [a for a in assessments if found[a.pk] is None]
    if missing:
        ids = [a.pk for a in missing]
        answers = answers_for_assessments(ids)
        targets = targets_for_assessments(ids)
        computed = {}
        for assessment in missing:
            questionnaire = questionnaire_domain(assessment.questionnaire)
            team_answers, team_targets = answers.get(assessment.pk, {}), targets.get(assessment.pk, {})
            summary = AssessmentSummary(
                score=score_assessment(questionnaire, team_answers, team_targets),
                roadmap=tuple(
                    SummaryItem(item.question_key, item.phase, item.steps, item.practices)
                    for item in roadmap_for(questionnaire, team_answers, team_targets)
                ),
            )
            found[assessment.pk] = summary
            computed[_summary_key(assessment)] = summary
        with _summaries_lock:
            if len(_summaries) + len(computed) > SUMMARY_CACHE_SIZE:
                _summaries.clear()
            _summaries.update(computed)
    return {pk: summary for pk, summary in found.items() if summary is not None}  # every one is, by now


def agency_portfolio(agency: models.Agency) -> Portfolio:
    teams = _latest_submitted(agency.pk)
    ids = [t.latest_id for t in teams if t.latest_id is not None]
    assessments = _assessments(ids)
    summaries = assessment_summaries(list(assessments.values()))

    # The newest version of each questionnaire slug gives the columns.
    versions = {a.questionnaire.pk: a.questionnaire for a in assessments.values()}
    newest: dict[str, models.QuestionnaireVersion] = {}
    for version in versions.values():
        current = newest.get(version.slug)
        if current is None or (version.created_at, version.pk) > (current.created_at, current.pk):
            newest[version.slug] = version
    domains = {pk: questionnaire_domain(version) for pk, version in versions.items()}
    groups = {
        slug: PortfolioGroup(questionnaire=domains[version.pk], version=version) for slug, version in newest.items()
    }
    roadmaps: dict[str, list[tuple[SummaryItem, ...]]] = defaultdict(list)

    without = []
    for team in teams:
        assessment = assessments.get(team.latest_id) if team.latest_id is not None else None
        if assessment is None:
            without.append(team)
            continue
        questionnaire = domains[assessment.questionnaire.pk]
        group = groups[assessment.questionnaire.slug]
        summary = summaries[assessment.pk]
        score = summary.score
        roadmaps[assessment.questionnaire.slug].append(summary.roadmap)
        by_area: dict[str, AreaScore] = {a.area_key: a for a in score.areas}
        cells = []
        for area in group.questionnaire.areas:
            area_score = by_area.get(area.id)
            value = area_score.score if area_score else None
            cells.append(
                HeatCell(
                    area_key=area.id,
                    score=value,
                    level=area_score.level if area_score else None,
                    percent=area_score.percent if area_score else None,
                    level_name=area_score.level_name if area_score else None,
                    band=heat_band(questionnaire, value),
                )
            )
        group.rows.append(
            TeamRow(team=team, assessment=assessment, score=score, cells=cells, band=heat_band(questionnaire, score.score))
        )

    for slug, group in groups.items():
        group.weakest_areas = _weakest_areas(group)
        group.top_practices = _top_practices(group.questionnaire, roadmaps[slug])
        group.top_now_steps = _top_now_steps(group.questionnaire, roadmaps[slug])
    ordered = sorted(groups.values(), key=lambda g: (-len(g.rows), g.questionnaire.title))
    return Portfolio(agency=agency, groups=ordered, teams_without_submitted=without, team_count=len(teams))


def _weakest_areas(group: PortfolioGroup) -> list[AreaMean]:
    """Each area's mean score over the teams, lowest first; areas nobody scored come last."""
    questionnaire = group.questionnaire
    means = []
    for index, area in enumerate(questionnaire.areas):
        values = [score for row in group.rows if (score := row.cells[index].score) is not None]
        mean = sum(values) / len(values) if values else None
        means.append(
            AreaMean(
                area=area,
                score=mean,
                level=display_level(questionnaire, mean),
                percent=display_percent(mean),
                level_name=level_name_for(questionnaire, mean),
                teams=len(values),
            )
        )
    return sorted(means, key=lambda m: (m.score is None, m.score if m.score is not None else 0, m.area.title))


def _top_practices(questionnaire: domain.Questionnaire, roadmaps) -> list[PracticeCount]:
    """Practices in the most teams' Now phase; ties go to the one on more teams' roadmaps."""
    teams: dict[str, int] = defaultdict(int)
    now: dict[str, int] = defaultdict(int)
    for roadmap in roadmaps:
        anywhere = {key for item in roadmap for key in item.practices}
        for key in anywhere:
            teams[key] += 1
        for key in {key for item in roadmap if item.phase == NOW for key in item.practices}:
            now[key] += 1
    practices = questionnaire.practices_by_key
    counts = [
        PracticeCount(practice=practices[key], now=now[key], teams=count)
        for key, count in teams.items()
        if key in practices  # a practice only an older version has is not shown
    ]
    counts.sort(key=lambda c: (-c.now, -c.teams, c.practice.title))
    return counts[:TOP_PRACTICES]


def _top_now_steps(questionnaire: domain.Questionnaire, roadmaps) -> list[StepCount]:
    """The steps most teams have in their Now phase, in questionnaire order on ties."""
    teams: dict[tuple[str, int], int] = defaultdict(int)
    for roadmap in roadmaps:
        for item in roadmap:
            if item.phase == NOW:
                for level in item.steps:
                    teams[item.question_key, level] += 1
    order = {question.id: (number, area, question) for number, (area, question) in enumerate(questionnaire.questions())}
    counts = []
    for (question_key, level), count in teams.items():
        if question_key not in order:  # a question only an older version has
            continue
        _, area, question = order[question_key]
        choice = question.choice_at(level)
        if choice is None:
            continue
        counts.append(StepCount(area, question, level, questionnaire.level_name(level), choice.text, count))
    counts.sort(key=lambda c: (-c.teams, order[c.question.id][0], c.level))
    return counts[:TOP_STEPS]
