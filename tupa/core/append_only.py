"""Append-only tables: the one model base, queryset and migration helper.

The access log, the anomaly reviews, the disclosure log, the access requests' history and
their frozen decision letters, the security event log, the sent returns and the client journal
(its entries, their links to participants and co-workers, and their attachments) are
append-only: a row is written once and never changed or removed. Two layers refuse changes:

- **Python**: models subclass :class:`AppendOnlyModel` (``save`` of an existing row and
  ``delete`` raise) and use :class:`AppendOnlyManager` (or pass it as ``_manager_class`` of a
  ``ScopedManager``), whose queryset refuses ``update``/``delete``/``bulk_update``/
  ``update_or_create`` and the fast deletes of cascades. The model names the error class
  (``append_only_error``) and its message (``append_only_message``, the same text the
  database triggers use).
- **Database**: triggers refuse ``UPDATE`` and ``DELETE`` for every client of the database,
  raw SQL included; on PostgreSQL ``TRUNCATE`` of a non-empty table is refused as well (an
  empty table may be truncated, so ``manage.py flush`` and the test runner keep working).

The trigger SQL of the landed migrations (audit ``0002``, ``0006``, ``0007``, accounts
``0003``) is a copy of :func:`install`/:func:`uninstall` and stays as it is (migrations are
history). **Future migrations use this module**::

    from tupa.core import append_only

    operations = [
        migrations.CreateModel(...),
        append_only.operation({"app_table": "table log is append-only"}),
    ]

and a migration that *remakes* such a table on SQLite (most ``AlterField`` operations, adding a
NOT NULL column) drops its triggers with the old table, so it must end with the same
:func:`operation` again. Audit ``0002`` is exactly
``operation({"audit_accessevent": "access log is append-only"})``, and so are its reinstalls in
``0004``/``0005`` (the operation drops what is there before installing).

A retention purge is a deliberate, reviewed maintenance operation: :func:`uninstall`, purge,
:func:`install`, in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar, NoReturn, TypeVar

from django.db import migrations, models

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a row of an append-only table."""


def _refuse(model: Any) -> NoReturn:
    raise model.append_only_error(model.append_only_message)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """Refuses every bulk change with the error and message of its :class:`AppendOnlyModel`."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model)

    def delete(self) -> NoReturn:  # type: ignore[override]
        _refuse(self.model)

    def _raw_delete(self, using: Any) -> NoReturn:  # cascades and fast deletes end up here
        _refuse(self.model)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse(self.model)

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(self.model)


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AppendOnlyModel(models.Model):
    """A row is inserted once; saving it again or deleting it raises ``append_only_error``."""

    #: The message of the error (and of the table's database triggers).
    append_only_message: ClassVar[str] = "table is append-only"
    #: The exception raised on a change.
    append_only_error: ClassVar[type[Exception]] = AppendOnlyError

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(self)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        _refuse(self)


# --- Database triggers (for future migrations) -------------------------------------------------


_TABLE = re.compile(r"^[a-z][a-z0-9_]*$")
_MESSAGE = re.compile(r"^[A-Za-z0-9 _.,-]+$")


def _checked(table: str, message: str = "table is append-only") -> str:
    """``table``, once it and ``message`` are safe to paste into SQL (they come from code)."""
    if not _TABLE.match(table) or not _MESSAGE.match(message):
        raise ValueError(f"unsafe table name or message for a trigger: {table!r}, {message!r}")
    return table


def _sqlite_sql(table: str, message: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
    ]


def _postgresql_sql(table: str, message: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$;
        """,
        f"""
        CREATE OR REPLACE FUNCTION {table}_no_truncate() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM {table}) THEN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END;
        $$;
        """,  # noqa: S608 - table and message are checked identifiers from migration code
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate();",
    ]


def install(schema_editor: Any, table: str, message: str) -> None:
    """Create the triggers of ``table`` (SQLite or PostgreSQL; any other database fails closed)."""
    vendor = schema_editor.connection.vendor
    table = _checked(table, message)
    if vendor == "sqlite":
        statements = _sqlite_sql(table, message)
    elif vendor == "postgresql":
        statements = _postgresql_sql(table, message)
    else:  # fail closed: an unprotected log on an unknown database is not acceptable
        raise NotImplementedError(f"append-only triggers are not implemented for {vendor}")
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor: Any, table: str) -> None:
    """Drop the triggers of ``table`` (and on PostgreSQL their functions), if present."""
    vendor = schema_editor.connection.vendor
    table = _checked(table)
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


def _forwards(tables: Mapping[str, str], apps: Any, schema_editor: Any) -> None:
    for table, message in tables.items():
        uninstall(schema_editor, table)  # idempotent: also a reinstall after a table remake
        install(schema_editor, table, message)


def _backwards(tables: Mapping[str, str], apps: Any, schema_editor: Any) -> None:
    for table in tables:
        uninstall(schema_editor, table)


def operation(tables: Mapping[str, str]) -> migrations.RunPython:
    """The migration operation installing the triggers of ``{table: message}`` (reversible).

    For future migrations (see the module docstring); the landed ones keep their own copy.
    Idempotent (drops what is there first), so the same operation installs the triggers of a new
    table and reinstalls them after a migration that remade the table on SQLite.
    """
    frozen = dict(tables)
    return migrations.RunPython(
        partial(_forwards, frozen), partial(_backwards, frozen), elidable=False
    )


#: Every table the migrations protect with these triggers, and its message. The migrations are
#: what production runs; this list is what a schema built from the models instead (the SQLite
#: test stages, ADR 0013) installs after creating the tables. A PostgreSQL test compares it
#: with the triggers the migrations actually created
#: (``tupa/audit/tests/test_append_only_tables.py``), so a new protected table cannot be
#: missing here.
TABLES: dict[str, str] = {
    "audit_accessevent": "access log is append-only",
    "audit_anomalyreview": "anomaly review log is append-only",
    "accounts_securityevent": "security event log is append-only",
    "audit_disclosure": "disclosure log is append-only",
    "audit_disclosuresubject": "disclosure log is append-only",
    "audit_accessrequeststep": "access request history is append-only",
    "audit_accessrequestitemdecision": "access request history is append-only",
    "statistics_submission": "a sent return is frozen",
    "episodes_entry": "journal is append-only",
    "episodes_entry_participants": "journal is append-only",
    "episodes_entry_co_workers": "journal is append-only",
    "episodes_attachment": "journal is append-only",
    "dataprotection_accessrequestletter": "a decided access request letter is frozen",
}


def install_all(schema_editor: Any) -> None:
    """The triggers of every table of :data:`TABLES` (a schema made without the migrations)."""
    for table, message in TABLES.items():
        install(schema_editor, table, message)
