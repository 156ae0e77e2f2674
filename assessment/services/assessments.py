"""Writes of assessments and answers. Views and commands call these; nothing else writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment import models
from assessment.domain import model as domain
from assessment.services.plan import plan_progress_store
from assessment.services.reports import assessment_report_queue
from assessment.services.summaries import summaries_mark_latest, summaries_store

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet


class AssessmentLocked(Exception):
    """The assessment was submitted: answers can no longer change."""


class AnswerInvalid(Exception):
    """An answer that does not fit its question (unknown level, N/A not offered, ...)."""


class TeamAnswersByLead(Exception):
    """The draft is open to respondents: its team answers change only through the lead's reconciliation."""


class AnswersChangedMeanwhile(Exception):
    """Someone else saved another answer to questions this save changes, since the page showed them.

    Nothing of the save is written. `current` maps each such question's key (YAML id),
    in the order given, to the answer it holds now (None: no answer any more).
    """

    def __init__(self, current: dict[str, domain.Answer | None]):
        super().__init__("Someone else changed the answers to " + ", ".join(current) + " meanwhile.")
        self.current = current


TEAM_ANSWERS_BY_LEAD = (
    "This draft is open to respondents, so its team answers are set only by the lead, "
    "in the reconciliation of the respondents' answers."
)


@dataclass(frozen=True)
class AnswerInput:
    """One answer as posted, to the question with YAML id `question_key`.

    kind is choice / not_applicable / not_sure, or "" to clear.

    A Not applicable answer may carry its reason (one of domain.NA_REASONS, with
    a detail for "other"); other kinds drop any reason given.
    """

    question_key: str
    kind: str
    level: int | None = None
    note: str = ""
    na_reason: str = ""
    na_reason_detail: str = ""


def _without_control_characters(text: str) -> str:
    # Control characters other than newline and tab have no place in a note.
    return "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f")).strip()


def _clean_note(note: str) -> str:
    cleaned = _without_control_characters(note)
    if len(cleaned) > models.Answer.NOTE_MAX_LENGTH:
        raise AnswerInvalid(
            f"The note is {len(cleaned)} characters long; the limit is {models.Answer.NOTE_MAX_LENGTH}."
        )
    return cleaned


def _clean_na_reason(given: AnswerInput, question_key: str) -> tuple[str, str]:
    """The (reason, detail) to store. Empty is allowed: answers imported from before reasons existed."""
    if given.kind != models.Answer.NOT_APPLICABLE:
        return "", ""
    reason = given.na_reason
    if reason and reason not in domain.NA_REASONS:
        raise AnswerInvalid(f'Unknown reason "{reason}" for "Not applicable" on question "{question_key}".')
    if reason != domain.NA_OTHER:
        return reason, ""
    detail = " ".join(_without_control_characters(given.na_reason_detail).split())
    if not detail:
        raise AnswerInvalid(f'Question "{question_key}": say what the other reason for "Not applicable" is.')
    if len(detail) > domain.NA_REASON_DETAIL_MAX_LENGTH:
        raise AnswerInvalid(
            f'Question "{question_key}": the other reason is {len(detail)} characters long; '
            f"the limit is {domain.NA_REASON_DETAIL_MAX_LENGTH}."
        )
    return reason, detail


def _lock(assessment: models.Assessment) -> models.Assessment:
    """Re-read the assessment under a row lock, so a submit and a save cannot interleave."""
    locked = models.Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_submitted:
        raise AssessmentLocked("This assessment has been submitted and can no longer be changed.")
    return locked


@transaction.atomic
def assessment_create(
    *,
    team: models.Team,
    version: models.QuestionnaireVersion,
    title: str,
    user: User,
    targets: dict[str, int] | None = None,
    copy_from: models.Assessment | None = None,
) -> models.Assessment:
    """A new draft. With copy_from, answers, targets and evidence of questions that still exist are copied."""
    if copy_from is not None and copy_from.team_id != team.pk:
        raise AnswerInvalid("An assessment can only be copied from the same team.")
    assessment = models.Assessment.objects.create(
        team=team, questionnaire=version, title=title.strip(), created_by=user, copied_from=copy_from
    )
    areas = {a.key: a for a in models.Area.objects.filter(questionnaire=version)}
    scale = set(models.ScaleLevel.objects.filter(questionnaire=version).values_list("level", flat=True))
    if targets is None and copy_from is not None:
        targets = dict(copy_from.area_targets.values_list("area__key", "target"))
    rows = []
    for key, target in (targets or {}).items():
        if key not in areas:
            raise AnswerInvalid(f'Unknown area "{key}".')
        if target not in scale:
            raise AnswerInvalid(f'Target {target} for area "{key}" is not on the scale.')
        rows.append(models.AreaTarget(assessment=assessment, area=areas[key], target=target))
    models.AreaTarget.objects.bulk_create(rows)
    if copy_from is not None:
        from assessment.services.evidence import evidence_copy  # it imports this module's errors

        _copy_answers(source=copy_from, target=assessment, user=user)
        evidence_copy(source=copy_from, target=assessment, user=user)
        if version.format == 2:  # format 1 has no profile to copy
            _copy_profile(source=copy_from, target=assessment, user=user)
    plan_progress_store([team.pk])  # a new version's draft can retire an action's question
    return assessment


def _copy_profile(*, source: models.Assessment, target: models.Assessment, user: User) -> None:
    """Copy profile answers by (question id, choice id) where both exist in the new version; else left unanswered."""
    choices = {
        (c.question.key, c.key): c
        for c in models.ProfileChoice.objects.filter(question__questionnaire=target.questionnaire).select_related(
            "question"
        )
    }
    copied = []
    for old in source.profile_answers.select_related("question", "choice"):
        choice = choices.get((old.question.key, old.choice.key))
        if choice is not None:
            copied.append(
                models.ProfileAnswer(assessment=target, question=choice.question, choice=choice, answered_by=user)
            )
    _copies_create(copied, models.ProfileAnswer, source=source, user=user)


def _copy_answers(*, source: models.Assessment, target: models.Assessment, user: User) -> None:
    """Copy answers by question key and level, so a copy across versions keeps what still fits."""
    questions = {
        q.key: q
        for q in models.Question.objects.filter(area__questionnaire=target.questionnaire).prefetch_related("choices")
    }
    copied = []
    for old in source.answers.select_related("question", "choice"):
        question = questions.get(old.question.key)
        if question is None:
            continue
        choice = None
        if old.kind == models.Answer.CHOICE and old.choice is not None:
            level = old.choice.level
            choice = next((c for c in question.choices.all() if c.level == level), None)
            if choice is None:
                continue
        if old.kind == models.Answer.NOT_APPLICABLE and not question.not_applicable:
            continue
        copied.append(
            models.Answer(
                assessment=target,
                question=question,
                kind=old.kind,
                choice=choice,
                note=old.note,
                na_reason=old.na_reason,
                na_reason_detail=old.na_reason_detail,
                answered_by=user,
            )
        )
    _copies_create(copied, models.Answer, source=source, user=user)


def _copies_create(copied: list[Any], rows: Any, *, source: models.Assessment, user: User) -> None:
    """Insert copied rows with history that says where they came from: the change log shows them as
    one copy, and the first change to a copied row has the copy as its "before"."""
    if copied:
        bulk_create_with_history(
            copied,
            rows,
            default_user=user,
            default_change_reason=f"{models.COPIED_FROM}“{source.title}”"[:100],
            default_date=timezone.now(),
        )


def questions_by_key(assessment: models.Assessment, question_keys: list[str]) -> dict[str, models.Question]:
    """The assessment's questions with these keys (YAML ids), with their choices."""
    return {
        q.key: q
        for q in models.Question.objects.filter(
            key__in=question_keys, area__questionnaire_id=assessment.questionnaire_id
        ).prefetch_related("choices")
    }


def answer_validated(question: models.Question, given: AnswerInput) -> dict[str, Any]:
    """The stored fields of a given answer (kind, choice, note, N/A reason), or AnswerInvalid."""
    choices = {c.level: c for c in question.choices.all()}
    level = given.level if given.kind == models.Answer.CHOICE else None
    problem = domain.answer_problem(given.kind, level, levels=sorted(choices), not_applicable=question.not_applicable)
    if problem:
        raise AnswerInvalid(f'Question "{question.key}": {problem}.')
    choice = choices[given.level] if given.kind == models.Answer.CHOICE and given.level is not None else None
    na_reason, na_detail = _clean_na_reason(given, question.key)
    return {
        "kind": given.kind,
        "choice": choice,
        "note": _clean_note(given.note),
        "na_reason": na_reason,
        "na_reason_detail": na_detail,
    }


def _unchanged(current: Any, values: dict[str, Any]) -> bool:
    """Whether a stored row already holds these values (its choice compared by id: no query)."""
    choice = values["choice"]
    return current.choice_id == (choice.pk if choice is not None else None) and all(
        getattr(current, field) == value for field, value in values.items() if field != "choice"
    )


def answer_rows_write(
    *,
    rows: Any,
    owner: dict[str, Any],
    assessment: models.Assessment,
    answers: list[AnswerInput],
    user: User,
    stamp: dict[str, Any],
    shown: dict[str, str] | None = None,
) -> int:
    """Write answers as rows of `rows` (Answer or RespondentAnswer) with their history; returns how many changed.

    `owner` names what the rows belong to (the assessment, or a respondent),
    `assessment` the one whose questions are answered, and `stamp` the fields
    a change also sets (who answered). `shown`, when given, holds the token
    (domain.answer_token) of each question's answer as the page showed it: a
    given answer whose stored one differs from it, and from the answer given,
    was changed by someone else meanwhile, and AnswersChangedMeanwhile refuses
    the whole save before anything is written. The caller holds the assessment
    locked (see _lock), so no other save comes between this check and the writes.
    New rows are inserted
    in bulk, and the history rows of all changes go in one INSERT: a page of
    seven changed answers costs eight writes instead of fourteen. Changed rows
    are still updated one by one: bulk_update's CASE expressions cost more
    Python time than the queries they save.
    """
    questions = questions_by_key(assessment, [a.question_key for a in answers])
    existing = {row.question_id: row for row in rows.objects.filter(**owner, question__in=questions.values())}
    if shown:
        _refuse_changed_meanwhile(answers, shown, questions, existing)
    now = timezone.now()
    to_update: list[Any] = []
    to_create: list[Any] = []
    removed = 0
    for given in answers:
        question = questions.get(given.question_key)
        if question is None:
            raise AnswerInvalid(f'Question "{given.question_key}" is not part of this assessment.')
        current = existing.get(question.pk)
        if given.kind == "":
            if current is not None:
                current.delete()
                removed += 1
            continue
        values = answer_validated(question, given)
        if current is not None:
            if _unchanged(current, values):
                continue
            for field, value in {**values, **stamp}.items():
                setattr(current, field, value)
            current.skip_history_when_saving = True  # its history row is written below, with the others
            current.save(update_fields=[*values, *stamp, "answered_at"])
            del current.skip_history_when_saving
            to_update.append(current)
        else:
            to_create.append(rows(**owner, question=question, **values, **stamp))
    if to_update:
        rows.history.bulk_history_create(to_update, update=True, default_user=user, default_date=now)
    if to_create:
        bulk_create_with_history(to_create, rows, default_user=user, default_date=now)
    return len(to_update) + len(to_create) + removed


def _stored_answer(row: Any, question: models.Question) -> domain.Answer:
    """The domain answer of a stored row; its level read from the question's prefetched choices (no query)."""
    levels = {c.pk: c.level for c in question.choices.all()}
    return domain.Answer(
        kind=row.kind,
        level=levels.get(row.choice_id),
        note=row.note,
        na_reason=row.na_reason,
        na_reason_detail=row.na_reason_detail,
    )


def _refuse_changed_meanwhile(
    answers: list[AnswerInput], shown: dict[str, str], questions: dict[str, models.Question], existing: dict[int, Any]
) -> None:
    """Raise AnswersChangedMeanwhile for the given answers whose stored answer is neither the one shown nor the one given."""
    current: dict[str, domain.Answer | None] = {}
    for given in answers:
        question = questions.get(given.question_key)
        if question is None or given.question_key not in shown:
            continue  # an unknown question is refused by the write; no token: nothing to compare (as before)
        row = existing.get(question.pk)
        stored = _stored_answer(row, question) if row is not None else None
        token = domain.answer_token(stored)
        if token in (shown[given.question_key], domain.answer_token(_given_answer(given))):
            continue
        current[given.question_key] = stored
    if current:
        raise AnswersChangedMeanwhile(current)


def _given_answer(given: AnswerInput) -> domain.Answer | None:
    """The answer given, its note as it would be stored (see _clean_note), to compare with the stored one."""
    if given.kind == "":
        return None
    return domain.Answer(
        kind=given.kind,
        level=given.level if given.kind == models.Answer.CHOICE else None,
        note=_without_control_characters(given.note),
        na_reason=given.na_reason,
        na_reason_detail=given.na_reason_detail,
    )


@transaction.atomic
def answers_save(
    *, assessment: models.Assessment, user: User, answers: list[AnswerInput], shown: dict[str, str] | None = None
) -> int:
    """Store several team answers at once, all or nothing. Returns how many changed.

    Refused (TeamAnswersByLead) while the draft is open to respondents: then
    only the lead's reconciliation (services/respondents.py) sets them. With
    `shown` (an area page's tokens of the answers it showed), refused
    (AnswersChangedMeanwhile) when someone else changed one of these answers
    since: see answer_rows_write. Without it (imports, demo data), the answers
    given replace what is stored.
    """
    assessment = _lock(assessment)
    if models.RespondentPanel.objects.filter(assessment_id=assessment.pk).exists():
        raise TeamAnswersByLead(TEAM_ANSWERS_BY_LEAD)
    return team_answers_write(assessment=assessment, user=user, answers=answers, shown=shown)


def team_answers_write(
    *, assessment: models.Assessment, user: User, answers: list[AnswerInput], shown: dict[str, str] | None = None
) -> int:
    """Write team answers of an assessment the caller holds locked (see _lock); returns how many changed.

    `shown`: see answer_rows_write."""
    changed = answer_rows_write(
        rows=models.Answer,
        owner={"assessment": assessment},
        assessment=assessment,
        answers=answers,
        user=user,
        stamp={"answered_by": user},
        shown=shown,
    )
    if changed:
        assessment.save(update_fields=["updated_at"])
    return changed


def _history_by(row: models.ProfileAnswer, user: User) -> models.ProfileAnswer:
    """The row, its history entry (the change log's) naming `user` also outside a request."""
    tracked: Any = row  # django-simple-history reads this attribute, unknown to the model's type
    tracked._history_user = user
    return row


class ProfileByLead(Exception):
    """The draft is open to respondents: only its lead may change the profile."""


@transaction.atomic
def profile_save(*, assessment: models.Assessment, user: User, answers: dict[str, str | None]) -> int:
    """Store the team's profile answers (format 2), all or nothing; None clears one. Returns how many changed.

    Any member who may write the draft sets it; once the draft is open to respondents, the lead only.
    Scope follows from it when scores are computed: stored answers are never touched.
    """
    assessment = _lock(assessment)
    panel = models.RespondentPanel.objects.filter(assessment_id=assessment.pk).first()
    if panel is not None and panel.lead_id != user.pk:
        raise ProfileByLead("This draft is open to respondents, so only its lead can change “About your team”.")
    questions = {
        q.key: q
        for q in models.ProfileQuestion.objects.filter(questionnaire_id=assessment.questionnaire_id).prefetch_related(
            "choices"
        )
    }
    existing = {row.question_id: row for row in models.ProfileAnswer.objects.filter(assessment=assessment)}
    changed = 0
    for key, choice_key in answers.items():
        question = questions.get(key)
        if question is None:
            raise AnswerInvalid(f'Profile question "{key}" is not part of this assessment.')
        current = existing.get(question.pk)
        if choice_key is None:
            if current is not None:
                _history_by(current, user).delete()
                changed += 1
            continue
        choice = next((c for c in question.choices.all() if c.key == choice_key), None)
        if choice is None:
            raise AnswerInvalid(f'"{choice_key}" is not a choice of profile question "{key}".')
        if current is None:
            _history_by(
                models.ProfileAnswer(assessment=assessment, question=question, choice=choice, answered_by=user), user
            ).save()
        elif current.choice_id != choice.pk:
            current.choice, current.answered_by = choice, user
            _history_by(current, user).save(update_fields=["choice", "answered_by", "answered_at"])
        else:
            continue
        changed += 1
    if changed:
        assessment.save(update_fields=["updated_at"])
        plan_progress_store([assessment.team_id])  # the newest assessment's profile decides the actions' scope
    return changed


@transaction.atomic
def assessment_submit(*, assessment: models.Assessment, user: User) -> models.Assessment:
    """Lock the assessment for everyone. Unanswered questions are allowed; they stay listed."""
    assessment = _lock(assessment)
    assessment.status = models.Assessment.SUBMITTED
    assessment.submitted_by = user
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    summaries_store([assessment.pk])  # its figures, for the portfolio and history
    # Its PDF (and the agency's portfolio) rendered by a worker, so the first download is instant.
    assessment_report_queue(assessment.pk)
    return assessment


def assessment_dates_restore(
    *,
    assessment: models.Assessment,
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
    submitted_at: datetime | None = None,
) -> None:
    """Give an assessment made after the fact (an import, demo data) the dates it had.

    Creating and submitting stamp the current time; these dates replace them.
    Dates left as None keep what the assessment has.
    """
    dates = {
        name: value
        for name, value in (("created_at", created_at), ("updated_at", updated_at), ("submitted_at", submitted_at))
        if value is not None
    }
    if dates:
        # update() bypasses auto_now, which would otherwise set updated_at to now again.
        models.Assessment.objects.filter(pk=assessment.pk).update(**dates)


@transaction.atomic
def assessments_delete(assessments: QuerySet[models.Assessment]) -> int:
    """Delete these assessments (an administrator's clean-up) with their answers and stored figures.

    A team whose latest submitted assessment goes has the one before it
    flagged as its latest, and its division's counts are counted again, so the
    portfolio shows what is left. Returns how many assessments were deleted.
    """
    team_ids = set(assessments.values_list("team_id", flat=True))
    deleted = assessments.count()
    assessments.delete()
    summaries_mark_latest(team_ids)
    return deleted
