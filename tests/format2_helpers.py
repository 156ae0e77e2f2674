"""The format 2 example (tests/data/format2_questionnaire.yaml) and the answers and profiles the tests use."""

from assessment import models
from assessment.services.assessments import profile_save
from tests.helpers import DATA, answer, load_questionnaire_file

# The answers of tests/domain/test_format2_example.py: the agency's inventory at level 1.
ANSWERS = {
    "data-catalog": ("choice", 2),
    "pipelines": ("choice", 1),
    "ai-inventory": ("choice", 1),
    "impact-assessment": ("choice", 1),
    "genai-guardrails": ("choice", 1),
    "genai-red-teaming": ("not_sure", None),
}
CLASSIC = {"ai-kinds": "classic", "impact": "no"}  # the generative AI area out of scope
EVERYTHING = {"ai-kinds": "both", "impact": "yes"}  # every question in scope
GENAI_HIGH = {"ai-kinds": "generative", "impact": "yes"}


def format2_load():
    """The format 2 example, loaded as a questionnaire version."""
    return load_questionnaire_file(DATA / "format2_questionnaire.yaml")


def format2_draft(team, user, version, profile, *, answers=None, title="F2"):
    """A draft of `team` on `version`, answered (ANSWERS unless told) and with `profile` saved (None: left unstated)."""
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title=title, created_by=user)
    answer(assessment, user, ANSWERS if answers is None else answers)
    if profile is not None:
        profile_save(assessment=assessment, user=user, answers=profile)
    return assessment


def expired_link(assessment, user, key):
    """A link of evidence on the answer to `key`, valid until 2020: expired (added directly, whatever the scope)."""
    import datetime

    from django.utils import timezone

    return models.Evidence.objects.create(
        assessment=assessment,
        question_key=key,
        kind=models.Evidence.LINK,
        title=f"Evidence for {key}",
        url="https://evidence.example/",
        valid_until=datetime.date(2020, 1, 1),
        added_by=user,
        added_at=timezone.now(),
    )
