"""Load a file written by export_assessments: checked as a whole, then written all or nothing."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.services.backups import ExchangeInvalid, assessments_import
from assessment.services.backups_evidence import archive_path_for

MAX_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import teams and assessments from a file written by export_assessments. The questionnaire versions "
        "must be loaded first; evidence files are read from FILE.evidence.zip beside it. If anything is wrong, every problem is reported and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MiB; refused.", returncode=1)
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{file}: cannot read the file: {exc.strerror or exc}", returncode=1) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file}: not UTF-8 text (byte {exc.start}); nothing was imported.", returncode=1
            ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}; nothing was imported.", returncode=1
            ) from exc
        except RecursionError:  # the decoder recurses once per level of nesting
            raise CommandError(
                f"{file}: nested too deeply to be a backup (arrays or objects inside each other thousands of "
                "levels down); nothing was imported.",
                returncode=1,
            ) from None
        try:
            outcome = assessments_import(data, source=file, archive=archive_path_for(path), dry_run=dry_run)
        except ExchangeInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"{file}: {len(exc.problems)} problem(s); nothing was imported.", returncode=1) from exc
        for skipped in outcome.skipped:
            self.stdout.write(f"Already present, skipped: {skipped}")
        prefix = "Dry run, nothing was written: would have " if dry_run else ""
        self.stdout.write(prefix + outcome.describe())
