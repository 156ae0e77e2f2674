"""Times and query counts of the questionnaire admin on the real seven-area questionnaire.

    .venv/bin/python bench/admin_versions.py [--repeat 5]

Uses a throw-away SQLite database in a temporary directory (test settings),
loads questionnaires/public-sector-ml.yaml, lets one assessment use it, then
measures: new draft version, the whole-questionnaire check, a typo fix saved
through the admin (form, inlines, bump, digest, check), publish, the admin
pages an editor opens, import preview and export. Prints median milliseconds
and SQL queries per operation. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="bench-admin-")
    os.environ["DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # responses keep their template context, to re-post a form
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import Group, User

    from assessment import models
    from assessment.domain.schema import parse_questionnaire
    from assessment.services.questionnaires import questionnaire_load
    from assessment.services.versions import (
        questionnaire_import_preview,
        version_check,
        version_new_draft,
        version_publish,
    )

    path = REPO / "questionnaires" / "public-sector-ml.yaml"
    text = path.read_bytes()
    version = questionnaire_load(parse_questionnaire(text, path.name), loaded_from=path.name).version
    agency = models.Agency.objects.create(name="Bench")
    team = models.Team.objects.create(agency=agency, name="Bench", slug="bench")
    models.Assessment.objects.create(team=team, questionnaire=version, title="Uses it")
    editor = User.objects.create_user("bench-editor", password="x" * 20, is_staff=True)
    editor.groups.add(Group.objects.get(name="Questionnaire editors"))
    client = Client()
    client.force_login(editor)
    questions = models.Question.objects.filter(area__questionnaire=version).count()
    print(
        f"questionnaire: {questions} questions, {version.practices.count()} practices, SQLite, median of {args.repeat}"
    )

    def measure(label, operation):
        times, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                result = operation()
                times.append((time.perf_counter() - start) * 1000)
            queries = len(captured.captured_queries)
        print(f"  {label:<44} {statistics.median(times):8.1f} ms {queries:6d} queries")
        return result

    drafts = []
    measure("new draft version (service)", lambda: drafts.append(version_new_draft(version)))
    draft = drafts[-1]
    measure("whole-questionnaire check (service)", lambda: version_check(draft))
    measure(
        "GET version change page (draft)",
        lambda: client.get(reverse("admin:assessment_questionnaireversion_change", args=[draft.pk])),
    )
    measure(
        "GET version change page (used, read-only)",
        lambda: client.get(reverse("admin:assessment_questionnaireversion_change", args=[version.pk])),
    )
    question = models.Question.objects.filter(area__questionnaire=draft).first()
    url = reverse("admin:assessment_question_change", args=[question.pk])
    page = measure("GET question change page", lambda: client.get(url))
    measure(
        "GET question list, searched",
        lambda: client.get(reverse("admin:assessment_question_changelist"), {"q": "data"}),
    )

    from tests.admin_forms import form_data

    data = form_data(page)

    def save_typo():
        data["text"] = data["text"] + "!" if not data["text"].endswith("!") else data["text"].rstrip("!")
        response = client.post(url, data)
        assert response.status_code == 302, response.status_code

    measure("POST question typo fix (save + bump + check)", save_typo)
    measure("import preview of the file (service)", lambda: questionnaire_import_preview(text, path.name))
    measure(
        "GET export YAML", lambda: client.get(reverse("admin:assessment_questionnaireversion_export", args=[draft.pk]))
    )
    spare = [version_new_draft(version) for _ in range(args.repeat)]
    measure("publish (service, with check)", lambda: version_publish(spare.pop()))


if __name__ == "__main__":
    main()
