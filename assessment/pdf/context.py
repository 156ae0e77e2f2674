"""What the PDF templates show, worked out from an AssessmentReport.

Templates stay free of logic: every label, level name and sentence a reader
sees is prepared here from the report's score and roadmap, so the PDF says
exactly what the results pages and the JSON export say.
"""
from __future__ import annotations

from dataclasses import dataclass

from assessment.charts import RadarAxis, radar_svg
from assessment.domain import model as domain
from assessment.domain.roadmap import LATER, NEXT, NOW, RoadmapItem
from assessment.domain.scoring import AreaScore, AssessmentScore, display_percent
from assessment.presentation import answer_in_words, report_date
from assessment.selectors.reports import AssessmentReport

PHASES = [
    (NOW, "Now", "Start these first: they close the largest gaps for the effort."),
    (NEXT, "Next", "Plan these once the Now items are under way."),
    (LATER, "Later", "Worth doing after the earlier phases."),
]
EFFORT_LABELS = {"low": "Low", "medium": "Medium", "high": "High"}


def _percent(x: float) -> str:
    return f"{display_percent(x)}%"


@dataclass(frozen=True)
class GapLine:
    question_number: str  # e.g. "2.3", as numbered in the appendix, which gives the question's text
    current: str  # "2", or "Not sure (counted as 1)"
    target: str  # "4"


@dataclass(frozen=True)
class RoadmapEntry:
    number: int  # from 1, in roadmap order
    practice: domain.Practice
    phase: str
    effort: str
    priority: str
    impact: str
    gaps: list[GapLine]


@dataclass(frozen=True)
class PhaseBlock:
    key: str
    title: str
    intro: str
    entries: list[RoadmapEntry]


@dataclass(frozen=True)
class AreaRow:
    title: str
    score: str
    level: str  # "3.2 Defined" or "Not scored"
    level_number: str
    level_name: str
    target: str
    progress: str
    answered: str


@dataclass(frozen=True)
class AnswerLine:
    number: str
    text: str
    answer: str
    kind: str  # choice | not_applicable | not_sure | unanswered, for styling
    note: str


@dataclass(frozen=True)
class AppendixArea:
    number: int
    title: str
    answers: list[AnswerLine]


@dataclass(frozen=True)
class QuestionRef:
    number: str
    text: str
    area_title: str


@dataclass
class AssessmentPdfContext:
    """Everything templates/pdf/assessment.html shows."""

    document_title: str
    author: str
    agency: str
    team: str
    assessment_title: str
    questionnaire_title: str
    questionnaire_version: str
    questionnaire_summary: str
    source: domain.Source | None
    status: str
    date_label: str  # "Submitted on" / "Last changed on"
    date: object  # a date
    overall: AreaRow
    overall_level_sentence: str
    scale: tuple[domain.ScaleLevel, ...]
    lowest: domain.ScaleLevel
    highest: domain.ScaleLevel
    radar: str
    radar_alt: str
    areas: list[AreaRow]
    phases: list[PhaseBlock]
    now_entries: list[RoadmapEntry]
    roadmap_count: int
    sources: list[domain.Reference]  # sections of the questionnaire's source, see _source_sections
    appendix: list[AppendixArea]
    to_verify: list[QuestionRef]
    unanswered: list[QuestionRef]
    completeness: str
    answered: int
    total: int


def _area_row(area: AreaScore | AssessmentScore, title: str, target: str) -> AreaRow:
    return AreaRow(
        title=title,
        score="Not scored" if area.score is None else _percent(area.score),
        level="Not scored" if area.level is None else f"{area.level:.1f} {area.level_name}",
        level_number="–" if area.level is None else f"{area.level:.1f}",
        level_name=area.level_name or "Not scored",
        target=target,
        progress=_percent(area.progress_to_target),
        answered=f"{area.answered} of {area.total}",
    )


def question_numbers(questionnaire: domain.Questionnaire) -> dict[str, str]:
    """"area.question" numbers, from 1, as the appendix shows them."""
    numbers = {}
    for a, area in enumerate(questionnaire.areas, start=1):
        for q, question in enumerate(area.questions, start=1):
            numbers[question.id] = f"{a}.{q}"
    return numbers


def _roadmap_entry(report: AssessmentReport, item: RoadmapItem, numbers: dict[str, str]) -> RoadmapEntry:
    gaps = []
    for gap in item.gaps:
        # Numbers only: the appendix gives each question's text and the
        # roadmap's introduction names the levels, once each.
        current = f"Not sure (counted as {gap.level})" if gap.not_sure else str(gap.level)
        gaps.append(
            GapLine(
                question_number=numbers[gap.question_id],
                current=current,
                target=str(gap.target),
            )
        )
    practice = report.practices_by_id[item.practice_id]
    return RoadmapEntry(
        number=item.position + 1,
        practice=practice,
        phase=item.phase,
        effort=EFFORT_LABELS.get(item.effort, item.effort),
        priority=f"{item.priority:.2f}",
        impact=f"{item.impact:.2f}",
        gaps=gaps,
    )


def _source_sections(entries: list[RoadmapEntry], source: domain.Source | None) -> list[domain.Reference]:
    """The pages of the questionnaire's source (the whitepaper's sections) that the roadmap's practices cite.

    Each once, in roadmap order, after the roadmap: under every item the same
    few section pages would repeat, and every link is a box WeasyPrint lays
    out and tags. A page of the source is a URL in the same folder as the
    source's own URL. The practices' other references are on their pages in
    the app; in the PDF each item's title links to its main reference.
    """
    if source is None or not source.url:
        return []
    folder = source.url.rsplit("/", 1)[0] + "/"
    seen, sections = set(), []
    for entry in entries:
        for reference in entry.practice.references:
            if reference.url.startswith(folder) and reference.url not in seen:
                seen.add(reference.url)
                sections.append(reference)
    return sections


def _answer_line(questionnaire: domain.Questionnaire, question: domain.Question, answer, number: str) -> AnswerLine:
    text = answer_in_words(questionnaire, answer, question)
    if answer is None:
        return AnswerLine(number, question.text, text, domain.UNANSWERED, "")
    return AnswerLine(number, question.text, text, answer.kind, answer.note)


def radar_for(report: AssessmentReport, *, chart_id: str = "radar") -> tuple[str, str]:
    """The radar chart and its text alternative (which WeasyPrint takes from <title>)."""
    questionnaire, score = report.questionnaire, report.score
    axes = [RadarAxis(label=a.title, current=a.level, target=a.target) for a in score.areas]
    figures = "; ".join(
        f"{a.title}: {'not scored' if a.level is None else f'{a.level:.1f}'} of target {a.target}" for a in score.areas
    )
    alt = (
        f"Radar chart of the maturity level per area, current against target, on a scale of "
        f"{questionnaire.lo} to {questionnaire.hi}. {figures}."
    )
    chart = radar_svg(axes, lo=questionnaire.lo, hi=questionnaire.hi, title=alt, chart_id=chart_id, legend=False)
    return chart, alt


def assessment_pdf_context(report: AssessmentReport) -> AssessmentPdfContext:
    assessment, questionnaire, score = report.assessment, report.questionnaire, report.score
    team, agency = assessment.team, assessment.team.agency
    numbers = question_numbers(questionnaire)

    entries = [_roadmap_entry(report, item, numbers) for item in report.roadmap]
    phases = [
        PhaseBlock(key=key, title=title, intro=intro, entries=[e for e in entries if e.phase == key])
        for key, title, intro in PHASES
    ]

    areas = [
        _area_row(area, area.title, f"{area.target} {questionnaire.level_name(area.target)}")
        for area in score.areas
    ]
    overall = _area_row(score, "Overall", "")
    if score.level is None or score.score is None:
        sentence = "No question has been answered with a level yet, so there is no overall level."
    else:
        sentence = (
            f"Overall maturity level {score.level:.1f} of {questionnaire.hi} ({score.level_name}), "
            f"a score of {_percent(score.score)}, and {_percent(score.progress_to_target)} of the way to the targets."
        )

    appendix = []
    for a, area in enumerate(questionnaire.areas, start=1):
        appendix.append(
            AppendixArea(
                number=a,
                title=area.title,
                answers=[
                    _answer_line(questionnaire, question, report.answers.get(question.id), numbers[question.id])
                    for question in area.questions
                ],
            )
        )

    def refs(question_ids):
        result = []
        for question_id in question_ids:
            area, question = report.questions_by_id[question_id]
            result.append(QuestionRef(numbers[question_id], question.text, area.title))
        return result

    radar, radar_alt = radar_for(report)
    date_label, date = report_date(assessment)
    return AssessmentPdfContext(
        document_title=f"ML readiness report: {team.name} – {questionnaire.title} {questionnaire.version}",
        author=f"{agency.name} – {team.name}",
        agency=agency.name,
        team=team.name,
        assessment_title=assessment.title,
        questionnaire_title=questionnaire.title,
        questionnaire_version=questionnaire.version,
        questionnaire_summary=questionnaire.summary,
        source=questionnaire.source,
        status=assessment.get_status_display(),
        date_label=date_label,
        date=date,
        overall=overall,
        overall_level_sentence=sentence,
        scale=questionnaire.scale,
        lowest=questionnaire.scale[0],
        highest=questionnaire.scale[-1],
        radar=radar,
        radar_alt=radar_alt,
        areas=areas,
        phases=phases,
        now_entries=phases[0].entries,
        roadmap_count=len(entries),
        sources=_source_sections(entries, questionnaire.source),
        appendix=appendix,
        to_verify=refs(score.to_verify),
        unanswered=refs(score.unanswered),
        completeness=_percent(score.completeness),
        answered=score.answered,
        total=score.total,
    )
