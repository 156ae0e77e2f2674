"""What the data migrations that give a group permissions share (Django's loader skips modules named _*).

Permissions are created first (Django creates them only after all migrations ran), so the group
gets them on a fresh database too.
"""

from django.contrib.auth.management import create_permissions


def group_grant(apps, group_name: str, codenames: list[str]) -> None:
    """Give the group (made if missing) these permissions of the app; every one must exist."""
    app_config = apps.get_app_config("assessment")
    app_config.models_module = True  # create_permissions skips app configs without models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="assessment", codename__in=codenames)
    missing = sorted(set(codenames) - set(permissions.values_list("codename", flat=True)))
    if missing:
        raise RuntimeError(f"permissions not found: {', '.join(missing)}")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*permissions)


def group_revoke(apps, group_name: str, codenames: list[str]) -> None:
    """Take these permissions of the app from the group, if it exists."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=group_name).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="assessment", codename__in=codenames)
        )
