"""Questionnaire editors may import, export and delete (unused) crosswalk revisions in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Questionnaire editors"
CODENAMES = [f"{action}_crosswalkrevision" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("assessment")
    app_config.models_module = True  # create_permissions skips app configs without models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="assessment", codename__in=CODENAMES)
    missing = sorted(set(CODENAMES) - set(permissions.values_list("codename", flat=True)))
    if missing:
        raise RuntimeError(f"permissions not found: {', '.join(missing)}")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="assessment", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0021_crosswalks")]

    operations = [migrations.RunPython(grant, revoke)]
