"""Delete personal access tokens revoked or expired long ago."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from assessment.management.pruning import age_checked, pruned_report
from assessment.services.api_tokens import ENDED_KEPT_DAYS, api_tokens_prune

MAX_DAYS = 100 * 365  # more would date the cutoff before year 1


class Command(BaseCommand):
    help = (
        "Delete the API tokens revoked, or expired, more than --older-than-days ago (they read nothing; "
        f"their owners' page stops listing them after {ENDED_KEPT_DAYS} days). Active tokens are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=ENDED_KEPT_DAYS,
            help=f"keep tokens that ended more recently than this (default {ENDED_KEPT_DAYS})",
        )
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    def handle(self, *args, older_than_days, dry_run, **options):
        age_checked(older_than_days, option="--older-than-days", limit=MAX_DAYS)
        removed = api_tokens_prune(older_than=timedelta(days=older_than_days), dry_run=dry_run)
        pruned_report(self.stdout, removed, dry_run=dry_run, noun="token")
