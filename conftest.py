"""Root pytest configuration, imported before Django's settings.

- ``TUPA_ENV=test`` selects the test profile of config/settings.py (fast MD5 hasher and so on).
- The .mo catalogues are not committed: compile stale ones once per run (GNU gettext not needed).
- Tests marked ``postgres_only`` are skipped, with the reason, when the suite runs on SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

os.environ.setdefault("TUPA_ENV", "test")

import pytest

ROOT = Path(__file__).resolve().parent


def _compile_stale_catalogues() -> None:
    import polib  # type: ignore[import-untyped]

    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        tmp_path = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        polib.pofile(str(po_path)).save_as_mofile(str(tmp_path))
        tmp_path.replace(mo_path)  # atomic: a parallel run never reads half a file


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the pytest-xdist controller, or a serial run
        _compile_stale_catalogues()


#: Test modules of the web layer: pages, access matrices, canary and wall sweeps, headers. Their
#: outcome does not depend on the database (the queries behind them are tested in the services'
#: and selectors' own tests on both), so ``make test`` runs them once, on SQLite
#: (``scripts/test_all.py``, docs/adr/0012-web-tests-on-sqlite.md).
DB_NEUTRAL_MODULES = frozenset(
    {
        "test_canary.py",
        "test_wall.py",
        "test_url_inventory.py",
        "test_security_headers.py",
        "test_deploy_check.py",
        "test_translations.py",
        "test_language.py",
    }
)


def is_db_neutral(path: Path) -> bool:
    return path.name in DB_NEUTRAL_MODULES or "views" in path.stem


#: The fixtures through which a test reaches the database (pytest-django blocks every other
#: access): a test that has none of them and no ``django_db`` mark cannot read it, so its
#: outcome is the same on both databases. (``django_db_blocker`` is in every test's closure,
#: through pytest-django's autouse fixtures; the project's fixtures that unblock it by hand
#: request ``django_db_setup``.)
DB_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
        "_django_db_helper",
    }
)


def reaches_no_database(item: pytest.Item) -> bool:
    """Whether ``item`` cannot touch the database: no ``django_db`` mark and no database
    fixture among all the fixtures it uses (pure functions, property tests)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is None and not fixtures & DB_FIXTURES


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Generator[None, None, None]:
    """Mark the web-layer tests ``db_neutral`` and skip ``postgres_only`` off PostgreSQL; then,
    after every other plugin has run, the xdist groups (``--dist loadgroup``, see
    :func:`_join_xdist_group`)."""
    _mark_and_skip(config, items)
    yield
    if getattr(config.option, "loadgroup", False):  # a worker under --dist loadgroup
        for item in items:
            marker = item.get_closest_marker("xdist_group")
            if marker is not None:
                _join_xdist_group(item, str(marker.kwargs.get("name", marker.args[0])))
        items.sort(key=_heavy_last)


def _heavy_last(item: pytest.Item) -> bool:
    """Under pytest-xdist the heavy work starts first: the groups (a fixture built once: the
    whole demo, the migrations) and the tests marked ``heavy`` (tens of seconds each: the sweeps,
    the suppression's property tests). The scheduler hands out tests in this order, so the
    workers end on short tests together, not one on a 40-second sweep while the other waits.
    A stable sort: otherwise the collection order (every worker sorts the same way)."""
    return (
        item.get_closest_marker("xdist_group") is None and item.get_closest_marker("heavy") is None
    )


def _join_xdist_group(item: pytest.Item, group: str) -> None:
    """Give ``item`` the node id suffix ``@<group>`` by which ``--dist loadgroup`` schedules a
    group on one worker (the whole demo, the migrations: expensive fixtures built once).

    pytest-xdist (3.8) appends it to ``item._nodeid``, which pytest 9.2 no longer reads (node ids
    are structured): the groups are silently ignored and every worker would build the fixture
    (https://github.com/pytest-dev/pytest-xdist/issues/1386). Do nothing when the suffix is there
    (a fixed pytest-xdist) or the structured id is not (an older pytest, where xdist's works).
    """
    suffix = f"@{group}"
    structured = getattr(item, "_id", None)
    parse = getattr(type(structured), "parse", None)
    if item.nodeid.endswith(suffix) or structured is None or parse is None:
        return
    item._id = parse(item.nodeid + suffix)


def _mark_and_skip(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    for item in items:
        if is_db_neutral(Path(str(item.path))) or reaches_no_database(item):
            item.add_marker(pytest.mark.db_neutral)
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL (running on {vendor})")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> None:
    """With ``--nomigrations`` (every stage of ``make test``, ADR 0013 and 0016) the tables come
    from the models, without what only the migrations create: the append-only triggers and, on
    PostgreSQL, the planner's extended statistics. They are installed here, from the lists the
    migrations are checked against."""
    if not request.config.getoption("nomigrations", default=False):
        return
    from django.db import connections

    from tupa.core import append_only, planner_statistics

    with django_db_blocker.unblock():
        for connection in connections.all():
            with connection.schema_editor() as editor:
                append_only.install_all(editor)
                planner_statistics.install_all(editor)


# --------------------------------------------------------------------------- append-only tables

#: A transactional test's teardown dropped the append-only triggers so that its flush could
#: empty the tables; :func:`pytest_runtest_teardown` installs them again after the flush.
_TRIGGERS_DROPPED = False


@pytest.fixture
def _append_only_off_before_flush(_django_db_helper: None) -> Generator[None]:
    """TEST-ONLY. Set up after the database fixture, so torn down before its flush: the
    append-only triggers (``tupa.core.append_only.TABLES``) refuse the ``DELETE``/``TRUNCATE``
    with which a transactional test's teardown empties every table, so they are dropped here
    and installed again once the flush is done. Production never does this; only migrations
    and a reviewed retention purge drop them."""
    yield
    global _TRIGGERS_DROPPED
    from django.db import connection

    from tupa.core import append_only

    with connection.schema_editor() as editor:
        for table in append_only.TABLES:
            append_only.uninstall(editor, table)
    _TRIGGERS_DROPPED = True


@pytest.fixture(autouse=True)
def _append_only_in_transactional_tests(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        request.getfixturevalue("_append_only_off_before_flush")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """After the test's fixtures are torn down (a transactional test's flush included), the
    append-only triggers dropped for the flush are installed again, outside any transaction."""
    result = yield
    global _TRIGGERS_DROPPED
    if _TRIGGERS_DROPPED and nextitem is None:  # the last test: the database is gone with it
        _TRIGGERS_DROPPED = False
    if _TRIGGERS_DROPPED:
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        from tupa.core.append_only import install_all

        with (
            item.config.stash[blocking_manager_key].unblock(),
            connection.schema_editor() as editor,
        ):
            install_all(editor)
        _TRIGGERS_DROPPED = False
    return result


# ------------------------------------------------------------------------------ language


@pytest.fixture(autouse=True)
def _default_language() -> Generator[None]:
    """Each test starts and ends in the default language. A request's LocaleMiddleware leaves
    its language active in the thread, so a test that browsed in Swedish made the next test's
    PDF or letter, rendered without a request, Swedish too (it failed so on CI once)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


# ------------------------------------------------------------------------------ query shapes


@pytest.fixture(autouse=True)
def _shapes_verified_anew() -> None:
    """Each test verifies the first reuse of every compiled query shape again
    (``TUPA_VERIFY_SHAPES``, tupa/core/shapes.py): against a compilation made with its own
    data, settings and clock, whichever test compiled it first."""
    from tupa.core import shapes

    shapes.forget_verified()
