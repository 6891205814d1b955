"""The one append-only helper (tupa/audit/append_only.py) that future migrations use.

The landed migrations keep their own copies of the trigger SQL; these tests pin that the helper
writes exactly the same SQL (so audit 0002/0006/0007 and accounts 0003 are expressible by it),
and that its triggers refuse changes on a table of their own.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import DatabaseError, connection, migrations, transaction

from tupa.core import append_only

pytestmark = pytest.mark.django_db

LANDED = {
    "tupa.audit.migrations.0002_append_only_triggers": "access log is append-only",
    "tupa.audit.migrations.0006_anomalyreview": "anomaly review log is append-only",
    "tupa.accounts.migrations.0003_securityevent": "security event log is append-only",
}


@pytest.mark.parametrize("module_name", sorted(LANDED))
def test_the_landed_single_table_migrations_write_the_same_sql(module_name: str) -> None:
    landed = importlib.import_module(module_name)
    message = LANDED[module_name]
    assert message == landed.MESSAGE
    table = "some_table"
    assert landed._sqlite_sql(table) == append_only._sqlite_sql(table, message)
    assert landed._postgresql_sql(table) == append_only._postgresql_sql(table, message)


def test_the_landed_disclosure_migration_writes_the_same_sql() -> None:
    landed = importlib.import_module("tupa.audit.migrations.0007_disclosure_access_request")
    for table, message in landed.TABLES.items():
        assert landed._sqlite_sql(table, message) == append_only._sqlite_sql(table, message)
        assert landed._postgresql_sql(table, message) == append_only._postgresql_sql(table, message)


class _Editor:
    """What install/uninstall need of a schema editor: the connection and ``execute``."""

    connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_operation_installs_triggers_that_refuse_changes_and_can_be_undone() -> None:
    table = "audit_h3b_append_only_probe"
    _raw(f"CREATE TABLE {table} (id integer PRIMARY KEY, value varchar(10))")
    _raw(f"INSERT INTO {table} (id, value) VALUES (1, 'a')")
    operation = append_only.operation({table: "probe log is append-only"})
    assert isinstance(operation, migrations.RunPython)
    assert operation.reversible
    assert not operation.elidable
    editor = _Editor()
    operation.code(None, editor)
    operation.code(None, editor)  # idempotent: a reinstall after a table remake
    with pytest.raises(DatabaseError, match="probe log is append-only"):
        _raw(f"UPDATE {table} SET value = 'b'")
    with pytest.raises(DatabaseError, match="probe log is append-only"):
        _raw(f"DELETE FROM {table}")
    _raw(f"INSERT INTO {table} (id, value) VALUES (2, 'c')")  # appending stays possible
    assert operation.reverse_code is not None
    operation.reverse_code(None, editor)
    _raw(f"UPDATE {table} SET value = 'b'")
    _raw(f"DROP TABLE {table}")


@pytest.mark.parametrize(
    ("table", "message"),
    [("x; DROP TABLE y", "log is append-only"), ("audit_x", "it's append-only")],
)
def test_unsafe_names_are_refused(table: str, message: str) -> None:
    with pytest.raises(ValueError, match="unsafe"):
        append_only.install(_Editor(), table, message)
