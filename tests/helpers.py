"""Helpers that several test modules share: users, questionnaire files, page text, production settings.

Test modules import from here (or from results_helpers, admin_forms, urlwalk),
never from one another or from a conftest.
"""

import re
from pathlib import Path

from django.contrib.auth import get_user_model

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.services.questionnaires import questionnaire_load
from config.server_env import free_port as free_port  # the tests that start a server import it from here
from config.server_env import production_settings_env

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
PASSWORD = "correct-horse-battery-staple"
HOST = "ml.agency.example"  # the public host name of the production settings under test


def load_questionnaire_file(path: Path) -> models.QuestionnaireVersion:
    questionnaire = parse_questionnaire(path.read_bytes(), str(path))
    return questionnaire_load(questionnaire, loaded_from=path.name).version


def make_user(username, **extra):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def team_user(team, username, role=models.Membership.MEMBER, **extra):
    """A new user (password PASSWORD) with `role` in `team`: a member unless told otherwise."""
    user = make_user(username, **extra)
    models.Membership.objects.create(team=team, user=user, role=role)
    return user


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


def production_env(**extra) -> dict[str, str]:
    """The environment of a production deployment (config/settings.py reads it), with `extra` on top."""
    deployment = {
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SECURE_SSL": "1",
        "BEHIND_PROXY_TLS": "1",
        # `.invalid` never resolves: if the check tried to connect, it would fail loudly.
        "DATABASE_URL": "postgres://mlready:not-a-real-password@db.invalid:5432/mlready",
    }
    return production_settings_env(**(deployment | extra))
