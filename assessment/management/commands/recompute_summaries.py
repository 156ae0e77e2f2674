"""Recompute the stored figures of every submitted assessment (after a change to the scoring rules).

Idempotent: each assessment's summary rows are replaced by freshly computed ones,
then every division's tallies by freshly counted ones.
"""

from django.core.management.base import BaseCommand

from assessment.services.summaries import summaries_recompute_all


class Command(BaseCommand):
    help = "Recompute the stored scores, levels and Now steps of every submitted assessment."

    def handle(self, *args, **options):
        count = summaries_recompute_all()
        self.stdout.write(f"Recomputed the summaries of {count} submitted assessment(s).")
