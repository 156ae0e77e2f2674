"""Create demo data: an agency, teams, users in each role, assessments in different states."""
import os
import random
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
from assessment.domain.model import NA_BUSINESS_PRIORITY, NA_DOES_NOT_APPLY, NA_SHARED_SERVICE
from assessment.selectors.questionnaires import default_questionnaire_versions
from assessment.services.assessments import AnswerInput, answers_save, assessment_create, assessment_submit

AGENCY = "Department of Public Services (demo)"
TEAMS = [
    ("benefits-analytics", "Benefits Analytics"),
    ("fraud-detection", "Fraud Detection"),
    ("citizen-services", "Citizen Services"),
]
DEMO_NA_REASONS = [NA_DOES_NOT_APPLY, NA_SHARED_SERVICE, NA_BUSINESS_PRIORITY]
# (username, full name, role, team slug or None)
USERS = [
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
        versions = default_questionnaire_versions()
        if not versions:
            raise CommandError("No published questionnaire. Run: python manage.py load_questionnaire questionnaires/*.yaml")
        version = versions[0]
        credentials_file = Path(settings.DATA_DIR) / "demo-credentials.txt"
        saved = _read_credentials(credentials_file)
        with transaction.atomic():
            agency, _ = models.Agency.objects.get_or_create(name=AGENCY)
            teams = {
                slug: models.Team.objects.get_or_create(slug=slug, defaults={"name": name, "agency": agency})[0]
                for slug, name in TEAMS
            }
            credentials = {}
            for username, full_name, role, team_slug in USERS:
                password = _ensure_user(username, full_name, role, teams.get(team_slug), agency, saved)
                credentials[username] = (role, team_slug, password)
            created = 0
            for slug, team in teams.items():
                if not team.assessments.exists():
                    lead = get_user_model().objects.get(username=f"{slug.split('-')[0]}-lead")
                    created += _demo_assessments(team, version, lead)
        _write_credentials(credentials_file, credentials)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(teams)} teams, {created} new assessments."))
        self.stdout.write("Log in at http://127.0.0.1:8000/login/ with:")
        for username, (role, team_slug, password) in credentials.items():
            where = f" of {team_slug}" if team_slug else ""
            self.stdout.write(f"  {username:<16} {password:<24} {role}{where}")
        self.stdout.write(f"(These logins are also kept in {credentials_file}, outside the repository.)")


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
        models.Executive.objects.get_or_create(user=user, defaults={"agency": agency})
    if team is not None:
        models.Membership.objects.get_or_create(team=team, user=user, defaults={"role": role})
    return password


def _demo_assessments(team, version, lead) -> int:
    """Two submitted quarters and, for some teams, a draft in progress."""
    rng = random.Random(team.slug)
    questions = list(
        models.Question.objects.filter(area__questionnaire=version)
        .order_by("area__position", "position")
        .prefetch_related("choices")
    )
    levels = {q.pk: sorted(c.level for c in q.choices.all()) for q in questions}
    # Start each question in the lower half of its choices; later quarters improve.
    base = {q.pk: rng.randint(0, max(0, len(levels[q.pk]) // 2 - 1)) for q in questions}
    now = timezone.now()
    created = 0
    previous = None
    for quarter, (title, months_ago, fraction) in enumerate(
        [("Baseline assessment", 6, 1.0), ("Quarterly review", 3, 1.0), ("Current quarter", 0, 0.5)]
    ):
        if quarter == 2 and team.slug == "citizen-services":
            break
        assessment = assessment_create(
            team=team, questionnaire=version, title=title, user=lead, copy_from=previous
        )
        answers = []
        for q in questions[: int(len(questions) * fraction)]:
            step = min(len(levels[q.pk]) - 1, base[q.pk] + quarter + (1 if rng.random() < 0.3 else 0))
            level = levels[q.pk][step]
            roll = rng.random()
            if roll < 0.05 and q.not_applicable:
                reason = DEMO_NA_REASONS[q.pk % len(DEMO_NA_REASONS)]
                answers.append(AnswerInput(q.pk, models.Answer.NOT_APPLICABLE, na_reason=reason))
            elif roll < 0.12:
                answers.append(AnswerInput(q.pk, models.Answer.NOT_SURE, note="Ask the data owner"))
            else:
                answers.append(AnswerInput(q.pk, models.Answer.CHOICE, level=level))
        answers_save(assessment=assessment, user=lead, answers=answers)
        if fraction == 1.0:
            assessment_submit(assessment=assessment, user=lead)
            when = now - timedelta(days=30 * months_ago)
            models.Assessment.objects.filter(pk=assessment.pk).update(created_at=when, submitted_at=when)
        previous = assessment
        created += 1
    return created
