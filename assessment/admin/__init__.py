"""The Django admin: questionnaire content and versions (editors), teams (team managers)."""
from . import questionnaires, teams, versions  # noqa: F401  (registers the admin classes)
