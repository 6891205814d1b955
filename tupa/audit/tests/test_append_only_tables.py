"""The test databases protect exactly the listed append-only tables, on PostgreSQL too.

Every stage of ``make test`` builds the schema from the models and installs the triggers from
``tupa.core.append_only.TABLES`` (conftest.py, ADR 0013 and 0016). Here, on PostgreSQL, the
installed triggers are compared with the list — tables and messages. That the migrations
create the same triggers is checked in ``tupa/core/tests/test_migrations_postgres.py``.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tupa.core import append_only

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def test_the_listed_tables_are_protected_with_their_messages() -> None:
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
