"""Questionnaire editors may edit a choice's practices and needs (the roadmap keys)."""
from django.db import migrations

from assessment.migrations._group_permissions import group_grant, group_revoke

EDITORS = "Questionnaire editors"
MODELS = ["choicepractice", "choiceneed"]
ACTIONS = ["add", "change", "delete", "view"]


def codenames():
    return [f"{action}_{model}" for model in MODELS for action in ACTIONS] + [
        f"view_historical{model}" for model in MODELS
    ]


def grant(apps, schema_editor):
    group_grant(apps, EDITORS, codenames())


def revoke(apps, schema_editor):
    group_revoke(apps, EDITORS, codenames())


class Migration(migrations.Migration):
    dependencies = [("assessment", "0008_roadmap_method_2_keys")]

    operations = [migrations.RunPython(grant, revoke)]
