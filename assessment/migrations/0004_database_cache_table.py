"""The table of the shared database cache (settings.CACHES), made by `migrate`.

Django makes it only with a separate `createcachetable` run, which a deployment,
a fresh laptop or a test database could miss; here `migrate` alone is enough,
on SQLite and PostgreSQL alike. Running it again is harmless: existing tables
are left as they are.
"""
from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def _database_cache_tables() -> list[str]:
    return [
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    ]


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for table in _database_cache_tables():
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_provider_sign_in")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
