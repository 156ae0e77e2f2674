"""How the app puts its data into words and names its downloads: one rule each.

The pages, the CSV and JSON exports, the PDF and the change log all take these
wordings from here, so the same answer reads the same everywhere and one
assessment's downloads carry the same date in their names.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.utils import timezone

from assessment.domain import model as domain
from assessment.domain.roadmap import AGENCY, LATER, NEXT, NOW

if TYPE_CHECKING:
    from assessment.models import Agency, Assessment, Division

# The roadmap's phases: heading and one-line introduction, on the roadmap page, the results and the PDF.
PHASE_TITLES = {NOW: "Now", NEXT: "Next", LATER: "Later", AGENCY: "Agency-wide"}
PHASE_INTROS = {
    NOW: "Start with these steps. Each is done when the answer it leads to is true.",
    NEXT: "Plan these once the Now steps are under way.",
    LATER: "The rest of the way to your targets.",
}

ANSWER_KIND_WORDS = {
    domain.CHOICE: "Choice",
    domain.NOT_APPLICABLE: "Not applicable",
    domain.NOT_SURE: "Not sure",
    domain.UNANSWERED: "Unanswered",
}


def level_in_words(questionnaire: domain.Questionnaire, level: int, *, mid_sentence: bool = False) -> str:
    """ "Level 2 (Developing)"; only "Level 7" for a level the scale no longer has."""
    word = "level" if mid_sentence else "Level"
    try:
        return f"{word} {level} ({questionnaire.level_name(level)})"
    except KeyError:
        return f"{word} {level}"


def answer_in_words(
    questionnaire: domain.Questionnaire, answer: domain.Answer | None, question: domain.Question | None = None
) -> str:
    """An answer as a reader sees it, with the choice's text when the question is given.

    "Level 2 (Developing): A few shared scripts", "Not sure – to verify
    (counted as level 1 (Initial))", "Not applicable (reason not given)", "Unanswered".
    """
    if answer is None or answer.kind == domain.UNANSWERED:
        return ANSWER_KIND_WORDS[domain.UNANSWERED]
    if answer.kind == domain.NOT_SURE:
        return f"Not sure – to verify (counted as {level_in_words(questionnaire, questionnaire.lo, mid_sentence=True)})"
    if answer.kind == domain.NOT_APPLICABLE:
        return answer.not_applicable_text
    if answer.kind != domain.CHOICE:
        return ANSWER_KIND_WORDS.get(answer.kind, answer.kind)
    if answer.level is None:
        return "A choice no longer in the questionnaire"
    words = level_in_words(questionnaire, answer.level)
    if question is not None:
        choice_text = next((c.text for c in question.choices if c.level == answer.level), "")
        if choice_text:
            words = f"{words}: {choice_text}"
    return words


def report_date(assessment: Assessment) -> tuple[str, datetime.date]:
    """The date an assessment's figures are as of, in the site's time zone: the submission, else the last change."""
    if assessment.is_submitted and assessment.submitted_at:
        return "Submitted on", timezone.localdate(assessment.submitted_at)
    return "Last changed on", timezone.localdate(assessment.updated_at)


def _file_name_part(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", part).strip("-.") or "x"


def export_file_name(assessment: Assessment, extension: str) -> str:
    """`<team>_<questionnaire>-<version>_<date>.<ext>` for every download of one assessment (JSON, CSV, PDF)."""
    version = assessment.questionnaire
    _, date = report_date(assessment)
    return (
        f"{_file_name_part(assessment.team.slug)}_{_file_name_part(version.slug)}-"
        f"{_file_name_part(version.version)}_{date.isoformat()}.{extension}"
    )


def portfolio_file_name(agency: Agency) -> str:
    """`<agency>_portfolio_<today>.pdf`, today in the site's time zone."""
    return f"{_file_name_part(agency.name).lower()}_portfolio_{timezone.localdate().isoformat()}.pdf"


def division_file_name(division: Division) -> str:
    """`<agency>_<division>_portfolio_<today>.pdf`, today in the site's time zone."""
    return (
        f"{_file_name_part(division.agency.name).lower()}_{_file_name_part(division.name).lower()}"
        f"_portfolio_{timezone.localdate().isoformat()}.pdf"
    )


def person_label(user) -> str:
    """A user as the admin's pickers show them: "Ana Engineer (ana)", the user name alone without a name."""
    name, username = user.get_full_name(), user.get_username()
    return f"{name} ({username})" if name else username
