"""Questionnaire editors may import, export and delete (unused) crosswalk revisions in the admin."""

from django.db import migrations

from assessment.migrations._group_permissions import group_grant, group_revoke

EDITORS = "Questionnaire editors"
CODENAMES = [f"{action}_crosswalkrevision" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    group_grant(apps, EDITORS, CODENAMES)


def revoke(apps, schema_editor):
    group_revoke(apps, EDITORS, CODENAMES)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0022_format2_summaries")]

    operations = [migrations.RunPython(grant, revoke)]
