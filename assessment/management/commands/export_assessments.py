"""Write every assessment (or one team's) to a JSON file, for backups and moves."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment import models
from assessment.services.backups import assessments_export


class Command(BaseCommand):
    help = (
        "Export teams, their assessments (targets, answers, notes) and action plans as JSON that import_assessments "
        "loads into another instance with the same questionnaire versions."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--team", help="only this team (its slug)")

    def handle(self, *args, output, team, **options):
        if team is not None and not models.Team.objects.filter(slug=team).exists():
            known = ", ".join(models.Team.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f'No team with slug "{team}". Teams: {known}.', returncode=1)
        data = assessments_export(team_slug=team)
        evidence = models.Evidence.objects.filter(assessment__team__slug=team) if team else models.Evidence.objects
        if evidence.exists():
            # Not carried yet (docs/evidence.md): say so rather than leave a backup quietly without it.
            self.stderr.write(
                f"Note: {evidence.count()} piece(s) of evidence are not in this export; back up the database "
                "and the evidence files (DATA_DIR/evidence or the bucket) to keep them."
            )
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror or exc}", returncode=1) from exc
            self.stderr.write(
                f"Wrote {len(data['teams'])} team(s) and {len(data['assessments'])} assessment(s) to {output}"
            )
        else:
            self.stdout.write(text, ending="")
