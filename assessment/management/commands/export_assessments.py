"""Write every assessment (or one team's) to a JSON file, for backups and moves."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment import models
from assessment.services.backups import assessments_export
from assessment.services.backups_evidence import EvidenceUnreadable, archive_path_for, backup_write


class Command(BaseCommand):
    help = (
        "Export teams, their assessments (targets, answers, notes, profile, evidence) and action plans as JSON that "
        "import_assessments loads into another instance with the same questionnaire versions; evidence files go "
        "in FILE.evidence.zip beside the JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--team", help="only this team (its slug)")

    def handle(self, *args, output, team, **options):
        if team is not None and not models.Team.objects.filter(slug=team).exists():
            known = ", ".join(models.Team.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f'No team with slug "{team}". Teams: {known}.', returncode=1)
        data = assessments_export(team_slug=team)
        files = any("file" in e for a in data["assessments"] for e in a.get("evidence", []))
        if files and not output:
            raise CommandError(
                "The assessments have evidence files, which go in an archive beside the JSON: give -o FILE "
                "(the files are written to FILE.evidence.zip).",
                returncode=1,
            )
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            archived = backup_write(data, text, Path(output))
        except EvidenceUnreadable as exc:
            raise CommandError(f"Cannot export: {exc}; nothing was written.", returncode=1) from exc
        except OSError as exc:
            raise CommandError(
                f"Cannot write {str(exc.filename or output).removesuffix('.partial')}: {exc.strerror or exc}; "
                "nothing was written.",
                returncode=1,
            ) from exc
        self.stderr.write(
            f"Wrote {len(data['teams'])} team(s) and {len(data['assessments'])} assessment(s) to {output}"
        )
        if archived:
            self.stderr.write(f"Wrote {archived} evidence file(s) to {archive_path_for(Path(output))}")
