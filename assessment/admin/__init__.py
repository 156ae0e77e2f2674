"""The Django admin: questionnaire content and versions (editors), teams and people (team managers), single sign-on (superusers)."""

from . import api_tokens, crosswalks, people, questionnaires, sign_in, teams, versions  # noqa: F401  (registers the admin classes)
