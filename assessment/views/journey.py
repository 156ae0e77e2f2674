"""What the three ways of answering an area share: the team's answers, a respondent's own, the lead's reconciliation.

Each is a page per area (`area_form_page`) with the same journey bar and the same
three buttons; `after_area_saved` says where each button leads, one rule for all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from assessment.domain import model as domain
from assessment.forms.assessments import AreaAnswersForm
from assessment.presentation import answer_in_words
from assessment.services.assessments import (
    AnswerInvalid,
    AnswersChangedMeanwhile,
    AssessmentLocked,
)
from assessment.services.respondents import PanelNotAllowed

LOCKED_MESSAGE = "This assessment has been submitted and can no longer be changed."


def area_index(questionnaire, area_key):
    for index, area in enumerate(questionnaire.areas):
        if area.id == area_key:
            return index
    raise Http404("No such area.")


def shown_area_indexes(results) -> list[int]:
    """The indexes of the areas with a question in scope: the journey shows only those (format 2)."""
    return [
        i
        for i, (area, area_score) in enumerate(zip(results.questionnaire.areas, results.score.areas, strict=True))
        if len(area_score.out_of_scope) < len(area.questions) or not area.questions
    ]


def in_scope_area(results, index: int):
    """The `index`th area with only its questions in scope (format 2; every question in format 1)."""
    full_area = results.questionnaire.areas[index]
    out = set(results.score.areas[index].out_of_scope)
    return dataclasses.replace(full_area, questions=tuple(q for q in full_area.questions if q.id not in out))


def neighbour_area(results, index: int, step: int):
    """The next (step 1) or previous (step -1) area shown, or None."""
    shown = [i for i in shown_area_indexes(results) if (i - index) * step > 0]
    if not shown:
        return None
    return results.questionnaire.areas[shown[0] if step > 0 else shown[-1]]


def journey_context(results, current_index=None):
    score = results.score
    shown = shown_area_indexes(results)
    areas = [
        {"area": results.questionnaire.areas[i], "score": score.areas[i], "index": n + 1} for n, i in enumerate(shown)
    ]
    return {
        "results": results,
        "score": score,
        "journey_areas": areas,
        "area_count": len(areas),
        "current_index": current_index,
    }


def area_form_page(
    request,
    results,
    index,
    *,
    may_answer,
    save,
    after,
    refused=LOCKED_MESSAGE,
    form_class=AreaAnswersForm,
    form_kwargs=None,
    area_url_name="assessment-area",
    show_only=False,
    status=200,
    **extra,
):
    """The page of the `index`th area of `results`: the team's answers, a respondent's own or the lead's reconciliation.

    The form (`form_class`) starts from the results' answers, `form_kwargs` on top.
    A GET shows the form (and the answers in words when `may_answer` is false).
    A POST is refused (403, the error page with the message `refused`) when the
    user may not answer (by default: the assessment is submitted); else it is
    saved with `save(answers, shown)` (`shown`: the tokens of the answers the page
    showed, for the service to refuse, under its lock, an answer someone else changed
    meanwhile) and followed by `after()`, or refused when the save is (403 with the
    reason), or the form is shown again with its errors (400).
    With `show_only`, a POST (meant for another form of the page, the evidence
    forms) is shown as a GET would be, answering `status`. `area_url_name` names this page's URL;
    `extra` goes to the page.
    """
    assessment, questionnaire = results.assessment, results.questionnaire
    full_area = questionnaire.areas[index]
    area = in_scope_area(results, index)  # only the questions in scope are asked; their numbers count every question
    numbers = {q.id: n for n, q in enumerate(full_area.questions, 1)}
    form_kwargs = {"questionnaire": questionnaire, "area": area, "answers": results.answers, **(form_kwargs or {})}
    if request.method == "POST" and not show_only:
        if not may_answer:
            raise PermissionDenied(refused)
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                save(form.answer_inputs(), form.answers_shown())
            except (AssessmentLocked, PanelNotAllowed) as error:  # submitted or opened to respondents meanwhile
                raise PermissionDenied(str(error)) from error
            except AnswersChangedMeanwhile as conflict:
                _tell_changed_meanwhile(form, conflict.current, area, questionnaire)
            except AnswerInvalid as error:
                form.add_error(None, f"{error} Nothing on this page was saved; check the answers and save again.")
            else:
                return after()
    else:
        form = form_class(**form_kwargs)
    shown = shown_area_indexes(results)
    context = journey_context(results, current_index=shown.index(index) + 1 if index in shown else None)
    context.update(
        {
            "assessment": assessment,
            "questionnaire": questionnaire,
            "area": area,
            "question_numbers": numbers,
            "nothing_in_scope": bool(full_area.questions) and not area.questions,
            "area_score": results.score.areas[index],
            "form": form,
            "can_write": may_answer,
            "previous_area": neighbour_area(results, index, -1),
            "next_area": neighbour_area(results, index, 1),
            "read_only_answers": None if may_answer else read_only_answers(results, area),
            "area_url_name": area_url_name,
        }
    )
    context.update(extra)
    if form.is_bound and form.errors:
        status = 400
    return render(request, "assessment/area.html", context, status=status)


def _tell_changed_meanwhile(form, current: dict[str, domain.Answer | None], area, questionnaire) -> None:
    """Someone else saved, since this page was shown, another answer to questions this user changed
    (`current`: what each holds now), so nothing was saved: each such question says what it holds,
    and the page shown again carries it as shown, so saving again knowingly replaces it."""
    questions = {question.id: question for question in area.questions}
    for question_id, answer in current.items():
        question = questions[question_id]
        form.add_error(
            f"answer_{question_id}",
            f"“{question.text}”: someone else saved “{answer_in_words(questionnaire, answer, question)}” "
            "while you were on this page. Your answer is still selected below; save again to replace theirs, "
            "or choose theirs.",
        )
    form.add_error(None, "Nothing on this page was saved: someone else changed answers on it meanwhile (marked below).")
    form.shown_again({question_id: domain.answer_token(answer) for question_id, answer in current.items()})


@dataclass(frozen=True)
class AreaJourney:
    """One way of answering areas: its area page, where it ends, where "Save and exit" goes and what it says."""

    area_url_name: str
    end_url_name: str  # after the last area: the review, or the disagreements
    exit_url_name: str  # takes the assessment id unless it is "home"
    exit_message: str = ""  # "{title}": the assessment's title
    profile_url_name: str = ""  # before the first area, when the questionnaire asks about the team (format 2)


TEAM_JOURNEY = AreaJourney(
    "assessment-area",
    "assessment-review",
    "home",
    "Your answers to “{title}” are saved. Choose Continue to pick up where you left off.",
    profile_url_name="assessment-profile",
)
RESPONDENT_JOURNEY = AreaJourney(
    "respondent-area",
    "respondent-review",
    "home",
    "Your answers are saved. Come back to finish and submit your response.",
)
RECONCILE_JOURNEY = AreaJourney("assessment-reconcile", "assessment-disagreements", "assessment-disagreements")


def after_area_saved(request, journey: AreaJourney, results, index: int):
    """Where a saved area page leads, by its button, the same for every way of answering.

    Only the areas with a question in scope are on the way (format 2). "Back": the
    previous area; from the first, "About your team" when the journey has it, else
    the same page, since nothing comes before it. "Save and exit": the journey's
    exit, with its message. "Save and continue": the next area, and after the last
    one the journey's end (the review, or the disagreements for a reconciliation).
    """
    assessment, questionnaire = results.assessment, results.questionnaire
    action = request.POST.get("action", "continue")
    if action == "exit":
        if journey.exit_message:
            messages.success(request, journey.exit_message.format(title=assessment.title))
        if journey.exit_url_name == "home":
            return redirect("home")
        return redirect(journey.exit_url_name, assessment_id=assessment.pk)
    if action == "back":
        previous = neighbour_area(results, index, -1)
        if previous is None and journey.profile_url_name and questionnaire.profile:
            return redirect(journey.profile_url_name, assessment_id=assessment.pk)
        area = previous or questionnaire.areas[index]
        return redirect(journey.area_url_name, assessment_id=assessment.pk, area_key=area.id)
    following = neighbour_area(results, index, 1)
    if following is not None:
        return redirect(journey.area_url_name, assessment_id=assessment.pk, area_key=following.id)
    return redirect(journey.end_url_name, assessment_id=assessment.pk)


def read_only_answers(results, area):
    """Each question with its answer in words, for readers and submitted assessments."""
    rows = []
    for question in area.questions:
        answer = results.answers.get(question.id)
        rows.append(
            {
                "question": question,
                "answer": answer_in_words(results.questionnaire, answer, question),
                "note": answer.note if answer else "",
            }
        )
    return rows
