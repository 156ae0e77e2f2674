"""The questionnaire journey: start an assessment, answer one area per page, review, submit.

Every view reaches its team or assessment through assessment.access (outsiders
get a 404); every write goes through assessment.services.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from assessment.access import assessment_for_user, panel_access, team_for_user
from assessment.domain.profile import scope_changes
from assessment.forms.assessments import AreaAnswersForm, AssessmentNewForm, ProfileForm, default_title
from assessment.presentation import answer_in_words
from assessment.selectors.assessments import answer_count, area_targets, drafts_in_progress, previous_assessment
from assessment.selectors.questionnaires import (
    default_questionnaire_versions,
    published_versions,
    questionnaire_domain,
)
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
from assessment.services.respondents import PanelNotAllowed

READ_ONLY_MESSAGE = "You can read this team's assessments but not change them. Ask a team member to make changes."
LOCKED_MESSAGE = "This assessment has been submitted and can no longer be changed."


def _forbidden(request, message):
    return render(request, "error.html", {"title": "Not allowed", "message": message, "status": 403}, status=403)


# --- start ------------------------------------------------------------------------------


@login_required
def assessment_new(request, team_id):
    team, can_write = team_for_user(request.user, team_id)
    if not can_write:
        return _forbidden(request, "Only members of this team can start an assessment. " + READ_ONLY_MESSAGE)
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
            "published": published if len(published) > 1 else [],
            "drafts": drafts,
            "previous": previous,
        },
        status=status,
    )


# --- answering --------------------------------------------------------------------------


def _area_index(questionnaire, area_key):
    for index, area in enumerate(questionnaire.areas):
        if area.id == area_key:
            return index
    raise Http404("No such area.")


@login_required
def assessment_resume(request, assessment_id):
    """Back to the first area with unanswered questions, or to the review when none is left."""
    assessment, _ = assessment_for_user(request.user, assessment_id)
    if assessment.is_submitted:
        return redirect("assessment-results", assessment_id=assessment.pk)
    report = assessment_results(assessment)
    if report.questionnaire.profile and not report.profile and not report.answers:
        return redirect("assessment-profile", assessment_id=assessment.pk)  # "About your team" comes first
    for area_score in report.score.areas:
        if area_score.unanswered:
            return redirect("assessment-area", assessment_id=assessment.pk, area_key=area_score.area_key)
    return redirect("assessment-review", assessment_id=assessment.pk)


def shown_area_indexes(report) -> list[int]:
    """The indexes of the areas with a question in scope: the journey shows only those (format 2)."""
    return [
        i
        for i, (area, area_score) in enumerate(zip(report.questionnaire.areas, report.score.areas, strict=True))
        if len(area_score.out_of_scope) < len(area.questions) or not area.questions
    ]


def _neighbour(report, index: int, step: int):
    """The next (step 1) or previous (step -1) area shown, or None."""
    shown = [i for i in shown_area_indexes(report) if (i - index) * step > 0]
    if not shown:
        return None
    return report.questionnaire.areas[shown[0] if step > 0 else shown[-1]]


def _journey_context(report, current_index=None):
    score = report.score
    shown = shown_area_indexes(report)
    areas = [
        {"area": report.questionnaire.areas[i], "score": score.areas[i], "index": n + 1} for n, i in enumerate(shown)
    ]
    return {
        "report": report,
        "score": score,
        "journey_areas": areas,
        "area_count": len(areas),
        "current_index": current_index,
    }


def _team_answers_save(assessment, user, answers):
    try:
        return answers_save(assessment=assessment, user=user, answers=answers)
    except TeamAnswersByLead as refused:  # opened to respondents since the page was shown
        raise PermissionDenied(str(refused)) from refused


@login_required
def assessment_area(request, assessment_id, area_key):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    report = assessment_results(assessment)
    questionnaire = report.questionnaire
    index = _area_index(questionnaire, area_key)
    access = panel_access(request.user, assessment)
    by_lead = access.panel is not None and not assessment.is_submitted
    if request.method == "POST" and by_lead:
        raise PermissionDenied(TEAM_ANSWERS_BY_LEAD)
    if request.method == "POST" and not can_write and not assessment.is_submitted:
        return _forbidden(request, READ_ONLY_MESSAGE)
    return _area_form_page(
        request,
        report,
        index,
        may_answer=can_write and not by_lead,
        save=lambda answers: _team_answers_save(assessment, request.user, answers),
        after=lambda: _after_save(request, report, index),  # saving answers leaves scope as it is
        team_answers_by_lead=by_lead,
        lead_reconciles=by_lead and access.is_lead and access.may_see_responses,
    )


def _area_form_page(
    request,
    report,
    index,
    *,
    may_answer,
    save,
    after,
    refused=LOCKED_MESSAGE,
    form_class=AreaAnswersForm,
    form_kwargs=None,
    area_url_name="assessment-area",
    **extra,
):
    """The page of the `index`th area of `report`: the team's answers, a respondent's own or the lead's reconciliation.

    The form (`form_class`) starts from the report's answers, `form_kwargs` on top.
    A GET shows the form (and the answers in words when `may_answer` is false).
    A POST is refused with the message `refused` when the user may not answer
    (by default: the assessment is submitted);
    else it is saved with `save(answers)` and followed by `after()`, or, when
    the save is refused, back to this page with the reason, or the form is
    shown again with its errors. `area_url_name` names this page's URL;
    `extra` goes to the page.
    """
    assessment, questionnaire = report.assessment, report.questionnaire
    full_area = questionnaire.areas[index]
    out = set(report.score.areas[index].out_of_scope)
    # Only the questions in scope are asked; their numbers count every question of the file.
    area = dataclasses.replace(full_area, questions=tuple(q for q in full_area.questions if q.id not in out))
    numbers = {q.id: n for n, q in enumerate(full_area.questions, 1)}
    form_kwargs = {"questionnaire": questionnaire, "area": area, "answers": report.answers, **(form_kwargs or {})}
    if request.method == "POST":
        here = redirect(area_url_name, assessment_id=assessment.pk, area_key=area.id)
        if not may_answer:
            messages.error(request, refused)
            return here
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                save(form.answer_inputs())
            except (AssessmentLocked, PanelNotAllowed) as error:
                messages.error(request, str(error))
                return here
            except AnswerInvalid as error:
                form.add_error(None, f"{error} Nothing on this page was saved; check the answers and save again.")
            else:
                return after()
    else:
        form = form_class(**form_kwargs)
    shown = shown_area_indexes(report)
    context = _journey_context(report, current_index=shown.index(index) + 1 if index in shown else None)
    context.update(
        {
            "assessment": assessment,
            "questionnaire": questionnaire,
            "area": area,
            "question_numbers": numbers,
            "nothing_in_scope": bool(full_area.questions) and not area.questions,
            "area_score": report.score.areas[index],
            "form": form,
            "can_write": may_answer,
            "previous_area": _neighbour(report, index, -1),
            "next_area": _neighbour(report, index, 1),
            "read_only_answers": None if may_answer else _read_only_answers(report, area),
            "area_url_name": area_url_name,
        }
    )
    context.update(extra)
    return render(request, "assessment/area.html", context)


def _after_save(request, report, index):
    """Where a saved area page goes: Next and Back skip areas with nothing in scope."""
    assessment = report.assessment
    action = request.POST.get("action", "continue")
    if action == "exit":
        messages.success(
            request, f"Your answers to “{assessment.title}” are saved. Choose Continue to pick up where you left off."
        )
        return redirect("home")
    if action == "back":
        previous = _neighbour(report, index, -1)
        if previous is not None:
            return redirect("assessment-area", assessment_id=assessment.pk, area_key=previous.id)
        if report.questionnaire.profile:  # back from the first area shown: "About your team"
            return redirect("assessment-profile", assessment_id=assessment.pk)
        return redirect("home")
    following = _neighbour(report, index, 1)
    if following is not None:
        return redirect("assessment-area", assessment_id=assessment.pk, area_key=following.id)
    return redirect("assessment-review", assessment_id=assessment.pk)


# --- About your team (format 2) ---------------------------------------------------------


def _scope_change_message(report, came_in, went_out) -> str:
    def listed(keys):
        return "; ".join(f"{report.question_numbers[k]} {report.questions_by_key[k][1].text}" for k in keys)

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
    report = assessment_results(assessment)
    questionnaire = report.questionnaire
    if not questionnaire.profile:
        raise Http404("This questionnaire has no questions about the team.")
    access = panel_access(request.user, assessment)
    may_set = can_write and not assessment.is_submitted and (access.panel is None or access.is_lead)
    status = 200
    if request.method == "POST":
        if not may_set:
            if assessment.is_submitted:
                return _forbidden(request, LOCKED_MESSAGE)
            return _forbidden(request, "Only the lead of a draft open to respondents can change “About your team”.")
        form = ProfileForm(request.POST, questionnaire=questionnaire, profile=report.profile)
        if form.is_valid():
            try:
                profile_save(assessment=assessment, user=request.user, answers=form.profile_answers())
            except (ProfileByLead, AssessmentLocked) as error:
                return _forbidden(request, str(error))
            except AnswerInvalid as error:
                form.add_error(None, f"{error} Nothing on this page was saved.")
            else:
                after = assessment_results(assessment)
                came_in, went_out = scope_changes(questionnaire, report.profile, after.profile)
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
        form = ProfileForm(questionnaire=questionnaire, profile=report.profile)
    context = _journey_context(report)
    first = shown_area_indexes(report)
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


def _read_only_answers(report, area):
    """Each question with its answer in words, for readers and submitted assessments."""
    rows = []
    for question in area.questions:
        answer = report.answers.get(question.id)
        rows.append(
            {
                "question": question,
                "answer": answer_in_words(report.questionnaire, answer, question),
                "note": answer.note if answer else "",
            }
        )
    return rows


# --- review and submit ------------------------------------------------------------------


@login_required
def assessment_review(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    report = assessment_results(assessment)
    groups = []
    for area, area_score in zip(report.questionnaire.areas, report.score.areas, strict=True):
        by_id = {q.id: q for q in area.questions}
        if area_score.unanswered or area_score.to_verify:
            groups.append(
                {
                    "area": area,
                    "unanswered": [by_id[q] for q in area_score.unanswered],
                    "to_verify": [by_id[q] for q in area_score.to_verify],
                }
            )
    context = _journey_context(report)
    context.update(
        {
            "assessment": assessment,
            "can_write": can_write,
            "groups": groups,
            "last_area": _last_shown_area(report),
        }
    )
    return render(request, "assessment/review.html", context)


def _last_shown_area(report):
    shown = shown_area_indexes(report)
    return report.questionnaire.areas[shown[-1]] if shown else None


@login_required
@require_POST
def assessment_submit_view(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    if assessment.is_submitted:
        messages.info(request, "This assessment was already submitted.")
        return redirect("assessment-results", assessment_id=assessment.pk)
    if not can_write:
        return _forbidden(request, READ_ONLY_MESSAGE)
    try:
        assessment_submit(assessment=assessment, user=request.user)
    except AssessmentLocked:
        messages.info(request, "This assessment was already submitted.")
        return redirect("assessment-results", assessment_id=assessment.pk)
    messages.success(request, f"“{assessment.title}” is submitted and locked. Here are your results.")
    return redirect("assessment-results", assessment_id=assessment.pk)
