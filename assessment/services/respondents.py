"""Writes of an assessment answered by several respondents: open it, answer, submit a response, reconcile.

Respondents' answers are RespondentAnswer rows; the team answers stay the
Answer rows that answers_save writes, so scoring, the roadmap and the PDF read
only what the lead decided. Every save of a respondent locks the assessment
row first (as answers_save does), so respondents saving at the same time wait
for one another instead of losing a change, and nothing is saved after a submit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessment import models
from assessment.services.assessments import (
    AnswerInput,
    AnswerInvalid,
    _lock,
    answer_rows_write,
    questions_by_key,
    team_answers_write,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class PanelNotAllowed(Exception):
    """The user may not do this on the assessment's panel (not its lead, not a respondent, ...)."""


NO_LONGER_RESPONDENT = (
    "You are no longer a respondent on this assessment: the lead has taken you off the list. Nothing was saved."
)


def respondent_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def deactivated_words(names: list[str], cannot: str) -> str:
    """'Ben Security's account is deactivated, so they cannot be a respondent.' (`cannot`: "be a respondent")."""
    whose = names[0] + "'s account is" if len(names) == 1 else "The accounts of " + ", ".join(names) + " are"
    return f"{whose} deactivated, so they cannot {cannot}. Ask a team manager to reactivate it, or choose someone else."


@transaction.atomic
def panel_open(
    *, assessment: models.Assessment, lead: User, users: list[User], share_individual_answers: bool = False
) -> tuple[models.RespondentPanel, list[str]]:
    """Open a draft to these team members as respondents, or change who they are.

    The first call makes `lead` the lead; later calls must come from the lead.
    A respondent who is no longer chosen is removed only without answers: the
    names of those kept because they have answers are returned.
    """
    assessment = _lock(assessment)
    panel = models.RespondentPanel.objects.filter(assessment=assessment).first()
    if panel is None:
        panel = models.RespondentPanel.objects.create(
            assessment=assessment, lead=lead, share_individual_answers=share_individual_answers
        )
    elif panel.lead_id != lead.pk:
        raise PanelNotAllowed("Only the lead who opened this assessment to respondents can change them.")
    elif panel.share_individual_answers != share_individual_answers:
        panel.share_individual_answers = share_individual_answers
        panel.save(update_fields=["share_individual_answers"])
    in_team = set(models.Membership.objects.filter(team_id=assessment.team_id).values_list("user_id", flat=True))
    strangers = [respondent_name(u) for u in users if u.pk not in in_team]
    if strangers:
        raise AnswerInvalid("Only members of the team can be respondents: " + ", ".join(strangers) + ".")
    deactivated = [respondent_name(u) for u in users if not u.is_active]
    if deactivated:
        raise AnswerInvalid(deactivated_words(deactivated, "be a respondent"))
    if not users:
        raise AnswerInvalid("Choose at least one respondent.")
    current = {r.user_id: r for r in assessment.respondents.all()}
    chosen = {u.pk for u in users}
    models.Respondent.objects.bulk_create(
        [
            models.Respondent(assessment=assessment, user=u, name=respondent_name(u))
            for u in users
            if u.pk not in current
        ]
    )
    kept = []
    for user_id, respondent in current.items():
        if user_id in chosen:
            continue
        if respondent.answers.exists():
            kept.append(respondent.name)
        else:
            respondent.delete()
    assessment.save(update_fields=["updated_at"])
    return panel, kept


def _open_response(
    respondent: models.Respondent, user: User, *, not_theirs: str, submitted: str
) -> tuple[models.Assessment, models.Respondent]:
    """Lock the assessment and read the respondent afresh, refusing another user's response or a submitted one.

    `not_theirs` and `submitted` are the messages of those two refusals.
    """
    assessment = _lock(respondent.assessment)
    # The lead may have taken them off the list since the view read their row.
    current = models.Respondent.objects.filter(pk=respondent.pk).first()
    if current is None:
        raise PanelNotAllowed(NO_LONGER_RESPONDENT)
    respondent = current
    if respondent.user_id != user.pk:
        raise PanelNotAllowed(not_theirs)
    if respondent.has_submitted:
        raise PanelNotAllowed(submitted)
    return assessment, respondent


@transaction.atomic
def respondent_answers_save(
    *, respondent: models.Respondent, user: User, answers: list[AnswerInput], shown: dict[str, str] | None = None
) -> int:
    """Store a respondent's answers, all or nothing. Returns how many changed.

    `shown`: the tokens of the answers the page showed (see answer_rows_write); an answer
    changed since (the same respondent in another tab) refuses the save (AnswersChangedMeanwhile)."""
    assessment, respondent = _open_response(
        respondent,
        user,
        not_theirs="Only the respondent can change their own answers.",
        submitted="You have submitted your response; it can no longer be changed.",
    )
    changed = answer_rows_write(
        rows=models.RespondentAnswer,
        owner={"respondent": respondent},
        assessment=assessment,
        answers=answers,
        user=user,
        stamp={},
        shown=shown,
    )
    if changed:
        # The agreement figures change with it, and the PDF shows them.
        assessment.save(update_fields=["updated_at"])
    return changed


@transaction.atomic
def respondent_submit(*, respondent: models.Respondent, user: User) -> models.Respondent:
    """Hand in a response: it is locked, and its respondent may now see the others' answers."""
    assessment, respondent = _open_response(
        respondent,
        user,
        not_theirs="Only the respondent can submit their own response.",
        submitted="You have already submitted your response.",
    )
    respondent.submitted_at = timezone.now()
    respondent.save(update_fields=["submitted_at"])
    assessment.save(update_fields=["updated_at"])
    return respondent


def _responses_of(assessment: models.Assessment, question_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each question's submitted responses as {name: level or answer kind}: what the lead could see."""
    responses: dict[int, dict[str, Any]] = {}
    rows = (
        models.RespondentAnswer.objects.filter(
            respondent__assessment=assessment, respondent__submitted_at__isnull=False, question_id__in=question_ids
        )
        .values_list("question_id", "respondent__name", "kind", "choice__level")
        .order_by("respondent__name", "respondent_id")
    )
    for question_id, name, kind, level in rows:
        responses.setdefault(question_id, {})[name] = level if kind == models.Answer.CHOICE else kind
    return responses


@transaction.atomic
def team_answers_decide(
    *, assessment: models.Assessment, user: User, answers: list[AnswerInput], shown: dict[str, str] | None = None
) -> int:
    """The lead sets team answers (the only way while the draft is open to respondents); each decision records who.

    `shown`: the tokens of the team answers the page showed (see answer_rows_write); a team
    answer changed since refuses the save (AnswersChangedMeanwhile) and nothing is decided."""
    assessment = _lock(assessment)  # before reading the lead and the last history id: no other save can come between
    panel = models.RespondentPanel.objects.filter(assessment=assessment).first()
    if panel is None or panel.lead_id != user.pk:
        raise PanelNotAllowed("Only the lead of this assessment's respondents can set the team answers.")
    last = models.Answer.history.filter(assessment_id=assessment.pk).aggregate(last=Max("history_id"))["last"] or 0
    changed = team_answers_write(assessment=assessment, user=user, answers=answers, shown=shown)
    # The change log tells the lead's decisions from other changes to team answers.
    models.Answer.history.filter(assessment_id=assessment.pk, history_id__gt=last).update(
        history_change_reason=models.LEAD_DECISION
    )
    question_pks = {key: q.pk for key, q in questions_by_key(assessment, [a.question_key for a in answers]).items()}
    decided = [question_pks[a.question_key] for a in answers if a.kind != ""]
    responses = _responses_of(assessment, decided)
    now = timezone.now()
    for question_id in decided:
        levels = [v for v in responses.get(question_id, {}).values() if isinstance(v, int)]
        models.TeamAnswerDecision.objects.update_or_create(
            assessment=assessment,
            question_id=question_id,
            defaults={
                "decided_by": user,
                "decided_at": now,
                "responses": responses.get(question_id, {}),
                "spread": max(levels) - min(levels) if len(levels) > 1 else None,
            },
        )
    models.TeamAnswerDecision.objects.filter(
        assessment=assessment, question_id__in=[question_pks[a.question_key] for a in answers if a.kind == ""]
    ).delete()
    return changed


def lead_has_left(panel: models.RespondentPanel) -> bool:
    """The lead's account is gone or deactivated, or no longer a member (member role) of the assessment's team."""
    lead = panel.lead
    if lead is None or not lead.is_active:
        return True
    return not models.Membership.objects.filter(
        team_id=panel.assessment.team_id, user=lead, role=models.Membership.MEMBER
    ).exists()


@transaction.atomic
def panel_lead_take_over(*, assessment: models.Assessment, lead: User, by: User) -> models.PanelLeadChange:
    """Make `lead` the lead of the draft's respondents, so it is never frozen when its lead leaves the team.

    `by` is `lead` themselves, a member of the team, once the lead has left it;
    or a team manager of the team's agency, who may name any member at any time.
    The change is recorded (PanelLeadChange), with who made it.
    """
    assessment = _lock(assessment)
    panel = models.RespondentPanel.objects.select_related("lead", "assessment").filter(assessment=assessment).first()
    if panel is None:
        raise PanelNotAllowed("This assessment is answered by the team together: it has no lead.")
    # A team manager of the agency, as access.agencies_managed_by counts them.
    is_manager = by.is_active and (
        by.is_superuser or models.Agency.objects.filter(pk=assessment.team.agency_id, managers=by).exists()
    )
    if not is_manager:
        if by.pk != lead.pk:
            raise PanelNotAllowed("Only a team manager can name someone else as the lead.")
        if panel.lead is not None and not lead_has_left(panel):
            raise PanelNotAllowed(
                f"{respondent_name(panel.lead)} is still the lead; only a team manager can name another one."
            )
    in_team = models.Membership.objects.filter(
        team_id=assessment.team_id, user=lead, role=models.Membership.MEMBER
    ).exists()
    if not in_team:
        raise PanelNotAllowed(f"{respondent_name(lead)} is not a member of the team, so cannot lead its respondents.")
    if not lead.is_active:
        raise PanelNotAllowed(deactivated_words([respondent_name(lead)], "lead"))
    if panel.lead_id == lead.pk:
        raise PanelNotAllowed(f"{respondent_name(lead)} is already the lead.")
    change = models.PanelLeadChange.objects.create(
        panel=panel,
        previous_lead=respondent_name(panel.lead) if panel.lead else "",
        lead=lead,
        lead_name=respondent_name(lead),
        changed_by=by,
        changed_by_name=respondent_name(by),
        changed_at=timezone.now(),
    )
    panel.lead = lead
    panel.save(update_fields=["lead"])
    assessment.save(update_fields=["updated_at"])
    return change
