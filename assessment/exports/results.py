"""One assessment as a JSON document and as CSV (docs/questionnaire-format.md, section 5).

Both are built from an AssessmentResults, so they carry exactly the numbers the
results page and the roadmap page show.
"""

from __future__ import annotations

import io
from typing import Any

from assessment.access import panel_access
from assessment.domain import model as domain
from assessment.domain.roadmap import RoadmapItem
from assessment.domain.scoring import AssessmentScore
from assessment.exports.csv import CsvWriter
from assessment.exports.plan import plan_to_list
from assessment.presentation import ANSWER_KIND_WORDS
from assessment.selectors.plan import team_actions
from assessment.selectors.respondents import agreement_for
from assessment.selectors.results import AssessmentResults, assessment_results

# A spreadsheet runs a cell that starts with = + - @ (or tab/CR before one) as a
# formula. A cell starts at the start of a value, but also, for a program that
# splits on another separator than ours (`;` in many European locales, tab) or
# ignores quotes, after any `,` `;` tab or line break inside a value, possibly
# after quote marks. Each such start gets a `'`, which spreadsheets show as text.


def assessment_to_dict(results: AssessmentResults) -> dict:
    """The machine-readable export of docs/questionnaire-format.md (section 5), plus a few descriptive keys."""
    assessment, questionnaire, score = results.assessment, results.questionnaire, results.score
    format2 = questionnaire.format == 2  # format 1 exports gain no key
    out_of_scope = set(score.out_of_scope)
    answers = []
    for _area, question in questionnaire.questions():
        answer = results.answers.get(question.id)
        item = {
            "question": question.id,
            "answer": answer.kind if answer else domain.UNANSWERED,
            "level": answer.level if answer and answer.kind == domain.CHOICE else None,
            "note": answer.note if answer else "",
        }
        if answer is not None and answer.kind == domain.NOT_APPLICABLE:
            # Why: a key of the reasons list, null for answers saved before reasons were asked.
            item.update(
                na_reason=answer.na_reason or None,
                na_reason_detail=answer.na_reason_detail,
                na_reason_text=answer.na_reason_text,
            )
        if format2:  # an out-of-scope question keeps its stored answer
            item["in_scope"] = question.id not in out_of_scope
        answers.append(item)
    data: dict[str, Any] = {
        "questionnaire": {"slug": questionnaire.slug, "version": questionnaire.version, "title": questionnaire.title},
        "team": assessment.team.slug,
        "team_name": assessment.team.name,
        "title": assessment.title,
        "status": assessment.status,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "updated_at": assessment.updated_at.isoformat(),
        **score_to_dict(score),
        "answers": answers,
        "to_verify": list(results.roadmap.to_verify),
        "roadmap": [roadmap_item_to_dict(item) for item in results.roadmap],
    }
    if format2:
        data["profile"] = {
            "answers": {q.id: results.profile.get(q.id) for q in questionnaire.profile},
            "tags": sorted(results.tags),
        }
        for area, entry in zip(score.areas, data["areas"], strict=True):
            entry["in_scope"] = area.total > 0 or not area.out_of_scope
        data["agency_items"] = [
            {k: v for k, v in roadmap_item_to_dict(item).items() if k != "phase"}
            for item in results.roadmap.agency_items
        ]
    return data


def score_to_dict(score: AssessmentScore) -> dict:
    """The overall and per-area figures, as the export and the API's lists of assessments give them."""
    return {
        "overall": {
            "score": score.score,
            "percent": score.percent,
            "level": score.level,
            "level_name": score.level_name,
            "completeness": score.completeness,
            "progress_to_target": score.progress_to_target,
            "answered": score.answered,
            "total": score.total,
        },
        "areas": [
            {
                "id": area.area_key,
                "title": area.title,
                "score": area.score,
                "percent": area.percent,
                "level": area.level,
                "level_name": area.level_name,
                "completeness": area.completeness,
                "target": area.target,
                "progress_to_target": area.progress_to_target,
                "answered": area.answered,
                "total": area.total,
            }
            for area in score.areas
        ],
    }


def assessment_export(assessment, *, user) -> dict:
    """The whole JSON export of one assessment as `user` reads it: the results, the team's plan for its
    questionnaire with the progress measured today, and the respondents as far as `user` may see them.
    The download (views/results.py) and the API (assessment/api/) both give exactly this."""
    results = assessment_results(assessment)
    data = assessment_to_dict(results)
    data["actions"] = plan_to_list(team_actions(assessment.team, results.questionnaire.slug))
    agreement = agreement_for(assessment, results.questionnaire, profile=results.profile)
    if agreement is not None:
        data["respondents"] = respondents_to_dict(
            assessment, agreement, audience=panel_access(user, assessment).audience
        )
    return data


def roadmap_item_to_dict(item: RoadmapItem) -> dict:
    """One roadmap item in the export's shape; `needs` only when some are unmet."""
    data: dict[str, Any] = {
        "position": item.position,
        "question": item.question_key,
        "area": item.area_key,
        "phase": item.phase,
        "from": item.from_level,
        "to": item.to_level,
        "steps": list(item.steps),
        "practices": list(item.practices),
        "effort": item.effort,
    }
    if item.needs:
        data["needs"] = [{"question": need.question_key, "level": need.level} for need in item.needs]
    return data


def _level_name(questionnaire: domain.Questionnaire, level: int | None) -> str:
    return questionnaire.level_name(level) if level is not None else ""


def assessment_to_csv(results: AssessmentResults) -> str:
    """Two tables in one file: the answers, then the roadmap, each under a title row."""
    questionnaire = results.questionnaire
    out = io.StringIO()
    writer = CsvWriter(out)

    def row(*cells):
        writer.writerow(cells)

    assessment = results.assessment
    row(
        "Assessment",
        assessment.title,
        "Team",
        assessment.team.name,
        "Questionnaire",
        f"{questionnaire.title} {questionnaire.version}",
        "Status",
        assessment.get_status_display(),
    )
    row()
    row("Answers")
    format2 = questionnaire.format == 2  # the "In scope" column and agency rows are format 2's
    out_of_scope = set(results.score.out_of_scope)
    row(
        "Area",
        "Question id",
        "Question",
        "Answer",
        "Level",
        "Level name",
        "Note",
        "Reason for Not applicable",
        *(["In scope"] if format2 else []),
    )
    for area, question in questionnaire.questions():
        answer = results.answers.get(question.id)
        kind = answer.kind if answer else domain.UNANSWERED
        level = answer.level if answer and kind == domain.CHOICE else None
        row(
            area.title,
            question.id,
            question.text,
            ANSWER_KIND_WORDS.get(kind, kind),
            "" if level is None else level,
            _level_name(questionnaire, level),
            answer.note if answer else "",
            answer.na_reason_text if answer and kind == domain.NOT_APPLICABLE else "",
            *((["no" if question.id in out_of_scope else "yes"]) if format2 else []),
        )
    row()
    row("Roadmap")
    row(
        "Position",
        "Phase",
        "Area",
        "Question id",
        "Question",
        "From",
        "From name",
        "To",
        "To name",
        "Steps",
        "Done when",
        "Practice ids",
        "Practices",
        "Effort",
        "Needs first",
    )
    for entry in [*results.roadmap_entries, *results.agency_entries]:  # agency rows: phase "Agency-wide"
        item = entry.item
        row(
            item.position,
            entry.phase_title,
            entry.area.title,
            item.question_key,
            entry.question.text,
            f"Not sure ({item.from_level})" if item.not_sure else item.from_level,
            entry.from_name,
            item.to_level,
            entry.to_name,
            " ".join(str(level) for level in item.steps),
            entry.done,
            "; ".join(item.practices),
            "; ".join(p.title for p in entry.practices),
            item.effort or "",
            "; ".join(f"{need.question.id} at {need.level}" for need in entry.needs),
        )
    return out.getvalue()


def respondents_to_dict(assessment, agreement, *, audience: str) -> dict:
    """The respondents, agreement per area and the lead's decisions, for the JSON export to `audience`.

    Only submitted responses count (the agreement holds no other). Each
    respondent's own answers, and the levels behind each decision, only for
    those who may see them (access.SEES_ANSWERS); the agreement figures and
    the decisions' spreads not for a respondent who has not submitted.
    """
    from assessment import access, models

    with_answers = audience == access.SEES_ANSWERS
    with_figures = audience != access.NOT_SUBMITTED
    submitted = {s.respondent.name for s in agreement.statuses if s.respondent.has_submitted}
    panel = models.RespondentPanel.objects.select_related("lead").get(assessment=assessment)
    people = []
    for status in agreement.statuses:
        person = {
            "name": status.respondent.name,
            "former_member": status.former_member,
            "submitted_at": status.respondent.submitted_at.isoformat() if status.respondent.submitted_at else None,
            "answered": status.answered,
        }
        if with_answers:
            person["answers"] = [
                _answer_to_dict(row.question.id, response.answer)
                for row in agreement.questions
                for response in row.responses
                if response.respondent == status.label and response.answer is not None
            ]
        people.append(person)
    decisions = []
    for decision in (
        models.TeamAnswerDecision.objects.filter(assessment=assessment)
        .select_related("question", "decided_by")
        .order_by("question__area__position", "question__position")
    ):
        # Decisions recorded before responses were counted only once submitted may hold unsubmitted ones.
        responses = {name: value for name, value in decision.responses.items() if name in submitted}
        levels = [value for value in responses.values() if isinstance(value, int)]
        item: dict[str, Any] = {
            "question": decision.question.key,
            "decided_by": decision.decided_by.get_username() if decision.decided_by else None,
            "decided_at": decision.decided_at.isoformat(),
        }
        if with_figures:
            item["spread"] = max(levels) - min(levels) if len(levels) > 1 else None
        if with_answers:
            item["responses"] = responses
        decisions.append(item)
    result = {
        "lead": panel.lead.get_username() if panel.lead else None,
        "share_individual_answers": panel.share_individual_answers,
        "responses_submitted": agreement.responded,
        "respondents": people,
        "decisions": decisions,
    }
    if with_figures:
        result["agreement"] = [
            {"area": area.area.id, "agreed": area.agreed, "counted": area.counted, "share": area.share}
            for area in agreement.areas
        ]
    return result


def _answer_to_dict(question_key: str, answer: domain.Answer) -> dict:
    item = {
        "question": question_key,
        "answer": answer.kind,
        "level": answer.level if answer.kind == domain.CHOICE else None,
        "note": answer.note,
    }
    if answer.kind == domain.NOT_APPLICABLE:
        item.update(na_reason=answer.na_reason or None, na_reason_detail=answer.na_reason_detail)
    return item
