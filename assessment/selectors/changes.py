"""Reads of an assessment's answer history: who changed which answer, when, from what to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assessment import models
from assessment.domain import model as domain
from assessment.presentation import ANSWER_KIND_WORDS, answer_in_words
from assessment.selectors.questionnaires import questionnaire_domain

ADDED, CHANGED, CLEARED = "+", "~", "-"
LEAD_DECISION = models.LEAD_DECISION
TEAM_ANSWER = "Team answer"
EVIDENCE = "Evidence"
PROFILE = "About your team"
NOT_RECORDED = "Not recorded (the answer was there before this log began)"


@dataclass(frozen=True)
class AnswerChange:
    when: datetime
    who: str
    area_title: str
    question_key: str
    question_text: str
    old_value: str
    new_value: str
    old_note: str
    new_note: str
    whose: str = TEAM_ANSWER  # "Team answer", "Team answer: lead's decision", "Ana's own answer (respondent)"
    copied: int = 0  # an entry for the answers copied when the assessment was started: how many

    @property
    def note_changed(self) -> bool:
        return self.old_note != self.new_note

    @property
    def value_changed(self) -> bool:
        return self.old_value != self.new_value


def _person(user) -> str:
    if user is None:
        return "Unknown"
    return user.get_full_name() or user.username


def answer_changes(assessment: models.Assessment, *, with_respondents: bool = False) -> list[AnswerChange]:
    """Every recorded change to the assessment's answers, newest first. A fixed number of queries.

    The answers copied from an earlier assessment when this one was started are
    one entry (`copied`: how many, from which assessment), and each is the
    "before" of its first change.

    With `with_respondents`, also each respondent's changes to their own answers
    (for those who may see them: access.panel_access), once they have submitted
    their response: until then their answers are theirs alone.
    """
    questionnaire = questionnaire_domain(assessment.questionnaire)
    questions = {
        q.pk: q
        for q in models.Question.objects.filter(area__questionnaire_id=assessment.questionnaire_id).select_related(
            "area"
        )
    }
    choices = dict(
        models.Choice.objects.filter(question__area__questionnaire_id=assessment.questionnaire_id).values_list(
            "pk", "level"
        )
    )
    records: list[tuple[Any, str]] = [
        (record, LEAD_DECISION if record.history_change_reason == LEAD_DECISION else TEAM_ANSWER)
        for record in models.Answer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "answered_by")
        .order_by("history_date", "history_id")
    ]
    if with_respondents:
        names = dict(
            models.Respondent.objects.filter(assessment=assessment, submitted_at__isnull=False).values_list(
                "pk", "name"
            )
        )
        respondent_records = models.RespondentAnswer.history.filter(respondent_id__in=names).select_related(
            "history_user"
        )
        records += [
            (record, f"{names[record.respondent_id]}'s own answer (respondent)") for record in respondent_records
        ]
        records.sort(key=lambda pair: pair[0].history_date)

    def value_of(record) -> str:
        if record is None or record.history_type == CLEARED:
            return answer_in_words(questionnaire, None)
        return answer_in_words(
            questionnaire,
            domain.Answer(
                kind=record.kind,
                level=choices.get(record.choice_id),
                na_reason=record.na_reason,
                na_reason_detail=record.na_reason_detail,
            ),
        )

    latest: dict[tuple[str, int], Any] = {}  # (whose, question id) -> its latest historical record
    changes: list[AnswerChange] = []
    copy: list[Any] = []  # the history records of the answers copied when the assessment was started
    copy_at = 0  # where in `changes` the copy comes
    for record, whose in records:
        line = TEAM_ANSWER if whose == LEAD_DECISION else whose
        if line == TEAM_ANSWER and (record.history_change_reason or "").startswith(models.COPIED_FROM):
            # One entry for the whole copy (below); each copied answer is the "before" of its first change.
            latest[(line, record.question_id)] = record
            copy_at = copy_at if copy else len(changes)
            copy.append(record)
            continue
        before = latest.get((line, record.question_id))
        if before is not None and before.history_type == CLEARED:
            before = None
        latest[(line, record.question_id)] = record
        old_value, new_value = value_of(before), value_of(record)
        if before is None and record.history_type != ADDED:
            # The row was there before its history: copied or imported before copies were recorded.
            old_value = NOT_RECORDED
        old_note = before.note if before is not None else ""
        new_note = record.note if record.history_type != CLEARED else ""
        if old_value == new_value and old_note == new_note:
            continue  # saved again unchanged
        question = questions.get(record.question_id)
        who = record.history_user or (getattr(record, "answered_by", None) if record.history_type != CLEARED else None)
        changes.append(
            AnswerChange(
                when=record.history_date,
                who=_person(who),
                area_title=question.area.title if question else "",
                question_key=question.key if question else "",
                question_text=question.text if question else "A question no longer in the questionnaire",
                old_value=old_value,
                new_value=new_value,
                old_note=old_note,
                new_note=new_note,
                whose="Team answer: lead's decision" if whose == LEAD_DECISION else whose,
            )
        )
    if copy:
        changes.insert(copy_at, _copy_entry(copy))
    by_key = {q.key: q for q in questions.values()}
    changes += _evidence_changes(assessment, by_key)
    if assessment.questionnaire.format >= 2:  # format 1 has no profile: no query for it
        changes += _profile_changes(assessment)
    changes = sorted(changes, key=lambda change: change.when)
    changes.reverse()
    return changes


def _evidence_changes(assessment: models.Assessment, questions: dict[str, Any]) -> list[AnswerChange]:
    """Each piece of evidence added to or removed from the assessment, oldest first. One query.

    The evidence carried over when the assessment was started from an earlier one is no add.
    """
    entries = []
    records = (
        models.Evidence.history.filter(assessment_id=assessment.pk, history_type__in=(ADDED, CLEARED))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in records:
        if (record.history_change_reason or "").startswith(models.COPIED_FROM):
            continue
        question = questions.get(record.question_key)
        what = (
            f"“{record.title}” ({record.original_name}, SHA-256 {record.sha256})"
            if record.kind == "file"
            else (f"“{record.title}” (link: {record.url})")
        )
        added = record.history_type == ADDED
        entries.append(
            AnswerChange(
                when=record.history_date,
                who=_person(record.history_user),
                area_title=question.area.title if question else "",
                question_key=record.question_key,
                question_text=question.text if question else "A question no longer in the questionnaire",
                old_value="" if added else f"Evidence {what}",
                new_value=f"Added: {what}" if added else "Removed",
                old_note="",
                new_note="",
                whose=EVIDENCE,
            )
        )
    return entries


def _profile_changes(assessment: models.Assessment) -> list[AnswerChange]:
    """Each change to the team's profile answers (format 2), oldest first. Two queries.

    The answers copied when the assessment was started are no entry, but the
    "before" of their first change, as for the other answers.
    """
    choices = {
        c.pk: c
        for c in models.ProfileChoice.objects.filter(
            question__questionnaire_id=assessment.questionnaire_id
        ).select_related("question")
    }
    questions = {c.question_id: c.question for c in choices.values()}
    unanswered = ANSWER_KIND_WORDS[domain.UNANSWERED]

    def value_of(record) -> str:
        if record is None or record.history_type == CLEARED:
            return unanswered
        choice = choices.get(record.choice_id)
        return choice.text if choice is not None else "A choice no longer in the questionnaire"

    latest: dict[int, Any] = {}
    entries = []
    records = (
        models.ProfileAnswer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "answered_by")
        .order_by("history_date", "history_id")
    )
    for record in records:
        before = latest.get(record.question_id)
        latest[record.question_id] = record
        if (record.history_change_reason or "").startswith(models.COPIED_FROM):
            continue
        old_value, new_value = value_of(before), value_of(record)
        if before is None and record.history_type != ADDED:
            old_value = NOT_RECORDED
        if old_value == new_value:
            continue
        question = questions.get(record.question_id)
        who = record.history_user or (record.answered_by if record.history_type != CLEARED else None)
        entries.append(
            AnswerChange(
                when=record.history_date,
                who=_person(who),
                area_title=PROFILE,
                question_key=question.key if question else "",
                question_text=question.text if question else "A question no longer in the questionnaire",
                old_value=old_value,
                new_value=new_value,
                old_note="",
                new_note="",
            )
        )
    return entries


def _copy_entry(copy: list[Any]) -> AnswerChange:
    first = copy[0]
    count = len(copy)
    return AnswerChange(
        when=first.history_date,
        who=_person(first.history_user),
        area_title="",
        question_key="",
        question_text=f"{count} answer{'' if count == 1 else 's'}, with their notes",
        old_value=ANSWER_KIND_WORDS[domain.UNANSWERED],
        new_value=first.history_change_reason,
        old_note="",
        new_note="",
        copied=count,
    )
