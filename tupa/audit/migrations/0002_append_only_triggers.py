"""Make the access log append-only in the database itself.

The Python layer (``AccessEvent.save``/``delete`` and its queryset) refuses changes too, but
that only stops well-behaved code. These triggers refuse ``UPDATE`` and ``DELETE`` for every
client of the database, raw SQL included; on PostgreSQL ``TRUNCATE`` of a non-empty log is
refused as well (an empty table may be truncated so that ``manage.py flush`` and the test
runner's flush keep working).

Notes for later migrations:

* On SQLite, a migration that *remakes* the table (most ``AlterField`` operations, adding a
  NOT NULL column) drops these triggers with the old table. Such a migration must call
  :func:`install` again. ``test_triggers_exist`` catches a forgotten reinstall.
* A retention purge (deleting events older than the retention period) is a deliberate,
  reviewed maintenance operation: drop the triggers with :func:`uninstall`, purge, reinstall,
  in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

MESSAGE = "access log is append-only"
TABLE = "audit_accessevent"


def _sqlite_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    ]


def _postgresql_sql(table: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$;
        """,
        f"""
        CREATE OR REPLACE FUNCTION {table}_no_truncate() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM {table}) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END;
        $$;
        """,
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate();",
    ]


def install(schema_editor: Any, table: str = TABLE) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_sql(table)
    elif vendor == "postgresql":
        statements = _postgresql_sql(table)
    else:  # fail closed: an unprotected log on an unknown database is not acceptable
        raise NotImplementedError(f"append-only triggers are not implemented for {vendor}")
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor: Any, table: str = TABLE) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [
            f"DROP TRIGGER IF EXISTS {table}_no_update;",
            f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        ]
    elif vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_append_only();",
            f"DROP FUNCTION IF EXISTS {table}_no_truncate();",
        ]
    else:
        return
    for sql in statements:
        schema_editor.execute(sql, params=None)


def forwards(apps: Any, schema_editor: Any) -> None:
    install(schema_editor, apps.get_model("audit", "AccessEvent")._meta.db_table)


def backwards(apps: Any, schema_editor: Any) -> None:
    uninstall(schema_editor, apps.get_model("audit", "AccessEvent")._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
