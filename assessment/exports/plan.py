"""A team's action plan as CSV (through the one CsvWriter) and as an iCalendar file of due dates."""

from __future__ import annotations

import datetime
import io

from icalendar import Calendar, Event

from assessment import models
from assessment.domain.text import one_line, printable
from assessment.exports.csv import CsvWriter
from assessment.selectors.plan import ActionRow

PLAN_CSV_HEADER = [
    "Action",
    "Done when",
    "Practices",
    "Questionnaire",
    "Question id",
    "Question",
    "Area",
    "Target level",
    "Target name",
    "Owner",
    "Due date",
    "Status",
    "Reason for won't do",
    "Progress",
    "Shown by assessment",
    "Overdue",
    "Question retired",
    "Link",
    "Note",
]


def practice_lines(row: ActionRow) -> str:
    """The action's practices, one "title: address" a line."""
    return "\n".join(f"{p.title}: {p.url}" if p.url else p.title for p in row.practices)


def plan_to_csv(team: models.Team, rows: list[ActionRow]) -> str:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["Action plan", team.name])
    writer.writerow([])
    writer.writerow(PLAN_CSV_HEADER)
    for row in rows:
        action = row.action
        writer.writerow(
            [
                row.title,
                row.done_when,
                practice_lines(row),
                action.questionnaire_slug,
                action.question_key,
                row.question_text,
                row.area_title,
                action.target_level,
                row.target_name,
                action.owner_display,
                action.due_date.isoformat() if action.due_date else "",
                action.get_status_display(),
                action.wont_do_reason,
                row.progress.words,
                row.progress.assessment.title if row.progress.assessment else "",
                "yes" if row.overdue else "no",
                "yes" if row.retired else "no",
                action.link,
                action.note,
            ]
        )
    return out.getvalue()


def plan_to_list(rows: list[ActionRow]) -> list[dict]:
    """The actions in the assessment's JSON export (docs/questionnaire-format.md, section 5)."""
    return [
        {
            "questionnaire": row.action.questionnaire_slug,
            "question": row.action.question_key,
            "target_level": row.action.target_level,
            "owner": row.action.owner_display or None,
            "due_date": row.action.due_date.isoformat() if row.action.due_date else None,
            "status": row.action.status,
            "wont_do_reason": row.action.wont_do_reason,
            "link": row.action.link,
            "note": row.action.note,
            "progress": row.progress.kind,
            "progress_assessment": row.progress.assessment.title if row.progress.assessment else None,
            "overdue": row.overdue,
            "question_retired": row.retired,
        }
        for row in rows
    ]


def plan_to_ics(team: models.Team, rows: list[ActionRow], *, domain: str, stamp: datetime.datetime) -> bytes:
    """One all-day event per action with a due date; its UID stays the same across downloads.

    Text stored before the forms refused control characters is cleaned here: a
    line break in a one-line property (a name, a link) would make the file unreadable.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//ML readiness assessment//Action plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(f"Action plan: {team.name}"))
    for row in rows:
        action = row.action
        if action.due_date is None:
            continue
        event = Event()
        event.add("uid", f"action-{action.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + datetime.timedelta(days=1))
        event.add("summary", one_line(f"Due: {row.title}"))
        lines = [
            f"Question: {one_line(row.question_text)} (to level {action.target_level})",
        ]
        if row.done_when:
            lines.append(f"Done when: {one_line(row.done_when)}")
        if row.practices:
            lines.append("Practices:\n" + practice_lines(row))
        lines += [
            f"Team: {one_line(team.name)}",
            f"Status: {action.get_status_display()}",
            f"Progress: {row.progress.words}",
        ]
        if action.owner_display:
            lines.append(f"Owner: {one_line(action.owner_display)}")
        if action.note:
            lines.append(action.note)
        event.add("description", printable("\n".join(lines)))
        event.add("status", "CANCELLED" if action.status == models.Action.WONT_DO else "CONFIRMED")
        link = "".join(one_line(action.link).split())
        if link:
            event.add("url", link)
        calendar.add_component(event)
    return calendar.to_ical()
