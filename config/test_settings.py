"""Settings for the test suite: the normal settings with test-friendly defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("STATIC_USE_FINDERS", "true")
os.environ.setdefault("SECURE_SSL", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Report jobs wait in the database queue as in production, and no worker runs
# them, so a download renders a report that is not ready at once, in the
# request. tests/test_pdf_queue.py sets REPORT_WAIT_SECONDS back, runs the
# worker, or runs jobs inline (its `inline_jobs` fixture).
REPORT_WAIT_SECONDS = 0

# Evidence files of the tests go to a directory of their own, never to DATA_DIR's (tests/test_evidence.py
# runs the S3-compatible storage against a server it starts).
if STORAGES["evidence"]["BACKEND"].endswith("FileSystemStorage"):  # noqa: F405
    import tempfile

    STORAGES["evidence"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="mlready-test-evidence-")  # noqa: F405
