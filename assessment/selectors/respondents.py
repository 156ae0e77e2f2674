"""Reads of an assessment's respondents: who responded, their answers, and where they disagree.

A respondent's answers count, and reach anyone else, only once they have
submitted their response: until then they are theirs alone (docs/respondents.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment import models
from assessment.domain import model as domain
from assessment.domain.agreement import AreaAgreement, QuestionAgreement, agreement_by_area, question_agreements
from assessment.domain.profile import ProfileAnswers, out_of_scope_keys, team_tags
from assessment.selectors.assessments import ANSWER_VALUES, answer_from_values, answers_by_question, profile_answers


@dataclass(frozen=True)
class RespondentStatus:
    respondent: models.Respondent
    answered: int
    former_member: bool  # left the team since: their answers stay, under their name

    @property
    def label(self) -> str:
        return f"{self.respondent.name} (former member)" if self.former_member else self.respondent.name


def respondent_statuses(
    assessment: models.Assessment, out_of_scope: frozenset[str] = frozenset()
) -> list[RespondentStatus]:
    """Every respondent with how many questions they answered, in two queries.

    Answers stored to questions out of the team's scope (format 2: `out_of_scope`, given before a
    profile change) are kept but not counted."""
    from django.db.models import Count, Q

    members = set(models.Membership.objects.filter(team_id=assessment.team_id).values_list("user_id", flat=True))
    in_scope = ~Q(answers__question__key__in=out_of_scope) if out_of_scope else Q()
    respondents = models.Respondent.objects.filter(assessment=assessment).annotate(
        answered=Count("answers", filter=in_scope)
    )
    return [RespondentStatus(r, r.answered, r.user_id is None or r.user_id not in members) for r in respondents]


def respondent_answers_domain(respondent: models.Respondent) -> dict[str, domain.Answer]:
    """One respondent's answers keyed by question id (the YAML id), in one query."""
    return answers_by_question(models.RespondentAnswer.objects.filter(respondent=respondent))


def responses_domain(statuses: list[RespondentStatus]) -> dict[str, dict[str, domain.Answer]]:
    """The submitted responses' answers, keyed by the respondent's label then question id, in one query.

    A response not submitted yet is left out whole: nobody but its respondent sees it.
    """
    labels = {s.respondent.pk: s.label for s in statuses if s.respondent.has_submitted}
    responses: dict[str, dict[str, domain.Answer]] = {label: {} for label in labels.values()}
    rows = models.RespondentAnswer.objects.filter(respondent_id__in=labels).values_list("respondent_id", *ANSWER_VALUES)
    for respondent_id, key, *values in rows:
        responses[labels[respondent_id]][key] = answer_from_values(values)
    return responses


@dataclass(frozen=True)
class Agreement:
    """Where the respondents of one assessment agree: per question and per area."""

    statuses: list[RespondentStatus]
    questions: list[QuestionAgreement]
    areas: list[AreaAgreement]
    share_individual_answers: bool  # the lead's setting: readers see who answered what

    @property
    def disputed(self) -> list[QuestionAgreement]:
        return [q for q in self.questions if q.disputed]

    @property
    def responded(self) -> int:
        """How many responses are submitted: the only ones the figures count."""
        return sum(1 for s in self.statuses if s.respondent.has_submitted)

    @property
    def counted_from(self) -> str:
        """ "2 of 3 responses": how many responses the figures are counted from."""
        total = len(self.statuses)
        return f"{self.responded} of {total} response{'' if total == 1 else 's'}"


def scope_out(
    assessment: models.Assessment, questionnaire: domain.Questionnaire, profile: ProfileAnswers | None = None
) -> frozenset[str]:
    """The question keys out of the team's scope (format 2): from `profile` when the caller has it, else
    read (one query). Format 1: none, and no query."""
    if questionnaire.format != 2:
        return frozenset()
    if profile is None:
        profile = profile_answers(assessment)
    return out_of_scope_keys(questionnaire, team_tags(questionnaire, profile))


def agreement_for(
    assessment: models.Assessment, questionnaire: domain.Questionnaire, *, profile: ProfileAnswers | None = None
) -> Agreement | None:
    """None when the assessment was answered the single-author way. Counts the submitted responses only,
    and only the questions in the team's scope (format 2; `profile`: its answers when the caller has them)."""
    panel = models.RespondentPanel.objects.filter(assessment=assessment).first()
    if panel is None:
        return None
    out = scope_out(assessment, questionnaire, profile)
    statuses = respondent_statuses(assessment, out)
    rows = question_agreements(questionnaire, responses_domain(statuses), out)
    return Agreement(
        statuses=statuses,
        questions=rows,
        areas=agreement_by_area(questionnaire, rows),
        share_individual_answers=panel.share_individual_answers,
    )
