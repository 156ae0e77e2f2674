"""Create demo data: an agency, teams, users in each role, assessments in different states.

Every team's latest assessment is on the newest published version of the demo questionnaire
(2026.3, format 2) with its profile answered; a team in EARLIER_BASELINES answered its baseline
on an earlier version, so its history shows the upgrade (docs/content-2026.3.md). Its lead
backed some answers of its first assessment on that version with evidence (links, a file, one
expired), which the later assessments carry over.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessment import models
from assessment.domain.model import NA_DOES_NOT_APPLY
from assessment.selectors.questionnaires import default_questionnaire_versions
from assessment.selectors.results import assessment_results
from assessment.services.assessments import (
    AnswerInput,
    answers_save,
    assessment_create,
    assessment_dates_restore,
    assessment_submit,
    profile_save,
)
from assessment.services.evidence import evidence_dates_restore, evidence_file_add, evidence_link_add
from assessment.services.plan import ActionInput, action_update, actions_add_from_roadmap, item_key
from assessment.services.respondents import panel_open, respondent_answers_save, respondent_submit
from assessment.services.summaries import summaries_mark_latest
from assessment.services.teams import agency_ensure, division_ensure, executive_ensure, membership_ensure, team_ensure

# The demo's agency, divisions, teams, answers and logins, as data (commented there).
DEMO_DATA: dict[str, Any] = yaml.safe_load(Path(__file__).with_name("demo_data.yaml").read_text(encoding="utf-8"))
AGENCY: str = DEMO_DATA["agency"]
DEMO_SLUG: str = DEMO_DATA["questionnaire"]
DEMO_TEAMS: list[tuple[str, str, str]] = [(team["slug"], team["name"], team["division"]) for team in DEMO_DATA["teams"]]
NA, NS = "na", "ns"  # Not applicable, Not sure
# Profile question key -> the choice id of each team, in the order of DEMO_TEAMS.
PROFILE: dict[str, list[str]] = DEMO_DATA["profile"]
# Question key -> the answer of each team, in the order of DEMO_TEAMS (None: outside its profile).
BASELINE: dict[str, list[int | str | None]] = DEMO_DATA["baseline"]
# Team slug -> (version, answers by question key of that version) of a baseline on an earlier version.
EARLIER_BASELINES: dict[str, tuple[str, dict[str, int | str]]] = {
    slug: (str(item["version"]), item["answers"]) for slug, item in DEMO_DATA["earlier_baselines"].items()
}
RESPONDENTS: dict[str, Any] = DEMO_DATA["respondents"]
DEMO_NA_REASONS: dict[str, str] = DEMO_DATA["na_reasons"]
# Team slug -> the evidence its lead adds to its first assessment on the newest version.
DEMO_EVIDENCE: dict[str, list[dict[str, Any]]] = DEMO_DATA["evidence"]
# Team slug -> (title, months ago or None for a draft, changed answers) per later assessment.
IMPROVEMENTS: dict[str, list[tuple[str, int | None, dict[str, int]]]] = {
    slug: [(item["title"], item["months_ago"], item["answers"]) for item in items]
    for slug, items in DEMO_DATA["improvements"].items()
}
# (username, full name, role, team slug or None)
USERS: list[tuple[str, str, str, str | None]] = [
    (user["username"], user["name"], user["role"], user.get("team")) for user in DEMO_DATA["users"]
]
# What each role may do, printed with the logins.
ROLE_WORDS = {
    "superuser": "everything, in the admin",
    "editor": "edits questionnaire content, in the admin",
    "team manager": "manages the agency's teams and members, in the admin",
    "executive": "reads every team of the agency and its portfolio",
    "member": "answers, submits and plans",
    "viewer": "reads the team's results",
}


class Command(BaseCommand):
    help = (
        "Create demo data. Passwords are random, or DEMO_PASSWORD for all users. "
        "Running it again keeps existing data and prints the logins again."
    )

    def handle(self, *args, **options):
        version = _demo_version()
        earlier = {slug: _earlier_version(number, answers) for slug, (number, answers) in EARLIER_BASELINES.items()}
        credentials_file = Path(settings.DATA_DIR) / "demo-credentials.txt"
        saved = _read_credentials(credentials_file)
        with transaction.atomic():
            agency, _ = agency_ensure(name=AGENCY)
            divisions = {
                name: division_ensure(agency=agency, name=name)[0]
                for name in dict.fromkeys(division for _, _, division in DEMO_TEAMS)
            }
            teams = {
                slug: team_ensure(agency=agency, slug=slug, name=name, division=divisions[division])[0]
                for slug, name, division in DEMO_TEAMS
            }
            credentials = {}
            for username, full_name, role, team_slug in USERS:
                team = teams[team_slug] if team_slug else None
                password = _ensure_user(username, full_name, role, team, agency, saved)
                credentials[username] = (role, team_slug, password)
            created = 0
            for slug, team in teams.items():
                if not team.assessments.exists():
                    lead = get_user_model().objects.get(username=f"{slug.split('-')[0]}-lead")
                    created += _demo_assessments(team, version, lead, earlier.get(slug))
            summaries_mark_latest(team.pk for team in teams.values())  # submission dates were set after submitting
        _write_credentials(credentials_file, credentials)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(teams)} teams, {created} new assessments."))
        self.stdout.write("Demo logins (make run prints the address to open when the server starts):")
        for username, (role, team_slug, password) in credentials.items():
            where = f" of {team_slug}" if team_slug else ""
            self.stdout.write(f"  {username:<16} {password:<24} {role}{where} ({ROLE_WORDS.get(role, role)})")
        self.stdout.write(f"(These logins are also kept in {credentials_file}, outside the repository.)")


def _demo_version():
    """The newest published version of the demo questionnaire; it must hold every question of BASELINE."""
    version = next((v for v in default_questionnaire_versions() if v.slug == DEMO_SLUG), None)
    if version is None:
        raise CommandError(
            f'No published questionnaire "{DEMO_SLUG}". Run: python manage.py load_questionnaire questionnaires/*.yaml'
        )
    keys = set(models.Question.objects.filter(area__questionnaire=version).values_list("key", flat=True))
    missing = sorted(set(BASELINE) - keys)
    if missing:
        raise CommandError(
            f'The demo answers are for questions that version {version.version} of "{DEMO_SLUG}" lacks: '
            f"{', '.join(missing)}. Load questionnaires/{DEMO_SLUG}.yaml, the newest content version."
        )
    return version


def _earlier_version(number: str, answers: dict[str, int | str]) -> models.QuestionnaireVersion:
    """The published earlier version a team's baseline is on; it must hold every question of its answers."""
    version = models.QuestionnaireVersion.objects.filter(
        slug=DEMO_SLUG, version=number, status=models.QuestionnaireVersion.PUBLISHED
    ).first()
    if version is None:
        raise CommandError(
            f'No published version {number} of "{DEMO_SLUG}", which a demo baseline uses. '
            "Run: python manage.py load_questionnaire questionnaires/*.yaml"
        )
    keys = set(models.Question.objects.filter(area__questionnaire=version).values_list("key", flat=True))
    missing = sorted(set(answers) - keys)
    if missing:
        raise CommandError(f'Version {number} of "{DEMO_SLUG}" lacks the demo questions {", ".join(missing)}.')
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
    if role in ("editor", "team manager"):
        user.is_staff = True
    user.save()
    if role == "team manager":
        group = Group.objects.filter(name="Team managers").first()
        if group:
            user.groups.add(group)
        agency.managers.add(user)
    if role == "editor":
        group = Group.objects.filter(name="Questionnaire editors").first()
        if group:
            user.groups.add(group)
    if role == "executive":
        executive_ensure(user=user, agency=agency)
    if team is not None:
        membership_ensure(team=team, user=user, role=role)
    return password


def _demo_assessments(team, version, lead, earlier=None) -> int:
    """A submitted baseline and quarterly review and, for some teams, a draft in progress.

    The baseline holds the team's designed answers (BASELINE) and profile (PROFILE);
    each later assessment copies the one before and applies that step of IMPROVEMENTS,
    the roadmap steps the team finished in the quarter. With `earlier` (a version before
    `version`), the baseline is on it with the team's EARLIER_BASELINES answers, and the
    first assessment on `version` answers its profile and the questions it added.
    """
    column = [slug for slug, _name, _division in DEMO_TEAMS].index(team.slug)
    baseline: dict[str, int | str] = {
        key: answer for key, answers in BASELINE.items() if (answer := answers[column]) is not None
    }
    profile: dict[str, str | None] = {key: choices[column] for key, choices in PROFILE.items()}
    now = timezone.now()
    created = 0
    previous = None
    steps = [("Baseline assessment", 6, {}), *IMPROVEMENTS.get(team.slug, [])]
    for number, (title, months_ago, changes) in enumerate(steps):
        on = earlier if number == 0 and earlier is not None else version
        begun = timezone.now()  # the history from here on is this step's, at the seeding time
        assessment = assessment_create(team=team, version=on, title=title, user=lead, copy_from=previous)
        if on.format == 2 and (previous is None or previous.questionnaire_id != on.pk):
            profile_save(assessment=assessment, user=lead, answers=profile)
        values: dict[str, int | str]
        if on != version:
            values = EARLIER_BASELINES[team.slug][1]
        elif previous is None or previous.questionnaire_id != on.pk:
            values = {**baseline, **changes}  # the first assessment on this version answers every question
        else:
            values = dict(changes)
        first_on_version = on == version and (previous is None or previous.questionnaire_id != on.pk)
        copied_by = timezone.now()  # the history before this is the copy and the profile, after it the answers
        questions = {
            q.key: q for q in models.Question.objects.filter(area__questionnaire=on).prefetch_related("choices")
        }
        answers_save(
            assessment=assessment, user=lead, answers=[_answer(questions[key], value) for key, value in values.items()]
        )
        if months_ago is not None:
            # Answered over two weeks, submitted in the morning; last changed when submitted.
            when = (now - timedelta(days=30 * months_ago)).replace(hour=10, minute=24, second=0, microsecond=0)
            if first_on_version:
                _demo_evidence(assessment, lead, DEMO_EVIDENCE.get(team.slug, []), when)
            assessment_submit(assessment=assessment, user=lead)
            assessment_dates_restore(
                assessment=assessment, created_at=when - timedelta(days=14), updated_at=when, submitted_at=when
            )
            _demo_history_dates(
                assessment, begun, copied_by, started=when - timedelta(days=14), answered=when - timedelta(days=2)
            )
            if number == 0 and team.slug in DEMO_PLAN_START:
                _demo_plan(assessment, lead, DEMO_PLAN_START[team.slug], when)
        else:  # a draft started last week, last saved two days ago
            if team.slug == RESPONDENTS["team"]:
                _demo_respondents(assessment, lead)
            started = (now - timedelta(days=9)).replace(hour=9, minute=12, second=0, microsecond=0)
            assessment_dates_restore(
                assessment=assessment, created_at=started, updated_at=started + timedelta(days=7, hours=5)
            )
            _demo_history_dates(
                assessment, begun, copied_by, started=started, answered=started + timedelta(days=7, hours=5)
            )
        previous = assessment
        created += 1
    return created


# The status of the baseline's first roadmap items in each team's plan, with months from the
# baseline to the due date: one achieved by a later assessment or marked done, one overdue,
# one in progress, one the team won't do.
# Citizen Services starts with an empty plan: its lead's journey adds the first actions.
# The roadmap item (from 0) each team's plan starts at, so that one planned action is overdue:
# Benefits Analytics' third item (its AI inventory, 2026.2) is not reached by its later assessments.
DEMO_PLAN_START = {"benefits-analytics": 2, "fraud-detection": 2}
DEMO_PLAN = [
    (models.Action.DONE, 2, ""),
    (models.Action.PLANNED, 3, ""),
    (models.Action.IN_PROGRESS, 9, ""),
    (models.Action.WONT_DO, 8, "The vendor's platform does this for us."),
]


def _demo_plan(baseline, lead, start, when) -> None:
    """The team's action plan, taken from the baseline's roadmap: actions in each status."""
    roadmap = assessment_results(baseline).roadmap
    keys = [item_key(item.question_key, item.to_level) for item in roadmap.items[start : start + len(DEMO_PLAN)]]
    if not keys:
        return
    actions = actions_add_from_roadmap(assessment=baseline, user=lead, item_keys=keys)
    for action, (status, months, reason) in zip(actions, DEMO_PLAN, strict=False):
        due = (when + timedelta(days=30 * months)).date()
        action_update(
            action=action,
            user=lead,
            given=ActionInput(owner_id=lead.pk, due_date=due, status=status, wont_do_reason=reason),
        )
    # Taken on the day the baseline was submitted, so the later assessments measure them; the owner, due
    # date and status set two days later, and a done action marked so on its due date.
    for action, (status, months, _reason) in zip(actions, DEMO_PLAN, strict=False):
        changed = when + (timedelta(days=30 * months, hours=5) if status == models.Action.DONE else timedelta(days=2))
        models.Action.objects.filter(pk=action.pk).update(created_at=when, updated_at=changed)
        models.Action.history.filter(id=action.pk, history_type="+").update(history_date=when)
        models.Action.history.filter(id=action.pk, history_type="~").update(history_date=changed)


def _demo_history_dates(assessment, begun, copied_by, *, started, answered) -> None:
    """The change log as the team lived it: the copied answers, evidence and profile when the assessment
    was started, the answers given on it on `answered`; not the minute the demo was seeded. Evidence the
    lead added has its own days already (_demo_evidence)."""
    for history in (models.Answer.history, models.ProfileAnswer.history):
        rows = history.filter(assessment_id=assessment.pk)
        rows.filter(history_date__lt=copied_by).update(history_date=started)
        rows.filter(history_date__gte=copied_by).update(history_date=answered)
    models.ProfileAnswer.objects.filter(assessment=assessment).update(answered_at=started)
    models.Evidence.history.filter(
        assessment_id=assessment.pk, history_date__gte=begun, history_date__lt=copied_by
    ).update(history_date=started)
    answers = models.Answer.objects.filter(assessment=assessment)
    answers.filter(answered_at__lt=copied_by).update(answered_at=started)
    answers.filter(answered_at__gte=copied_by).update(answered_at=answered)


def _demo_evidence(assessment, lead, items: list[dict[str, Any]], submitted_at) -> None:
    """The lead's links and files behind some answers, added in the days before `submitted_at`.

    Through the services the area page's form uses, so a file is checked and stored as an upload is.
    """
    for item in items:
        added_at = (submitted_at - timedelta(days=item["days_before"])).replace(hour=14, minute=5)
        months = item.get("valid_months")
        valid_until = (added_at + timedelta(days=30 * months)).date() if months else None
        common = {"assessment": assessment, "user": lead, "question_key": item["question"], "title": item["title"]}
        if "file" in item:
            upload = SimpleUploadedFile(item["file"], item["content"].encode("utf-8"))
            evidence = evidence_file_add(**common, upload=upload, valid_until=valid_until)
        else:
            evidence = evidence_link_add(**common, url=item["link"], valid_until=valid_until)
        evidence_dates_restore(evidence=evidence, added_at=added_at)


def _demo_respondents(draft, lead) -> None:
    """The draft opened to two respondents: one submitted a response to every question, one is still answering."""
    users = {u.username: u for u in get_user_model().objects.filter(memberships__team=draft.team)}
    done, busy = users[RESPONDENTS["submitted"]], users[RESPONDENTS["in_progress"]]
    panel_open(assessment=draft, lead=lead, users=[done, busy])
    team_answers = {a.question.key: a for a in draft.answers.select_related("question__area", "choice")}
    given = [
        AnswerInput(key, a.kind, level=a.choice.level if a.choice else None, na_reason=a.na_reason)
        for key, a in team_answers.items()
    ]
    respondents = {r.user_id: r for r in draft.respondents.all()}
    respondent_answers_save(respondent=respondents[done.pk], user=done, answers=given)
    respondent_submit(respondent=respondents[done.pk], user=done)
    areas = set(RESPONDENTS["in_progress_areas"])
    some = [g for g in given if team_answers[g.question_key].question.area.key in areas]
    respondent_answers_save(respondent=respondents[busy.pk], user=busy, answers=some)
    # Handed in three days ago, the other response last saved yesterday.
    day = timezone.now().replace(hour=15, minute=40, second=0, microsecond=0)
    models.Respondent.objects.filter(pk=respondents[done.pk].pk).update(submitted_at=day - timedelta(days=3))
    answers = models.RespondentAnswer.history
    answers.filter(respondent_id=respondents[done.pk].pk).update(history_date=day - timedelta(days=3, hours=1))
    answers.filter(respondent_id=respondents[busy.pk].pk).update(history_date=day - timedelta(days=1))


def _answer(question, value) -> AnswerInput:
    if value == NA:
        reason = DEMO_NA_REASONS.get(question.key, NA_DOES_NOT_APPLY)
        return AnswerInput(question.key, models.Answer.NOT_APPLICABLE, na_reason=reason)
    if value == NS:
        return AnswerInput(question.key, models.Answer.NOT_SURE, note="Ask the data owner")
    return AnswerInput(question.key, models.Answer.CHOICE, level=value)
