"""Timestamps read from PostgreSQL by psycopg's compiled loader, not Django's Python one.

Django's PostgreSQL backend (psycopg 3) registers its own loader for ``timestamptz`` so that a
moment comes back in the connection's time zone (UTC here). It derives that loader from
psycopg's pure-Python ``TimestamptzLoader`` — the compiled one of ``psycopg[binary]`` cannot be
subclassed — so every moment read is parsed by a regular expression in Python (Django ticket
#36960, psycopg issue #1273). A THL return page reads ≈ 550 of them, a caseload or client list
hundreds: 2.2 ms per 600 moments against 0.9 with the compiled loader (measured on the
federation-scale database, ``docs/performance.md``, sixteenth stop).

:func:`install` registers, on each new PostgreSQL connection, a loader that hands the text to
psycopg's compiled loader and sets the time zone exactly as Django's does
(``replace(tzinfo=connection.timezone)``), with the ``timezone`` attribute Django compares
before each cursor (equal, so Django keeps it). It does so only where the result is the same:
time-zone support on with the connection in UTC (``USE_TZ`` and no database ``TIME_ZONE``,
Tupa's settings) and a compiled loader present; otherwise Django's loader stays.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.backends.signals import connection_created


@functools.cache
def _fast_loader(compiled: type) -> type:
    from psycopg.adapt import Loader

    class UtcTimestamptzLoader(Loader):
        """psycopg's compiled ``timestamptz`` loader, its result in UTC (as Django's)."""

        #: What Django's backend compares with the connection's time zone before each cursor.
        timezone = dt.UTC

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._load = compiled(oid, context).load

        def load(self, data: Any) -> dt.datetime:
            return self._load(data).replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]

    return UtcTimestamptzLoader


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "postgresql" or connection.timezone != dt.UTC:
        return
    import psycopg
    from psycopg.pq import Format
    from psycopg.types.datetime import TimestamptzLoader

    oid = psycopg.adapters.types["timestamptz"].oid
    compiled = psycopg.adapters.get_loader(oid, Format.TEXT)
    if compiled is None or compiled is TimestamptzLoader:  # no compiled implementation
        return
    connection.connection.adapters.register_loader("timestamptz", _fast_loader(compiled))


def install() -> None:
    """Register the loader on every new database connection (see the module)."""
    connection_created.connect(_on_connection_created, dispatch_uid="tupa.core.timestamps")
