"""The executive portfolio: the agency's divisions, then a division's teams, side by side.

Every figure comes from the summaries stored at submit (selectors/summaries.py)
through aggregate queries, so the number of queries is the same for 30 teams or
3,000: nothing is scored here. "A team's figures" are those of its latest
submitted assessment; drafts stay out of an executive's view.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.domain.scoring import display_level, display_percent, level_name_for
from assessment.selectors.plan import AgencyPlanSummary, agency_plan_summary
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.selectors.tallies import SummaryGroup, Tallies, summary_groups, tallies_read

TOP_PRACTICES = 10
TOP_STEPS = 10
TEAMS_PER_PAGE = 50
AGENCY_SPREAD = 2  # levels apart: teams that report one agency capability this differently are a finding
NO_DIVISION = "none"


@dataclass(frozen=True)
class PortfolioScope:
    """What one executive sees: an agency, or only some of its divisions."""

    agency: models.Agency
    division_ids: frozenset[int] | None = None  # None: the whole agency

    def teams(self) -> QuerySet[models.Team]:
        teams = models.Team.objects.filter(agency=self.agency)
        if self.division_ids is not None:
            teams = teams.filter(division_id__in=self.division_ids)
        return teams

    def divisions(self) -> QuerySet[models.Division]:
        divisions = models.Division.objects.filter(agency=self.agency)
        if self.division_ids is not None:
            divisions = divisions.filter(pk__in=self.division_ids)
        return divisions.order_by("name", "pk")


def _latest_submitted():
    """A subquery: the latest submitted assessment of the team (OuterRef "pk"), from its stored summary."""
    return models.AssessmentSummary.objects.filter(team=OuterRef("pk"), is_latest=True).values("assessment_id")[:1]


def latest_in_scope(scope: PortfolioScope, prefix: str = "") -> Q:
    """The latest summaries of the scope's teams, as a filter on summaries (or on rows `prefix`ed to one)."""
    q = Q(is_latest=True, **{f"{prefix}team__agency": scope.agency})  # every summary row carries the flag
    if scope.division_ids is not None:
        q &= Q(**{f"{prefix}team__division_id__in": scope.division_ids})
    return q


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


def heat_cell(questionnaire: domain.Questionnaire, area_key: str, score: float | None) -> HeatCell:
    return HeatCell(
        area_key=area_key,
        score=score,
        level=display_level(questionnaire, score),
        percent=display_percent(score),
        level_name=level_name_for(questionnaire, score),
        band=heat_band(questionnaire, score),
    )


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
class NowQuestion:
    """A question teams have steps of in their Now phase: how many teams (each once), and each level
    they raise it to, lowest first (what to do: make that level's statement true)."""

    area: domain.Area
    question: domain.Question
    teams: int
    steps: list[StepCount]


@dataclass(frozen=True)
class AgencyCapability:
    """An agency-owned question (format 2) over the teams whose latest assessment's version marks it
    `owner: agency`: how many report each level and each other answer, and how many have it among
    their agency-wide steps."""

    area: domain.Area
    question: domain.Question
    levels: list[tuple[int, str, int]]  # (level, its name, teams), every level of the scale, lowest first
    not_sure: int
    not_applicable: int
    unanswered: int
    out_of_scope: int
    needing: int  # teams with it among their agency-wide steps

    @property
    def teams(self) -> int:
        return (
            sum(n for _, _, n in self.levels)
            + self.not_sure
            + self.not_applicable
            + self.unanswered
            + self.out_of_scope
        )

    @property
    def spread(self) -> int | None:
        """How far apart the levels the teams report are (None: fewer than one level reported)."""
        reported = [level for level, _, n in self.levels if n]
        return max(reported) - min(reported) if reported else None

    @property
    def levels_differ(self) -> bool:
        """Teams see one agency capability at levels 2 or more apart: a finding of its own."""
        return (self.spread or 0) >= AGENCY_SPREAD


@dataclass(frozen=True)
class TagCount:
    """A tag (format 2) and how many teams' answered profile gives it."""

    tag: str
    teams: int


@dataclass
class DivisionRow:
    """One heatmap row: a division (pk None: the teams in no division) and its mean levels."""

    pk: int | None
    name: str
    teams: int  # teams in the division
    submitted: int  # of them, with a submitted assessment on this questionnaire
    overall: HeatCell
    cells: list[HeatCell]

    @property
    def key(self) -> str:
        return str(self.pk) if self.pk is not None else NO_DIVISION


@dataclass
class PortfolioGroup:
    """The teams whose latest assessment uses one questionnaire (by slug)."""

    questionnaire: domain.Questionnaire  # the newest version among them: its areas are the columns
    version: models.QuestionnaireVersion
    team_count: int = 0  # teams whose latest assessment uses it
    divisions: list[DivisionRow] = field(default_factory=list)
    weakest_areas: list[AreaMean] = field(default_factory=list)
    top_practices: list[PracticeCount] = field(default_factory=list)
    top_now_questions: list[NowQuestion] = field(default_factory=list)
    # Format 2 (empty for format 1): the agency roadmap, and the teams per answered tag.
    agency_roadmap: list[AgencyCapability] = field(default_factory=list)
    tags: list[TagCount] = field(default_factory=list)


@dataclass
class Portfolio:
    agency: models.Agency
    groups: list[PortfolioGroup]
    team_count: int
    without_submitted: int  # teams with no submitted assessment
    division_count: int


def _newest_versions(used: set[int]) -> tuple[dict[str, models.QuestionnaireVersion], dict[int, str]]:
    """The newest version of each questionnaire slug used, and the slug of every version used."""
    versions = models.QuestionnaireVersion.objects.filter(pk__in=used).order_by("slug", "-created_at", "-pk")
    newest: dict[str, models.QuestionnaireVersion] = {}
    slug_of: dict[int, str] = {}
    for version in versions:
        newest.setdefault(version.slug, version)
        slug_of[version.pk] = version.slug
    return newest, slug_of


PORTFOLIO_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PortfolioInputs:
    """What the division view is computed from: any submit, content change, team move or rename, or
    division rename changes the stamp. Three queries, whatever the number of teams."""

    groups: list[SummaryGroup]  # the latest summaries by division and version
    teams: list[tuple[int, int | None, str]]  # pk, division, name, by pk
    divisions: list[tuple[int, str]]
    stamp: str


def portfolio_inputs(scope: PortfolioScope) -> PortfolioInputs:
    groups = summary_groups(latest_in_scope(scope))
    teams: list[tuple[int, int | None, str]] = list(
        scope.teams().order_by("pk").values_list("pk", "division_id", "name")
    )
    divisions = list(scope.divisions().values_list("pk", "name"))
    parts = [
        scope.agency.pk,
        scope.agency.name,
        sorted(scope.division_ids or []),
        sorted(
            ((g.division_id or 0, g.questionnaire_id, g.teams, g.assessment_sum, g.computed_at) for g in groups),
            key=repr,
        ),
        teams,
        divisions,
    ]
    return PortfolioInputs(groups, teams, divisions, hashlib.sha256(repr(parts).encode()).hexdigest()[:32])


def portfolio_stamp(scope: PortfolioScope) -> str:
    return portfolio_inputs(scope).stamp


def agency_portfolio(scope: PortfolioScope, inputs: PortfolioInputs | None = None) -> Portfolio:
    """The division view: per questionnaire, one heatmap row per division, and the agency-wide lists.

    Kept in the shared (database) cache under the stamp of its inputs (portfolio_inputs,
    or `inputs` when the caller has them), so it is computed once per change, by the first
    view or by the worker that renders the portfolio PDF after a submit.
    """
    inputs = inputs or portfolio_inputs(scope)
    key = f"portfolio:{inputs.stamp}"
    cached = cache.get(key)
    if isinstance(cached, Portfolio):
        return cached
    portfolio = _agency_portfolio(scope, inputs)
    cache.set(key, portfolio, PORTFOLIO_CACHE_SECONDS)
    return portfolio


def portfolio_plans(scope: PortfolioScope, stamp: str | None = None) -> AgencyPlanSummary:
    """The action plans of the scope's teams (agency_plan_summary), kept in the shared cache like the division
    view: under its stamp (or `stamp`, when the caller has it: team names and divisions, the latest
    summaries), today's date, the actions' number, last change and which are out of scope, and the teams' assessments' number,
    last creation and last submission. Three queries when kept. (An owner's new display name shows with
    the next change to any of these, or the next day.)"""
    teams = scope.teams()
    key = portfolio_plans_key(scope, teams, stamp)
    cached = cache.get(key)
    if isinstance(cached, AgencyPlanSummary):
        return cached
    plans = agency_plan_summary(teams)
    cache.set(key, plans, PORTFOLIO_CACHE_SECONDS)
    return plans


# Two hashes of each out-of-scope action's id, added up (see portfolio_plans_key): the id scattered by a
# multiplication that wraps around a prime, then squared and reduced by another. Not linear in the id (ids
# {1, 4} and {2, 3} share their number and sum, and would share any linear hash's sum), and each step stays
# within a 64-bit integer for any id.
_ID_HASHES = ((2_147_483_647, 1_000_000_007, 998_244_353), (2_147_483_629, 1_234_567_891, 1_000_000_009))


def _id_hash(prime: int, multiplier: int, reducer: int):
    scattered = (F("pk") % prime * multiplier) % prime
    return (scattered * scattered) % reducer


def portfolio_plans_key(scope: PortfolioScope, teams: QuerySet[models.Team], stamp: str | None = None) -> str:
    """The cache key of the scope's plan summary: whatever changes the summary changes the key.

    A profile saved on a draft moves actions out of scope (or back) without a new "last change"
    (services/plan.py stores the flag without touching updated_at, so no open form turns stale). Which
    actions are out of scope is read as their number, the sum of their ids and two hashed sums of them:
    two sets alike in all four (ids {1, 4} and {2, 3} share number and sum) are as unlikely as a hash collision.
    """
    out = Q(question_out_of_scope=True)
    hashed = {f"out_h{n}": Sum(_id_hash(*parts), filter=out) for n, parts in enumerate(_ID_HASHES)}
    actions = models.Action.objects.filter(team__in=teams).aggregate(
        n=Count("pk"), last=Max("updated_at"), out=Count("pk", filter=out), out_ids=Sum("pk", filter=out), **hashed
    )
    assessments = models.Assessment.objects.filter(team__in=teams).aggregate(
        n=Count("pk"), created=Max("created_at"), submitted=Max("submitted_at")
    )
    parts = [stamp or portfolio_stamp(scope), timezone.localdate(), actions, assessments]
    return f"portfolio-plans:{hashlib.sha256(repr(parts).encode()).hexdigest()[:32]}"


def _agency_portfolio(scope: PortfolioScope, inputs: PortfolioInputs) -> Portfolio:
    """The division view from small tables: the latest summaries grouped by division (one row per team
    at most), and the division tallies stored at submit (selectors/tallies.py) for areas, steps and practices."""
    summary_rows = inputs.groups
    # Rows are grouped by version id (no join), then added up by slug here.
    newest, slug_of = _newest_versions({row.questionnaire_id for row in summary_rows})
    groups = {slug: PortfolioGroup(questionnaire=questionnaire_domain(v), version=v) for slug, v in newest.items()}

    divisions = dict(inputs.divisions)
    team_counts: dict[int | None, int] = defaultdict(int)
    for _, division_id, _ in inputs.teams:
        team_counts[division_id] += 1
    tallies = tallies_read(scope.agency.pk, summary_rows)

    overall: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0, 0])  # teams, of them scored
    overall_sum: dict[tuple[str, int | None], float] = defaultdict(float)
    for row in summary_rows:
        entry = overall[slug_of[row.questionnaire_id], row.division_id]
        entry[0] += row.teams
        entry[1] += row.scored
        overall_sum[slug_of[row.questionnaire_id], row.division_id] += (row.mean or 0.0) * row.scored
    area_sums: dict[tuple[str, int | None, str], list[float]] = defaultdict(lambda: [0.0, 0])
    agency_area: dict[str, dict[str, list[tuple[float, int]]]] = defaultdict(lambda: defaultdict(list))
    for (version_id, division_id, area_key), (score_sum, n) in tallies.areas.items():
        sums = area_sums[slug_of[version_id], division_id, area_key]
        sums[0] += score_sum
        sums[1] += n
        if n:
            agency_area[slug_of[version_id]][area_key].append((score_sum / n, n))

    rows: dict[str, list[DivisionRow]] = defaultdict(list)
    for (slug, division_id), (n, scored) in overall.items():
        group = groups[slug]
        group.team_count += n
        questionnaire = group.questionnaire
        mean = overall_sum[slug, division_id] / scored if scored else None
        cells = []
        for area in questionnaire.areas:
            score_sum, area_teams = area_sums.get((slug, division_id, area.id), (0.0, 0))
            cells.append(heat_cell(questionnaire, area.id, score_sum / area_teams if area_teams else None))
        name = divisions.get(division_id, "") if division_id is not None else "Not in a division"
        rows[slug].append(
            DivisionRow(
                division_id, name, team_counts.get(division_id, 0), n, heat_cell(questionnaire, "", mean), cells
            )
        )
    for slug, group in groups.items():
        group.divisions = sorted(rows[slug], key=lambda r: (r.pk is None, r.name.lower()))
        group.weakest_areas = _weakest_areas(group.questionnaire, agency_area[slug])
    _count_steps(groups, tallies, slug_of)
    _count_practices(groups, tallies, slug_of)
    _count_agency(groups, tallies, slug_of)
    _count_tags(groups, tallies, slug_of)
    ordered = sorted(groups.values(), key=lambda g: (-g.team_count, g.questionnaire.title))
    team_count = sum(team_counts.values())
    with_submitted = sum(g.team_count for g in ordered)
    return Portfolio(
        agency=scope.agency,
        groups=ordered,
        team_count=team_count,
        without_submitted=team_count - with_submitted,
        division_count=len(divisions),
    )


def _weakest_areas(questionnaire: domain.Questionnaire, means: dict[str, list[tuple[float, int]]]) -> list[AreaMean]:
    """Each area's mean score over the teams, lowest first; areas nobody scored come last."""
    result = []
    for area in questionnaire.areas:
        parts = means.get(area.id, [])
        teams = sum(n for _, n in parts)
        mean = sum(m * n for m, n in parts) / teams if teams else None
        result.append(
            AreaMean(
                area,
                mean,
                display_level(questionnaire, mean),
                display_percent(mean),
                level_name_for(questionnaire, mean),
                teams,
            )
        )
    return sorted(result, key=lambda m: (m.score is None, m.score if m.score is not None else 0, m.area.title))


def _count_steps(groups: dict[str, PortfolioGroup], tallies: Tallies, slug_of: dict[int, str]) -> None:
    """The questions most teams have steps of in their Now phase, each with its steps; questionnaire order on
    ties. A team with steps to two levels of one question counts once for it (tallies.questions)."""
    teams: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (version_id, key), n in tallies.questions.items():
        teams[slug_of[version_id]][key] += n
    levels: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for (version_id, key, level), n in tallies.steps.items():
        levels[slug_of[version_id]][key][level] += n
    for slug, group in groups.items():
        questionnaire = group.questionnaire
        order = {q.id: (number, area, q) for number, (area, q) in enumerate(questionnaire.questions())}
        found = []
        for key, n in teams.get(slug, {}).items():
            if key not in order or not n:  # a question only an older version has
                continue
            _, area, question = order[key]
            steps = []
            for level, at_level in sorted(levels[slug][key].items()):
                choice = question.choice_at(level)
                if choice is not None and at_level:
                    steps.append(
                        StepCount(area, question, level, questionnaire.level_name(level), choice.text, at_level)
                    )
            if steps:
                found.append(NowQuestion(area, question, n, steps))
        found.sort(key=lambda c: (-c.teams, order[c.question.id][0]))
        group.top_now_questions = found[:TOP_STEPS]


def _count_practices(groups: dict[str, PortfolioGroup], tallies: Tallies, slug_of: dict[int, str]) -> None:
    """Practices in the most teams' Now phase; ties go to the one on more teams' roadmaps."""
    added: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (version_id, key), (teams, now) in tallies.practices.items():
        total = added[slug_of[version_id]][key]
        total[0] += teams
        total[1] += now
    counts = {slug: [(key, t, n) for key, (t, n) in found.items()] for slug, found in added.items()}
    for slug, group in groups.items():
        practices = group.questionnaire.practices_by_key
        found = [
            PracticeCount(practices[key], now, teams)
            for key, teams, now in counts.get(slug, [])
            if key in practices and teams  # a practice only an older version has is not shown
        ]
        found.sort(key=lambda c: (-c.now, -c.teams, c.practice.title))
        group.top_practices = found[:TOP_PRACTICES]


def _count_agency(groups: dict[str, PortfolioGroup], tallies: Tallies, slug_of: dict[int, str]) -> None:
    """The agency roadmap: each agency-owned question of the newest version, with the teams' answers; the
    one most teams have among their agency-wide steps first, then file order (docs/results-and-exports.md)."""
    answers: dict[str, dict[str, dict[tuple[str, int], list[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: [0, 0]))
    )
    for (version_id, key, answer, level), (teams, steps) in tallies.agency.items():
        counted = answers[slug_of[version_id]][key][answer, level]
        counted[0] += teams
        counted[1] += steps
    Answer = models.SummaryAgencyAnswer
    for slug, group in groups.items():
        found = answers.get(slug)
        if not found:
            continue
        questionnaire = group.questionnaire
        order = {q.id: (number, area, q) for number, (area, q) in enumerate(questionnaire.questions())}
        capabilities = []
        for key, counts in found.items():
            if key not in order:  # a question only an older version has
                continue
            _, area, question = order[key]

            by_answer: dict[str, int] = defaultdict(int)
            for (kind, _), (n, _) in counts.items():
                by_answer[kind] += n

            capabilities.append(
                AgencyCapability(
                    area=area,
                    question=question,
                    levels=[
                        (s.level, s.name, counts.get((Answer.LEVEL, s.level), [0, 0])[0]) for s in questionnaire.scale
                    ],
                    not_sure=by_answer[Answer.NOT_SURE],
                    not_applicable=by_answer[Answer.NOT_APPLICABLE],
                    unanswered=by_answer[Answer.UNANSWERED],
                    out_of_scope=by_answer[Answer.OUT_OF_SCOPE],
                    needing=sum(steps for _, steps in counts.values()),
                )
            )
        capabilities.sort(key=lambda c: (-c.needing, order[c.question.id][0]))
        group.agency_roadmap = capabilities


def _count_tags(groups: dict[str, PortfolioGroup], tallies: Tallies, slug_of: dict[int, str]) -> None:
    """The teams of each answered tag, most teams first (what the teams page filters by)."""
    added: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (version_id, tag), n in tallies.tags.items():
        added[slug_of[version_id]][tag] += n
    for slug, group in groups.items():
        group.tags = sorted(
            (TagCount(tag, n) for tag, n in added.get(slug, {}).items() if n), key=lambda t: (-t.teams, t.tag)
        )


# The division's team page -------------------------------------------------------


@dataclass(frozen=True)
class TeamFilter:
    """The team page's search, filters and sort, as read from the query string."""

    division: str = ""  # a division pk, NO_DIVISION, or "" for every division in scope
    name: str = ""
    area: str = ""  # with below: teams below level `below` in this area
    below: int | None = None
    tag: str = ""  # format 2: teams whose latest assessment's answered profile gives this tag
    without_submitted: bool = False
    sort: str = "name"  # "name", "division", "overall", "submitted" or "area:<key>"; "-" first: descending
    page: int = 1


@dataclass
class TeamRow:
    pk: int
    name: str
    division: str
    assessment_id: int | None
    submitted_at: object
    overall: HeatCell | None
    cells: list[HeatCell | None]  # None: no submitted assessment


@dataclass
class TeamPage:
    questionnaire: domain.Questionnaire | None  # its areas are the columns (the most used questionnaire)
    rows: list[TeamRow]
    page: Page
    total: int  # teams matching the filter


def team_columns(scope: PortfolioScope) -> domain.Questionnaire | None:
    summaries = models.AssessmentSummary.objects.filter(latest_in_scope(scope))
    used = summaries.values("questionnaire__slug").annotate(n=Count("pk")).order_by("-n", "questionnaire__slug")
    top = used.values_list("questionnaire__slug", flat=True).first()
    if top is None:
        return None
    version = (
        models.QuestionnaireVersion.objects.filter(slug=top, pk__in=summaries.values("questionnaire_id"))
        .order_by("-created_at", "-pk")
        .first()
    )
    return questionnaire_domain(version) if version else None


def _area_level(area_key: str):
    return Subquery(
        models.AreaSummary.objects.filter(summary_id=OuterRef("latest_id"), area_key=area_key).values("level")[:1]
    )


def division_teams(
    scope: PortfolioScope,
    selected: TeamFilter,
    questionnaire: domain.Questionnaire | None,
    *,
    per_page: int = TEAMS_PER_PAGE,
) -> TeamPage:
    """One page of teams (`per_page`), searched, filtered and sorted in the database.

    `questionnaire` gives the columns: team_columns(scope).
    """
    area_keys = [a.id for a in questionnaire.areas] if questionnaire else []
    teams = scope.teams().annotate(latest_id=Subquery(_latest_submitted()))
    if selected.division == NO_DIVISION:
        teams = teams.filter(division__isnull=True)
    elif selected.division:
        teams = teams.filter(division_id=int(selected.division))  # within the scope: teams() filtered already
    if selected.name:
        teams = teams.filter(name__icontains=selected.name)
    if selected.without_submitted:
        teams = teams.filter(latest_id__isnull=True)
    if selected.tag:  # answered tags only: an assumed tag (a profile question not stated) does not match
        teams = teams.filter(
            Exists(models.SummaryTag.objects.filter(summary_id=OuterRef("latest_id"), tag=selected.tag))
        )
    if selected.area and selected.below is not None:
        teams = teams.annotate(filter_level=_area_level(selected.area)).filter(filter_level__lt=selected.below)
    descending = selected.sort.startswith("-")
    column = selected.sort.lstrip("-")
    if column == "overall":
        teams = teams.annotate(
            sort_value=Subquery(
                models.AssessmentSummary.objects.filter(assessment_id=OuterRef("latest_id")).values("level")[:1]
            )
        )
    elif column == "submitted":
        teams = teams.annotate(
            sort_value=Subquery(models.Assessment.objects.filter(pk=OuterRef("latest_id")).values("submitted_at")[:1])
        )
    elif column == "division":
        teams = teams.annotate(sort_value=F("division__name"))
    elif column.startswith("area:") and column[5:] in area_keys:
        teams = teams.annotate(sort_value=_area_level(column[5:]))
    else:
        column = "name"
    order: list[Any]
    if column == "name":
        order = [F("name").desc() if descending else F("name").asc(), "pk"]
    else:
        value = F("sort_value").desc(nulls_last=True) if descending else F("sort_value").asc(nulls_last=True)
        order = [value, "name", "pk"]
    paginator = Paginator(teams.order_by(*order).values_list("pk", "name", "division__name", "latest_id"), per_page)
    page = paginator.get_page(selected.page)
    listed = list(page.object_list)
    latest = [row[3] for row in listed if row[3] is not None]
    summaries = {
        pk: (level, score, submitted_at)
        for pk, level, score, submitted_at in models.AssessmentSummary.objects.filter(
            assessment_id__in=latest
        ).values_list("assessment_id", "level", "score", "assessment__submitted_at")
    }
    areas: dict[int, dict[str, float | None]] = defaultdict(dict)
    for summary_id, key, score in models.AreaSummary.objects.filter(summary_id__in=latest).values_list(
        "summary_id", "area_key", "score"
    ):
        areas[summary_id][key] = score
    rows = []
    for pk, name, division, latest_id in listed:
        stored = summaries.get(latest_id) if latest_id is not None else None
        if stored is None or questionnaire is None:
            rows.append(TeamRow(pk, name, division or "", None, None, None, [None] * len(area_keys)))
            continue
        _, score, submitted_at = stored
        rows.append(
            TeamRow(
                pk,
                name,
                division or "",
                latest_id,
                submitted_at,
                heat_cell(questionnaire, "", score),
                [heat_cell(questionnaire, key, areas[latest_id].get(key)) for key in area_keys],
            )
        )
    return TeamPage(questionnaire=questionnaire, rows=rows, page=page, total=paginator.count)


def portfolio_state(agency: models.Agency, division: models.Division | None) -> list:
    """What a portfolio report shows, in short: a change to any of it changes the list.

    Each team (name, division, latest submitted assessment), the division names,
    and the last time a stored summary was written (a submit or a content change).
    """
    teams = models.Team.objects.filter(agency=agency)
    if division is not None:
        teams = teams.filter(division=division)
    rows = teams.annotate(latest_id=Subquery(_latest_submitted())).order_by("pk")
    state: list = list(rows.values_list("pk", "name", "division_id", "latest_id"))
    state += list(models.Division.objects.filter(agency=agency).order_by("pk").values_list("pk", "name"))
    state.append(
        models.AssessmentSummary.objects.filter(team__agency=agency).aggregate(last=Max("computed_at"))["last"]
    )
    return state
