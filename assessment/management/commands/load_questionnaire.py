"""Validate questionnaire YAML files and load them, all or nothing.

Each file's crosswalk, `crosswalks/<slug>-<version>.yaml` beside it
(docs/questionnaire-format.md, section 7), is checked and loaded with it.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment import models
from assessment.domain.crosswalk import Crosswalk
from assessment.domain.crosswalk_loader import CrosswalkInvalid, parse_crosswalk
from assessment.domain.schema import Problem, QuestionnaireInvalid, parse_questionnaire
from assessment.services.crosswalks import CrosswalkConflict, crosswalk_load, stored_questionnaire_of
from assessment.services.questionnaires import REPLACED, QuestionnaireConflict, questionnaire_load, questionnaire_plan


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
            replaced = plan.version if plan.action == REPLACED else None
            if replaced is not None and replaced.status == models.QuestionnaireVersion.DRAFT:
                # A draft is its editors' work in the admin; loading would replace it and publish the file unseen.
                problems.append(
                    Problem(
                        name,
                        _line_of_key(text, "version"),
                        f'version "{key[1]}" of "{key[0]}" is a draft in the admin with other content; this '
                        "command does not replace drafts: publish or delete the draft there, import the file "
                        "from the admin, or give the file another version",
                    )
                )
                continue
            parsed.append((name, questionnaire, plan))
        by_version = {(q.slug, q.version): q for _name, q, _plan in parsed}
        crosswalks = []
        for name, questionnaire, _plan in parsed:
            path = Path(name).parent / "crosswalks" / f"{questionnaire.slug}-{questionnaire.version}.yaml"
            if path.is_file():
                warnings: list[Problem] = []
                found = self.crosswalk_read(path, by_version, problems, warnings)
                for warning in warnings:
                    self.stderr.write(f"warning: {warning}")
                if found is not None:
                    crosswalks.append((str(path), found))

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
            for name, _found in crosswalks:
                self.stdout.write(f"{name}: valid")
            self.stdout.write("Dry run: nothing was written.")
            return

        with transaction.atomic():
            outcomes = [(name, q, questionnaire_load(q, loaded_from=Path(name).name)) for name, q, _ in parsed]
            try:
                loaded = [
                    (name, c, crosswalk_load(c, text=text, loaded_from=Path(name).name))
                    for name, (c, text) in crosswalks
                ]
            except CrosswalkConflict as exc:  # a revision in use with other content: nothing is written
                transaction.set_rollback(True)
                raise CommandError(f"{exc}; nothing was written.", returncode=1) from None
        for name, questionnaire, outcome in outcomes:
            self.stdout.write(f"{name}: {outcome.describe(questionnaire)}")
        for name, crosswalk, crosswalk_outcome in loaded:
            self.stdout.write(f"{name}: {crosswalk_outcome.describe(crosswalk)}")

    def crosswalk_read(
        self, path: Path, by_version: dict, problems: list[Problem], warnings: list[Problem]
    ) -> tuple[Crosswalk, str] | None:
        """The checked crosswalk and its text; its problems go to `problems`, its warnings to `warnings`."""
        name = str(path)
        try:
            data = path.read_bytes()
            crosswalk, found_warnings = parse_crosswalk(
                data,
                name,
                lambda slug, version: by_version.get((slug, version)) or stored_questionnaire_of(slug, version),
            )
        except OSError as exc:
            problems.append(Problem(name, 0, f"cannot read the file: {exc.strerror or exc}"))
            return None
        except CrosswalkInvalid as exc:
            problems.extend(exc.problems)
            return None
        warnings.extend(found_warnings)
        return crosswalk, data.decode("utf-8")
