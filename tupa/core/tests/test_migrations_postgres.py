"""On PostgreSQL the migrations build exactly the schema the models describe (ADR 0016).

Every stage of ``make test`` creates its test databases from the models (``--nomigrations``;
``conftest.py`` adds the append-only triggers from ``tupa.core.append_only.TABLES``). What the
migrations do is checked once, here: ``manage.py migrate`` — the command production runs —
builds a database of its own on the throw-away PostgreSQL cluster, and its schema is compared
with the test database's: every table and column (type, length, precision, null, identity),
every constraint and index by its definition (names are left out: a renamed model keeps its
old constraint names, which is harmless), and the append-only triggers with their messages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tupa.core import append_only, planner_statistics

#: One pytest-xdist worker runs the module, so the migrations run once (``--dist loadgroup``).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres_only,
    pytest.mark.xdist_group("migrations"),
]

COLUMNS = """
    SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision,
           numeric_scale, is_nullable, is_identity
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> 'django_migrations'
"""
CONSTRAINTS = """
    SELECT conrelid::regclass::text, contype, pg_get_constraintdef(oid)
    FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'django_migrations'
"""
#: ``CREATE [UNIQUE] INDEX <name> ON …``: the definition without the name
INDEXES = """
    SELECT tablename, regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON')
    FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> 'django_migrations'
"""
TRIGGERS = """
    SELECT c.relname, t.tgname, p.prosrc
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE NOT t.tgisinternal
"""

#: Extended statistics: (name, table, kinds, columns in table order)
STATISTICS = """
    SELECT s.stxname, s.stxrelid::regclass::text, s.stxkind::text[],
           ARRAY(SELECT a.attname::text FROM pg_attribute a
                 WHERE a.attrelid = s.stxrelid AND a.attnum = ANY (s.stxkeys) ORDER BY a.attnum)
    FROM pg_statistic_ext s
    WHERE s.stxnamespace = 'public'::regnamespace
"""


def _cache_tables() -> set[str]:
    """The database cache's tables: the test runner creates them (``createcachetable``),
    the migrations do not (production runs ``createcachetable`` after ``migrate``)."""
    caches: dict[str, Any] = settings.CACHES
    return {
        str(cache["LOCATION"])
        for cache in caches.values()
        if str(cache["BACKEND"]).endswith("DatabaseCache")
    }


def _ignored(row: tuple[Any, ...]) -> bool:
    """Rows the comparison leaves out: the cache tables, and the id of Django's own through
    table of ``auth.Group.permissions``, whose type Django's auth migrations and its model
    state differently (``bigint`` and ``integer``) — not Tupa's schema."""
    table = row[0]
    if table in _cache_tables():
        return True
    return table == "auth_group_permissions" and row[1] == "id"


def _schema(cursor: Any) -> dict[str, Counter[tuple[Any, ...]]]:
    found = {}
    for name, sql in (("columns", COLUMNS), ("constraints", CONSTRAINTS), ("indexes", INDEXES)):
        cursor.execute(sql)
        found[name] = Counter(tuple(row) for row in cursor.fetchall())
    return found


def _triggers(cursor: Any) -> set[tuple[str, str, str]]:
    """(table, trigger, the function's source with its white space collapsed)"""
    cursor.execute(TRIGGERS)
    return {(table, name, " ".join(source.split())) for table, name, source in cursor.fetchall()}


@pytest.fixture(scope="module")
def migrated(django_db_setup: Any, django_db_blocker: Any) -> Iterator[psycopg.Connection[Any]]:
    """A database of its own, built by ``manage.py migrate``; dropped afterwards."""
    params = connection.settings_dict
    name = f"{params['NAME']}_migrated"
    with django_db_blocker.unblock():
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            host = quote(params["HOST"] or "", safe="")
            url = f"postgres://{params['USER']}@{host}:{params['PORT'] or 5432}/{name}"
            result = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "1"],
                cwd=settings.BASE_DIR,
                env={**os.environ, "DATABASE_URL": url},
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            with psycopg.connect(
                dbname=name, host=params["HOST"], port=params["PORT"], user=params["USER"]
            ) as conn:
                yield conn
        finally:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_every_migration_on_disk_was_applied(migrated: psycopg.Connection[Any]) -> None:
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    with migrated.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    assert on_disk - applied == set()
    assert ("audit", "0007_disclosure_access_request") in applied


def test_the_migrations_build_the_models_schema(migrated: psycopg.Connection[Any]) -> None:
    with migrated.cursor() as cursor:
        by_migrations = _schema(cursor)
    with connection.cursor() as cursor:
        by_models = _schema(cursor)
    differences = {}
    for part, rows in by_models.items():
        only_models = sorted(r for r in (rows - by_migrations[part]).elements() if not _ignored(r))
        only_migrations = sorted(
            r for r in (by_migrations[part] - rows).elements() if not _ignored(r)
        )
        if only_models or only_migrations:
            differences[part] = {"models": only_models, "migrations": only_migrations}
    assert differences == {}
    assert len(by_models["columns"]) > 1000  # the comparison is not vacuous


def test_the_migrations_protect_exactly_the_listed_tables(
    migrated: psycopg.Connection[Any],
) -> None:
    """The triggers of the migrations are those of ``append_only.TABLES`` (what the test
    databases install), with the same names and messages."""
    with migrated.cursor() as cursor:
        by_migrations = _triggers(cursor)
    with connection.cursor() as cursor:
        by_models = _triggers(cursor)
    assert by_migrations == by_models
    protected = {
        table: source for table, name, source in by_migrations if name == f"{table}_append_only"
    }
    assert set(protected) == set(append_only.TABLES)
    for table, message in append_only.TABLES.items():
        assert message in protected[table], table


def _statistics(cursor: Any) -> set[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    cursor.execute(STATISTICS)
    return {(name, table, tuple(kinds), tuple(cols)) for name, table, kinds, cols in cursor}


def test_the_migrations_create_exactly_the_listed_planner_statistics(
    migrated: psycopg.Connection[Any],
) -> None:
    """The extended statistics of the migrations are those of ``planner_statistics.STATISTICS``
    (what the test databases install): names, tables, columns, functional dependencies."""
    with migrated.cursor() as cursor:
        by_migrations = _statistics(cursor)
    with connection.cursor() as cursor:
        by_models = _statistics(cursor)
    assert by_migrations == by_models
    assert by_migrations == {
        (name, spec.table, ("f",), spec.columns)
        for name, spec in planner_statistics.STATISTICS.items()
    }
