"""Validate questionnaire YAML files and load them, all or nothing."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment.domain.schema import Problem, QuestionnaireInvalid, parse_questionnaire
from assessment.services.questionnaires import QuestionnaireConflict, questionnaire_load, questionnaire_plan


def _line_of_key(text: str, key: str) -> int:
    match = re.search(rf"^{key}\s*:", text, flags=re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else 1


class Command(BaseCommand):
    help = (
        "Validate questionnaire YAML files and load them. If any file is refused, "
        "every problem is reported as FILE:LINE: message and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, files, dry_run, **options):
        problems: list[Problem] = []
        parsed = []
        seen: dict[tuple[str, str], str] = {}
        for name in files:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(Problem(name, 0, f"cannot read the file: {exc.strerror or exc}"))
                continue
            try:
                questionnaire = parse_questionnaire(data, name)
            except QuestionnaireInvalid as exc:
                problems.extend(exc.problems)
                continue
            text = data.decode("utf-8")
            key = (questionnaire.slug, questionnaire.version)
            if key in seen:
                problems.append(
                    Problem(
                        name,
                        _line_of_key(text, "version"),
                        f'slug "{key[0]}" version "{key[1]}" is also in {seen[key]}; each version needs its own file',
                    )
                )
                continue
            seen[key] = name
            try:
                plan = questionnaire_plan(questionnaire)
            except QuestionnaireConflict as exc:
                problems.append(Problem(name, _line_of_key(text, "version"), str(exc)))
                continue
            parsed.append((name, questionnaire, plan))

        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            refused = len({p.file for p in problems})
            raise CommandError(
                f"{refused} of {len(files)} file(s) refused, {len(problems)} problem(s); nothing was written.",
                returncode=1,
            )

        if dry_run:
            for name, questionnaire, plan in parsed:
                self.stdout.write(f"{name}: valid; would be {plan.describe(questionnaire)}")
            self.stdout.write("Dry run: nothing was written.")
            return

        with transaction.atomic():
            outcomes = [(name, q, questionnaire_load(q, loaded_from=Path(name).name)) for name, q, _ in parsed]
        for name, questionnaire, outcome in outcomes:
            self.stdout.write(f"{name}: {outcome.describe(questionnaire)}")
