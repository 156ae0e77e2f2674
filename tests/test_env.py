"""Settings read from the environment: a value the helpers cannot read stops start-up, naming the variable."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envint

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("word", ["1", "true", "Yes", " ON "])
def test_it_reads_yes_words_as_true(monkeypatch, word):
    monkeypatch.setenv("FLAG", word)
    assert envbool("FLAG", False) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off"])
def test_it_reads_no_words_as_false(monkeypatch, word):
    monkeypatch.setenv("FLAG", word)
    assert envbool("FLAG", True) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_it_uses_the_default_when_unset_or_empty(monkeypatch, value):
    monkeypatch.delenv("FLAG", raising=False)
    if value is not None:
        monkeypatch.setenv("FLAG", value)
    assert envbool("FLAG", True) is True
    assert envbool("FLAG", False) is False


def test_it_refuses_an_unknown_yes_no_word(monkeypatch):
    monkeypatch.setenv("SECURE_SSL", "flase")
    with pytest.raises(ImproperlyConfigured) as error:
        envbool("SECURE_SSL", True)
    message = str(error.value)
    assert "SECURE_SSL='flase'" in message
    assert "1, true, yes, on" in message and "0, false, no, off" in message


def test_it_reads_a_yes_no_word_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "flag"
    secret.write_text("off\n", encoding="utf-8")
    monkeypatch.setenv("FLAG_FILE", str(secret))
    monkeypatch.setenv("FLAG", "1")  # the file wins
    assert envbool("FLAG", True) is False


def test_it_refuses_a_number_that_is_not_one(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match=r"CONN_MAX_AGE='sixty' is not a whole number"):
        envint("CONN_MAX_AGE", 60)
    monkeypatch.setenv("CONN_MAX_AGE", " 30 ")
    assert envint("CONN_MAX_AGE", 60) == 30


def _check_with(**variables: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": "sqlite:///:memory:",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_app_does_not_start_with_a_misspelt_secure_ssl():
    result = _check_with(SECURE_SSL="flase")
    assert result.returncode != 0
    assert "SECURE_SSL='flase' is not a yes/no value" in result.stderr


@pytest.mark.slow
def test_the_app_starts_with_a_correctly_spelt_secure_ssl():
    """The control: the same start-up with a word it knows passes the check."""
    result = _check_with(SECURE_SSL="false")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _gunicorn_check_config(**variables: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": "sqlite:///:memory:",
        **variables,
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return subprocess.run(
        [gunicorn, "--check-config", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_gunicorn_reads_its_settings_with_the_same_helpers():
    refused = _gunicorn_check_config(GUNICORN_PRELOAD="maybe")
    assert refused.returncode != 0
    assert "GUNICORN_PRELOAD='maybe' is not a yes/no value" in refused.stdout + refused.stderr
    refused = _gunicorn_check_config(GUNICORN_WORKERS="four")
    assert refused.returncode != 0
    assert "GUNICORN_WORKERS='four' is not a whole number" in refused.stdout + refused.stderr
    accepted = _gunicorn_check_config(GUNICORN_PRELOAD="no", GUNICORN_WORKERS="4")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
