"""Assessments out of one instance and into another: backups and moves.

The document names everything by its stable keys (team slug, questionnaire slug
and version, area and question ids, choice levels), never by database ids, so
it loads into any instance that has the same questionnaire versions loaded.

Import checks the whole document first and writes nothing if anything is
wrong; every problem says where it is (`assessments[2] (team "x", "Q1"):
answers[5]: ...`). Then it writes everything in one transaction.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from assessment import models
from assessment.domain import model as domain
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.reports import assessment_report_queue

FORMAT = "ml-readiness-assessments"
FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
ANSWER_KINDS = (domain.CHOICE, domain.NOT_APPLICABLE, domain.NOT_SURE, domain.UNANSWERED)


class ExchangeInvalid(Exception):
    """The document is refused as a whole; `problems` says what and where."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


# ---------------------------------------------------------------- export


def assessments_export(*, team_slug: str | None = None) -> dict:
    """Every assessment (or one team's) as a plain document, in a fixed number of queries."""
    teams = models.Team.objects.select_related("agency").order_by("slug")
    if team_slug is not None:
        teams = teams.filter(slug=team_slug)
    teams = list(teams)
    assessments = list(
        models.Assessment.objects.filter(team__in=teams)
        .select_related("team", "questionnaire")
        .order_by("team__slug", "created_at", "pk")
    )
    ids = [a.pk for a in assessments]
    answers = defaultdict(list)
    rows = (
        models.Answer.objects.filter(assessment_id__in=ids)
        .order_by("question__area__position", "question__position", "question_id")
        .values_list("assessment_id", "question__key", "kind", "choice__level", "note")
    )
    for assessment_id, key, kind, level, note in rows:
        answers[assessment_id].append({"question": key, "answer": kind, "level": level, "note": note})
    targets = defaultdict(dict)
    for assessment_id, key, target in models.AreaTarget.objects.filter(assessment_id__in=ids).order_by(
        "area__position"
    ).values_list("assessment_id", "area__key", "target"):
        targets[assessment_id][key] = target
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
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
            }
            for a in assessments
        ],
    }


# ---------------------------------------------------------------- import


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
    answers: list[tuple[str, str, int | None, str]]  # question key, kind, level, note


@dataclass
class ImportOutcome:
    teams_created: list[str] = field(default_factory=list)
    agencies_created: list[str] = field(default_factory=list)
    assessments_created: int = 0
    answers_created: int = 0
    skipped: list[str] = field(default_factory=list)  # already present

    def describe(self) -> str:
        parts = [
            f"{self.assessments_created} assessment(s) with {self.answers_created} answer(s) imported",
            f"{len(self.teams_created)} team(s) created",
        ]
        if self.agencies_created:
            parts.append(f"{len(self.agencies_created)} agency(ies) created")
        if self.skipped:
            parts.append(f"{len(self.skipped)} already present and skipped")
        return "; ".join(parts) + "."


def _text(value, where: str, problems: list[str], *, max_length: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}: expected a non-empty text, got {value!r}")
        return ""
    if len(value) > max_length:
        problems.append(f"{where}: {len(value)} characters long; the limit is {max_length}")
    return value


def _datetime(value, where: str, problems: list[str], *, required: bool) -> datetime | None:
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
        parsed = timezone.make_aware(parsed, dt_timezone.utc)
    return parsed


def _unknown_keys(item: dict, allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(item) - allowed):
        problems.append(f"{where}: unknown key {key!r} (expected: {', '.join(sorted(allowed))})")


class _Versions:
    """Questionnaire versions named in the document, looked up once each."""

    def __init__(self):
        self._found: dict[tuple[str, str], tuple[models.QuestionnaireVersion, domain.Questionnaire] | None] = {}

    def get(self, slug: str, version: str):
        key = (slug, version)
        if key not in self._found:
            row = models.QuestionnaireVersion.objects.filter(slug=slug, version=version).first()
            self._found[key] = (row, questionnaire_domain(row)) if row else None
        return self._found[key]


def _check_answers(answers, questionnaire: domain.Questionnaire, where: str, problems: list[str]):
    questions = {q.id: q for _a, q in questionnaire.questions()}
    checked, seen = [], set()
    if not isinstance(answers, list):
        problems.append(f"{where}: answers: expected a list, got {type(answers).__name__}")
        return checked
    for j, item in enumerate(answers):
        at = f"{where}: answers[{j}]"
        if not isinstance(item, dict):
            problems.append(f"{at}: expected an object with question, answer, level, note")
            continue
        _unknown_keys(item, {"question", "answer", "level", "note"}, at, problems)
        key, kind, level = item.get("question"), item.get("answer"), item.get("level")
        question = questions.get(key) if isinstance(key, str) else None
        if question is None:
            problems.append(
                f'{at}: question {key!r} is not in {questionnaire.slug} {questionnaire.version}'
            )
            continue
        at = f'{at} (question "{key}")'
        if key in seen:
            problems.append(f"{at}: answered twice")
            continue
        seen.add(key)
        if kind not in ANSWER_KINDS:
            problems.append(f"{at}: answer {kind!r} is not one of {', '.join(ANSWER_KINDS)}")
            continue
        note = _text(item.get("note", ""), f"{at}: note", problems, max_length=models.Answer.NOTE_MAX_LENGTH,
                     required=False)
        if kind == domain.UNANSWERED:
            continue
        if kind == domain.CHOICE:
            levels = [c.level for c in question.choices]
            if isinstance(level, bool) or level not in levels:
                problems.append(f"{at}: level {level!r} is not a choice of this question (choices: {levels})")
                continue
        elif level is not None:
            problems.append(f"{at}: an answer {kind!r} has no level, got {level!r}")
            continue
        if kind == domain.NOT_APPLICABLE and not question.not_applicable:
            problems.append(f'{at}: "Not applicable" is not offered for this question')
            continue
        checked.append((key, kind, level, note))
    return checked


def _check_targets(targets, questionnaire: domain.Questionnaire, where: str, problems: list[str]) -> dict[str, int]:
    if targets is None:
        return {}
    if not isinstance(targets, dict):
        problems.append(f"{where}: targets: expected an object of area id to level")
        return {}
    areas = {a.id for a in questionnaire.areas}
    scale = [s.level for s in questionnaire.scale]
    checked = {}
    for key, target in targets.items():
        if key not in areas:
            problems.append(f"{where}: targets: area {key!r} is not in {questionnaire.slug} {questionnaire.version}")
        elif isinstance(target, bool) or target not in scale:
            problems.append(f"{where}: targets: {key}: level {target!r} is not on the scale {scale}")
        else:
            checked[key] = target
    return checked


def _check(data, source: str) -> tuple[dict[str, dict], list[_Assessment], list[str]]:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ExchangeInvalid([f"{source}: expected a JSON object made by export_assessments"])
    if data.get("format") != FORMAT:
        problems.append(f"{source}: format: expected {FORMAT!r}, got {data.get('format')!r}")
    if data.get("format_version") != FORMAT_VERSION:
        problems.append(f"{source}: format_version: expected {FORMAT_VERSION}, got {data.get('format_version')!r}")
    _unknown_keys(data, {"format", "format_version", "exported_at", "teams", "assessments"}, source, problems)
    if problems:
        raise ExchangeInvalid(problems)

    teams: dict[str, dict] = {}
    team_list = data.get("teams", [])
    if not isinstance(team_list, list):
        problems.append(f"{source}: teams: expected a list")
        team_list = []
    for i, item in enumerate(team_list):
        where = f"{source}: teams[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object with slug, name, agency")
            continue
        _unknown_keys(item, {"slug", "name", "agency"}, where, problems)
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > 100:
            problems.append(f"{where}: slug {slug!r} must be letters, digits, hyphens or underscores (at most 100)")
            continue
        if slug in teams:
            problems.append(f'{where}: team "{slug}" is listed twice')
            continue
        name = _text(item.get("name"), f"{where}: name", problems, max_length=200)
        agency = _text(item.get("agency"), f"{where}: agency", problems, max_length=200)
        teams[slug] = {"name": name, "agency": agency}

    existing_teams = set(models.Team.objects.filter(slug__in=list(teams)).values_list("slug", flat=True))
    versions = _Versions()
    checked: list[_Assessment] = []
    assessment_list = data.get("assessments", [])
    if not isinstance(assessment_list, list):
        problems.append(f"{source}: assessments: expected a list")
        assessment_list = []
    for i, item in enumerate(assessment_list):
        where = f"{source}: assessments[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object")
            continue
        where = f'{where} (team "{item.get("team")}", "{item.get("title")}")'
        _unknown_keys(
            item,
            {"team", "questionnaire", "title", "status", "created_at", "updated_at", "submitted_at", "targets",
             "answers"},
            where, problems,
        )
        team = item.get("team")
        if team not in teams and not (isinstance(team, str) and models.Team.objects.filter(slug=team).exists()):
            problems.append(f"{where}: team {team!r} is neither in the file's teams nor in this database")
        named = item.get("questionnaire")
        if not isinstance(named, dict) or not isinstance(named.get("slug"), str) or not isinstance(
            named.get("version"), str
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
        title = _text(item.get("title"), f"{where}: title", problems, max_length=200)
        status = item.get("status")
        if status not in (models.Assessment.DRAFT, models.Assessment.SUBMITTED):
            problems.append(f"{where}: status {status!r} is not draft or submitted")
        submitted = status == models.Assessment.SUBMITTED
        checked.append(
            _Assessment(
                team=team,
                version=version,
                title=title,
                status=status,
                created_at=_datetime(item.get("created_at"), f"{where}: created_at", problems, required=False),
                updated_at=_datetime(item.get("updated_at"), f"{where}: updated_at", problems, required=False),
                submitted_at=_datetime(item.get("submitted_at"), f"{where}: submitted_at", problems,
                                       required=submitted),
                targets=_check_targets(item.get("targets"), questionnaire, where, problems),
                answers=_check_answers(item.get("answers", []), questionnaire, where, problems),
            )
        )
    if problems:
        raise ExchangeInvalid(problems)
    return {slug: t for slug, t in teams.items() if slug not in existing_teams}, checked, problems


@transaction.atomic
def assessments_import(data, *, source: str = "document") -> ImportOutcome:
    """Check the whole document, then write it all in one transaction; raises ExchangeInvalid."""
    new_teams, assessments, _ = _check(data, source)
    outcome = ImportOutcome()
    agencies = {a.name: a for a in models.Agency.objects.filter(name__in={t["agency"] for t in new_teams.values()})}
    for slug, team in new_teams.items():
        agency = agencies.get(team["agency"])
        if agency is None:
            agency = agencies[team["agency"]] = models.Agency.objects.create(name=team["agency"])
            outcome.agencies_created.append(agency.name)
        models.Team.objects.create(agency=agency, slug=slug, name=team["name"])
        outcome.teams_created.append(slug)
    teams = {t.slug: t for t in models.Team.objects.filter(slug__in={a.team for a in assessments})}

    lookups: dict[int, tuple[dict, dict, dict]] = {}
    for item in assessments:
        if item.version.pk not in lookups:
            questions = dict(
                models.Question.objects.filter(area__questionnaire=item.version).values_list("key", "pk")
            )
            choices = {
                (question_id, level): pk
                for pk, question_id, level in models.Choice.objects.filter(
                    question__area__questionnaire=item.version
                ).values_list("pk", "question_id", "level")
            }
            areas = dict(models.Area.objects.filter(questionnaire=item.version).values_list("key", "pk"))
            lookups[item.version.pk] = (questions, choices, areas)

    answers, targets = [], []
    for item in assessments:
        team = teams[item.team]
        duplicate = item.created_at is not None and models.Assessment.objects.filter(
            team=team, questionnaire=item.version, title=item.title, created_at=item.created_at
        ).exists()
        if duplicate:
            outcome.skipped.append(f'{item.team}: "{item.title}"')
            continue
        assessment = models.Assessment.objects.create(
            team=team, questionnaire=item.version, title=item.title, status=item.status
        )
        # created_at and updated_at are set automatically on create; restore the exported ones.
        dates = {"submitted_at": item.submitted_at}
        if item.created_at:
            dates["created_at"] = item.created_at
        dates["updated_at"] = item.updated_at or timezone.now()
        models.Assessment.objects.filter(pk=assessment.pk).update(**dates)
        questions, choices, areas = lookups[item.version.pk]
        for key, kind, level, note in item.answers:
            question_id = questions[key]
            answers.append(
                models.Answer(
                    assessment=assessment,
                    question_id=question_id,
                    kind=kind,
                    choice_id=choices[(question_id, level)] if kind == domain.CHOICE else None,
                    note=note,
                )
            )
        targets.extend(
            models.AreaTarget(assessment=assessment, area_id=areas[key], target=target)
            for key, target in item.targets.items()
        )
        outcome.assessments_created += 1
        if item.status == models.Assessment.SUBMITTED:
            assessment_report_queue(assessment.pk)
    models.Answer.objects.bulk_create(answers)
    models.AreaTarget.objects.bulk_create(targets)
    outcome.answers_created = len(answers)
    return outcome
