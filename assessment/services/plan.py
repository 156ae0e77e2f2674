"""Writes of a team's action plan: taking roadmap items on, changing an action, and its stored progress.

Every write by a person records its history row with the user who made it
(django-simple-history), so the plan page can show who changed what and when.
Each action's measured progress and whether its question is retired or out of scope are stored
(plan_progress_store) whenever what decides them changes, so the portfolio
reads them instead of every team's answers; "overdue" is decided when read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from assessment import models
from assessment.domain.plan import action_step
from assessment.domain.roadmap import roadmap_for
from assessment.domain.text import first_control_character
from assessment.selectors.assessments import answers_domain, area_targets, profile_answers
from assessment.selectors.plan import action_rows
from assessment.selectors.questionnaires import questionnaire_domain

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Due dates outside these years are typing mistakes (or hostile); calendars choke on them too.
DUE_YEAR_MIN, DUE_YEAR_MAX = 2000, 2100


class ActionInvalid(Exception):
    """An action input that cannot be stored; the message says which field and why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class ActionConflict(Exception):
    """Someone saved the action after this user's page was shown, changing a field this user changed too.

    `fields`: each such field (an ActionInput attribute) with its value now; `current`: the action now.
    Nothing was written.
    """

    def __init__(self, fields: dict[str, Any], current: ActionInput):
        super().__init__("Someone else saved this action while you were editing it; nothing was saved.")
        self.fields = fields
        self.current = current


@dataclass(frozen=True)
class ActionInput:
    owner_id: int | None = None
    owner_name: str = ""
    due_date: datetime.date | None = None
    status: str = models.Action.PLANNED
    wont_do_reason: str = ""
    link: str = ""
    note: str = ""
    title: str = ""  # "": the action keeps its title


def item_key(question_key: str, to_level: int) -> str:
    """How a roadmap item is named in a form: "question-id:level"."""
    return f"{question_key}:{to_level}"


def _clean_text(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f")).strip()


def link_is_allowed(link: str) -> bool:
    # urlsplit drops CR, LF and tab before it looks, so they are refused here first.
    if first_control_character(link) is not None:
        return False
    parts = urlsplit(link)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def team_member_ids(team: models.Team) -> set[int]:
    return set(
        models.Membership.objects.filter(team=team, role=models.Membership.MEMBER).values_list("user_id", flat=True)
    )


def action_input_check(team: models.Team, given: ActionInput) -> ActionInput:
    """The input cleaned, or ActionInvalid naming the first field that is wrong."""
    owner_name = _clean_text(given.owner_name)
    note = _clean_text(given.note)
    reason = _clean_text(given.wont_do_reason)
    link = given.link.strip()
    title = " ".join(_clean_text(given.title).split())
    if len(title) > models.Action.TITLE_MAX_LENGTH:
        raise ActionInvalid(
            "title", f"The title is {len(title)} characters long; the limit is {models.Action.TITLE_MAX_LENGTH}."
        )
    if given.owner_id is not None and given.owner_id not in team_member_ids(team):
        raise ActionInvalid("owner", "Choose a member of this team as owner, or name someone outside the app.")
    if given.owner_id is not None and owner_name:
        raise ActionInvalid("owner_name", "Choose a team member or name someone outside the app, not both.")
    if len(owner_name) > 200:
        raise ActionInvalid("owner_name", f"The owner's name is {len(owner_name)} characters long; the limit is 200.")
    if given.due_date is not None and not DUE_YEAR_MIN <= given.due_date.year <= DUE_YEAR_MAX:
        raise ActionInvalid("due_date", f"Enter a due date between the years {DUE_YEAR_MIN} and {DUE_YEAR_MAX}.")
    if given.status not in dict(models.Action.STATUS_CHOICES):
        raise ActionInvalid("status", f'Unknown status "{given.status}".')
    if given.status == models.Action.WONT_DO and not reason:
        raise ActionInvalid("wont_do_reason", "Say why the team won't do this action.")
    if given.status != models.Action.WONT_DO:
        reason = ""
    if len(reason) > models.Action.REASON_MAX_LENGTH:
        raise ActionInvalid(
            "wont_do_reason",
            f"The reason is {len(reason)} characters long; the limit is {models.Action.REASON_MAX_LENGTH}.",
        )
    if link and (len(link) > 500 or not link_is_allowed(link)):
        raise ActionInvalid("link", "Enter a web address starting with http:// or https:// (500 characters at most).")
    if len(note) > models.Action.NOTE_MAX_LENGTH:
        raise ActionInvalid(
            "note", f"The note is {len(note)} characters long; the limit is {models.Action.NOTE_MAX_LENGTH}."
        )
    return ActionInput(given.owner_id, owner_name, given.due_date, given.status, reason, link, note, title)


def _with_user(action: models.Action, user: User | None) -> None:
    tracked: Any = action  # django-simple-history reads this attribute, unknown to the model's type
    tracked._history_user = user


@transaction.atomic
def actions_add_from_roadmap(*, assessment: models.Assessment, user: User, item_keys: list[str]) -> list[models.Action]:
    """Take roadmap items of the assessment on as actions; items already in the plan are left as they are.

    Returns the actions created. An item key that is not on the assessment's
    roadmap raises ActionInvalid, and nothing is written.
    """
    questionnaire = questionnaire_domain(assessment.questionnaire)
    profile = profile_answers(assessment) if questionnaire.format == 2 else {}
    roadmap = roadmap_for(questionnaire, answers_domain(assessment), area_targets(assessment), profile=profile)
    on_roadmap = {item_key(item.question_key, item.to_level): item for item in roadmap}
    if not item_keys:
        raise ActionInvalid("items", "Choose at least one roadmap item to add to the plan.")
    agency = {item_key(item.question_key, level) for item in roadmap.agency_items for level in item.steps}
    owned = [key for key in item_keys if key in agency]
    if owned:  # format 2: an agency-wide step is the agency's to take, not a team's
        raise ActionInvalid(
            "items", f'"{owned[0][:100]}" is an agency-wide step: the agency owns it, so it cannot join a team plan.'
        )
    unknown = [key for key in item_keys if key not in on_roadmap]
    if unknown:
        raise ActionInvalid("items", f'"{unknown[0][:100]}" is not an item of this roadmap.')
    existing = set(
        models.Action.objects.filter(team=assessment.team, questionnaire_slug=questionnaire.slug).values_list(
            "question_key", "target_level"
        )
    )
    questions = {question.id: question for _area, question in questionnaire.questions()}
    created = []
    now = timezone.now()
    for key in dict.fromkeys(item_keys):
        item = on_roadmap[key]
        if (item.question_key, item.to_level) in existing:
            continue
        step = action_step(questionnaire, questions[item.question_key], item.to_level)
        action = models.Action(
            title=step.default_title if step else "",
            team=assessment.team,
            questionnaire_slug=questionnaire.slug,
            question_key=item.question_key,
            target_level=item.to_level,
            created_by=user,
            created_at=now,
        )
        created.append(action)
    _progress_set(created)
    for action in created:
        _with_user(action, user)
        action.save()
    return created


@transaction.atomic
def action_update(
    *, action: models.Action, user: User, given: ActionInput, shown: ActionInput | None = None
) -> models.Action:
    """Store `given` on the action. With `shown` (the action as the user's page showed it), only the
    fields the user changed are written, the others keep what is stored now; ActionConflict when
    someone else changed one of the same fields since, to another value."""
    if shown is not None:
        action = models.Action.objects.select_for_update().get(pk=action.pk)
        given = _action_merged(action, shown, given)
    cleaned = action_input_check(action.team, given)
    action.owner_id = cleaned.owner_id
    action.owner_name = cleaned.owner_name
    action.due_date = cleaned.due_date
    action.status = cleaned.status
    action.wont_do_reason = cleaned.wont_do_reason
    action.link = cleaned.link
    action.note = cleaned.note
    if cleaned.title:
        action.title = cleaned.title
    _progress_set([action])  # the status decides "done, not yet reflected in the answers"
    _with_user(action, user)
    action.save()
    return action


def _same(a: Any, b: Any) -> bool:
    # A browser posts a textarea's line breaks as CRLF; stored text keeps LF and no surrounding space.
    if isinstance(a, str) and isinstance(b, str):
        return _clean_text(a.replace("\r\n", "\n")) == _clean_text(b.replace("\r\n", "\n"))
    return bool(a == b)


def _action_merged(action: models.Action, shown: ActionInput, given: ActionInput) -> ActionInput:
    """What is stored now, with the fields the user changed from `shown` to `given` on top."""
    row = action_rows([action])[0]
    current = ActionInput(
        action.owner_id,
        action.owner_name,
        action.due_date,
        action.status,
        action.wont_do_reason,
        action.link,
        action.note,
        row.title,
    )
    merged, conflicts = {}, {}
    for name in ActionInput.__dataclass_fields__:
        mine, was, now = getattr(given, name), getattr(shown, name), getattr(current, name)
        if _same(mine, was) or (name == "title" and not mine):  # an empty title keeps the title
            merged[name] = now
            continue
        merged[name] = mine
        if not _same(now, was) and not _same(now, mine):
            conflicts[name] = now
    if conflicts:
        raise ActionConflict(conflicts, current)
    return ActionInput(**merged)


# Teams per batch when storing progress: each batch reads its teams' assessments and answers once.
PROGRESS_TEAMS_PER_BATCH = 200
_PROGRESS_FIELDS = ["measured_progress", "question_retired", "question_out_of_scope"]


def _progress_set(actions: list[models.Action]) -> list[models.Action]:
    """Set each action's measured progress, retired and out-of-scope flags as selectors/plan.py computes
    them, unsaved. Returns the actions whose stored figures change."""
    changed = []
    for row in action_rows(actions):
        action = row.action
        computed = (row.progress.kind, row.retired, row.out_of_scope)
        if (action.measured_progress, action.question_retired, action.question_out_of_scope) != computed:
            action.measured_progress, action.question_retired, action.question_out_of_scope = computed
            changed.append(action)
    return changed


def plan_progress_store(team_ids: Iterable[int]) -> int:
    """Store again the measured progress of these teams' actions, after their assessments or the content
    changed. Without history rows or a new "last change" (derived figures). Returns the actions changed."""
    ids = sorted(set(team_ids))
    changed = 0
    for start in range(0, len(ids), PROGRESS_TEAMS_PER_BATCH):
        actions = list(models.Action.objects.filter(team_id__in=ids[start : start + PROGRESS_TEAMS_PER_BATCH]))
        stale = _progress_set(actions)
        models.Action.objects.bulk_update(stale, _PROGRESS_FIELDS, batch_size=500)
        changed += len(stale)
    return changed


def plan_progress_store_all() -> int:
    """Every action's progress stored again: after `manage.py recompute_summaries`."""
    return plan_progress_store(models.Action.objects.values_list("team_id", flat=True).distinct().order_by())
