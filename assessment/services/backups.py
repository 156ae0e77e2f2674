"""Assessments out of one instance and into another: backups and moves.

The document names everything by its stable keys (team slug, questionnaire slug
and version, area and question ids, choice levels), never by database ids, so
it loads into any instance that has the same questionnaire versions loaded.

Import checks the whole document first and writes nothing if anything is
wrong; every problem says where it is (`assessments[2] (team "x", "Q1"):
answers[5]: ...`). Then it writes everything in one transaction.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.assessments import assessment_dates_restore
from assessment.services.backups_evidence import (
    CheckedEvidence,
    check_archive,
    check_evidence,
    evidence_create,
    evidence_export,
    evidence_files_store,
)
from assessment.services.evidence import evidence_storage
from assessment.services.plan import plan_progress_store
from assessment.services.reports import assessment_report_queue
from assessment.services.summaries import summaries_store
from assessment.services.teams import agency_ensure, team_ensure

FORMAT = "ml-readiness-assessments"
FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
# What a backup's answer may say: the answer kinds, and unanswered (a note without an answer).
ANSWER_KINDS = (*domain.ANSWER_KINDS, domain.UNANSWERED)
INTEGER_MAX = 2**31 - 1  # the largest value of an integer column, in every database Django supports


class ExchangeInvalid(Exception):
    """The document is refused as a whole; `problems` says what and where."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


# ---------------------------------------------------------------- export


def assessments_export(*, team_slug: str | None = None) -> dict[str, Any]:
    """Every assessment (or one team's) as a plain document, in a fixed number of queries."""
    selected = models.Team.objects.select_related("agency").order_by("slug")
    if team_slug is not None:
        selected = selected.filter(slug=team_slug)
    teams = list(selected)
    assessments = list(
        models.Assessment.objects.filter(team__in=teams)
        .select_related("team", "questionnaire")
        .order_by("team__slug", "created_at", "pk")
    )
    ids = [a.pk for a in assessments]
    answers = _answers_export(models.Answer.objects.filter(assessment_id__in=ids), "assessment_id")
    targets: defaultdict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, key, target in (
        models.AreaTarget.objects.filter(assessment_id__in=ids)
        .order_by("area__position")
        .values_list("assessment_id", "area__key", "target")
    ):
        targets[assessment_id][key] = target
    panels = _panels_export(ids)
    profiles = _profiles_export([a.pk for a in assessments if a.questionnaire.format >= 2])
    evidence = evidence_export(ids)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "actions": _actions_export(teams),
        "teams": [{"slug": t.slug, "name": t.name, "agency": t.agency.name} for t in teams],
        "assessments": [
            {
                "team": a.team.slug,
                "questionnaire": {"slug": a.questionnaire.slug, "version": a.questionnaire.version},
                "title": a.title,
                "status": a.status,
                "created_at": a.created_at.isoformat(),
                "updated_at": a.updated_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "targets": targets[a.pk],
                "answers": answers[a.pk],
                **({"panel": panels[a.pk]} if a.pk in panels else {}),
                # Format 2's profile, and the evidence; absent otherwise, so a format 1 backup reads as before.
                **({"profile": profiles[a.pk]} if a.questionnaire.format >= 2 else {}),
                **({"evidence": evidence[a.pk]} if a.pk in evidence else {}),
            }
            for a in assessments
        ],
    }


def _answers_export(answers: QuerySet[Any], owner: str) -> defaultdict[int, list[dict[str, Any]]]:
    """Team or respondent answers as the document writes them, in question order, by `owner` (the id field)."""
    documents: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = answers.order_by("question__area__position", "question__position", "question_id").values_list(
        owner, "question__key", "kind", "choice__level", "note", "na_reason", "na_reason_detail"
    )
    for owner_id, key, kind, level, note, na_reason, na_detail in rows:
        answer: dict[str, Any] = {"question": key, "answer": kind, "level": level, "note": note}
        if kind == domain.NOT_APPLICABLE:
            # Null for answers saved before reasons were asked.
            answer.update(na_reason=na_reason or None, na_reason_detail=na_detail)
        documents[owner_id].append(answer)
    return documents


def _profiles_export(ids: list[int]) -> defaultdict[int, list[dict[str, Any]]]:
    """The profile answers (format 2) of the assessments, in the profile's order; an unanswered question has none."""
    documents: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        models.ProfileAnswer.objects.filter(assessment_id__in=ids)
        .select_related("question", "choice", "answered_by")
        .order_by("assessment_id", "question__position", "question_id")
    )
    for row in rows:
        documents[row.assessment_id].append(
            {
                "question": row.question.key,
                "choice": row.choice.key,
                "answered_by": _username(row.answered_by),
                "answered_at": row.answered_at.isoformat(),
            }
        )
    return documents


def _actions_export(teams: list[models.Team]) -> list[dict[str, Any]]:
    """The teams' action plans, keyed like the actions themselves (questionnaire slug, question id, target level)."""
    rows = models.Action.objects.filter(team__in=teams).select_related("team", "owner").order_by("team__slug", "pk")
    return [
        {
            "team": a.team.slug,
            "questionnaire": a.questionnaire_slug,
            "question": a.question_key,
            "target_level": a.target_level,
            "owner": a.owner.get_username() if a.owner is not None else None,
            "owner_name": a.owner_display if a.owner is not None else a.owner_name,
            "due_date": a.due_date.isoformat() if a.due_date else None,
            "status": a.status,
            "wont_do_reason": a.wont_do_reason,
            "link": a.link,
            "note": a.note,
            "created_at": a.created_at.isoformat(),
        }
        for a in rows
    ]


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _panels_export(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The respondents, their answers and the lead's decisions of assessments answered by several people.

    People are named by username (null when the account is gone) and by the
    name shown, so an instance without the account keeps the answers under the name.
    """
    panels: dict[int, dict[str, Any]] = {}
    for panel in models.RespondentPanel.objects.filter(assessment_id__in=ids).select_related("lead"):
        panels[panel.assessment_id] = {
            "lead": _username(panel.lead),
            "share_individual_answers": panel.share_individual_answers,
            "respondents": [],
            "decisions": [],
        }
    if not panels:
        return panels
    respondents: dict[int, dict[str, Any]] = {}
    for respondent in (
        models.Respondent.objects.filter(assessment_id__in=list(panels))
        .select_related("user")
        .order_by("assessment_id", "name", "pk")
    ):
        respondents[respondent.pk] = {
            "name": respondent.name,
            "user": _username(respondent.user),
            "submitted_at": respondent.submitted_at.isoformat() if respondent.submitted_at else None,
            "answers": [],
        }
        panels[respondent.assessment_id]["respondents"].append(respondents[respondent.pk])
    given = _answers_export(
        models.RespondentAnswer.objects.filter(respondent_id__in=list(respondents)), "respondent_id"
    )
    for respondent_id, answers in given.items():
        respondents[respondent_id]["answers"] = answers
    for decision in (
        models.TeamAnswerDecision.objects.filter(assessment_id__in=list(panels))
        .select_related("question", "decided_by")
        .order_by("question__area__position", "question__position")
    ):
        panels[decision.assessment_id]["decisions"].append(
            {
                "question": decision.question.key,
                "decided_by": _username(decision.decided_by),
                "decided_at": decision.decided_at.isoformat(),
                "spread": decision.spread,
                "responses": decision.responses,
            }
        )
    return panels


# ---------------------------------------------------------------- import

# One checked answer: question key, kind, level, note, N/A reason, N/A detail.
_CheckedAnswer = tuple[str, str, int | None, str, str, str]


@dataclass
class _Assessment:
    team: str
    version: models.QuestionnaireVersion
    title: str
    status: str
    created_at: datetime | None
    updated_at: datetime | None
    submitted_at: datetime | None
    targets: dict[str, int]
    answers: list[_CheckedAnswer]
    panel: _Panel | None = None
    profile: list[_ProfileAnswer] = field(default_factory=list)
    evidence: list[CheckedEvidence] = field(default_factory=list)


@dataclass
class _ProfileAnswer:
    question: str
    choice: str
    answered_by: str | None
    answered_at: datetime | None


@dataclass
class _Respondent:
    name: str
    user: str | None
    submitted_at: datetime | None
    answers: list[_CheckedAnswer]


@dataclass
class _Decision:
    question: str
    decided_by: str | None
    decided_at: datetime | None
    spread: int | None
    responses: dict[str, Any]


@dataclass
class _Panel:
    lead: str | None
    share_individual_answers: bool
    respondents: list[_Respondent]
    decisions: list[_Decision]


@dataclass
class _Action:
    team: str
    questionnaire: str
    question: str
    target_level: int
    owner: str | None
    owner_name: str
    due_date: date | None
    status: str
    wont_do_reason: str
    link: str
    note: str
    created_at: datetime | None


@dataclass
class ImportOutcome:
    teams_created: list[str] = field(default_factory=list)
    agencies_created: list[str] = field(default_factory=list)
    assessments_created: int = 0
    answers_created: int = 0
    profile_answers_created: int = 0
    evidence_created: int = 0
    files_stored: int = 0
    actions_created: int = 0
    skipped: list[str] = field(default_factory=list)  # already present

    def describe(self) -> str:
        parts = [
            f"{self.assessments_created} assessment(s) with {self.answers_created} answer(s) imported",
            f"{len(self.teams_created)} team(s) created",
        ]
        if self.profile_answers_created:
            parts.append(f"{self.profile_answers_created} profile answer(s)")
        if self.evidence_created:
            parts.append(f"{self.evidence_created} piece(s) of evidence ({self.files_stored} file(s) stored)")
        if self.actions_created:
            parts.append(f"{self.actions_created} action(s) of plans imported")
        if self.agencies_created:
            parts.append(f"{len(self.agencies_created)} agency(ies) created")
        if self.skipped:
            parts.append(f"{len(self.skipped)} already present and skipped")
        return "; ".join(parts) + "."


def _text(value: object, where: str, problems: list[str], *, max_length: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}: expected a non-empty text, got {value!r}")
        return ""
    if len(value) > max_length:
        problems.append(f"{where}: {len(value)} characters long; the limit is {max_length}")
    return value


def _item_text(
    item: dict[str, Any], name: str, where: str, problems: list[str], *, max_length: int, required: bool = True
) -> str:
    """The text field `name` of a document item, checked by _text; a problem is located at `where: name`."""
    return _text(item.get(name), f"{where}: {name}", problems, max_length=max_length, required=required)


def _datetime(value: object, where: str, problems: list[str], *, required: bool) -> datetime | None:
    if value is None:
        if required:
            problems.append(f"{where}: missing; expected a date and time such as 2026-03-31T12:00:00+00:00")
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        problems.append(f"{where}: {value!r} is not a date and time such as 2026-03-31T12:00:00+00:00")
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    try:
        parsed.astimezone(UTC)  # how it is stored
    except OverflowError:
        problems.append(f"{where}: {value!r} is outside the years 1 to 9999 once converted to UTC")
        return None
    return parsed


def _whole_number(value: object, minimum: int, where: str, problems: list[str]) -> int | None:
    """`value` if it is a whole number from `minimum` to the largest a database integer column holds."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= INTEGER_MAX:
        problems.append(f"{where}: expected a whole number from {minimum} to {INTEGER_MAX}, got {value!r}")
        return None
    return value


def _nul_characters(data: object, source: str, problems: list[str]) -> None:
    """A problem for each text (value or key) holding U+0000, which PostgreSQL cannot store, named by its path."""
    stack: list[tuple[object, str]] = [(data, source)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                problems.append(f"{where}: the text holds a NUL character (U+0000), which cannot be stored")
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                shown = key.replace("\x00", "\\x00")
                at = f"{where}: {shown}" if where == source else f"{where}.{shown}"
                if "\x00" in key:
                    problems.append(f"{at}: the key holds a NUL character (U+0000), which cannot be stored")
                stack.append((item, at))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in reversed(list(enumerate(value))))


def _unknown_keys(item: dict[str, Any], allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(item) - allowed):
        problems.append(f"{where}: unknown key {key!r} (expected: {', '.join(sorted(allowed))})")


class _Versions:
    """Questionnaire versions named in the document, looked up once each."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], tuple[models.QuestionnaireVersion, domain.Questionnaire] | None] = {}

    def get(self, slug: str, version: str) -> tuple[models.QuestionnaireVersion, domain.Questionnaire] | None:
        key = (slug, version)
        if key not in self._found:
            row = models.QuestionnaireVersion.objects.filter(slug=slug, version=version).first()
            self._found[key] = (row, questionnaire_domain(row)) if row else None
        return self._found[key]


def _check_answers(
    answers: object, questionnaire: domain.Questionnaire, where: str, problems: list[str]
) -> list[_CheckedAnswer]:
    questions = {q.id: q for _a, q in questionnaire.questions()}
    checked: list[_CheckedAnswer] = []
    seen: set[str] = set()
    if not isinstance(answers, list):
        problems.append(f"{where}: answers: expected a list, got {type(answers).__name__}")
        return checked
    for j, item in enumerate(answers):
        at = f"{where}: answers[{j}]"
        if not isinstance(item, dict):
            problems.append(f"{at}: expected an object with question, answer, level, note")
            continue
        _unknown_keys(item, {"question", "answer", "level", "note", "na_reason", "na_reason_detail"}, at, problems)
        key, kind, level = item.get("question"), item.get("answer"), item.get("level")
        if not isinstance(key, str) or key not in questions:
            problems.append(f"{at}: question {key!r} is not in {questionnaire.slug} {questionnaire.version}")
            continue
        question = questions[key]
        at = f'{at} (question "{key}")'
        if key in seen:
            problems.append(f"{at}: answered twice")
            continue
        seen.add(key)
        if kind not in ANSWER_KINDS:
            problems.append(f"{at}: answer {kind!r} is not one of {', '.join(ANSWER_KINDS)}")
            continue
        note = _item_text(item, "note", at, problems, max_length=models.Answer.NOTE_MAX_LENGTH, required=False)
        if kind == domain.UNANSWERED:
            continue
        levels = [c.level for c in question.choices]
        problem = domain.answer_problem(kind, level, levels=levels, not_applicable=question.not_applicable)
        if problem:
            problems.append(f"{at}: {problem}")
            continue
        reason, detail = _check_na_reason(item, kind, at, problems)
        checked.append((key, kind, level, note, reason, detail))
    return checked


def _check_na_reason(item: dict[str, Any], kind: str, at: str, problems: list[str]) -> tuple[str, str]:
    """An N/A answer's reason; absent or null in documents exported before reasons were asked."""
    reason, detail = item.get("na_reason"), item.get("na_reason_detail")
    if kind != domain.NOT_APPLICABLE:
        if reason is not None or detail:
            problems.append(f'{at}: na_reason is only for an answer "{domain.NOT_APPLICABLE}", not {kind!r}')
        return "", ""
    if reason is not None and reason not in domain.NA_REASONS:
        problems.append(f"{at}: na_reason {reason!r} is not one of {', '.join(domain.NA_REASONS)} (or null)")
        return "", ""
    detail = _text(
        detail,
        f"{at}: na_reason_detail",
        problems,
        max_length=domain.NA_REASON_DETAIL_MAX_LENGTH,
        required=reason == domain.NA_OTHER,
    )
    if reason != domain.NA_OTHER and detail:
        problems.append(f'{at}: na_reason_detail is only for na_reason "{domain.NA_OTHER}"')
    return reason or "", detail.strip() if reason == domain.NA_OTHER else ""


def _check_profile(
    assessment: dict[str, Any], questionnaire: domain.Questionnaire, where: str, problems: list[str]
) -> list[_ProfileAnswer]:
    """The profile answers (format 2): each names a profile question and one of its choices by their ids."""
    checked: list[_ProfileAnswer] = []
    questions = {q.id: q for q in questionnaire.profile}
    seen: set[str] = set()
    expected = "an object with question, choice, answered_by, answered_at"
    for at, item in _objects(assessment, "profile", where, expected, problems):
        _unknown_keys(item, {"question", "choice", "answered_by", "answered_at"}, at, problems)
        key, choice = item.get("question"), item.get("choice")
        question = questions.get(key) if isinstance(key, str) else None
        if question is None:
            known = ", ".join(questions) or "none: it is format 1"
            problems.append(
                f"{at}: profile question {key!r} is not in {questionnaire.slug} {questionnaire.version} "
                f"(profile questions: {known})"
            )
            continue
        at = f'{at} (profile question "{key}")'
        if question.id in seen:
            problems.append(f"{at}: answered twice")
            continue
        seen.add(question.id)
        if not isinstance(choice, str) or question.choice_of(choice) is None:
            problems.append(f"{at}: choice {choice!r} is not one of {', '.join(c.id for c in question.choices)}")
            continue
        checked.append(
            _ProfileAnswer(
                question=question.id,
                choice=choice,
                answered_by=_username_value(item.get("answered_by"), f"{at}: answered_by", problems),
                answered_at=_datetime(item.get("answered_at"), f"{at}: answered_at", problems, required=False),
            )
        )
    return checked


def _username_value(value: object, where: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 150:
        problems.append(f"{where}: expected a username (text of at most 150 characters) or null, got {value!r}")
        return None
    return value


def _check_panel(panel: object, questionnaire: domain.Questionnaire, where: str, problems: list[str]) -> _Panel | None:
    """The respondents, their answers and the lead's decisions; absent for a single-author assessment."""
    if panel is None:
        return None
    where = f"{where}: panel"
    if not isinstance(panel, dict):
        problems.append(f"{where}: expected an object with lead, share_individual_answers, respondents, decisions")
        return None
    _unknown_keys(panel, {"lead", "share_individual_answers", "respondents", "decisions"}, where, problems)
    share = panel.get("share_individual_answers", False)
    if not isinstance(share, bool):
        problems.append(f"{where}: share_individual_answers: expected true or false, got {share!r}")
    respondents: list[_Respondent] = []
    seen: set[str] = set()
    for at, item in _objects(panel, "respondents", where, "an object with name, user, submitted_at, answers", problems):
        _unknown_keys(item, {"name", "user", "submitted_at", "answers"}, at, problems)
        name = _item_text(item, "name", at, problems, max_length=300)
        user = _username_value(item.get("user"), f"{at}: user", problems)
        if user is not None and user in seen:
            problems.append(f'{at}: user "{user}" is a respondent twice')
        seen.add(user or "")
        respondents.append(
            _Respondent(
                name=name,
                user=user,
                submitted_at=_datetime(item.get("submitted_at"), f"{at}: submitted_at", problems, required=False),
                answers=_check_answers(item.get("answers", []), questionnaire, at, problems),
            )
        )
    questions = {q.id for _a, q in questionnaire.questions()}
    decisions: list[_Decision] = []
    decided: set[str] = set()
    for at, item in _objects(panel, "decisions", where, "an object with question, decided_by, decided_at", problems):
        _unknown_keys(item, {"question", "decided_by", "decided_at", "spread", "responses"}, at, problems)
        key, spread, responses = item.get("question"), item.get("spread"), item.get("responses", {})
        if not isinstance(key, str) or key not in questions:
            problems.append(f"{at}: question {key!r} is not in {questionnaire.slug} {questionnaire.version}")
            continue
        if key in decided:
            problems.append(f'{at}: question "{key}" is decided twice')
            continue
        decided.add(key)
        if spread is not None:
            spread = _whole_number(spread, 0, f"{at}: spread", problems)
        if not isinstance(responses, dict) or not all(
            isinstance(v, (int, str)) and not isinstance(v, bool) for v in responses.values()
        ):
            problems.append(f"{at}: responses: expected an object of respondent name to level or answer kind")
            responses = {}
        decisions.append(
            _Decision(
                question=key,
                decided_by=_username_value(item.get("decided_by"), f"{at}: decided_by", problems),
                decided_at=_datetime(item.get("decided_at"), f"{at}: decided_at", problems, required=True),
                spread=spread if isinstance(spread, int) else None,
                responses=responses,
            )
        )
    return _Panel(
        lead=_username_value(panel.get("lead"), f"{where}: lead", problems),
        share_individual_answers=share is True,
        respondents=respondents,
        decisions=decisions,
    )


def _check_targets(
    targets: object, questionnaire: domain.Questionnaire, where: str, problems: list[str]
) -> dict[str, int]:
    if targets is None:
        return {}
    if not isinstance(targets, dict):
        problems.append(f"{where}: targets: expected an object of area id to level")
        return {}
    areas = {a.id for a in questionnaire.areas}
    scale = [s.level for s in questionnaire.scale]
    checked: dict[str, int] = {}
    for key, target in targets.items():
        if key not in areas:
            problems.append(f"{where}: targets: area {key!r} is not in {questionnaire.slug} {questionnaire.version}")
        elif isinstance(target, bool) or target not in scale:
            problems.append(f"{where}: targets: {key}: level {target!r} is not on the scale {scale}")
        else:
            checked[key] = target
    return checked


def _objects(
    data: dict[str, Any], key: str, source: str, expected: str, problems: list[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objects of the list `data[key]`, each with where it is (`source: key[i]`); a problem for anything else."""
    items = data.get(key, [])
    if not isinstance(items, list):
        problems.append(f"{source}: {key}: expected a list")
        return
    for i, item in enumerate(items):
        where = f"{source}: {key}[{i}]"
        if isinstance(item, dict):
            yield where, item
        else:
            problems.append(f"{where}: expected {expected}")


# The checks the evidence of a document shares with the rest (services/backups_evidence.py).
_CHECKS = SimpleNamespace(
    unknown_keys=_unknown_keys, item_text=_item_text, username=_username_value, datetime=_datetime, objects=_objects
)


def _check_actions(data: dict[str, Any], source: str, teams: set[str], problems: list[str]) -> list[_Action]:
    """The `actions` of the document (absent in files from before action plans), each checked like the form."""
    from assessment.services.plan import DUE_YEAR_MAX, DUE_YEAR_MIN, link_is_allowed

    checked = []
    allowed = {
        "team",
        "questionnaire",
        "question",
        "target_level",
        "owner",
        "owner_name",
        "due_date",
        "status",
        "wont_do_reason",
        "link",
        "note",
        "created_at",
    }
    seen: dict[str, str] = {}
    for where, item in _objects(data, "actions", source, "an object", problems):
        place = where.removeprefix(f"{source}: ")
        where = f'{where} (team "{item.get("team")}", question "{item.get("question")}")'
        same = json.dumps([item.get(k) for k in ("team", "questionnaire", "question", "target_level")], default=str)
        if same in seen:
            problems.append(
                f"{where}: the same action (team, questionnaire, question and target_level) as {seen[same]}: "
                "listed twice"
            )
            continue
        seen[same] = place
        _unknown_keys(item, allowed, where, problems)
        team = item.get("team")
        if team not in teams and not (isinstance(team, str) and models.Team.objects.filter(slug=team).exists()):
            problems.append(f"{where}: team {team!r} is neither in the file's teams nor in this database")
        keys = {}
        for name in ("questionnaire", "question"):
            value = item.get(name)
            if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9-]{1,100}", value):
                problems.append(f"{where}: {name} {value!r} must be lowercase letters, digits and hyphens")
            keys[name] = value if isinstance(value, str) else ""
        level = _whole_number(item.get("target_level"), 0, f"{where}: target_level", problems) or 0
        status = item.get("status")
        if status not in dict(models.Action.STATUS_CHOICES):
            problems.append(f"{where}: status {status!r} is not one of {', '.join(dict(models.Action.STATUS_CHOICES))}")
        due = None
        raw_due = item.get("due_date")
        if raw_due is not None:
            try:
                due = date.fromisoformat(raw_due) if isinstance(raw_due, str) else None
            except ValueError:
                due = None
            if due is None or not DUE_YEAR_MIN <= due.year <= DUE_YEAR_MAX:
                problems.append(
                    f"{where}: due_date {raw_due!r} is not a date such as 2027-03-31 between "
                    f"{DUE_YEAR_MIN} and {DUE_YEAR_MAX}"
                )
        reason = _item_text(
            item,
            "wont_do_reason",
            where,
            problems,
            max_length=models.Action.REASON_MAX_LENGTH,
            required=False,
        )
        if status == models.Action.WONT_DO and not reason.strip():
            problems.append(f"{where}: wont_do_reason: required when the status is wont_do")
        link = _item_text(item, "link", where, problems, max_length=500, required=False)
        if link and not link_is_allowed(link):
            problems.append(f"{where}: link {link[:100]!r} must start with http:// or https://")
        owner = item.get("owner")
        if owner is not None and not isinstance(owner, str):
            problems.append(f"{where}: owner {owner!r} must be a user name or null")
        checked.append(
            _Action(
                team=team if isinstance(team, str) else "",
                questionnaire=keys["questionnaire"],
                question=keys["question"],
                target_level=level,
                owner=owner if isinstance(owner, str) else None,
                owner_name=_item_text(item, "owner_name", where, problems, max_length=200, required=False),
                due_date=due,
                status=status if isinstance(status, str) else "",
                wont_do_reason=reason,
                link=link,
                note=_item_text(
                    item,
                    "note",
                    where,
                    problems,
                    max_length=models.Action.NOTE_MAX_LENGTH,
                    required=False,
                ),
                created_at=_datetime(item.get("created_at"), f"{where}: created_at", problems, required=False),
            )
        )
    return checked


def _check(
    data: object, source: str, archive: Path | None
) -> tuple[dict[str, dict[str, str]], list[_Assessment], list[_Action]]:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ExchangeInvalid([f"{source}: expected a JSON object made by export_assessments"])
    if data.get("format") != FORMAT:
        problems.append(f"{source}: format: expected {FORMAT!r}, got {data.get('format')!r}")
    if data.get("format_version") != FORMAT_VERSION:
        problems.append(f"{source}: format_version: expected {FORMAT_VERSION}, got {data.get('format_version')!r}")
    _unknown_keys(
        data, {"format", "format_version", "exported_at", "teams", "assessments", "actions"}, source, problems
    )
    if problems:
        raise ExchangeInvalid(problems)
    _nul_characters(data, source, problems)

    teams: dict[str, dict[str, str]] = {}
    team_places: dict[str, str] = {}
    for where, item in _objects(data, "teams", source, "an object with slug, name, agency", problems):
        _unknown_keys(item, {"slug", "name", "agency"}, where, problems)
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > 100:
            problems.append(f"{where}: slug {slug!r} must be letters, digits, hyphens or underscores (at most 100)")
            continue
        if slug in teams:
            problems.append(f'{where}: team "{slug}" is listed twice')
            continue
        name = _item_text(item, "name", where, problems, max_length=200)
        agency = _item_text(item, "agency", where, problems, max_length=200)
        teams[slug] = {"name": name, "agency": agency}
        team_places[slug] = where

    existing_teams = dict(models.Team.objects.filter(slug__in=list(teams)).values_list("slug", "agency__name"))
    for slug, agency_here in existing_teams.items():
        if teams[slug]["agency"] and teams[slug]["agency"] != agency_here:
            # Its assessments would land in another agency's team, seen by that agency's people.
            problems.append(
                f'{team_places[slug]}: team "{slug}" is in agency "{agency_here}" here, not '
                f"\"{teams[slug]['agency']}\" as the file says; give the file's team another slug, or its agency's "
                "name here if the agency was renamed"
            )
    seen_assessments: dict[str, str] = {}
    versions = _Versions()
    checked: list[_Assessment] = []
    for where, item in _objects(data, "assessments", source, "an object", problems):
        where = f'{where} (team "{item.get("team")}", "{item.get("title")}")'
        _unknown_keys(
            item,
            {
                "team",
                "questionnaire",
                "title",
                "status",
                "created_at",
                "updated_at",
                "submitted_at",
                "targets",
                "answers",
                "panel",
                "profile",
                "evidence",
            },
            where,
            problems,
        )
        team = item.get("team")
        if team not in teams and not (isinstance(team, str) and models.Team.objects.filter(slug=team).exists()):
            problems.append(f"{where}: team {team!r} is neither in the file's teams nor in this database")
        named = item.get("questionnaire")
        same = json.dumps([team, named, item.get("title"), item.get("created_at")], sort_keys=True, default=str)
        if same in seen_assessments:
            problems.append(
                f"{where}: the same assessment (team, questionnaire, title and created_at) as "
                f"{seen_assessments[same]}: listed twice"
            )
            continue
        seen_assessments[same] = where.removeprefix(f"{source}: ").split(" (", 1)[0]
        if (
            not isinstance(named, dict)
            or not isinstance(named.get("slug"), str)
            or not isinstance(named.get("version"), str)
        ):
            problems.append(f'{where}: questionnaire: expected {{"slug": ..., "version": ...}}, got {named!r}')
            continue
        found = versions.get(named["slug"], named["version"])
        if found is None:
            problems.append(
                f'{where}: questionnaire "{named["slug"]}" version "{named["version"]}" is not loaded here; '
                "load its YAML file with load_questionnaire first"
            )
            continue
        version, questionnaire = found
        title = _item_text(item, "title", where, problems, max_length=200)
        status = item.get("status")
        if status not in (models.Assessment.DRAFT, models.Assessment.SUBMITTED):
            problems.append(f"{where}: status {status!r} is not draft or submitted")
        submitted = status == models.Assessment.SUBMITTED
        checked.append(
            _Assessment(
                team=team if isinstance(team, str) else "",
                version=version,
                title=title,
                status=status if isinstance(status, str) else "",
                created_at=_datetime(item.get("created_at"), f"{where}: created_at", problems, required=False),
                updated_at=_datetime(item.get("updated_at"), f"{where}: updated_at", problems, required=False),
                submitted_at=_datetime(
                    item.get("submitted_at"), f"{where}: submitted_at", problems, required=submitted
                ),
                targets=_check_targets(item.get("targets"), questionnaire, where, problems),
                answers=_check_answers(item.get("answers", []), questionnaire, where, problems),
                panel=_check_panel(item.get("panel"), questionnaire, where, problems),
                profile=_check_profile(item, questionnaire, where, problems),
                evidence=check_evidence(item, {q.id for _a, q in questionnaire.questions()}, where, problems, _CHECKS),
            )
        )
    actions = _check_actions(data, source, set(teams), problems)
    check_archive([e for a in checked for e in a.evidence], archive, problems)
    if problems:
        raise ExchangeInvalid(problems)
    return {slug: t for slug, t in teams.items() if slug not in existing_teams}, checked, actions


def assessments_import(
    data: object, *, source: str = "document", archive: Path | None = None, dry_run: bool = False
) -> ImportOutcome:
    """Check the whole document and the evidence archive, then write it all in one transaction; raises ExchangeInvalid.

    The evidence files (from `archive`, services/backups_evidence.py) are stored last; if the
    import fails after all, the ones it stored are deleted again. A dry run writes and stores nothing.
    """
    new_teams, assessments, actions = _check(data, source, archive)
    stored: list[str] = []
    try:
        with transaction.atomic():
            outcome = _import(new_teams, assessments, actions, archive, None if dry_run else stored.append)
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        storage = evidence_storage()
        for name in stored:
            storage.delete(name)
        raise
    outcome.files_stored = len(stored)
    return outcome


def _import(
    new_teams: dict[str, dict[str, str]],
    assessments: list[_Assessment],
    actions: list[_Action],
    archive: Path | None,
    store: Any,
) -> ImportOutcome:
    outcome = ImportOutcome()
    for slug, new_team in new_teams.items():
        agency, agency_created = agency_ensure(name=new_team["agency"])
        if agency_created:
            outcome.agencies_created.append(agency.name)
        team_ensure(agency=agency, slug=slug, name=new_team["name"])
        outcome.teams_created.append(slug)
    teams = {
        t.slug: t
        for t in models.Team.objects.filter(slug__in={a.team for a in assessments} | {a.team for a in actions})
    }

    lookups: dict[int, tuple[dict[str, int], dict[tuple[int, int], int], dict[str, int]]] = {}
    for item in assessments:
        if item.version.pk not in lookups:
            question_pks = dict(
                models.Question.objects.filter(area__questionnaire=item.version).values_list("key", "pk")
            )
            choice_pks = {
                (question_pk, level): pk
                for pk, question_pk, level in models.Choice.objects.filter(
                    question__area__questionnaire=item.version
                ).values_list("pk", "question_id", "level")
            }
            area_pks = dict(models.Area.objects.filter(questionnaire=item.version).values_list("key", "pk"))
            lookups[item.version.pk] = (question_pks, choice_pks, area_pks)

    answers: list[models.Answer] = []
    targets: list[models.AreaTarget] = []
    submitted: list[int] = []
    files: set[str] = set()
    for item in assessments:
        team = teams[item.team]
        duplicate = (
            item.created_at is not None
            and models.Assessment.objects.filter(
                team=team, questionnaire=item.version, title=item.title, created_at=item.created_at
            ).exists()
        )
        if duplicate:
            outcome.skipped.append(f'{item.team}: "{item.title}"')
            continue
        assessment = models.Assessment.objects.create(
            team=team, questionnaire=item.version, title=item.title, status=item.status
        )
        # created_at and updated_at are set automatically on create; restore the exported ones.
        assessment_dates_restore(
            assessment=assessment,
            created_at=item.created_at,
            updated_at=item.updated_at,
            submitted_at=item.submitted_at,
        )
        question_pks, choice_pks, area_pks = lookups[item.version.pk]
        answers.extend(
            models.Answer(assessment=assessment, **fields)
            for fields in _answer_fields(item.answers, question_pks, choice_pks)
        )
        targets.extend(
            models.AreaTarget(assessment=assessment, area_id=area_pks[key], target=target)
            for key, target in item.targets.items()
        )
        if item.panel is not None:
            _panel_import(assessment, item.panel, question_pks, choice_pks)
        outcome.profile_answers_created += _profile_import(assessment, item.profile)
        outcome.evidence_created += evidence_create(assessment, item.evidence)
        files |= {e.sha256 for e in item.evidence if e.kind == models.Evidence.FILE}
        outcome.assessments_created += 1
        if item.status == models.Assessment.SUBMITTED:
            assessment_report_queue(assessment.pk)
            submitted.append(assessment.pk)
    models.Answer.objects.bulk_create(answers)
    models.AreaTarget.objects.bulk_create(targets)
    summaries_store(submitted)
    outcome.answers_created = len(answers)
    _actions_import(actions, teams, outcome)
    plan_progress_store(team.pk for team in teams.values())  # the new actions, and drafts' versions
    if store is not None:
        evidence_files_store(archive, files, store)
    return outcome


def _profile_import(assessment: models.Assessment, profile: list[_ProfileAnswer]) -> int:
    """The checked profile answers of a new assessment, by this instance's ids, with the time each was given."""
    if not profile:
        return 0
    choices = {
        (c.question.key, c.key): c
        for c in models.ProfileChoice.objects.filter(
            question__questionnaire_id=assessment.questionnaire_id
        ).select_related("question")
    }
    users = {
        u.get_username(): u
        for u in get_user_model().objects.filter(username__in={p.answered_by for p in profile if p.answered_by})
    }
    rows = models.ProfileAnswer.objects.bulk_create(
        models.ProfileAnswer(
            assessment=assessment,
            question=choices[(p.question, p.choice)].question,
            choice=choices[(p.question, p.choice)],
            answered_by=users.get(p.answered_by or ""),
        )
        for p in profile
    )
    for row, item in zip(rows, profile, strict=True):
        if item.answered_at is not None:  # answered_at is stamped on save; the exported one replaces it
            models.ProfileAnswer.objects.filter(pk=row.pk).update(answered_at=item.answered_at)
    return len(rows)


def _actions_import(actions: list[_Action], teams: dict[str, models.Team], outcome: ImportOutcome) -> None:
    """Create the actions a team does not have yet (same questionnaire, question and target level)."""
    from assessment.services.plan import team_member_ids

    users = {
        u.get_username(): u for u in get_user_model().objects.filter(username__in={a.owner for a in actions if a.owner})
    }
    members: dict[int, set[int]] = {}
    for item in actions:
        team = teams[item.team]
        key: dict[str, Any] = {
            "questionnaire_slug": item.questionnaire,
            "question_key": item.question,
            "target_level": item.target_level,
        }
        if models.Action.objects.filter(team=team, **key).exists():
            outcome.skipped.append(f"{item.team}: action on {item.question} to level {item.target_level}")
            continue
        if team.pk not in members:
            members[team.pk] = team_member_ids(team)
        owner = users.get(item.owner) if item.owner else None
        if owner is not None and owner.pk not in members[team.pk]:
            owner = None  # not a member here: keep the name as text
        models.Action.objects.create(
            team=team,
            **key,
            owner=owner,
            owner_name="" if owner is not None else item.owner_name,
            due_date=item.due_date,
            status=item.status,
            wont_do_reason=item.wont_do_reason,
            link=item.link,
            note=item.note,
            created_at=item.created_at or timezone.now(),
        )
        outcome.actions_created += 1


def _answer_fields(
    answers: list[_CheckedAnswer], question_pks: dict[str, int], choice_pks: dict[tuple[int, int], int]
) -> list[dict[str, Any]]:
    """The stored fields of checked answers (a team's or a respondent's), by this instance's database ids."""
    fields = []
    for key, kind, level, note, na_reason, na_detail in answers:
        question_pk = question_pks[key]
        fields.append(
            {
                "question_id": question_pk,
                "kind": kind,
                "choice_id": choice_pks[(question_pk, level)] if kind == domain.CHOICE and level is not None else None,
                "note": note,
                "na_reason": na_reason,
                "na_reason_detail": na_detail,
            }
        )
    return fields


def _panel_import(
    assessment: models.Assessment, panel: _Panel, question_pks: dict[str, int], choice_pks: dict[tuple[int, int], int]
) -> None:
    """Respondents whose account is not in this instance are kept by name, without an account."""
    from django.contrib.auth import get_user_model

    named = {panel.lead, *(r.user for r in panel.respondents), *(d.decided_by for d in panel.decisions)} - {None}
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=named)}
    models.RespondentPanel.objects.create(
        assessment=assessment, lead=users.get(panel.lead or ""), share_individual_answers=panel.share_individual_answers
    )
    answers: list[models.RespondentAnswer] = []
    for item in panel.respondents:
        respondent = models.Respondent.objects.create(
            assessment=assessment, user=users.get(item.user or ""), name=item.name, submitted_at=item.submitted_at
        )
        answers.extend(
            models.RespondentAnswer(respondent=respondent, **fields)
            for fields in _answer_fields(item.answers, question_pks, choice_pks)
        )
    models.RespondentAnswer.objects.bulk_create(answers)
    models.TeamAnswerDecision.objects.bulk_create(
        models.TeamAnswerDecision(
            assessment=assessment,
            question_id=question_pks[d.question],
            decided_by=users.get(d.decided_by or ""),
            decided_at=d.decided_at or timezone.now(),
            spread=d.spread,
            responses=d.responses,
        )
        for d in panel.decisions
    )
