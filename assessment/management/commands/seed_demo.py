"""Create demo data: an agency, teams, users in each role, assessments in different states."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessment import models
from assessment.domain.model import NA_DOES_NOT_APPLY, NA_SHARED_SERVICE
from assessment.selectors.questionnaires import default_questionnaire_versions
from assessment.services.assessments import (
    AnswerInput,
    answers_save,
    assessment_create,
    assessment_dates_restore,
    assessment_submit,
)
from assessment.services.teams import agency_ensure, executive_ensure, membership_ensure, team_ensure

AGENCY = "Department of Public Services (demo)"
DEMO_SLUG = "public-sector-ml"
# Three teams at clearly different maturity: baseline levels about 1.8, 2.7 and 3.6.
DEMO_TEAMS = [
    ("citizen-services", "Citizen Services"),
    ("benefits-analytics", "Benefits Analytics"),
    ("fraud-detection", "Fraud Detection"),
]
NA, NS = "na", "ns"  # Not applicable, Not sure
# The baseline answer of each team, by question id of the newest content
# version: (citizen-services, benefits-analytics, fraud-detection).
# Citizen Services shares admin logins, lets notebooks reach the internet,
# does not know where its sensitive data is and approves no use cases.
BASELINE = {
    # Data ingestion and preparation
    "di-data-ownership": (1, 2, 4),
    "di-data-catalog": (2, 3, 4),
    "di-batch-sources": (2, 3, 3),
    "di-streaming-sources": ("na", 3, 4),
    "di-data-lineage": (2, 2, 3),
    "di-transformation": (2, 3, 4),
    "di-data-quality": (2, 3, 4),
    # Model training and tuning
    "mt-common-approach": (2, 3, 4),
    "mt-environments": (2, 3, 4),
    "mt-tuning": (2, 3, 3),
    "mt-large-jobs": ("na", 3, 3),
    "mt-reproducibility": (1, 2, 4),
    "mt-accuracy-target": (2, 3, 4),
    # ML operations
    "ops-model-inventory": (1, 3, 4),
    "ops-release-process": (1, 2, 4),
    "ops-workflow-automation": (2, 3, 4),
    "ops-rollback": (2, 2, 4),
    "ops-decision-audit": (2, 3, 3),
    "ops-monitoring": (1, 2, 3),
    "ops-incident-response": (1, "ns", 2),
    "ops-edge-devices": ("na", "na", 3),
    # Management and governance
    "gov-use-case-approval": (1, 2, 3),
    "gov-ai-inventory": (1, 2, 4),
    "gov-environment-setup": (2, 3, 4),
    "gov-workspaces": (2, 4, 4),
    "gov-tagging": (3, 3, 4),
    "gov-licenses": (2, 3, 3),
    "gov-policy-checks": (2, 3, 4),
    # Security and compliance
    "sec-access-control": (1, 3, 4),
    "sec-sensitive-data": (1, 2, 4),
    "sec-network-isolation": (1, 2, 4),
    "sec-data-lifecycle": (2, 2, 3),
    "sec-audit-logging": (2, 3, 4),
    "sec-version-history": (2, 3, 4),
    "sec-encryption": (2, 3, 4),
    "sec-compliance-evidence": ("ns", 3, 4),
    # Cost optimization
    "cost-visibility": (2, 3, 4),
    "cost-budgets": (3, 3, 4),
    "cost-storage": (2, 2, 3),
    "cost-labeling": ("na", 3, 4),
    "cost-training": (2, 3, 3),
    "cost-idle-resources": (3, 3, 4),
    "cost-serving": (2, 3, 3),
    # Bias and explainability
    "bias-data-check": (2, 3, 4),
    "bias-results-check": (2, 3, 4),
    "bias-after-release": (1, 2, 2),
    "bias-explain-one-case": (2, 3, 4),
    "bias-human-review": (2, 3, 3),
    "bias-explain-public": (2, 2, 4),
    "bias-accuracy-vs-explanation": (2, 3, 4),
}
# Why a question answered Not applicable does not apply: labelling is bought
# through another agency's shared service; the rest is work the team does not do.
DEMO_NA_REASONS = {"cost-labeling": NA_SHARED_SERVICE}
# What each team finished after its baseline, one entry per later assessment:
# (title, months ago, or None for a draft still in progress, changed answers).
# They are the first steps of the team's own roadmap.
IMPROVEMENTS: dict[str, list[tuple[str, int | None, dict[str, int]]]] = {
    "citizen-services": [
        ("Quarterly review", 3, {"gov-use-case-approval": 2, "sec-access-control": 2, "sec-network-isolation": 2}),
    ],
    "benefits-analytics": [
        ("Quarterly review", 3, {"gov-use-case-approval": 3, "sec-sensitive-data": 3, "ops-incident-response": 2}),
        ("Current quarter", None, {"sec-network-isolation": 3}),
    ],
    "fraud-detection": [
        ("Quarterly review", 3, {"bias-after-release": 3, "ops-incident-response": 3}),
        ("Current quarter", None, {"gov-use-case-approval": 4}),
    ],
}
# (username, full name, role, team slug or None)
USERS: list[tuple[str, str, str, str | None]] = [
    ("admin", "Ada Admin", "superuser", None),
    ("editor", "Eli Editor", "editor", None),
    ("executive", "Erin Executive", "executive", None),
    ("benefits-lead", "Bea Lead", "member", "benefits-analytics"),
    ("benefits-viewer", "Ben Viewer", "viewer", "benefits-analytics"),
    ("fraud-lead", "Frank Lead", "member", "fraud-detection"),
    ("fraud-viewer", "Fay Viewer", "viewer", "fraud-detection"),
    ("citizen-lead", "Cleo Lead", "member", "citizen-services"),
]


class Command(BaseCommand):
    help = (
        "Create demo data. Passwords are random, or DEMO_PASSWORD for all users. "
        "Running it again keeps existing data and prints the logins again."
    )

    def handle(self, *args, **options):
        version = _demo_version()
        credentials_file = Path(settings.DATA_DIR) / "demo-credentials.txt"
        saved = _read_credentials(credentials_file)
        with transaction.atomic():
            agency, _ = agency_ensure(name=AGENCY)
            teams = {slug: team_ensure(agency=agency, slug=slug, name=name)[0] for slug, name in DEMO_TEAMS}
            credentials = {}
            for username, full_name, role, team_slug in USERS:
                team = teams[team_slug] if team_slug else None
                password = _ensure_user(username, full_name, role, team, agency, saved)
                credentials[username] = (role, team_slug, password)
            created = 0
            for slug, team in teams.items():
                if not team.assessments.exists():
                    lead = get_user_model().objects.get(username=f"{slug.split('-')[0]}-lead")
                    created += _demo_assessments(team, version, lead)
        _write_credentials(credentials_file, credentials)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(teams)} teams, {created} new assessments."))
        self.stdout.write("Demo logins (make run prints the address to open when the server starts):")
        for username, (role, team_slug, password) in credentials.items():
            where = f" of {team_slug}" if team_slug else ""
            self.stdout.write(f"  {username:<16} {password:<24} {role}{where}")
        self.stdout.write(f"(These logins are also kept in {credentials_file}, outside the repository.)")


def _demo_version():
    """The newest published version of the demo questionnaire; it must hold every question of BASELINE."""
    version = next((v for v in default_questionnaire_versions() if v.slug == DEMO_SLUG), None)
    if version is None:
        raise CommandError(
            f'No published questionnaire "{DEMO_SLUG}". '
            "Run: python manage.py load_questionnaire questionnaires/*.yaml"
        )
    keys = set(models.Question.objects.filter(area__questionnaire=version).values_list("key", flat=True))
    missing = sorted(set(BASELINE) - keys)
    if missing:
        raise CommandError(
            f'The demo answers are for questions that version {version.version} of "{DEMO_SLUG}" lacks: '
            f"{', '.join(missing)}. Load questionnaires/{DEMO_SLUG}.yaml, the newest content version."
        )
    return version


def _read_credentials(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    result = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            result[parts[0]] = parts[1]
    return result


def _write_credentials(path: Path, credentials) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{u} {p} {role}\n" for u, (role, _team, p) in credentials.items())
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)


def _ensure_user(username, full_name, role, team, agency, saved) -> str:
    User = get_user_model()
    first, last = full_name.split(" ", 1)
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
    given = os.environ.get("DEMO_PASSWORD")
    if given:
        password = given
        user.set_password(password)
    elif created or username not in saved:
        password = secrets.token_urlsafe(12)
        user.set_password(password)
    else:
        password = saved[username]
    if role == "superuser":
        user.is_staff = user.is_superuser = True
    if role == "editor":
        user.is_staff = True
    user.save()
    if role == "editor":
        group = Group.objects.filter(name="Questionnaire editors").first()
        if group:
            user.groups.add(group)
    if role == "executive":
        executive_ensure(user=user, agency=agency)
    if team is not None:
        membership_ensure(team=team, user=user, role=role)
    return password


def _demo_assessments(team, version, lead) -> int:
    """A submitted baseline and quarterly review and, for some teams, a draft in progress.

    The baseline holds the team's designed profile (BASELINE); each later
    assessment copies the one before and applies that step of IMPROVEMENTS,
    the roadmap steps the team finished in the quarter.
    """
    column = [slug for slug, _name in DEMO_TEAMS].index(team.slug)
    questions = {
        q.key: q for q in models.Question.objects.filter(area__questionnaire=version).prefetch_related("choices")
    }
    now = timezone.now()
    created = 0
    previous = None
    steps = [("Baseline assessment", 6, {}), *IMPROVEMENTS.get(team.slug, [])]
    for number, (title, months_ago, changes) in enumerate(steps):
        values = {key: levels[column] for key, levels in BASELINE.items()} if number == 0 else changes
        assessment = assessment_create(team=team, version=version, title=title, user=lead, copy_from=previous)
        answers_save(
            assessment=assessment, user=lead, answers=[_answer(questions[key], value) for key, value in values.items()]
        )
        if months_ago is not None:
            assessment_submit(assessment=assessment, user=lead)
            when = now - timedelta(days=30 * months_ago)
            assessment_dates_restore(assessment=assessment, created_at=when, submitted_at=when)
        previous = assessment
        created += 1
    return created


def _answer(question, value) -> AnswerInput:
    if value == NA:
        reason = DEMO_NA_REASONS.get(question.key, NA_DOES_NOT_APPLY)
        return AnswerInput(question.key, models.Answer.NOT_APPLICABLE, na_reason=reason)
    if value == NS:
        return AnswerInput(question.key, models.Answer.NOT_SURE, note="Ask the data owner")
    return AnswerInput(question.key, models.Answer.CHOICE, level=value)
