from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import models
from assessment.management.commands.seed_demo import BASELINE, DEMO_TEAMS
from assessment.selectors.home import assessment_scores

from .helpers import REPO, load_questionnaire_file


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def baseline_levels():
    baselines = list(
        models.Assessment.objects.filter(title="Baseline assessment").select_related("questionnaire", "team")
    )
    scores = assessment_scores(baselines)
    return {a.team.slug: scores[a.pk].level for a in baselines}


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """DATA_DIR, and the evidence files under it as with `make run`: each test's own directory."""
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    return tmp_path


@pytest.mark.django_db
def test_it_needs_a_questionnaire_first():
    with pytest.raises(CommandError, match="load_questionnaire"):
        seed()


@pytest.mark.django_db
def test_it_needs_the_demo_questionnaire_not_just_any(questionnaire_version):
    with pytest.raises(CommandError, match='No published questionnaire "public-sector-ml"'):
        seed()
    assert not models.Assessment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "loaded, refusal",
    [
        # The newest version lacks the demo's questions.
        ("public-sector-ml-2026.1.yaml", r"version 2026\.1 .* lacks: .*gov-ai-inventory"),
        # The version of Benefits Analytics' baseline is missing.
        ("public-sector-ml.yaml", r"No published version 2026\.2 of \"public-sector-ml\""),
    ],
)
def test_it_refuses_without_the_versions_the_demo_needs_and_writes_nothing(loaded, refusal):
    load_questionnaire_file(REPO / "questionnaires" / loaded)

    with pytest.raises(CommandError, match=refusal):
        seed()
    assert not models.Assessment.objects.exists() and not models.Team.objects.exists()


@pytest.mark.django_db
def test_it_creates_teams_roles_and_assessments_in_different_states(demo_questionnaire_version, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = seed()
    assert models.Team.objects.count() == 3
    statuses = set(models.Assessment.objects.values_list("status", flat=True))
    assert statuses == {models.Assessment.DRAFT, models.Assessment.SUBMITTED}
    assert models.Executive.objects.filter(user__username="executive").exists()
    assert models.Membership.objects.filter(role=models.Membership.VIEWER).exists()
    # every printed password logs in
    lines = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert len(lines) == 9
    for username, password, *_ in lines:
        assert get_user_model().objects.get(username=username).check_password(password)
    assert any(line[:1] == ["manager"] and "team manager" in " ".join(line) for line in lines)
    assert "fraud-viewer" in out and "viewer of fraud-detection (reads the team's results)" in out
    manager = get_user_model().objects.get(username="manager")
    assert manager.is_staff and not manager.is_superuser and manager.groups.filter(name="Team managers").exists()
    assert models.Agency.objects.get().managers.filter(pk=manager.pk).exists()


def test_demo_records_have_realistic_times_and_plans_in_each_status(demo_questionnaire_version):
    from datetime import timedelta

    from django.utils import timezone

    seeding = timezone.now()
    seed()
    recent = timezone.now() - timedelta(days=1)
    for assessment in models.Assessment.objects.all():
        assert assessment.updated_at < recent, assessment.title  # not the seeding time
    # The change logs (answers, profiles, respondents' answers, actions, evidence) carry those days too.
    for model in (models.Answer, models.ProfileAnswer, models.RespondentAnswer, models.Action, models.Evidence):
        assert model.history.exists(), model.__name__
        assert not model.history.filter(history_date__gte=seeding).exists(), model.__name__
    for model in (models.Answer, models.ProfileAnswer):
        assert not model.objects.filter(answered_at__gte=seeding).exists(), model.__name__
    assert not models.Action.objects.filter(updated_at__gte=seeding).exists()
    for assessment in models.Assessment.objects.filter(status=models.Assessment.SUBMITTED):
        assert assessment.updated_at == assessment.submitted_at > assessment.created_at
    statuses = set(models.Action.objects.values_list("status", flat=True))
    assert statuses == {models.Action.DONE, models.Action.PLANNED, models.Action.IN_PROGRESS, models.Action.WONT_DO}
    assert all(action.title and action.owner_id for action in models.Action.objects.all())
    from assessment.selectors.plan import action_rows

    rows = action_rows(models.Action.objects.all())
    assert any(row.overdue for row in rows)


@pytest.mark.django_db
def test_every_latest_assessment_is_on_the_newest_version_and_benefits_shows_the_upgrade():
    load_questionnaire_file(REPO / "questionnaires" / "public-sector-ml-2026.1.yaml")
    load_questionnaire_file(REPO / "questionnaires" / "public-sector-ml-2026.2.yaml")
    newest = load_questionnaire_file(REPO / "questionnaires" / "public-sector-ml.yaml")
    seed()

    assert newest.version == "2026.3"
    for team in models.Team.objects.all():
        history = list(team.assessments.order_by("created_at", "pk").values_list("questionnaire__version", flat=True))
        expected = "2026.2" if team.slug == "benefits-analytics" else "2026.3"
        assert history[0] == expected and set(history[1:]) == {"2026.3"}, team.slug


@pytest.mark.django_db
def test_each_team_answers_its_profile_on_2026_3(demo_questionnaire_version):
    seed()
    profiles = {
        (a.team.slug, a.title): dict(a.profile_answers.values_list("question__key", "choice__key"))
        for a in models.Assessment.objects.filter(questionnaire=demo_questionnaire_version).select_related("team")
    }

    high_impact = {"ai-kinds": "classic", "impact": "yes", "hosting": "cloud", "buying": "no"}
    benefits = {"ai-kinds": "both", "impact": "no", "hosting": "cloud", "buying": "yes"}
    expected = {"citizen-services": high_impact, "fraud-detection": high_impact, "benefits-analytics": benefits}
    assert len(profiles) == 7
    assert all(answers == expected[slug] for (slug, _title), answers in profiles.items()), profiles


@pytest.mark.django_db
def test_a_draft_has_two_respondents_one_submitted_one_in_progress(demo_questionnaire_version):
    seed()
    draft = models.Assessment.objects.get(team__slug="fraud-detection", status=models.Assessment.DRAFT)
    respondents = {r.name: r for r in draft.respondents.all()}

    assert draft.panel.lead.username == "fraud-lead"
    assert set(respondents) == {"Frank Lead", "Fay Viewer"}
    assert respondents["Frank Lead"].has_submitted and not respondents["Fay Viewer"].has_submitted
    assert respondents["Frank Lead"].answers.count() == draft.answers.count()
    assert 0 < respondents["Fay Viewer"].answers.count() < draft.answers.count()


# Each team's Now on 2026.3 as the app computes it (docs/content-2026.3.md, section 8): the first
# assessment on 2026.3 (Benefits Analytics' is its Quarterly review), then the latest submitted.
DEMO_NOW = {
    ("citizen-services", "Baseline assessment"): ["gov-impact-assessment 1-3", "sec-access-roles 1-3"],
    ("citizen-services", "Quarterly review"): [
        "gov-impact-assessment 2-3",
        "sec-network-egress 1-3",
        "bias-operator-oversight 1-2",
    ],
    ("benefits-analytics", "Quarterly review"): [
        "mt-genai-providers 2-3",
        "sec-network-egress 2-3",
        "ops-incident-response 2-3",
        "sec-data-lifecycle 2-3",
    ],
    ("fraud-detection", "Baseline assessment"): [
        "gov-impact-assessment 2-3",
        "bias-public-feedback 2-3",
        "ops-incident-response 2-3",
        "bias-after-release 2-3",
    ],
    ("fraud-detection", "Quarterly review"): [
        "gov-impact-assessment 2-3",
        "bias-public-feedback 2-3",
        "sec-ai-threats 2-3",
        "mt-acceptance-criteria 2-3",
    ],
}


@pytest.mark.django_db
def test_each_team_s_now_on_2026_3_is_the_one_the_content_notes_give(demo_questionnaire_version):
    """Run with -s to print each team's Now and Next, as pasted in docs/content-2026.3.md, section 8."""
    from assessment.selectors.results import assessment_results

    seed()
    now = {}
    for slug, title in DEMO_NOW:
        assessment = models.Assessment.objects.get(team__slug=slug, title=title)
        results = assessment_results(assessment)
        entries = {entry.item.position: entry for entry in results.roadmap_entries}
        print(f"{slug}, {title} (level {results.score.level}):")
        for phase in ("now", "next"):
            for item in results.roadmap.in_phase(phase):
                start = "Not sure" if item.not_sure else item.from_level
                question = entries[item.position].question.text
                print(
                    f"  {phase} {item.position}. {item.question_key} {start}->{item.to_level} ({item.effort}): {question}"
                )
        agency = ", ".join(
            f"{item.question_key} {item.from_level}->{item.to_level}" for item in results.roadmap.agency_items
        )
        print(f"  agency-wide: {agency}")
        now[(slug, title)] = [f"{i.question_key} {i.from_level}-{i.to_level}" for i in results.roadmap.in_phase("now")]

    assert now == DEMO_NOW


@pytest.mark.django_db
def test_baselines_answer_every_question_by_its_id(demo_questionnaire_version):
    seed()
    keys = set(
        models.Question.objects.filter(area__questionnaire=demo_questionnaire_version).values_list("key", flat=True)
    )
    assert set(BASELINE) == keys
    on_newest = models.Assessment.objects.filter(questionnaire=demo_questionnaire_version).select_related("team")
    firsts = [
        a
        for a in on_newest.select_related("copied_from")
        if a.copied_from is None or a.copied_from.questionnaire_id != a.questionnaire_id
    ]
    assert len(firsts) == 3
    for first in firsts:
        answered = set(first.answers.values_list("question__key", flat=True))
        column = [slug for slug, _name, _division in DEMO_TEAMS].index(first.team.slug)
        asked = {key for key, answers in BASELINE.items() if answers[column] is not None}
        assert answered == asked, first.team.slug
    citizen = models.Assessment.objects.get(team__slug="citizen-services", title="Baseline assessment")
    access = citizen.answers.get(question__key="sec-access-roles")
    assert (access.kind, access.choice.level) == (models.Answer.CHOICE, 1)
    assert citizen.answers.get(question__key="sec-ato").kind == models.Answer.NOT_SURE
    assert citizen.answers.get(question__key="di-streaming-sources").kind == models.Answer.NOT_APPLICABLE


@pytest.mark.slow
@pytest.mark.django_db
def test_the_three_teams_stand_at_clearly_different_levels(demo_questionnaire_version):
    seed()

    assert baseline_levels() == {"citizen-services": 1.4, "benefits-analytics": 2.7, "fraud-detection": 3.2}
    assert [slug for slug, _name, _division in DEMO_TEAMS] == [
        "citizen-services",
        "benefits-analytics",
        "fraud-detection",
    ]


@pytest.mark.django_db
def test_later_assessments_build_on_the_one_before(demo_questionnaire_version):
    seed()
    team = models.Team.objects.get(slug="fraud-detection")
    baseline, review, current = team.assessments.order_by("created_at", "pk")
    scores = assessment_scores(list(models.Assessment.objects.filter(team=team).select_related("questionnaire")))

    assert [baseline.title, review.title, current.title] == [
        "Baseline assessment",
        "Quarterly review",
        "Current quarter",
    ]
    assert current.status == models.Assessment.DRAFT
    assert scores[baseline.pk].score < scores[review.pk].score < scores[current.pk].score
    assert review.answers.count() == baseline.answers.count()
    assert review.answers.get(question__key="bias-after-release").choice.level == 3


@pytest.mark.django_db
def test_submitted_assessments_show_links_a_stored_file_and_expired_evidence(demo_questionnaire_version, data_dir):
    from django.urls import reverse
    from django.utils import timezone

    from tests.helpers import client_for

    seed()
    fraud = models.Assessment.objects.get(team__slug="fraud-detection", title="Quarterly review")
    evidence = {e.question_key: e for e in fraud.evidence.all()}
    assert set(evidence) == {"sec-ato", "gov-ai-inventory", "di-privacy-review", "ops-model-inventory"}
    card = evidence["ops-model-inventory"]
    assert (card.kind, card.original_name, card.content_type) == (
        models.Evidence.FILE,
        "model-card-fraud-referral-scorer-3.2.md",
        "text/plain; charset=utf-8",
    )
    assert (data_dir / "evidence" / card.stored_name).read_bytes().startswith(b"# Model card: fraud referral scorer")
    assert [key for key, e in evidence.items() if e.is_expired] == ["di-privacy-review"]
    assert evidence["sec-ato"].valid_until > timezone.localdate()
    # Added while the baseline was answered, by its lead; carried to the review by "Start from previous".
    baseline = models.Assessment.objects.get(team__slug="fraud-detection", title="Baseline assessment")
    for piece in baseline.evidence.all():
        assert baseline.created_at < piece.added_at < baseline.submitted_at and piece.added_by.username == "fraud-lead"
        assert piece.history.get().history_date == piece.added_at  # the change log's date
    assert {e.added_at for e in baseline.evidence.all()} == {e.added_at for e in evidence.values()}
    teams_with_evidence = set(
        models.Evidence.objects.filter(assessment__status=models.Assessment.SUBMITTED).values_list(
            "assessment__team__slug", flat=True
        )
    )
    assert teams_with_evidence == {"citizen-services", "benefits-analytics", "fraud-detection"}

    viewer = get_user_model().objects.get(username="fraud-viewer")
    results = client_for(viewer).get(reverse("assessment-results", args=[fraud.pk])).content.decode()
    download = reverse("evidence-download", args=[fraud.pk, card.pk])
    assert download in results and card.sha256 in results
    assert "https://grc.dps.example/authorizations/fraud-referral-scoring" in results
    assert "Data matching agreement with the Revenue Office" in results and "expired on 1 answer" in results
    response = client_for(viewer).get(download)
    assert b"".join(response.streaming_content).startswith(b"# Model card")
    executive = get_user_model().objects.get(username="executive")
    portfolio = client_for(executive).get(reverse("portfolio")).content.decode()
    assert "Evidence expired on 1 answer in 1 team " in portfolio


@pytest.mark.django_db
def test_running_it_twice_keeps_data_and_passwords(demo_questionnaire_version, monkeypatch, data_dir):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = seed()
    counts = (
        models.Assessment.objects.count(),
        models.Answer.objects.count(),
        models.Evidence.objects.count(),
        get_user_model().objects.count(),
    )
    files = sorted(path for path in (data_dir / "evidence").rglob("*") if path.is_file())
    second = seed()
    assert (
        models.Assessment.objects.count(),
        models.Answer.objects.count(),
        models.Evidence.objects.count(),
        get_user_model().objects.count(),
    ) == counts
    assert sorted(path for path in (data_dir / "evidence").rglob("*") if path.is_file()) == files and len(files) == 1
    logins = [line for line in first.splitlines() if line.startswith("  ")]
    assert logins == [line for line in second.splitlines() if line.startswith("  ")]
    assert "0 new assessments" in second
    assert (data_dir / "demo-credentials.txt").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_demo_password_from_the_environment(demo_questionnaire_version, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-chosen-demo-password")
    seed()
    assert get_user_model().objects.get(username="executive").check_password("a-chosen-demo-password")
