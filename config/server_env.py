"""For the tests and benchmarks that start the app in a process of its own (gunicorn, manage.py).

The app itself never imports this module. It imports nothing from Django, so a
bench/ script can use it before Django is set up.
"""

from __future__ import annotations

import os
import secrets
import socket


def free_port() -> int:
    """A free TCP port on the loopback interface, for a server to listen on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_settings_env(**settings: str) -> dict[str, str]:
    """A clean environment for a process with the production settings (config/settings.py reads it).

    Only PATH and HOME come from this process; DEBUG is off and the secret key
    is new. `settings` go on top (ALLOWED_HOSTS, DATABASE_URL, ...).
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
    }
    env.update(settings)
    return env
