"""Write a loaded questionnaire version back out as YAML."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment import models
from assessment.domain.schema import questionnaire_to_yaml
from assessment.selectors.questionnaires import questionnaire_domain


class Command(BaseCommand):
    help = "Export a questionnaire version as YAML that loads back to identical content."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version names a questionnaire version; it replaces Django's own --version flag.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--version", dest="qversion", help="version to export (default: the newest)")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, slug, qversion, output, **options):
        versions = models.QuestionnaireVersion.objects.filter(slug=slug)
        if not versions.exists():
            known = ", ".join(sorted(set(models.QuestionnaireVersion.objects.values_list("slug", flat=True)))) or "none"
            raise CommandError(f'No questionnaire with slug "{slug}". Loaded slugs: {known}.', returncode=1)
        if qversion:
            version = versions.filter(version=qversion).first()
            if version is None:
                known = ", ".join(versions.values_list("version", flat=True))
                raise CommandError(f'"{slug}" has no version "{qversion}". Versions: {known}.', returncode=1)
        else:
            version = versions.order_by("-created_at", "-id").first()
            assert version is not None  # versions.exists() above
        text = questionnaire_to_yaml(questionnaire_domain(version))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {slug} {version.version} to {output}")
        else:
            self.stdout.write(text, ending="")
