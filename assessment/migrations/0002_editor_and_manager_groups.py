"""The two admin groups: "Questionnaire editors" and "Team managers".

Permissions are created here first (Django creates them only after all
migrations ran), so the groups get them on a fresh database too.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Questionnaire editors"
MANAGERS = "Team managers"
QUESTIONNAIRE_MODELS = [
    "questionnaireversion", "scalelevel", "practice", "practicerequirement", "practicereference",
    "area", "question", "questionpractice", "choice",
]
TEAM_MODELS = ["agency", "team", "membership", "executive"]
ACTIONS = ["add", "change", "delete", "view"]


def _codenames(models, actions):
    return [f"{action}_{model}" for model in models for action in actions]


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("assessment")
    app_config.models_module = True  # create_permissions skips app configs without models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        EDITORS: _codenames(QUESTIONNAIRE_MODELS, ACTIONS)
        + _codenames([f"historical{m}" for m in QUESTIONNAIRE_MODELS], ["view"]),
        MANAGERS: _codenames(TEAM_MODELS, ACTIONS) + ["view_assessment"],
    }
    for name, codenames in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="assessment", codename__in=codenames)
        found = set(permissions.values_list("codename", flat=True))
        missing = sorted(set(codenames) - found)
        if missing:
            raise RuntimeError(f"permissions not found for group {name}: {', '.join(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, MANAGERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
