"""Division tallies: per division, how many teams share a figure, counted from their latest summaries.

The division view needs, per division and content version, each area's mean
score, and, over the divisions in view, how many teams have each step in Now
(and any step of each question), and each practice on their roadmap. Grouping every team's stored steps and
practices takes half a second at 3,000 teams, so services/tallies.py stores
these counts (DivisionTally) whenever a team's latest summary changes, and the
division view adds up the stored rows (tallies_read): a few thousand at most.

Each division's stored counts carry the basis they were counted from (how
many latest summaries, the sum of their ids, the last time one was written).
A division whose summaries no longer match it, because a team moved or was
deleted some way that did not count again, is counted live by the same
function that counts for storing (tallies_count), so a stored figure and a
live one cannot disagree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Q, Sum

from assessment import models

AREA, STEP, PRACTICE = models.DivisionTally.AREA, models.DivisionTally.STEP, models.DivisionTally.PRACTICE
QUESTION = models.DivisionTally.QUESTION
TAG, AGENCY = models.DivisionTally.TAG, models.DivisionTally.AGENCY


@dataclass(frozen=True)
class Basis:
    """What a division's latest summaries are, in short: any submit, content change or move changes it."""

    summaries: int
    assessment_sum: int
    computed_at: datetime.datetime | None


@dataclass(frozen=True)
class Tally:
    division_id: int | None
    questionnaire_id: int
    kind: str
    key: str
    level: int
    teams: int
    now: int = 0
    score_sum: float = 0.0
    answer: str = ""  # AGENCY: the answer counted (SummaryAgencyAnswer.answer)


@dataclass(frozen=True)
class SummaryGroup:
    """The latest summaries of one division's teams on one content version."""

    division_id: int | None
    questionnaire_id: int
    teams: int
    scored: int  # of them, with an overall score
    mean: float | None  # of the overall scores
    assessment_sum: int
    computed_at: datetime.datetime | None


def in_divisions(division_ids: Iterable[int | None], prefix: str = "") -> Q:
    """Rows of teams in these divisions (None: teams in no division); `prefix` leads to the division field."""
    division_ids = list(division_ids)
    q = Q(**{f"{prefix}division_id__in": [d for d in division_ids if d is not None]})
    if None in division_ids:
        q |= Q(**{f"{prefix}division__isnull": True})
    return q


def summary_groups(latest: Q) -> list[SummaryGroup]:
    """The latest summaries matching `latest`, grouped by their team's division and their version. One query."""
    rows = (
        models.AssessmentSummary.objects.filter(latest)
        .values_list("team__division_id", "questionnaire_id")
        .annotate(
            n=Count("pk"), scored=Count("score"), mean=Avg("score"), ids=Sum("assessment_id"), last=Max("computed_at")
        )
        .order_by()
    )
    return [SummaryGroup(d, v, n, scored, mean, int(ids), last) for d, v, n, scored, mean, ids, last in rows]


def bases_of(groups: Iterable[SummaryGroup]) -> dict[int | None, Basis]:
    """Each division's basis, from its summary groups (one per content version)."""
    parts: dict[int | None, list[SummaryGroup]] = defaultdict(list)
    for group in groups:
        parts[group.division_id].append(group)
    return {
        division: Basis(
            sum(g.teams for g in found),
            sum(g.assessment_sum for g in found),
            max((g.computed_at for g in found if g.computed_at is not None), default=None),
        )
        for division, found in parts.items()
    }


def _latest(agency_id: int, division_ids: list[int | None], prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_latest": True, f"{prefix}team__agency_id": agency_id}) & in_divisions(
        division_ids, f"{prefix}team__"
    )


def tallies_count(agency_id: int, division_ids: Iterable[int | None]) -> tuple[list[Tally], dict[int | None, Basis]]:
    """The tallies of these divisions of the agency, counted from the latest summaries, and their bases.

    Seven grouped queries whatever the number of teams (the last two count format 2's tags and
    agency-owned questions' answers, and find nothing in format 1 data).
    """
    divisions = list(division_ids)
    if not divisions:
        return [], {}
    bases = bases_of(summary_groups(_latest(agency_id, divisions)))
    related = _latest(agency_id, divisions, "summary__")
    division, version = "summary__team__division_id", "summary__questionnaire_id"
    tallies = [
        Tally(d, v, AREA, key, 0, n, score_sum=total)
        for d, v, key, n, total in models.AreaSummary.objects.filter(related, score__isnull=False)
        .values_list(division, version, "area_key")
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by()
    ]
    tallies += [
        Tally(d, v, STEP, key, level, n)
        for d, v, key, level, n in models.SummaryStep.objects.filter(related)
        .values_list(division, version, "question_key", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    # A team with steps to two levels of one question counts once for the question.
    tallies += [
        Tally(d, v, QUESTION, key, 0, n)
        for d, v, key, n in models.SummaryStep.objects.filter(related)
        .values_list(division, version, "question_key")
        .annotate(n=Count("summary_id", distinct=True))
        .order_by()
    ]
    tallies += [
        Tally(d, v, PRACTICE, key, 0, n, now=now)
        for d, v, key, n, now in models.SummaryPractice.objects.filter(related)
        .values_list(division, version, "practice_key")
        .annotate(n=Count("pk"), now=Count("pk", filter=Q(in_now=True)))
        .order_by()
    ]
    tallies += [
        Tally(d, v, TAG, tag, 0, n)
        for d, v, tag, n in models.SummaryTag.objects.filter(related)
        .values_list(division, version, "tag")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    tallies += [
        Tally(d, v, AGENCY, key, level or 0, n, now=steps, answer=answer)
        for d, v, key, answer, level, n, steps in models.SummaryAgencyAnswer.objects.filter(related)
        .values_list(division, version, "question_key", "answer", "level")
        .annotate(n=Count("pk"), steps=Count("pk", filter=Q(agency_step=True)))
        .order_by()
    ]
    return tallies, bases


@dataclass
class Tallies:
    """What the division view needs, by content version id."""

    # (version, division, area key) -> (sum of scores, teams scored)
    areas: dict[tuple[int, int | None, str], tuple[float, int]]
    # (version, question key, level) -> teams with the step in Now
    steps: dict[tuple[int, str, int], int]
    # (version, question key) -> teams with any step of the question in Now
    questions: dict[tuple[int, str], int]
    # (version, practice key) -> (teams with it on the roadmap, of them in Now)
    practices: dict[tuple[int, str], tuple[int, int]]
    # Format 2. (version, tag) -> teams that answered a profile choice giving it
    tags: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    # (version, agency-owned question key, answer, level or 0) -> (teams, of them with it among their agency steps)
    agency: dict[tuple[int, str, str, int], tuple[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: (0, 0))
    )


def tallies_read(agency_id: int, groups: list[SummaryGroup]) -> Tallies:
    """The tallies of the divisions in `groups` (summary_groups of the view): stored ones where their basis
    still matches, the others counted live. Three queries when every division is up to date."""
    live = bases_of(groups)
    stored: dict[int | None, Basis] = {
        division: Basis(n, ids, last)
        for division, n, ids, last in models.DivisionTallyBasis.objects.filter(
            Q(agency_id=agency_id) & in_divisions(live)
        ).values_list("division_id", "summaries", "assessment_sum", "computed_at")
    }
    current = [d for d, basis in live.items() if stored.get(d) == basis]
    stale = [d for d in live if d not in current]
    out = Tallies(
        areas=defaultdict(lambda: (0.0, 0)),
        steps=defaultdict(int),
        questions=defaultdict(int),
        practices=defaultdict(lambda: (0, 0)),
    )

    def add(
        version: int,
        division: int | None,
        kind: str,
        key: str,
        level: int,
        teams: int,
        now: int,
        total: float,
        answer: str = "",
    ):
        if kind == AREA:
            score_sum, n = out.areas[version, division, key]
            out.areas[version, division, key] = (score_sum + total, n + teams)
        elif kind == STEP:
            out.steps[version, key, level] += teams
        elif kind == QUESTION:
            out.questions[version, key] += teams
        elif kind == TAG:
            out.tags[version, key] += teams
        elif kind == AGENCY:
            found, steps = out.agency[version, key, answer, level]
            out.agency[version, key, answer, level] = (found + teams, steps + now)
        else:
            on_roadmap, in_now = out.practices[version, key]
            out.practices[version, key] = (on_roadmap + teams, in_now + now)

    if current:
        where = Q(agency_id=agency_id) & in_divisions(current)
        for division, version, key, teams, total in models.DivisionTally.objects.filter(where, kind=AREA).values_list(
            "division_id", "questionnaire_id", "key", "teams", "score_sum"
        ):
            add(version, division, AREA, key, 0, teams, 0, total)
        for version, kind, key, level, answer, teams, now in (
            models.DivisionTally.objects.filter(where, kind__in=[STEP, QUESTION, PRACTICE, TAG, AGENCY])
            .values_list("questionnaire_id", "kind", "key", "level", "answer")
            .annotate(n=Sum("teams"), in_now=Sum("now"))
            .order_by()
        ):
            add(version, None, kind, key, level, teams, now, 0.0, answer)
    for tally in tallies_count(agency_id, stale)[0]:
        add(
            tally.questionnaire_id,
            tally.division_id,
            tally.kind,
            tally.key,
            tally.level,
            tally.teams,
            tally.now,
            tally.score_sum,
            tally.answer,
        )
    return out
