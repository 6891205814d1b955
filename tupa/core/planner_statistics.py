"""Extended planner statistics: what PostgreSQL's planner cannot learn one column at a time.

Every organisation's rows live in the same tables, each with its ``organisation_id``. A service
form belongs to one organisation, so a query that filters a table by both
(``organisation_id = 1 AND service_form_id IN (…)``, which the organisation scope and the
visibility rules write on every client page) selects no fewer rows than the form alone. The
planner does not know that: it multiplies the two columns' selectivities as if they were
independent, and with thirty organisations in one database it expects a thirtieth of a unit's
episodes. A plan built for 25 episodes where there are 800 drives a join from the wrong side.
The search's participations of the persons found were read by walking every episode of the
unit (3.4 ms) instead of the fifty persons' own participations (1.3 ms); see docs/performance.md,
twenty-fifth stop, and ADR 0029.

``CREATE STATISTICS … (dependencies)`` tells the planner that one column decides the other.
This module is the one list of such statistics and the one way to create them:

- migrations create them with :func:`operation` (PostgreSQL only; nothing elsewhere, SQLite has
  no such statistics). The operation runs ``ANALYZE`` on the table, because a new statistics
  object stays empty until the table is next analysed;
- the test databases, built from the models (ADR 0013 and 0016), get them from
  :func:`install_all` (``conftest.py``). A PostgreSQL test compares the migrated database's
  statistics with :data:`STATISTICS` (``tupa/core/tests/test_migrations_postgres.py``).

A new statistics object belongs here only with a measurement: a plan the planner got wrong,
and what it costs with and without the object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial
from typing import Any, NamedTuple

from django.db import migrations


class Dependencies(NamedTuple):
    """Functional dependencies between ``columns`` of ``table``."""

    table: str
    columns: tuple[str, ...]


#: Every extended statistics object the migrations create: name → what it describes.
STATISTICS: dict[str, Dependencies] = {
    # A service form belongs to one organisation (ADR 0029).
    "episodes_episode_organisation_form_stx": Dependencies(
        "episodes_episode", ("organisation_id", "service_form_id")
    ),
}

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _checked(*names: str) -> None:
    for name in names:
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")


def install(schema_editor: Any, name: str, *, analyze: bool = True) -> None:
    """Create the statistics object ``name`` of :data:`STATISTICS` (PostgreSQL only), and
    analyse its table unless ``analyze`` is false (an empty test table has nothing to learn)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    table, columns = STATISTICS[name]
    _checked(name, table, *columns)
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}", params=None)
    schema_editor.execute(
        f"CREATE STATISTICS {name} (dependencies) ON {', '.join(columns)} FROM {table}",
        params=None,
    )
    if analyze:
        schema_editor.execute(f"ANALYZE {table}", params=None)


def uninstall(schema_editor: Any, name: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    _checked(name)
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}", params=None)


def _forwards(names: tuple[str, ...], apps: Any, schema_editor: Any) -> None:
    for name in names:
        install(schema_editor, name)


def _backwards(names: tuple[str, ...], apps: Any, schema_editor: Any) -> None:
    for name in names:
        uninstall(schema_editor, name)


def operation(names: Iterable[str]) -> migrations.RunPython:
    """The migration operation creating the statistics ``names`` of :data:`STATISTICS`
    (reversible, idempotent; nothing off PostgreSQL)."""
    chosen = tuple(names)
    unknown = [name for name in chosen if name not in STATISTICS]
    if unknown:
        raise KeyError(f"not in planner_statistics.STATISTICS: {unknown}")
    return migrations.RunPython(
        partial(_forwards, chosen), partial(_backwards, chosen), elidable=False
    )


def install_all(schema_editor: Any) -> None:
    """Every object of :data:`STATISTICS` (a schema made from the models, without migrations)."""
    for name in STATISTICS:
        install(schema_editor, name, analyze=False)
