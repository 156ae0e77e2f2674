"""Delete stored evidence files that no evidence refers to any more."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from assessment.management.pruning import age_checked, pruned_report
from assessment.services.evidence import evidence_prune

MAX_HOURS = 100 * 365 * 24  # more would date the cutoff before year 1


class Command(BaseCommand):
    help = (
        "Delete the evidence files (under DATA_DIR or in the bucket) that no assessment's evidence refers to: "
        "removed evidence, and the evidence of deleted assessments. Files younger than --older-than-hours "
        "are kept, since an upload may not have finished."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=1, help="keep files younger than this (default 1)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    def handle(self, *args, older_than_hours, dry_run, **options):
        age_checked(older_than_hours, option="--older-than-hours", limit=MAX_HOURS)
        removed = evidence_prune(older_than=timedelta(hours=older_than_hours), dry_run=dry_run)
        pruned_report(self.stdout, removed, dry_run=dry_run, noun="unused file")
