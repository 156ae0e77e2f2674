from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import models


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_it_needs_a_questionnaire_first():
    with pytest.raises(CommandError, match="load_questionnaire"):
        seed()


@pytest.mark.django_db
def test_it_creates_teams_roles_and_assessments_in_different_states(questionnaire_version, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = seed()
    assert models.Team.objects.count() == 3
    statuses = set(models.Assessment.objects.values_list("status", flat=True))
    assert statuses == {models.Assessment.DRAFT, models.Assessment.SUBMITTED}
    assert models.Executive.objects.filter(user__username="executive").exists()
    assert models.Membership.objects.filter(role=models.Membership.VIEWER).exists()
    # every printed password logs in
    lines = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert len(lines) == 8
    for username, password, *_ in lines:
        assert get_user_model().objects.get(username=username).check_password(password)


@pytest.mark.django_db
def test_running_it_twice_keeps_data_and_passwords(questionnaire_version, monkeypatch, data_dir):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = seed()
    counts = (models.Assessment.objects.count(), models.Answer.objects.count(), get_user_model().objects.count())
    second = seed()
    assert (models.Assessment.objects.count(), models.Answer.objects.count(), get_user_model().objects.count()) == counts
    logins = [line for line in first.splitlines() if line.startswith("  ")]
    assert logins == [line for line in second.splitlines() if line.startswith("  ")]
    assert "0 new assessments" in second
    assert (data_dir / "demo-credentials.txt").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_demo_password_from_the_environment(questionnaire_version, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-chosen-demo-password")
    seed()
    assert get_user_model().objects.get(username="executive").check_password("a-chosen-demo-password")
