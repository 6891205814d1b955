"""The DPO's handling of anomaly findings (``AnomalyReview``), append-only like the access log.

The Python layer refuses changes, and these triggers refuse ``UPDATE`` and ``DELETE`` (and, on
PostgreSQL, ``TRUNCATE`` of a non-empty table) for every client of the database. The SQL is the
access log's (``0002``) with this table's own message. A later migration that remakes the table
on SQLite must call :func:`install` again (``test_review_triggers_exist`` catches a forgotten
reinstall).
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models

MESSAGE = "anomaly review log is append-only"
TABLE = "audit_anomalyreview"


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
    install(schema_editor, apps.get_model("audit", "AnomalyReview")._meta.db_table)


def backwards(apps: Any, schema_editor: Any) -> None:
    uninstall(schema_editor, apps.get_model("audit", "AnomalyReview")._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_accessevent_basis_consent_label"),
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AnomalyReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        choices=[
                            ("no_relationship", "luku ilman voimassa olevaa perustetta"),
                            ("night_read", "yöaikainen luku päivätyötä tekevältä"),
                            ("many_persons", "paljon henkilöitä lyhyessä ajassa"),
                            ("break_glass_unreviewed", "tarkastamaton poikkeuksellinen pääsy"),
                            (
                                "restricted_person",
                                "turvakieltoisen tietojen luku muulla perusteella",
                            ),
                            ("same_surname", "saman sukunimen luku (tarkistettava)"),
                        ],
                        max_length=30,
                        verbose_name="sääntö",
                    ),
                ),
                (
                    "finding_key",
                    models.CharField(max_length=200, verbose_name="havainnon tunniste"),
                ),
                ("finding_at", models.DateTimeField(verbose_name="havainnon aika")),
                ("handled", models.BooleanField(default=True, verbose_name="käsitelty")),
                ("note", models.TextField(verbose_name="huomio")),
                (
                    "handled_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        editable=False,
                        verbose_name="käsitelty",
                    ),
                ),
                (
                    "handled_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="käsittelijä",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisaatio",
                    ),
                ),
                (
                    "staff_user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="käyttäjä",
                    ),
                ),
                (
                    "supersedes",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="audit.anomalyreview",
                        verbose_name="korvaa merkinnän",
                    ),
                ),
            ],
            options={
                "verbose_name": "poikkeaman käsittely",
                "verbose_name_plural": "poikkeamien käsittelyt",
                "ordering": ["-handled_at", "-id"],
                "default_permissions": ("view",),
                "indexes": [
                    models.Index(
                        fields=["organisation", "finding_key"], name="audit_anomaly_review_key"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
