"""Helpers that several test modules share: users, questionnaire files, page text.

Test modules import from here (or from results_helpers, admin_forms, urlwalk),
never from one another or from a conftest.
"""
import re
from pathlib import Path

from django.contrib.auth import get_user_model

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.services.questionnaires import questionnaire_load

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
PASSWORD = "correct-horse-battery-staple"


def load_questionnaire_file(path: Path) -> models.QuestionnaireVersion:
    questionnaire = parse_questionnaire(path.read_bytes(), str(path))
    return questionnaire_load(questionnaire, loaded_from=path.name).version


def make_user(username, **extra):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def text_of(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row_text(response, header: str) -> str:
    """The text of the table row whose header cell is `header`."""
    html = response.content.decode()
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        headers = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", th)).strip()
            for th in re.findall(r"<th[^>]*>(.*?)</th>", row, flags=re.S)
        ]
        if header in headers:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    raise AssertionError(f"no row {header!r}")
