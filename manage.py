#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A developer's checkout with no configuration at all runs in development mode,
    # as `make run` does. Production sets SECRET_KEY; then nothing is assumed here,
    # and the WSGI entry point (gunicorn) never takes this path.
    if not any(os.environ.get(name) for name in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE")):
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
