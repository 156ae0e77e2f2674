"""Every file the app hands out: CSVs no spreadsheet runs as formulas, and nothing kept in a cache.

The CSVs are found by walking every URL pattern (tests/urlwalk.py) as a member,
an executive and a superuser and keeping whatever answers `text/csv`, so a CSV
added later is checked the day it lands. Each is read back as a spreadsheet
would read it in different locales: split on `,`, on `;` and on tab.
"""

import csv
import io

import pytest
from django.test import Client

from assessment import models
from assessment.exports.csv import csv_safe
from assessment.services.assessments import AnswerInput, answers_save
from tests.helpers import make_user
from tests.urlwalk import STAFF, all_routes, body_text

# Cells that spreadsheets run as formulas, in whatever locale; `ok;=3+3` is the issue's own.
PAYLOADS = [
    "ok;=3+3",
    "=cmd|' /C calc'!A0",
    "pros;-cons and a;+plus",
    'quoted;"=1+1',
    "tab\t@SUM(A1)",
    "list\n- first\n=second",
    'comma,=HYPERLINK("http://evil.example")',
    "+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}


@pytest.fixture
def hostile(assessment, member, questionnaire_version, team):
    """An assessment whose notes, title and team name are all formulas in disguise."""
    team.name = "Team;=1+1"
    team.save()
    assessment.title = "Title\t=2+2"
    assessment.save()
    questions = list(models.Question.objects.filter(area__questionnaire=questionnaire_version).order_by("pk"))
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(question.key, models.Answer.NOT_SURE, note=PAYLOADS[i % len(PAYLOADS)])
            for i, question in enumerate(questions)
        ],
    )
    # The team's plan, with the same payloads in its owner and note: the plan's CSV and calendar files too.
    from django.utils import timezone

    for i, question in enumerate(questions):
        models.Action.objects.create(
            team=team,
            questionnaire_slug=questionnaire_version.slug,
            question_key=question.key,
            target_level=3,
            owner_name=PAYLOADS[(i + 1) % len(PAYLOADS)][:200],
            note=PAYLOADS[i % len(PAYLOADS)],
            created_at=timezone.now(),
        )
    area = models.Area.objects.filter(questionnaire=questionnaire_version).first()
    return {
        "assessment_id": assessment.pk,
        "team_id": team.pk,
        "answer_id": assessment.answers.first().pk,
        "question_id": questions[0].pk,
        "question_key": questions[0].key,
        "version_id": questionnaire_version.pk,
        "area_key": area.key,
        "practice_key": models.Practice.objects.filter(questionnaire=questionnaire_version).first().key,
        "object_id": assessment.pk,
        "id": member.pk,
        "content_type_id": 1,
        "history_id": 1,
    }


def downloads(values, member, executive) -> dict[str, object]:
    """Every GET answer of every pattern, as each kind of user; keyed by "url as user"."""
    superuser = make_user("root", is_staff=True, is_superuser=True)
    found = {}
    for user in (member, executive, superuser):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route in all_routes():
            if route.name in ("logout", "login", "admin:logout") or (route.kind == STAFF) != user.is_superuser:
                continue
            if set(route.params) - set(values):
                continue
            url = route.url(values)
            response = client.get(url)
            assert response.status_code < 500, f"GET {url} as {user.username}: {response.status_code}"
            found[f"{url} as {user.username}"] = response
    return found


def formula_cells(text: str, delimiter: str) -> list[str]:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]


def test_it_defuses_formulas_after_any_separator_or_line_break():
    """The control for the walk below: the reader finds a formula the old writer let through."""
    plain = io.StringIO()
    csv.writer(plain).writerow(["a", "ok;=3+3"])
    assert formula_cells(plain.getvalue(), ";") == ["=3+3"]
    assert csv_safe("ok;=3+3") == "ok;'=3+3"
    assert csv_safe("=1") == "'=1"
    assert csv_safe("a, -b; c") == "a, -b; c"  # ordinary punctuation is left alone
    assert csv_safe(-3) == -3  # numbers stay numbers


@pytest.mark.slow
@pytest.mark.django_db
def test_it_writes_no_csv_cell_a_spreadsheet_would_run_in_any_locale(hostile, member, executive):
    responses = downloads(hostile, member, executive)
    csvs = {
        label: body_text(r).removeprefix("\ufeff")
        for label, r in responses.items()
        if r.status_code == 200 and r.get("Content-Type", "").startswith("text/csv")
    }
    assert csvs, "the walk found no CSV at all"
    problems = []
    for label, text in csvs.items():
        if "frameworks" not in label:  # items, statuses and levels: no note, no team name (still checked below)
            assert "ok;" in text and "3+3" in text and "Team;" in text, f"{label} lacks the notes or the team name"
        for name, delimiter in SEPARATORS.items():
            cells = formula_cells(text, delimiter)
            if cells:
                problems.append(f"{label}, split on {name}: {cells}")
        # Every field is quoted: the file is exactly what QUOTE_ALL writes for its own rows.
        rows = list(csv.reader(io.StringIO(text)))
        requoted = io.StringIO()
        csv.writer(requoted, quoting=csv.QUOTE_ALL).writerows(rows)
        if requoted.getvalue() != text:
            problems.append(f"{label} has fields that are not quoted")
    assert not problems, "Spreadsheets would run these cells as formulas:\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.django_db
def test_it_keeps_every_download_out_of_caches(hostile, member, executive):
    """JSON, CSV and PDF downloads hold a team's answers: `private, no-store`, like the PDF."""
    responses = downloads(hostile, member, executive)
    files = {
        label: r
        for label, r in responses.items()
        if r.status_code == 200 and r.get("Content-Disposition", "").startswith("attachment")
    }
    kinds = {r["Content-Type"].split(";")[0] for r in files.values()}
    assert {"application/json", "text/csv"} <= kinds, kinds
    cached = [
        f"{label}: {r.get('Cache-Control')!r}"
        for label, r in files.items()
        if not {"private", "no-store"} <= {d.strip() for d in r.get("Cache-Control", "").split(",")}
    ]
    assert not cached, "Downloads a cache may keep:\n" + "\n".join(cached)
