"""Moments read from PostgreSQL by psycopg's compiled loader give what Django's loader gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from psycopg.pq import Format

from tupa.core.timestamps import _fast_loader

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

TIMESTAMPTZ = 1184  # PostgreSQL's type oid of timestamptz


def test_the_connection_reads_moments_with_the_compiled_loader() -> None:
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    assert loader.__name__ == "UtcTimestamptzLoader"
    # Django compares this with the connection's time zone and keeps the loader when equal.
    assert loader.timezone == connection.timezone == dt.UTC


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-30 00:59:59.999999+00",  # the second before summer time in Helsinki
        "2025-10-26 01:00:00+00",  # the hour that repeats in Helsinki
        "2025-06-01 12:34:56.5+03",  # a fraction, another offset
        "2000-01-01 00:00:00-05:30",
    ],
)
def test_a_moment_reads_as_with_djangos_loader(text: str) -> None:
    """The same instant, in UTC with ``datetime.UTC`` as tzinfo, as Django's loader returns."""
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [text])
        (read,) = cursor.fetchone()
        django_loader = type("DjangoTz", (BaseTzLoader,), {"timezone": dt.UTC})
        expected = django_loader(TIMESTAMPTZ, cursor.cursor).load(
            cursor.cursor.pgresult.get_value(0, 0)
        )
    assert read == expected
    assert read.tzinfo is dt.UTC
    assert read.utcoffset() == dt.timedelta(0)


def test_the_loader_class_is_made_once() -> None:
    """One class per compiled loader, not one per connection."""
    compiled = type("Compiled", (), {})
    assert _fast_loader(compiled) is _fast_loader(compiled)
