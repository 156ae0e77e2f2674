"""The Django admin: questionnaire content and versions (editors), teams (team managers), single sign-on (superusers)."""

from . import api_tokens, crosswalks, questionnaires, sign_in, teams, versions  # noqa: F401  (registers the admin classes)
