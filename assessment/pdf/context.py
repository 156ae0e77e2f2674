"""What the PDF templates show, worked out from an AssessmentResults.

Templates stay free of logic: every label, level name and sentence a reader
sees is prepared here from the report's score and roadmap, so the PDF says
exactly what the results pages and the JSON export say.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils import timezone

from assessment.access import NOT_SUBMITTED, SEES_ANSWERS, TEAM_READER
from assessment.charts import RadarAxis, radar_svg
from assessment.domain import model as domain
from assessment.domain.agreement import by_spread
from assessment.domain.crosswalk import MAPPING_MET, MAPPING_SHORT, NOT_APPLICABLE_ITEM, STATUS_TITLES
from assessment.domain.roadmap import AGENCY, NOW, PHASES
from assessment.domain.scoring import AreaScore, AssessmentScore, display_percent
from assessment.presentation import PHASE_INTROS, PHASE_TITLES, answer_in_words, report_date
from assessment.selectors.crosswalks import EVIDENCE_NOTE, FrameworkView, assessment_frameworks
from assessment.selectors.evidence import evidence_by_question
from assessment.selectors.plan import ActionRow, team_actions
from assessment.selectors.respondents import Agreement, agreement_for
from assessment.selectors.results import AssessmentResults, RoadmapEntry, question_numbers

EFFORT_LABELS = {"low": "Low", "medium": "Medium", "high": "High"}


def _percent(x: float) -> str:
    return f"{display_percent(x)}%"


@dataclass(frozen=True)
class PracticeLine:
    practice: domain.Practice
    effort: str  # "low"
    builds_on: str  # "Keep a data catalog", or ""


@dataclass(frozen=True)
class PdfItem:
    """One roadmap item as the PDF words it."""

    number: int  # its position, from 1
    question_number: str  # "2.3", as numbered in the appendix
    question_text: str
    area_title: str
    phase: str
    change: str  # "2 Developing → 4 Managed", or "Not sure (counted as 1 Initial) → 2 Developing"
    done: str  # the text of the choice reached
    practices: list[PracticeLine]
    effort: str  # "Medium", or "Not rated" without practices
    needs: str  # "question 1.2 at level 3 Defined: item 8, in Later", or "" (RoadmapEntry.needs_first)

    @property
    def practice_titles(self) -> str:
        return "; ".join(line.practice.title for line in self.practices) or "None named"


@dataclass(frozen=True)
class PhaseBlock:
    key: str
    title: str
    intro: str
    entries: list[PdfItem]
    steps: int


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
    evidence: tuple[EvidenceLine, ...] = ()


@dataclass(frozen=True)
class EvidenceLine:
    """A piece of evidence as the appendix lists it: its title, dates and hash (or link), never the file."""

    title: str
    added_on: object  # a date
    valid_until: object  # a date or None
    expired: bool
    sha256: str  # "" for a link
    url: str  # "" for a file


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


@dataclass(frozen=True)
class DisputedLine:
    """A question whose submitted responses' levels are 2 or more apart, with each level.

    Names only for those who may see each respondent's answers; otherwise the levels alone.
    """

    number: str
    text: str
    spread: int
    levels: str  # "Ana 1, Ben 4" or "1, 4"


def _disputed_lines(agreement: Agreement | None, named: bool) -> list[DisputedLine]:
    if agreement is None:
        return []
    lines = []
    for row in by_spread(agreement.disputed):
        given = [
            (r.respondent, r.answer.level) for r in row.responses if r.answer is not None and r.answer.level is not None
        ]
        levels = (
            ", ".join(f"{name} {level}" for name, level in given)
            if named
            else ", ".join(str(level) for level in sorted(level for _, level in given))
        )
        lines.append(DisputedLine(row.number, row.question.text, row.spread or 0, levels))
    return lines


@dataclass(frozen=True)
class ProfileLine:
    """A profile question ("About your team", format 2) with the team's answer in words."""

    text: str
    answer: str  # the choice's text, or "Not stated (every choice's tags assumed)"


@dataclass(frozen=True)
class OutOfScopeArea:
    title: str
    questions: list[tuple[str, str, str]]  # (number, question text, why it is out of scope)


@dataclass(frozen=True)
class FrameworkItemLine:
    """One framework item in the appendix "Against the frameworks"."""

    item_id: str
    title: str
    status: str  # "Partly met"
    questions: str  # "2.3 at level 3 Defined (met); 4.1 at level 4 Managed (short, beyond your target)"
    closing: str  # "item 4, agency-wide step 2", or ""
    evidence: str  # "Yes", "Some (2.3)", "None"


@dataclass(frozen=True)
class FrameworkTable:
    title: str  # "NIST AI RMF 1.0"
    summary: str  # "12 of 40 applicable items met (30%)"
    items: list[FrameworkItemLine]


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
    now_entries: list[PdfItem]
    roadmap_count: int  # items
    step_count: int
    sources: list[domain.Reference]  # sections of the questionnaire's source, see _source_sections
    appendix: list[AppendixArea]
    to_verify: list[QuestionRef]
    unanswered: list[QuestionRef]
    completeness: str
    answered: int
    total: int
    action_plan: list[ActionRow] = field(default_factory=list)  # the team's actions on this questionnaire
    # Several respondents (selectors/respondents.py): agreement per area and the disputed questions.
    agreement: Agreement | None = None
    disputed: list[DisputedLine] = field(default_factory=list)
    # Format 2 (docs/questionnaire-format.md): the profile, what is out of scope, the agency's steps, Now's points.
    profile: list[ProfileLine] = field(default_factory=list)
    out_of_scope: list[OutOfScopeArea] = field(default_factory=list)
    agency_entries: list[PdfItem] = field(default_factory=list)
    now_points: int | None = None
    now_budget: int | None = None
    # The appendix "Against the frameworks" (selectors/crosswalks.py), empty without a crosswalk.
    frameworks: list[FrameworkTable] = field(default_factory=list)
    evidence_note: str = EVIDENCE_NOTE


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


def _pdf_item(entry: RoadmapEntry) -> PdfItem:
    item = entry.item
    start = f"{item.from_level} {entry.from_name}"
    if item.not_sure:
        start = f"Not sure (counted as {start})"
    return PdfItem(
        number=item.position,
        question_number=entry.number,
        question_text=entry.question.text,
        area_title=entry.area.title,
        phase=item.phase,
        change=f"{start} → {item.to_level} {entry.to_name}",
        done=entry.done,
        practices=[
            PracticeLine(practice, practice.effort, "; ".join(p.title for p in builds_on))
            for practice, builds_on in entry.practice_lines
        ],
        effort=EFFORT_LABELS[item.effort] if item.effort else "Not rated",
        needs="; ".join(
            f"question {need.number} at level {need.level} {need.level_name}: {need.where}"
            for need in entry.needs_first
        ),
    )


def _source_sections(entries: list[PdfItem], source: domain.Source | None) -> list[domain.Reference]:
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
        for line in entry.practices:
            for reference in line.practice.references:
                if reference.url.startswith(folder) and reference.url not in seen:
                    seen.add(reference.url)
                    sections.append(reference)
    return sections


def _answer_line(questionnaire: domain.Questionnaire, question: domain.Question, answer, number: str) -> AnswerLine:
    text = answer_in_words(questionnaire, answer, question)
    if answer is None:
        return AnswerLine(number, question.text, text, domain.UNANSWERED, "")
    return AnswerLine(number, question.text, text, answer.kind, answer.note)


def _evidence_line(evidence) -> EvidenceLine:
    return EvidenceLine(
        title=evidence.title,
        added_on=timezone.localtime(evidence.added_at).date(),
        valid_until=evidence.valid_until,
        expired=evidence.is_expired,
        sha256=evidence.sha256,
        url=evidence.url,
    )


def _framework_table(view: FrameworkView, evidence: dict) -> FrameworkTable:
    framework, status = view.framework, view.status
    share = view.share_percent
    summary = (
        f"{status.met} of {status.applicable} applicable item{'s' if status.applicable != 1 else ''} met ({share}%)"
        if share is not None
        else "No applicable item"
    )
    items = []
    for line in view.items:
        words = []
        for mapping in line.lines:
            state = {MAPPING_MET: "met", MAPPING_SHORT: "short"}.get(mapping.status.status, "unknown")
            if mapping.status.beyond_target and mapping.status.status != MAPPING_MET:
                state += ", beyond your target"
            words.append(f"{mapping.number} at level {mapping.status.mapping.level} {mapping.level_name} ({state})")
        numbers = [mapping.number for mapping in line.lines]
        with_evidence = [m.number for m in line.lines if evidence.get(m.question.id)]
        if not numbers:
            said = "–"
        elif len(with_evidence) == len(numbers):
            said = "Yes"
        elif with_evidence:
            said = f"For {', '.join(with_evidence)}"
        else:
            said = "None"
        closing = [_position_words(entry) for entry in line.closing]
        items.append(
            FrameworkItemLine(
                item_id=line.status.item.id,
                title=line.status.item.title,
                status=STATUS_TITLES[line.status.status],
                questions="; ".join(words) or _no_question_words(line.status.status),
                closing=", ".join(closing),
                evidence=said,
            )
        )
    return FrameworkTable(title=f"{framework.title} {framework.version}".strip(), summary=summary, items=items)


def radar_for(results: AssessmentResults, *, chart_id: str = "radar") -> tuple[str, str]:
    """The radar chart and its text alternative (which WeasyPrint takes from <title>)."""
    questionnaire, score = results.questionnaire, results.score
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


def assessment_pdf_context(results: AssessmentResults, *, audience: str = TEAM_READER) -> AssessmentPdfContext:
    """What the PDF shows to `audience` (access.AUDIENCES): the agreement figures not to a respondent
    who has not submitted, the respondents' names beside their levels only to those who see their answers."""
    assessment, questionnaire, score = results.assessment, results.questionnaire, results.score
    team, agency = assessment.team, assessment.team.agency
    numbers = question_numbers(questionnaire)

    entries = [_pdf_item(entry) for entry in results.roadmap_entries]
    phases = [
        PhaseBlock(
            key=key,
            title=PHASE_TITLES[key],
            intro=PHASE_INTROS[key],
            entries=[e for e in entries if e.phase == key],
            steps=results.roadmap.steps_in(key),
        )
        for key in PHASES
    ]

    areas = [
        _area_row(area, area.title, f"{area.target} {questionnaire.level_name(area.target)}") for area in score.areas
    ]
    overall = _area_row(score, "Overall", "")
    if score.level is None or score.score is None:
        sentence = "No question has been answered with a level yet, so there is no overall level."
    else:
        sentence = (
            f"Overall maturity level {score.level:.1f} of {questionnaire.hi} ({score.level_name}), "
            f"a score of {_percent(score.score)}, and {_percent(score.progress_to_target)} of the way to the targets."
        )

    evidence = evidence_by_question(assessment)
    appendix = []
    for a, area in enumerate(questionnaire.areas, start=1):
        appendix.append(
            AppendixArea(
                number=a,
                title=area.title,
                answers=[
                    replace(
                        _answer_line(questionnaire, question, results.answers.get(question.id), numbers[question.id]),
                        evidence=tuple(_evidence_line(e) for e in evidence.get(question.id, [])),
                    )
                    for question in area.questions
                ],
            )
        )

    def refs(question_keys):
        result = []
        for question_key in question_keys:
            area, question = results.questions_by_key[question_key]
            result.append(QuestionRef(numbers[question_key], question.text, area.title))
        return result

    radar, radar_alt = radar_for(results)
    profile = [
        ProfileLine(question.text, choice.text if choice is not None else "Not stated (every choice's tags assumed)")
        for question, choice in results.profile_rows
    ]
    out_of_scope = [
        OutOfScopeArea(area.title, [(number, question.text, why) for number, question, why in rows])
        for area, rows in results.out_of_scope_by_area
    ]
    budget = questionnaire.phase_budget.now  # None: Now is sized by its number of steps
    date_label, date = report_date(assessment)
    agreement = agreement_for(assessment, questionnaire) if audience != NOT_SUBMITTED else None
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
        step_count=results.roadmap.step_count,
        sources=_source_sections(entries, questionnaire.source),
        appendix=appendix,
        to_verify=refs(score.to_verify),
        unanswered=refs(score.unanswered),
        completeness=_percent(score.completeness),
        answered=score.answered,
        total=score.total,
        action_plan=team_actions(team, questionnaire.slug),
        agreement=agreement,
        disputed=_disputed_lines(agreement, named=audience == SEES_ANSWERS),
        profile=profile,
        out_of_scope=out_of_scope,
        agency_entries=[_pdf_item(entry) for entry in results.agency_entries],
        now_points=results.points_in(NOW) if budget is not None else None,
        now_budget=budget,
        frameworks=[_framework_table(view, evidence) for view in assessment_frameworks(results).frameworks],
    )


def _position_words(entry) -> str:
    """Where a roadmap entry is: "item 4" of the team's phases, or "agency-wide step 2" (numbered apart)."""
    if entry.item.phase == AGENCY:
        return f"agency-wide step {entry.item.position}"
    return f"item {entry.item.position}"


def _no_question_words(status: str) -> str:
    """Why an appendix row lists no question: the item does not apply to the team, or nothing maps to it."""
    if status == NOT_APPLICABLE_ITEM:
        return "Does not apply to this team: its profile, or every question behind it is out of scope or Not applicable"
    return "No question maps to it"
