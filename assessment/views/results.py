"""Results, roadmap, practice page and exports of one assessment.

Every view that takes an id reaches its object through assessment.access, so a
user who may not see a team's data gets a 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from assessment import models
from assessment.access import assessment_for_user, panel_access, role_in_team, version_for_user
from assessment.charts import RadarAxis, radar_svg
from assessment.domain import model as domain
from assessment.domain.roadmap import NOW, PHASES
from assessment.exports.results import assessment_export, assessment_to_csv
from assessment.presentation import PHASE_INTROS, PHASE_TITLES, export_file_name
from assessment.selectors.evidence import evidence_by_area
from assessment.selectors.plan import actions_by_question
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.selectors.respondents import agreement_for
from assessment.selectors.results import RoadmapEntry, assessment_results
from assessment.services.plan import item_key


def _question_list(results, question_keys):
    """(area, question) pairs for a list of question keys, in display order."""
    return [results.questions_by_key[q] for q in question_keys]


def _not_applicable_list(results):
    """(area, question, reason) of the questions in scope answered Not applicable, in display order."""
    out = set(results.score.out_of_scope)
    return [
        (area, question, results.answers[question.id].na_reason_text)
        for area, question in results.questionnaire.questions()
        if question.id in results.answers
        and results.answers[question.id].kind == domain.NOT_APPLICABLE
        and question.id not in out
    ]


@login_required
def results(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    results = assessment_results(assessment)
    score = results.score
    # A respondent who has not submitted sees no agreement figures: they would anchor on them.
    access = panel_access(request.user, assessment)
    areas = [(area, area_score) for area, area_score in zip(results.questionnaire.areas, score.areas, strict=True)]
    chart = radar_svg(
        [RadarAxis(a.title, a.level, a.target) for a in score.areas],
        lo=results.questionnaire.lo,
        hi=results.questionnaire.hi,
        title=f"Maturity by area: current level against target for {assessment.team.name}",
        chart_id="results-radar",
    )
    return render(
        request,
        "assessment/results.html",
        {
            "assessment": assessment,
            "results": results,
            "questionnaire": results.questionnaire,
            "score": score,
            "areas": areas,
            "chart": chart,
            "to_verify": _question_list(results, score.to_verify),
            "unanswered": _question_list(results, score.unanswered),
            "not_applicable": _not_applicable_list(results),
            "can_write": can_write,
            "next_steps": results.roadmap.steps_in(NOW),
            "step_count": results.roadmap.step_count,
            "agreement": agreement_for(assessment, results.questionnaire, profile=results.profile)
            if access.may_see_agreement
            else None,
            "agreement_hidden": access.panel is not None and not access.may_see_agreement,
            "evidence_areas": evidence_by_area(results),
        },
    )


@dataclass(frozen=True)
class RoadmapRow:
    """One roadmap item on the roadmap page: the team's actions on its question, whether the item is in the plan."""

    entry: RoadmapEntry
    actions: list[models.Action]
    in_plan: bool
    key: str  # the item's key in the plan (services.plan.item_key)


@login_required
def roadmap(request, assessment_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    results = assessment_results(assessment)
    roadmap = results.roadmap
    plan = actions_by_question(assessment.team, results.questionnaire.slug)

    def with_actions(entry: RoadmapEntry) -> RoadmapRow:
        actions = plan.get(entry.item.question_key, [])
        return RoadmapRow(
            entry=entry,
            actions=actions,
            in_plan=any(a.target_level == entry.item.to_level for a in actions),
            key=item_key(entry.item.question_key, entry.item.to_level),
        )

    phases = [
        {
            "key": phase,
            "title": PHASE_TITLES[phase],
            "intro": PHASE_INTROS[phase],
            "entries": [with_actions(entry) for entry in results.entries_in(phase)],
            "steps": roadmap.steps_in(phase),
        }
        for phase in PHASES
    ]
    return render(
        request,
        "assessment/roadmap.html",
        {
            "assessment": assessment,
            "results": results,
            "questionnaire": results.questionnaire,
            "phases": phases,
            "roadmap": roadmap,
            "agency_entries": results.agency_entries,
            "now_points": results.points_in(NOW) if results.questionnaire.phase_budget.now is not None else None,
            "to_verify": [(results.question_numbers[key], *results.questions_by_key[key]) for key in roadmap.to_verify],
            "can_write": can_write,
            "can_plan": role_in_team(request.user, assessment.team) == models.Membership.MEMBER,
        },
    )


@login_required
def practice_detail(request, version_id, practice_key):
    """A best practice as the questionnaire describes it: readable by any signed-in user."""
    version = version_for_user(request.user, version_id)
    questionnaire = questionnaire_domain(version)
    practices = {p.id: p for p in questionnaire.practices}
    practice = practices.get(practice_key)
    if practice is None:
        raise Http404("No such practice.")
    by_area = []
    for area in questionnaire.areas:
        questions = [q for q in area.questions if any(practice.id in q.practices_for(c) for c in q.step_choices())]
        if questions:
            by_area.append((area, questions))
    return render(
        request,
        "assessment/practice.html",
        {
            "version": version,
            "questionnaire": questionnaire,
            "practice": practice,
            "requires": [practices[key] for key in practice.requires if key in practices],
            "required_by": [p for p in questionnaire.practices if practice.id in p.requires],
            "questions_by_area": by_area,
            "back_assessment_id": _back_assessment(request),
        },
    )


def _back_assessment(request) -> int | None:
    """The assessment the visitor came from (`?from=<id>`), for a link back; never trusted beyond an int."""
    value = request.GET.get("from", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A team's answers: never kept by a shared proxy or in the browser's cache.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_json(request, assessment_id):
    assessment, _ = assessment_for_user(request.user, assessment_id)
    body = json.dumps(assessment_export(assessment, user=request.user), indent=2, ensure_ascii=False)
    return download(body, "application/json; charset=utf-8", export_file_name(assessment, "json"))


@login_required
def export_csv(request, assessment_id):
    assessment, _ = assessment_for_user(request.user, assessment_id)
    results = assessment_results(assessment)
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    return download(
        "\ufeff" + assessment_to_csv(results), "text/csv; charset=utf-8", export_file_name(assessment, "csv")
    )
