"""The questionnaire journey: start an assessment, answer one area per page, review, submit.

Every view reaches its team or assessment through assessment.access (outsiders
get a 404); every write goes through assessment.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from assessment.access import assessment_for_user, panel_access, team_for_member
from assessment.domain.profile import scope_changes
from assessment.forms.assessments import AssessmentNewForm, ProfileForm, default_title
from assessment.forms.evidence import EvidenceForm
from assessment.selectors.assessments import answer_count, area_targets, drafts_in_progress, previous_assessment
from assessment.selectors.evidence import evidence_by_question, expired_question_keys
from assessment.selectors.questionnaires import (
    default_questionnaire_versions,
    published_versions,
    questionnaire_domain,
)
from assessment.selectors.respondents import respondent_statuses
from assessment.selectors.results import assessment_results
from assessment.services.assessments import (
    TEAM_ANSWERS_BY_LEAD,
    AnswerInvalid,
    AssessmentLocked,
    ProfileByLead,
    TeamAnswersByLead,
    answers_save,
    assessment_create,
    assessment_submit,
    profile_save,
)
from assessment.views.journey import (
    LOCKED_MESSAGE,
    TEAM_JOURNEY,
    after_area_saved,
    area_form_page,
    area_index,
    in_scope_area,
    journey_context,
    shown_area_indexes,
)

READ_ONLY_MESSAGE = "You can read this team's assessments but not change them. Ask a team member to make changes."


# --- start ------------------------------------------------------------------------------


@login_required
def assessment_new(request, team_id):
    team = team_for_member(
        request.user, team_id, "Only members of this team can start an assessment. " + READ_ONLY_MESSAGE
    )
    versions = default_questionnaire_versions()
    if not versions:
        messages.error(request, "No questionnaire has been published yet. Ask your administrator to load one.")
        return redirect("home")
    published = published_versions()
    chosen_id = request.POST.get("questionnaire") or request.GET.get("questionnaire")
    version = versions[0]
    if chosen_id:
        version = next((v for v in published if str(v.pk) == str(chosen_id)), None)
        if version is None:
            messages.error(request, "That questionnaire is not available. Choose one from the list.")
            return redirect("assessment-new", team_id=team.pk)
    questionnaire = questionnaire_domain(version)
    previous = previous_assessment(team)
    drafts = drafts_in_progress(team)
    initial_targets = {}
    if previous is not None:
        initial_targets = area_targets(previous)
        scale = {s.level for s in questionnaire.scale}
        initial_targets = {k: v for k, v in initial_targets.items() if v in scale}

    form_kwargs: dict[str, Any] = {
        "questionnaire": questionnaire,
        "previous": previous,
        "initial_targets": initial_targets,
        "draft": drafts[0] if drafts else None,
    }
    status = 200
    if request.method == "POST":
        form = AssessmentNewForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                assessment = assessment_create(
                    team=team,
                    version=version,
                    title=form.cleaned_data["title"],
                    user=request.user,
                    targets=form.targets(),
                    copy_from=form.copy_from(),
                )
            except AnswerInvalid as error:
                form.add_error(None, str(error))
            else:
                copied = answer_count(assessment) if assessment.copied_from_id else 0
                if copied and previous is not None:
                    messages.success(
                        request,
                        f"Assessment started with {copied} answer{pluralize(copied)} copied from “{previous.title}”. "
                        "Check each area and change what has moved on.",
                    )
                else:
                    messages.success(request, "Assessment started. Your answers are saved every time you move on.")
                return redirect("assessment-resume", assessment_id=assessment.pk)
        status = 400  # the form again, with what is wrong at each field: nothing was created
    else:
        form = AssessmentNewForm(initial={"title": default_title()}, **form_kwargs)
    return render(
        request,
        "assessment/assessment_new.html",
        {
            "team": team,
            "form": form,
            "version": version,
            "questionnaire": questionnaire,
            # The newest version of each questionnaire first; older ones behind a disclosure.
            "newest": versions if len(versions) > 1 else [],
            "older": [v for v in published if v not in versions],
            "drafts": drafts,
            "previous": previous,
        },
        status=status,
    )


# --- answering --------------------------------------------------------------------------


@login_required
def assessment_resume(request, assessment_id):
    """Back to the first area with unanswered questions, or to the review when none is left."""
    assessment, _ = assessment_for_user(request.user, assessment_id)
    if assessment.is_submitted:
        return redirect("assessment-results", assessment_id=assessment.pk)
    results = assessment_results(assessment)
    if results.questionnaire.profile and not results.profile and not results.answers:
        return redirect("assessment-profile", assessment_id=assessment.pk)  # "About your team" comes first
    for area_score in results.score.areas:
        if area_score.unanswered:
            return redirect("assessment-area", assessment_id=assessment.pk, area_key=area_score.area_key)
    return redirect("assessment-review", assessment_id=assessment.pk)


def _team_answers_save(assessment, user, answers, shown):
    try:
        return answers_save(assessment=assessment, user=user, answers=answers, shown=shown)
    except TeamAnswersByLead as refused:  # opened to respondents since the page was shown
        raise PermissionDenied(str(refused)) from refused


@login_required
def assessment_area(request, assessment_id, area_key):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    return team_area_page(request, assessment, can_write, area_key)


def team_area_page(request, assessment, can_write, area_key, *, evidence_form=None, status=200):
    """The team's page of an area. With `evidence_form` (posted to views/evidence.py and refused), the
    page is shown, not saved, with that question's evidence form and its errors (`status` 400)."""
    results = assessment_results(assessment)
    questionnaire = results.questionnaire
    index = area_index(questionnaire, area_key)
    access = panel_access(request.user, assessment)
    by_lead = access.panel is not None and not assessment.is_submitted
    posted = request.method == "POST" and evidence_form is None
    if posted and by_lead:
        raise PermissionDenied(TEAM_ANSWERS_BY_LEAD)
    if posted and not can_write and not assessment.is_submitted:
        raise PermissionDenied(READ_ONLY_MESSAGE)
    return area_form_page(
        request,
        results,
        index,
        may_answer=can_write and not by_lead,
        save=lambda answers, shown: _team_answers_save(assessment, request.user, answers, shown),
        after=lambda: after_area_saved(request, TEAM_JOURNEY, results, index),
        team_answers_by_lead=by_lead,
        lead_reconciles=by_lead and access.is_lead and access.may_see_responses,
        show_only=not posted,
        status=status,
        evidence=evidence_blocks(assessment, in_scope_area(results, index), may_add=can_write, bound=evidence_form),
    )


def evidence_blocks(assessment, area, *, may_add, bound=None):
    """Each question of the area with its evidence and, for members of a draft, the form that adds to it.

    `bound` is a refused form (views/evidence.py), shown at its question with its errors.
    """
    evidence = evidence_by_question(assessment)
    expired = expired_question_keys(evidence)
    blocks = []
    for question in area.questions:
        form = None
        if may_add:
            is_bound = bound is not None and bound.question_key == question.id
            form = bound if is_bound else EvidenceForm(question_key=question.id)
        blocks.append(
            {
                "question": question,
                "items": evidence.get(question.id, []),
                "expired": question.id in expired,
                "form": form,
            }
        )
    return blocks


# --- About your team (format 2) ---------------------------------------------------------


def _scope_change_message(results, came_in, went_out) -> str:
    def listed(keys):
        return "; ".join(f"{results.question_numbers[k]} {results.questions_by_key[k][1].text}" for k in keys)

    parts = []
    if came_in:
        parts.append(f"Now in scope: {listed(came_in)}.")
    if went_out:
        parts.append(f"No longer in scope (any answers are kept): {listed(went_out)}.")
    return " ".join(parts) or "No question came into or went out of scope."


@login_required
def assessment_profile(request, assessment_id):
    """The profile questions, before the first area; saved like answers, scope follows."""
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    results = assessment_results(assessment)
    questionnaire = results.questionnaire
    if not questionnaire.profile:
        raise Http404("This questionnaire has no questions about the team.")
    access = panel_access(request.user, assessment)
    may_set = can_write and not assessment.is_submitted and (access.panel is None or access.is_lead)
    status = 200
    if request.method == "POST":
        if not may_set:
            if assessment.is_submitted:
                raise PermissionDenied(LOCKED_MESSAGE)
            if not can_write:
                raise PermissionDenied(READ_ONLY_MESSAGE)
            raise PermissionDenied("Only the lead of a draft open to respondents can change “About your team”.")
        form = ProfileForm(request.POST, questionnaire=questionnaire, profile=results.profile)
        if form.is_valid():
            try:
                profile_save(assessment=assessment, user=request.user, answers=form.profile_answers())
            except (ProfileByLead, AssessmentLocked) as error:
                raise PermissionDenied(str(error)) from error
            except AnswerInvalid as error:
                form.add_error(None, f"{error} Nothing on this page was saved.")
            else:
                after = assessment_results(assessment)
                came_in, went_out = scope_changes(questionnaire, results.profile, after.profile)
                messages.info(request, _scope_change_message(after, came_in, went_out))
                if request.POST.get("action") == "exit":
                    return redirect("home")
                shown = shown_area_indexes(after)
                if shown:
                    return redirect(
                        "assessment-area", assessment_id=assessment.pk, area_key=questionnaire.areas[shown[0]].id
                    )
                return redirect("assessment-review", assessment_id=assessment.pk)
        status = 400
    else:
        form = ProfileForm(questionnaire=questionnaire, profile=results.profile)
    context = journey_context(results)
    first = shown_area_indexes(results)
    context.update(
        {
            "assessment": assessment,
            "questionnaire": questionnaire,
            "form": form,
            "can_write": may_set,
            "profile_current": True,
            "first_area": questionnaire.areas[first[0]] if first else None,
        }
    )
    return render(request, "assessment/profile.html", context, status=status)


# --- review and submit ------------------------------------------------------------------


@login_required
def assessment_review(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    results = assessment_results(assessment)
    groups = []
    for area, area_score in zip(results.questionnaire.areas, results.score.areas, strict=True):
        by_id = {q.id: q for q in area.questions}
        if area_score.unanswered or area_score.to_verify:
            groups.append(
                {
                    "area": area,
                    "unanswered": [by_id[q] for q in area_score.unanswered],
                    "to_verify": [by_id[q] for q in area_score.to_verify],
                }
            )
    open_to_respondents = panel_access(request.user, assessment).panel is not None
    context = journey_context(results)
    context.update(
        {
            "assessment": assessment,
            "can_write": can_write,
            "groups": groups,
            "last_area": _last_shown_area(results),
            "open_to_respondents": open_to_respondents,
            "still_answering": [
                status.label
                for status in (respondent_statuses(assessment) if open_to_respondents and can_write else [])
                if not status.respondent.has_submitted
            ],
        }
    )
    return render(request, "assessment/review.html", context)


def _last_shown_area(results):
    shown = shown_area_indexes(results)
    return results.questionnaire.areas[shown[-1]] if shown else None


@login_required
@require_POST
def assessment_submit_view(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    if assessment.is_submitted:
        messages.info(request, "This assessment was already submitted.")
        return redirect("assessment-results", assessment_id=assessment.pk)
    if not can_write:
        raise PermissionDenied(READ_ONLY_MESSAGE)
    try:
        assessment_submit(assessment=assessment, user=request.user)
    except AssessmentLocked:
        messages.info(request, "This assessment was already submitted.")
        return redirect("assessment-results", assessment_id=assessment.pk)
    messages.success(request, f"“{assessment.title}” is submitted and locked. Here are your results.")
    return redirect("assessment-results", assessment_id=assessment.pk)
