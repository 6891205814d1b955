"""The list of append-only tables (``tupa.core.append_only.TABLES``) is what the migrations did.

The SQLite stages of ``make test`` build the schema from the models and install the triggers
from that list (conftest.py, ADR 0013); PostgreSQL builds it by the migrations, as production
does. Here, on PostgreSQL, the triggers the migrations created are compared with the list —
tables and messages — so neither can drift from the other.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tupa.core import append_only

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def test_the_schema_was_built_by_the_migrations() -> None:
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("audit", "0007_disclosure_access_request") in applied
    assert ("statistics", "0001_initial") in applied


def test_the_migrations_protect_exactly_the_listed_tables_with_their_messages() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, p.prosrc
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND t.tgname = c.relname || '_append_only'
            """
        )
        found = dict(cursor.fetchall())
    assert set(found) == set(append_only.TABLES)
    for table, message in append_only.TABLES.items():
        assert message in found[table], table
