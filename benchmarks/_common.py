"""What the benchmark scripts share: the database they run against and how they time things.

Importing this module puts the project root and ``scripts/`` (for ``pg_cluster``) on
``sys.path``, so a script run as ``.venv/bin/python benchmarks/<name>.py`` can import the project.
Django is configured only by :func:`configure_django` (through :func:`run_with_database` or
:func:`local_database`): nothing here imports Django before that.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


# --------------------------------------------------------------------------- the database


def configure_django(database_url: str) -> None:
    """Django against ``database_url`` with production-like settings (no debug, no 2FA)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("TUPA_ENV", "development")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["TUPA_REQUIRE_2FA"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["TUPA_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@contextlib.contextmanager
def local_database(keep_db: bool, sqlite_name: str) -> Iterator[None]:
    """Django against ``DATABASE_URL`` as is with ``keep_db`` (when it is set), else against a
    temporary SQLite file ``sqlite_name`` that is deleted afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        if keep_db and "DATABASE_URL" in os.environ:
            configure_django(os.environ["DATABASE_URL"])
        else:
            configure_django(f"sqlite:///{tmp}/{sqlite_name}")
        yield


def add_database_options(parser: argparse.ArgumentParser) -> None:
    """``--postgres`` or ``--keep-db`` (neither: a temporary SQLite file)."""
    db = parser.add_mutually_exclusive_group()
    db.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL cluster")
    db.add_argument("--keep-db", action="store_true", help="use DATABASE_URL as is")


def run_with_database(
    args: argparse.Namespace, run: Callable[[argparse.Namespace], None], sqlite_name: str
) -> int:
    """``run(args)`` on the database :func:`add_database_options` chose; the exit status (3 if
    the PostgreSQL cluster cannot be started)."""
    if args.postgres:
        from pg_cluster import ClusterUnavailable, temporary_cluster

        try:
            with temporary_cluster() as url:
                configure_django(url)
                run(args)
        except ClusterUnavailable as exc:
            print(f"cannot start PostgreSQL: {exc}", file=sys.stderr)
            return 3
        return 0
    with local_database(args.keep_db, sqlite_name):
        run(args)
    return 0


def migrate() -> None:
    """Migrate the database and say how long it took on which kind of database."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s ({connection.vendor})", flush=True)


def vacuum_analyze() -> None:
    """What autovacuum would do after a bulk load, done now and timed: planner statistics and,
    on PostgreSQL, the visibility map and hint bits — so that the measurements neither pay for
    them nor run while autovacuum catches up (run I: the hand SQL 3.2 ms on the fresh
    database, 1.8 ms on the same data after ``VACUUM``). Without the statistics SQLite reads
    the stays through the organisation index (every unit's stays) instead of the place index."""
    from django.db import connection

    started = time.perf_counter()
    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(command)
    print(f"{command} in {time.perf_counter() - started:.1f} s", flush=True)


# --------------------------------------------------------------------------- measuring


class TimedExecute:
    """A database execute wrapper that times each query and hands it to :meth:`record`."""

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.record(sql, params, time.perf_counter() - started)

    def record(self, sql: str, params: Any, seconds: float) -> None:
        raise NotImplementedError


class SqlTimer(TimedExecute):
    """Counts the queries and sums the time spent inside the database driver."""

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def record(self, sql: str, params: Any, seconds: float) -> None:
        self.seconds += seconds
        self.queries += 1


@contextlib.contextmanager
def timed_sql() -> Iterator[SqlTimer]:
    from django.db import connection

    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        yield timer


@dataclass
class Timings:
    """``repeat`` runs of a function after the warm-up runs."""

    #: what the first warm-up run returned
    warm_up: Any
    #: wall time of each run, ms
    totals: list[float]
    #: time inside the database driver of each run, ms
    sql: list[float]
    #: queries of the last run
    queries: int


#: Untimed runs before the timed ones. psycopg prepares a query once a connection has run it
#: more than ``prepare_threshold`` (5) times (ADR 0022), so with one warm-up run the first four
#: timed runs of a page still had PostgreSQL plan every query again: 4 of 30 runs, which set the
#: p95. After six runs every query of the page is prepared, as on a server that has warmed up.
WARM_UP_RUNS = 6


def time_runs(repeat: int, fn: Callable[[], Any]) -> Timings:
    """Run ``fn`` :data:`WARM_UP_RUNS` times to warm up (caches, prepared plans, first-request
    work), then ``repeat`` times, timing each run and its queries."""
    return time_rounds(repeat, [fn])[0]


def time_rounds(repeat: int, fns: Sequence[Callable[[], Any]]) -> list[Timings]:
    """:func:`time_runs` for several functions at once: each warmed up as there, then
    ``repeat`` rounds that run each function once, so that a burst of the machine's load
    weighs on every function alike."""
    warm_ups = []
    for fn in fns:
        warm_ups.append(fn())
        for _ in range(WARM_UP_RUNS - 1):
            fn()
    timings = [Timings(warm_up, [], [], 0) for warm_up in warm_ups]
    for _ in range(repeat):
        for fn, into in zip(fns, timings, strict=True):
            with timed_sql() as timer:
                started = time.perf_counter()
                fn()
                into.totals.append((time.perf_counter() - started) * 1000)
            into.sql.append(timer.seconds * 1000)
            into.queries = timer.queries
    return timings


def request(client: Any, target: Any) -> Any:
    """The test client's response to ``target``: a URL (GET), ``("POST", url, data)`` or
    ``("HX", url)`` (a GET as htmx asks it: the ``HX-Request`` header)."""
    if isinstance(target, tuple) and target[0] == "HX":
        return client.get(target[1], HTTP_HX_REQUEST="true")
    if isinstance(target, tuple):
        return client.post(target[1], target[2])
    return client.get(target)
