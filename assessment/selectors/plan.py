"""Reads of action plans: each action with its measured progress, per team and per agency.

A fixed number of queries for any number of teams and actions: the actions, the
teams' assessments, and the answers to the actions' questions in those
assessments, one query each; the questionnaire content once per version (cached).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.domain.plan import ACHIEVED, Observation, Progress, action_progress, action_step
from assessment.domain.profile import out_of_scope_keys, team_tags
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.selectors.summaries import profiles_for_assessments

# The order of the status groups on the plan page: what is moving first.
STATUS_ORDER = [models.Action.IN_PROGRESS, models.Action.PLANNED, models.Action.DONE, models.Action.WONT_DO]


@dataclass(frozen=True)
class ActionRow:
    action: models.Action
    progress: Progress[models.Assessment]
    question_text: str  # from the newest content version that has the question
    area_title: str
    target_name: str  # the target level's name
    retired: bool  # the team's current content version no longer has the question
    overdue: bool
    title: str = ""  # what to do: the action's own, else its step's default
    done_when: str = ""  # the target level's statement, true once the action is done
    practices: tuple[domain.Practice, ...] = ()  # the practices that get the team there
    version_id: int | None = None  # the content version the text and practices come from
    out_of_scope: bool = False  # format 2: the team's newest assessment's profile puts the question out of scope

    @property
    def status_words(self) -> str:
        return self.action.get_status_display()


@dataclass(frozen=True)
class ActionCounts:
    open: int = 0
    overdue: int = 0
    achieved: int = 0


def _question_in(questionnaire: domain.Questionnaire, key: str) -> tuple[domain.Area, domain.Question] | None:
    for area, question in questionnaire.questions():
        if question.id == key:
            return area, question
    return None


def _level_name(questionnaire: domain.Questionnaire, level: int) -> str:
    return next((s.name for s in questionnaire.scale if s.level == level), "")


def _step_fields(
    action: models.Action,
    version: models.QuestionnaireVersion | None,
    found: tuple[domain.Area, domain.Question] | None,
) -> dict:
    """The title, "done when" and practices of an action, from the content version that has its question."""
    if version is None or found is None:
        return {"title": action.title or action.question_key, "version_id": None}
    step = action_step(questionnaire_domain(version), found[1], action.target_level)
    if step is None:  # the target level is no longer a choice of the question
        return {"title": action.title or found[1].text, "version_id": version.pk}
    return {
        "title": action.title or step.default_title,
        "done_when": step.done_when,
        "practices": step.practices,
        "version_id": version.pk,
    }


def action_rows(actions: Iterable[models.Action], today: datetime.date | None = None) -> list[ActionRow]:
    """Each action with its progress, question and flags; in the order given."""
    actions = list(actions)
    if not actions:
        return []
    today = today or timezone.localdate()
    team_ids = {a.team_id for a in actions}
    assessments = list(
        models.Assessment.objects.filter(team_id__in=team_ids)
        .select_related("questionnaire")
        .order_by("team_id", "created_at", "pk")
    )
    submitted = sorted(
        (a for a in assessments if a.is_submitted and a.submitted_at is not None), key=lambda a: (a.submitted_at, a.pk)
    )
    # Each team's submitted assessments per questionnaire, oldest first: an action reads only its team's.
    submitted_by_team: dict[tuple[int, str], list[models.Assessment]] = defaultdict(list)
    for assessment in submitted:
        submitted_by_team[(assessment.team_id, assessment.questionnaire.slug)].append(assessment)
    keys = {a.question_key for a in actions}
    out_of_scope = _out_of_scope(assessments)
    levels: dict[tuple[int, str], int | None] = {}
    rows = models.Answer.objects.filter(assessment__in=[a.pk for a in submitted], question__key__in=keys).values_list(
        "assessment_id", "question__key", "kind", "choice__level"
    )
    for assessment_id, key, kind, level in rows:
        # An answer out of the assessment's scope (format 2) is no observation.
        in_scope = key not in out_of_scope.get(assessment_id, ())
        levels[(assessment_id, key)] = level if kind == models.Answer.CHOICE and in_scope else None
    newest: dict[tuple[int, str], models.Assessment] = {}
    # Newest first: where to find a question's text, and whether it is retired.
    versions_by_team: dict[tuple[int, str], list[models.QuestionnaireVersion]] = defaultdict(list)
    for assessment in reversed(assessments):
        versions = versions_by_team[(assessment.team_id, assessment.questionnaire.slug)]
        newest.setdefault((assessment.team_id, assessment.questionnaire.slug), assessment)
        if assessment.questionnaire not in versions:
            versions.append(assessment.questionnaire)
    out = []
    for action in actions:
        observations = [
            Observation(a, levels.get((a.pk, action.question_key)))
            for a in submitted_by_team.get((action.team_id, action.questionnaire_slug), [])
            if a.submitted_at is not None and a.submitted_at > action.created_at
        ]
        progress = action_progress(action.target_level, action.status == models.Action.DONE, observations)
        versions = versions_by_team.get((action.team_id, action.questionnaire_slug), [])
        found = None
        found_in = None
        for version in versions:
            found = _question_in(questionnaire_domain(version), action.question_key)
            if found is not None:
                found_in = version
                break

        retired = bool(versions) and _question_in(questionnaire_domain(versions[0]), action.question_key) is None
        latest = newest.get((action.team_id, action.questionnaire_slug))
        scoped_out = latest is not None and action.question_key in out_of_scope.get(latest.pk, ())
        target_name = _level_name(questionnaire_domain(versions[0]), action.target_level) if versions else ""
        out.append(
            ActionRow(
                action=action,
                progress=progress,
                question_text=found[1].text if found else action.question_key,
                area_title=found[0].title if found else "",
                target_name=target_name,
                **_step_fields(action, found_in, found),
                retired=retired,
                out_of_scope=scoped_out,
                overdue=bool(
                    action.is_open
                    and action.due_date is not None
                    and action.due_date < today
                    and not progress.achieved
                    and not retired
                    and not scoped_out
                ),
            )
        )
    return out


def _out_of_scope(assessments: list[models.Assessment]) -> dict[int, frozenset[str]]:
    """The question keys out of each format 2 assessment's scope; one query when there is one, none otherwise."""
    format2 = {a.pk: questionnaire_domain(a.questionnaire) for a in assessments if a.questionnaire.format == 2}
    if not format2:
        return {}
    profiles = profiles_for_assessments(list(format2))
    return {
        pk: out_of_scope_keys(questionnaire, team_tags(questionnaire, profiles.get(pk, {})))
        for pk, questionnaire in format2.items()
    }


def _sort_key(row: ActionRow):
    due = row.action.due_date or datetime.date.max
    return (not row.overdue, due, row.action.pk)


def team_plan(
    team: models.Team, *, owner: str = "", status: str = "", today: datetime.date | None = None
) -> list[tuple[str, str, list[ActionRow]]]:
    """(status, its words, rows) groups for the plan page: overdue first in each, then by due date.

    `owner` filters by "user:<id>" or "name:<text>"; `status` by a status key.
    """
    queryset = models.Action.objects.filter(team=team).select_related("owner")
    if status in dict(models.Action.STATUS_CHOICES):
        queryset = queryset.filter(status=status)
    if owner.startswith("user:") and owner[5:].isdigit():
        queryset = queryset.filter(owner_id=int(owner[5:]))
    elif owner.startswith("name:"):
        queryset = queryset.filter(owner__isnull=True, owner_name=owner[5:])
    rows = action_rows(queryset, today)
    words = dict(models.Action.STATUS_CHOICES)
    groups = []
    for key in STATUS_ORDER:
        in_group = sorted((r for r in rows if r.action.status == key), key=_sort_key)
        if in_group:
            groups.append((key, words[key], in_group))
    return groups


def owner_choices(team: models.Team) -> list[tuple[str, str]]:
    """The owners the plan can be filtered by: team members and the names given for others."""
    users = {
        a.owner_id: a.owner_display
        for a in models.Action.objects.filter(team=team, owner__isnull=False).select_related("owner")
    }
    names = sorted(
        set(
            models.Action.objects.filter(team=team, owner__isnull=True)
            .exclude(owner_name="")
            .values_list("owner_name", flat=True)
        )
    )
    return [(f"user:{pk}", name) for pk, name in sorted(users.items(), key=lambda kv: kv[1].lower())] + [
        (f"name:{name}", name) for name in names
    ]


def actions_by_question(team: models.Team, questionnaire_slug: str) -> dict[str, list[models.Action]]:
    """The team's actions on each question of a questionnaire, for the roadmap page."""
    by_key: dict[str, list[models.Action]] = defaultdict(list)
    for action in models.Action.objects.filter(team=team, questionnaire_slug=questionnaire_slug).select_related(
        "owner"
    ):
        by_key[action.question_key].append(action)
    return dict(by_key)


def _counts(rows: list[ActionRow]) -> dict[int, ActionCounts]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        entry = counts[row.action.team_id]
        entry[0] += row.action.is_open and not row.progress.achieved and not row.retired and not row.out_of_scope
        entry[1] += row.overdue
        entry[2] += row.progress.achieved
    return {team_id: ActionCounts(*values) for team_id, values in counts.items()}


def team_actions(team: models.Team, questionnaire_slug: str) -> list[ActionRow]:
    """The team's actions on one questionnaire, in the plan page's order (overdue first, then by due date)."""
    rows = action_rows(
        models.Action.objects.filter(team=team, questionnaire_slug=questionnaire_slug).select_related("owner")
    )
    return sorted(rows, key=_sort_key)


def action_counts_by_team(team_ids: Iterable[int], today: datetime.date | None = None) -> dict[int, ActionCounts]:
    """Per team: open actions (not achieved), overdue actions, actions achieved. Teams without actions are left out."""
    return _counts(action_rows(models.Action.objects.filter(team_id__in=list(team_ids)), today))


def overdue_actions_for_agency(agency_id: int, today: datetime.date | None = None) -> list[ActionRow]:
    """Every overdue action of the agency's teams, the longest overdue first."""
    today = today or timezone.localdate()
    queryset = models.Action.objects.filter(
        team__agency_id=agency_id, status__in=models.Action.OPEN_STATUSES, due_date__lt=today
    ).select_related("team", "owner")
    return sorted((r for r in action_rows(queryset, today) if r.overdue), key=_sort_key)


def action_history(action: models.Action) -> list:
    """The action's history rows, newest first, with who made each change."""
    return list(action.history.select_related("history_user").order_by("-history_date", "-history_id"))


# The portfolio lists this many teams and overdue actions at most; the totals are given.
PLAN_LIST_LIMIT = 25


@dataclass(frozen=True)
class AgencyPlanSummary:
    """For the executive portfolio: per-team counts, and the longest overdue actions of the agency."""

    teams: list[tuple[models.Team, ActionCounts]]  # the teams with the most overdue, then open actions
    overdue: list[ActionRow]  # the longest overdue first
    team_total: int = 0  # teams with at least one action
    overdue_total: int = 0

    @property
    def overdue_count(self) -> int:
        return self.overdue_total


def agency_plan_summary(
    teams: QuerySet[models.Team], today: datetime.date | None = None, *, limit: int = PLAN_LIST_LIMIT
) -> AgencyPlanSummary:
    """Open, overdue and achieved actions per team, and the `limit` longest overdue actions.

    `teams`: the teams the executive sees (the agency's, or only some divisions').
    A department has thousands of actions, so this reads each action's measured
    progress, retired and out-of-scope flags as stored (services/plan.py plan_progress_store):
    the counts per team in one grouped query, then the listed teams, the listed
    overdue actions and their teams' newest versions (question text), whatever their
    number. "Overdue" is decided here, with today's date.
    """
    today = today or timezone.localdate()
    # Open and overdue as the plan page counts them (_counts): neither retired nor out of scope.
    counting = ~Q(measured_progress=ACHIEVED) & Q(
        status__in=models.Action.OPEN_STATUSES, question_retired=False, question_out_of_scope=False
    )
    late = counting & Q(due_date__lt=today)
    rows = list(
        models.Action.objects.filter(team__in=teams)
        .values("team_id")
        .annotate(
            open=Count("pk", filter=counting),
            overdue=Count("pk", filter=late),
            achieved=Count("pk", filter=Q(measured_progress=ACHIEVED)),
            name=Min("team__name"),
        )
        .values_list("team_id", "open", "overdue", "achieved", "name")
        .order_by()
    )
    counts = {team_id: ActionCounts(n_open, overdue, achieved) for team_id, n_open, overdue, achieved, _ in rows}
    names = {row[0]: row[4] for row in rows}
    listed = sorted(counts, key=lambda pk: (-counts[pk].overdue, -counts[pk].open, names[pk], pk))[:limit]
    shown = models.Team.objects.in_bulk(listed)
    actions = list(
        models.Action.objects.filter(late, team__in=teams)
        .select_related("team", "owner")
        .order_by("due_date", "pk")[:limit]
    )
    # Each listed action's team's newest version of the questionnaire: its question's text there.
    newest: dict[tuple[int, str], models.QuestionnaireVersion] = {}
    assessments = models.Assessment.objects.filter(team_id__in={a.team_id for a in actions}).select_related(
        "questionnaire"
    )
    for assessment in assessments.order_by("-created_at", "-pk") if actions else []:
        newest.setdefault((assessment.team_id, assessment.questionnaire.slug), assessment.questionnaire)
    overdue_rows = []
    for action in actions:
        version = newest.get((action.team_id, action.questionnaire_slug))
        content = questionnaire_domain(version) if version is not None else None
        found = _question_in(content, action.question_key) if content is not None else None
        overdue_rows.append(
            ActionRow(
                action=action,
                progress=Progress(action.measured_progress),
                question_text=found[1].text if found else action.question_key,
                area_title=found[0].title if found else "",
                target_name=_level_name(content, action.target_level) if content is not None and found else "",
                **_step_fields(action, version if found else None, found),
                retired=False,
                overdue=True,
            )
        )
    return AgencyPlanSummary(
        teams=[(shown[pk], counts[pk]) for pk in listed],
        overdue=overdue_rows,
        team_total=len(counts),
        overdue_total=sum(c.overdue for c in counts.values()),
    )
