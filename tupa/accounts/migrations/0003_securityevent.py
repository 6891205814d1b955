"""The security event log (failed logins, lockouts and their lifting, refused requests).

Append-only like the access log: the Python layer refuses changes, and these triggers refuse
``UPDATE`` and ``DELETE`` (and, on PostgreSQL, ``TRUNCATE`` of a non-empty table) for every client
of the database. The SQL is the access log's (``audit/0002``) with this log's own message.
A later migration that remakes the table on SQLite must call :func:`install` again
(``test_security_log_triggers_exist`` catches a forgotten reinstall).
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models

MESSAGE = "security event log is append-only"
TABLE = "accounts_securityevent"


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
    else:  # fail closed, like the access log
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
    install(schema_editor, apps.get_model("accounts", "SecurityEvent")._meta.db_table)


def backwards(apps: Any, schema_editor: Any) -> None:
    uninstall(schema_editor, apps.get_model("accounts", "SecurityEvent")._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("organisations", "0003_service_form_pregnancy_stays"),
    ]

    operations = [
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "occurred_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        editable=False,
                        verbose_name="aika",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("login_failed", "epäonnistunut kirjautuminen"),
                            ("second_factor_failed", "virheellinen vahvistuskoodi"),
                            ("locked_out", "tunnus lukittiin"),
                            ("lockout_lifted", "lukitus poistettiin"),
                            ("refused", "torjuttu pyyntö"),
                        ],
                        max_length=30,
                        verbose_name="tapahtuma",
                    ),
                ),
                ("path", models.CharField(blank=True, max_length=500, verbose_name="sivun osoite")),
                (
                    "status_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="tilakoodi"
                    ),
                ),
                ("view_name", models.CharField(blank=True, max_length=200, verbose_name="näkymä")),
                ("reason", models.TextField(blank=True, verbose_name="syy")),
                (
                    "request_id",
                    models.CharField(blank=True, max_length=64, verbose_name="pyyntötunniste"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        help_text="Pääkäyttäjä, joka poisti lukituksen.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="tekijä",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisaatio",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        help_text="Tili, jota tapahtuma koskee; tyhjä, jos tunnusta ei ole olemassa.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="käyttäjä",
                    ),
                ),
            ],
            options={
                "verbose_name": "turvallisuustapahtuma",
                "verbose_name_plural": "turvallisuustapahtumat",
                "ordering": ["-occurred_at", "-id"],
                "default_permissions": ("view",),
                "indexes": [
                    models.Index(
                        fields=["organisation", "-occurred_at"], name="security_event_org_time"
                    ),
                    models.Index(fields=["user", "-occurred_at"], name="security_event_user_time"),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
