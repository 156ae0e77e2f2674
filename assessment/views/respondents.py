"""Several respondents, one team answer: open a draft to respondents, answer alone, compare, reconcile.

Respondents answer on the same area pages as the team (templates/assessment/area.html
and AreaAnswersForm); the lead reconciles on them too, pre-filled with the median.
Every view reaches its assessment through assessment.access (outsiders get a 404);
every write goes through assessment.services.respondents.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessment import models
from assessment.access import assessment_for_user, panel_access
from assessment.domain import model as domain
from assessment.domain.agreement import DISPUTED_SPREAD, by_spread
from assessment.forms.respondents import PanelForm, ReconcileForm
from assessment.presentation import answer_in_words
from assessment.selectors.assessments import profile_answers
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.selectors.respondents import (
    agreement_for,
    respondent_answers_domain,
    respondent_statuses,
    scope_out,
)
from assessment.selectors.results import AssessmentResults, assessment_results
from assessment.services.assessments import AnswerInvalid, AssessmentLocked
from assessment.services.respondents import (
    PanelNotAllowed,
    lead_has_left,
    panel_lead_take_over,
    panel_open,
    respondent_answers_save,
    respondent_submit,
    team_answers_decide,
)
from assessment.views.journey import (
    LOCKED_MESSAGE,
    RECONCILE_JOURNEY,
    RESPONDENT_JOURNEY,
    after_area_saved,
    area_form_page,
    area_index,
    journey_context,
)

NOT_RESPONDENT = (
    "You are not a respondent on this assessment, or no longer one: the lead chooses who answers on their own."
)
NOT_LEAD = "Only the lead of this assessment's respondents can do this."
NOT_YET = "You will see the others' answers once you have submitted your own response."


# --- the lead opens the assessment to respondents ----------------------------------------


@login_required
def panel(request, assessment_id):
    """Who responds and who has; the lead chooses respondents and whether readers see their answers."""
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    access = panel_access(request.user, assessment)
    may_change = can_write and (access.panel is None or access.is_lead)
    form = None
    if may_change:
        initial = {}
        if access.panel is not None:
            chosen = models.Respondent.objects.filter(assessment=assessment).values_list("user_id", flat=True)
            initial = {
                "respondents": models.Membership.objects.filter(team=assessment.team, user_id__in=list(chosen)),
                "share_individual_answers": access.panel.share_individual_answers,
            }
        if request.method == "POST":
            form = PanelForm(request.POST, team=assessment.team)
            if form.is_valid():
                try:
                    _, kept = panel_open(
                        assessment=assessment,
                        lead=request.user,
                        users=form.users(),
                        share_individual_answers=form.cleaned_data["share_individual_answers"],
                    )
                except AssessmentLocked as error:
                    raise PermissionDenied(LOCKED_MESSAGE) from error
                except (AnswerInvalid, PanelNotAllowed) as error:
                    form.add_error(None, str(error))
                else:
                    if kept:
                        messages.warning(
                            request,
                            "Kept as respondents because they have answered: " + ", ".join(kept) + ".",
                        )
                    messages.success(request, "Respondents saved. Each can now answer on their own.")
                    return redirect("assessment-respondents", assessment_id=assessment.pk)
        else:
            form = PanelForm(initial=initial, team=assessment.team)
    elif request.method == "POST":
        raise PermissionDenied(LOCKED_MESSAGE if assessment.is_submitted else NOT_LEAD)
    lead_left = access.panel is not None and lead_has_left(access.panel)
    return render(
        request,
        "assessment/respondents.html",
        {
            "assessment": assessment,
            "access": access,
            "statuses": (
                respondent_statuses(assessment, scope_out(assessment, questionnaire_domain(assessment.questionnaire)))
                if access.panel
                else []
            ),
            "form": form,
            "can_write": can_write,
            "lead_left": lead_left,
            "may_take_over": lead_left and can_write,
            "lead_changes": access.panel.lead_changes.all() if access.panel else [],
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def panel_lead_view(request, assessment_id):
    """A member takes over as lead once the lead has left the team (recorded, see panel_lead_take_over)."""
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    if not can_write:
        raise PermissionDenied(LOCKED_MESSAGE if assessment.is_submitted else "Only members of the team can lead.")
    try:
        panel_lead_take_over(assessment=assessment, lead=request.user, by=request.user)
    except AssessmentLocked as error:
        raise PermissionDenied(LOCKED_MESSAGE) from error
    except PanelNotAllowed as error:
        raise PermissionDenied(str(error)) from error
    else:
        messages.success(request, "You are now the lead: you choose the respondents and set the team answers.")
    return redirect("assessment-respondents", assessment_id=assessment.pk)


# --- a respondent answers on their own ---------------------------------------------------


def _own_response(request, assessment_id):
    """The assessment and the user's own Respondent row; 403 for a user who is not a respondent.

    A POST from someone who is not (a page shown before the lead took them off the list, or a
    form posted by hand: a removed row leaves no trace to tell which) is also told nothing was saved."""
    assessment, _ = assessment_for_user(request.user, assessment_id)
    respondent = panel_access(request.user, assessment).respondent
    if respondent is None:
        raise PermissionDenied(NOT_RESPONDENT + (" Nothing was saved." if request.method == "POST" else ""))
    return assessment, respondent


def _respondent_report(assessment, respondent) -> AssessmentResults:
    """The respondent's own answers as results, for the progress and area list of the journey.

    The team's profile (format 2, set by the lead) decides which questions a respondent is asked."""
    questionnaire = questionnaire_domain(assessment.questionnaire)
    return AssessmentResults(
        assessment=assessment,
        questionnaire=questionnaire,
        answers=respondent_answers_domain(respondent),
        profile=profile_answers(assessment) if questionnaire.format == 2 else {},
    )


@login_required
def respondent_resume(request, assessment_id):
    assessment, respondent = _own_response(request, assessment_id)
    if not (assessment.is_submitted or respondent.has_submitted):
        results = _respondent_report(assessment, respondent)
        for area_score in results.score.areas:
            if area_score.unanswered:
                return redirect("respondent-area", assessment_id=assessment.pk, area_key=area_score.area_key)
    return redirect("respondent-review", assessment_id=assessment.pk)


@login_required
def respondent_area(request, assessment_id, area_key):
    assessment, respondent = _own_response(request, assessment_id)
    results = _respondent_report(assessment, respondent)
    questionnaire = results.questionnaire
    index = area_index(questionnaire, area_key)
    may_answer = not assessment.is_submitted and not respondent.has_submitted
    return area_form_page(
        request,
        results,
        index,
        may_answer=may_answer,
        refused="Your response is submitted and can no longer be changed.",
        save=lambda answers, shown: respondent_answers_save(
            respondent=respondent, user=request.user, answers=answers, shown=shown
        ),
        after=lambda: after_area_saved(request, RESPONDENT_JOURNEY, results, index),
        area_url_name="respondent-area",
        review_url_name="respondent-review",
        journey_note=(
            f"Your own answers, {respondent.name}: nobody sees them until you submit your response."
            if may_answer
            else f"Your submitted response, {respondent.name}. It can no longer be changed."
        ),
    )


@login_required
def respondent_review(request, assessment_id):
    assessment, respondent = _own_response(request, assessment_id)
    results = _respondent_report(assessment, respondent)
    context = journey_context(results)
    context.update(
        {
            "assessment": assessment,
            "respondent": respondent,
            "may_submit": not assessment.is_submitted and not respondent.has_submitted,
            "last_area": results.questionnaire.areas[-1] if results.questionnaire.areas else None,
            "can_write": True,
        }
    )
    return render(request, "assessment/respondent_review.html", context)


@login_required
@require_POST
def respondent_submit_view(request, assessment_id):
    assessment, respondent = _own_response(request, assessment_id)
    try:
        respondent_submit(respondent=respondent, user=request.user)
    except (AssessmentLocked, PanelNotAllowed) as error:
        messages.info(request, str(error))
        return redirect("respondent-review", assessment_id=assessment.pk)
    messages.success(request, "Your response is submitted. You can now see where the respondents disagree.")
    return redirect("assessment-disagreements", assessment_id=assessment.pk)


# --- the disagreement view and the reconciliation -------------------------------------------


@login_required
def disagreements(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    access = panel_access(request.user, assessment)
    if access.panel is None:
        raise PermissionDenied("This assessment is answered by the team together, not by several respondents.")
    if not access.may_see_responses:
        raise PermissionDenied(
            NOT_YET
            if access.respondent is not None
            else "The lead has not shared each respondent's answers. The results show the team answers and the agreement.",
        )
    results = assessment_results(assessment)
    questionnaire = results.questionnaire
    agreement = agreement_for(assessment, questionnaire, profile=results.profile)  # the questions in scope only
    assert agreement is not None  # the panel exists
    team_answers = results.answers
    return render(
        request,
        "assessment/disagreements.html",
        {
            "assessment": assessment,
            "questionnaire": questionnaire,
            "agreement": agreement,
            "rows": by_spread(agreement.questions),
            "waiting": [s.label for s in agreement.statuses if not s.respondent.has_submitted],
            "team_answers": team_answers,
            "may_reconcile": access.is_lead and can_write,
            "disputed_spread": DISPUTED_SPREAD,
        },
    )


def _suggestions(
    questionnaire, rows, saved: dict[str, domain.Answer], decided: set[str], *, copied: bool
) -> tuple[dict[str, domain.Answer], dict[str, str]]:
    """The answers the reconciliation page starts from, and the stored team answer beside those it differs from.

    In this order: the lead's own recorded decision; else the median of the
    submitted responses' levels, rounded down (with a note when they are 2 or
    more apart); else the stored team answer. A stored team answer that is
    not pre-selected (copied from the last assessment, say) is named beside,
    so the lead decides knowingly.
    """
    answers = dict(saved)
    beside = {}
    for row in rows:
        key = row.question.id
        if key in decided or row.suggested_level is None:
            continue
        note = ""
        if row.disputed:
            # Levels without names: the team answer's note reaches every reader, the PDF included.
            levels = ", ".join(str(level) for level in sorted(row.levels))
            note = (
                f"Respondents disagreed (spread {row.spread}; levels {levels}). "
                "Team answer set to the median, rounded down."
            )
        answers[key] = domain.Answer(kind=domain.CHOICE, level=row.suggested_level, note=note)
        stored = saved.get(key)
        if stored is not None and (stored.kind, stored.level) != (domain.CHOICE, row.suggested_level):
            words = answer_in_words(questionnaire, stored, row.question)
            beside[key] = f"Last assessment: {words}" if copied else f"Team answer saved before: {words}"
    return answers, beside


@login_required
def reconcile_area(request, assessment_id, area_key):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    access = panel_access(request.user, assessment)
    if not (access.is_lead and access.may_see_responses):
        raise PermissionDenied(NOT_LEAD if not access.is_lead else NOT_YET)
    results = assessment_results(assessment)
    questionnaire = results.questionnaire
    index = area_index(questionnaire, area_key)
    area = questionnaire.areas[index]
    agreement = agreement_for(assessment, questionnaire, profile=results.profile)
    assert agreement is not None  # the lead has a panel
    rows = {row.question.id: row for row in agreement.questions if row.area.id == area.id}
    decided = set(
        models.TeamAnswerDecision.objects.filter(assessment=assessment).values_list("question__key", flat=True)
    )
    answers, beside = _suggestions(
        questionnaire, rows.values(), results.answers, decided, copied=assessment.copied_from_id is not None
    )
    return area_form_page(
        request,
        results,
        index,
        may_answer=can_write,
        save=lambda answers, shown: team_answers_decide(
            assessment=assessment, user=request.user, answers=answers, shown=shown
        ),
        after=lambda: _after_reconcile(request, results, index),
        form_class=ReconcileForm,
        form_kwargs={"answers": answers, "saved": results.answers},
        area_url_name="assessment-reconcile",
        review_url_name="assessment-disagreements",
        review_label="Disagreements",
        journey_note="Set the team answer for each question. Each starts at your decision if you made one, "
        "else at the submitted responses' median level, rounded down; what you save here is what the scores, "
        "the roadmap and the PDF use.",
        agreement_rows=rows,
        besides=beside,
    )


def _after_reconcile(request, results, index):
    messages.success(request, f"Team answers to “{results.questionnaire.areas[index].title}” saved.")
    return after_area_saved(request, RECONCILE_JOURNEY, results, index)
