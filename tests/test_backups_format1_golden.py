"""A format 1 backup is byte for byte what it was before backups carried format 2 and evidence.

The golden file tests/data/backup_format1_golden.json was written by the exporter
before those changes (regenerate only on purpose: BACKUP_GOLDEN_WRITE=1).
"""

import datetime
import os
from unittest import mock

import pytest
from django.core.management import call_command

from assessment import models

from .helpers import DATA
from .test_backups import agency_data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
GOLDEN = DATA / "backup_format1_golden.json"
FIXED = datetime.datetime(2026, 4, 1, 9, 30, tzinfo=datetime.UTC)


def test_a_format1_backup_is_unchanged_byte_for_byte(agency_data, tmp_path):  # noqa: F811
    # The moments the fixture leaves to the clock, and the export's.
    models.Assessment.objects.update(created_at=FIXED, updated_at=FIXED)
    models.Assessment.objects.filter(status="submitted").update(submitted_at=FIXED)
    out = tmp_path / "backup.json"
    with mock.patch("django.utils.timezone.now", return_value=FIXED):
        call_command("export_assessments", "-o", str(out))
    written = out.read_bytes()
    if os.environ.get("BACKUP_GOLDEN_WRITE"):
        GOLDEN.write_bytes(written)
    assert written == GOLDEN.read_bytes()
