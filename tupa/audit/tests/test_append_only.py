"""The access log cannot be changed or emptied: by the ORM nor by raw SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django_scopes import scopes_disabled

from tupa.access.policy import Basis
from tupa.audit.models import AccessEvent, AppendOnlyError
from tupa.audit.services import record_access_for_user
from tupa.audit.tests.builders import make_user

pytestmark = pytest.mark.django_db

TABLE = AccessEvent._meta.db_table


@pytest.fixture
def event() -> AccessEvent:
    reader = make_user()
    record_access_for_user(user=reader, subjects=[reader], action="view", basis=Basis.SELF)
    with scopes_disabled():
        return AccessEvent.objects.get()


def _raw(sql: str, params: list[Any] | None = None) -> None:
    # A savepoint keeps the test transaction usable after the database refuses (PostgreSQL).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_triggers_exist() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            expected = {f"{TABLE}_no_update", f"{TABLE}_no_delete"}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            expected = {f"{TABLE}_append_only", f"{TABLE}_no_truncate"}
        assert {row[0] for row in cursor.fetchall()} == expected


def test_raw_update_is_refused(event: AccessEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["muutettu", event.pk])
    with scopes_disabled():
        assert AccessEvent.objects.get(pk=event.pk).reason == ""


def test_raw_delete_is_refused(event: AccessEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {TABLE}")
    with scopes_disabled():
        assert AccessEvent.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL only")
def test_truncate_of_a_non_empty_log_is_refused(event: AccessEvent) -> None:
    # The row was inserted in this (test) transaction: run its deferred FK checks first, or
    # PostgreSQL refuses the TRUNCATE for that reason before our trigger is reached.
    _raw("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"TRUNCATE {TABLE}")
    with scopes_disabled():
        assert AccessEvent.objects.count() == 1


def test_orm_refuses_update_and_delete(event: AccessEvent) -> None:
    event.reason = "muutettu"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with scopes_disabled():
        with pytest.raises(AppendOnlyError):
            AccessEvent.objects.filter(pk=event.pk).update(reason="muutettu")
        with pytest.raises(AppendOnlyError):
            AccessEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(AppendOnlyError):
            AccessEvent.objects.bulk_update([event], ["reason"])
        stored = AccessEvent.objects.get(pk=event.pk)
    assert stored.reason == ""


def test_bypassing_the_python_guard_still_hits_the_database(event: AccessEvent) -> None:
    """Even Django's own base queryset (no guard) cannot change a row."""
    from django.db.models import QuerySet

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        QuerySet(AccessEvent).filter(pk=event.pk).update(reason="muutettu")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        QuerySet(AccessEvent).filter(pk=event.pk)._raw_delete(connection.alias)
