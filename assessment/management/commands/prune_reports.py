"""Delete stored PDF reports that no longer match what they show (run daily, e.g. from a systemd timer)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from assessment.services.reports import reports_prune

MAX_DAYS = 36500  # a century: more would date the cutoff before year 1


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = -1
    if not 1 <= days <= MAX_DAYS:
        raise CommandError(
            f"--portfolio-days must be a whole number of days, 1 or more (at most {MAX_DAYS}); got {value!r}."
        )
    return days


class Command(BaseCommand):
    help = (
        "Delete stored PDF reports that are stale: an assessment's renders other than the one of its last "
        "change, portfolios queued more than --portfolio-days ago and all but each agency's latest portfolio. "
        "Finished jobs of the task queue are pruned by prune_db_task_results."
    )

    def add_arguments(self, parser):
        parser.add_argument("--portfolio-days", default="1", help="keep portfolios this many days (default 1)")

    def handle(self, *args, portfolio_days, **options):
        deleted = reports_prune(portfolio_age=timedelta(days=_days(portfolio_days)))
        self.stdout.write(f"Deleted {deleted} stale stored report(s).")
