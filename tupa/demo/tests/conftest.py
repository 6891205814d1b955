"""The whole demo, built once per test run for the demo tests that read it.

``whole_demo`` (package scope) runs ``manage.py build_demo`` exactly as ``make demo`` does
(default password, the municipalities, two-factor authentication off) at one fixed moment,
:data:`NOW`, inside a transaction rolled back after the last test of this package. Each test
that reads it (through ``demo_at_now``) runs at the same moment, in its own savepoint, so it may
build again on top of the demo: pytest-django rolls it back.

While the demo is up every test of this package sees it, so :func:`pytest_collection_modifyitems`
runs the package's tests that do not read it first (some need an empty database) and those that
read it after them, all in one block and on one pytest-xdist worker (``--dist loadgroup``, the
group ``demo``): the demo is built once per run and torn down before any other package's tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from types import MappingProxyType
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Max
from django.test import override_settings
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import rolled_back_world
from tupa.core.wallclock import HELSINKI
from tupa.demo import build as demo_build
from tupa.demo.build import DemoBuild, build_everything
from tupa.demo.clients import Counts, build_demo_clients
from tupa.demo.management.commands import build_demo as build_demo_command
from tupa.organisations.models import Organisation

#: "Now" of the whole demo and of the tests that read it: a Sunday morning in spring, so last
#: year is a whole year of history, this year has begun and the demo's plans lie ahead; after
#: 12.4.2026, the last answer of the sample Webropol file (tupa/demo/data/surveys), which must
#: lie in the past.
NOW = dt.datetime(2026, 4, 19, 10, 0, tzinfo=HELSINKI)

#: The pytest-xdist group (``--dist loadgroup``) of every test of this package.
XDIST_GROUP = "demo"

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class WholeDemo:
    """What ``manage.py build_demo`` built and printed on an empty database."""

    organisation: Organisation
    #: everything the command printed
    output: str
    #: the clients it made (:func:`tupa.demo.clients.build_demo_clients`)
    clients: Counts
    #: the one-line summary of each domain builder that added something, in the order printed
    summaries: tuple[str, ...]
    #: the CPU seconds each domain builder took, by its module (``tupa.demo.volunteers``, …)
    cpu_seconds: Mapping[str, float]
    #: the largest primary key of each model (``people.Person``, …; 0: no rows) right after the
    #: clients were built, before any domain builder: the rows up to it are the organisation's
    #: and the client demo's
    after_clients: Mapping[str, int]

    def summary(self, prefix: str) -> str:
        """The one domain summary that starts with ``prefix``."""
        (found,) = (s for s in self.summaries if s.startswith(prefix))
        return found


def _high_water_marks() -> dict[str, int]:
    """The largest primary key of every model of the project's apps with integer keys (0 when
    it has no rows)."""
    marks = {}
    with scopes_disabled():
        for model in apps.get_models():
            # A UUID key has no order (and PostgreSQL no MAX of it): only the others are read.
            if model.__module__.startswith("tupa.") and not isinstance(
                model._meta.pk, models.UUIDField
            ):
                top = model._base_manager.aggregate(top=Max("pk"))["top"]
                if top is None or isinstance(top, int):
                    marks[model._meta.label] = top or 0
    return marks


@pytest.fixture(scope="package")
def whole_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[WholeDemo]:
    """The whole demo as ``make demo`` builds it, at :data:`NOW`; rolled back at the end."""
    built: list[DemoBuild] = []
    seconds: dict[str, float] = {}
    after_clients: dict[str, int] = {}

    def clients_then_mark(*, organisation: Organisation) -> Counts | None:
        counts = build_demo_clients(organisation=organisation)
        after_clients.update(_high_water_marks())
        return counts

    def recording(**kwargs: Any) -> DemoBuild:
        result = build_everything(**kwargs)
        built.append(result)
        return result

    def timed(builder: Callable[..., str | None]) -> Callable[..., str | None]:
        def run(*, organisation: Organisation) -> str | None:
            started = time.process_time()
            summary = builder(organisation=organisation)
            seconds[builder.__module__] = time.process_time() - started
            return summary

        return run

    with rolled_back_world(django_db_blocker):
        out = StringIO()
        # The command runs unchanged; the patches only record what it built, how long each
        # domain builder took and where the client demo's rows end.
        with (
            override_settings(TUPA_REQUIRE_2FA=False),  # as `make demo`
            time_machine.travel(NOW, tick=False),
            mock.patch.object(build_demo_command, "build_everything", recording),
            mock.patch.object(demo_build, "build_demo_clients", clients_then_mark),
            mock.patch.object(
                demo_build, "DOMAIN_BUILDERS", tuple(map(timed, demo_build.DOMAIN_BUILDERS))
            ),
        ):
            call_command("build_demo", stdout=out)
        (run,) = built
        assert run.clients is not None, "an empty database: the clients are new"
        yield WholeDemo(
            organisation=run.result.organisation,
            output=out.getvalue(),
            clients=run.clients,
            summaries=tuple(run.summaries),
            cpu_seconds=MappingProxyType(seconds),
            after_clients=MappingProxyType(after_clients),
        )


@pytest.fixture
def demo_at_now(whole_demo: WholeDemo) -> Iterator[WholeDemo]:
    """The whole demo, with the test running at :data:`NOW` (the moment it was built at)."""
    with time_machine.travel(NOW, tick=False):
        yield whole_demo


def _in_package(item: pytest.Item) -> bool:
    return _is_ours(str(item.path))


@functools.cache
def _is_ours(path: str) -> bool:
    return Path(path).resolve().is_relative_to(HERE)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Generator[None, None, None]:
    """Put this package's tests in the xdist group ``demo`` (before pytest-xdist reads the
    groups) and, after every other plugin has ordered the items (pytest-django, pytest-randomly),
    run them as one block where the first of them stood: those that do not read the whole demo
    first, then those that do (each part in the order the other plugins chose)."""
    for item in items:
        if _in_package(item) and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(XDIST_GROUP))
    yield
    ours = [i for i, item in enumerate(items) if _in_package(item)]
    if not ours:
        return
    block = [items[i] for i in ours]
    without = [item for item in block if "whole_demo" not in item.fixturenames]
    reading = [item for item in block if "whole_demo" in item.fixturenames]
    rest = [item for item in items if not _in_package(item)]
    first = ours[0]
    items[:] = [*rest[:first], *without, *reading, *rest[first:]]
