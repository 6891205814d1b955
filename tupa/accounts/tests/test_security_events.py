"""The security event log: failed logins, lockouts, refused requests; never a password.

Recording is fail-safe (a failed write never breaks the login or the error page); the log is
append-only in Python and in the database (docs/security.md "Security events").
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from tupa.accounts.models import Role, SecurityEvent, SecurityLogAppendOnlyError, User
from tupa.core.tests.factories import org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Organisation, ServiceForm

from .helpers import VERIFY_URL, confirmed_device, password_login, wrong_code

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
#: A password nobody would type on purpose: it must never be stored anywhere.
CANARY_PASSWORD = "Kanarialintu-salasana-7731"
TABLE = SecurityEvent._meta.db_table


def _events(**filters: Any) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(**filters).order_by("id"))


def _all_stored_text() -> str:
    """Every column of every security event, as one string."""
    rows = SecurityEvent.objects.values_list(
        "kind", "path", "view_name", "reason", "request_id", "status_code", "user_id"
    )
    return "\n".join(" ".join(str(value) for value in row) for row in rows)


# --- failed logins and lockouts ---------------------------------------------------------------


def test_a_wrong_password_is_recorded_against_the_account_without_the_password(
    client: Client, worker: User, organisation: Organisation
) -> None:
    response = password_login(client, worker.username, CANARY_PASSWORD)
    assert response.status_code == 200

    (event,) = _events()
    assert event.kind == Kind.LOGIN_FAILED
    assert event.user == worker
    assert event.organisation == organisation
    assert event.request_id  # ties the event to the server's log lines
    assert CANARY_PASSWORD not in _all_stored_text()


def test_an_unknown_username_is_recorded_without_the_typed_text(client: Client) -> None:
    # What was typed may be a password typed into the wrong field: it is not kept.
    password_login(client, CANARY_PASSWORD, "mitä-tahansa-kirjoitettua")

    (event,) = _events()
    assert event.kind == Kind.LOGIN_FAILED
    assert event.user is None and event.organisation is None
    assert CANARY_PASSWORD not in _all_stored_text()


def test_a_lockout_is_recorded_once_and_later_attempts_as_failures(
    client: Client, worker: User, settings: Any
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        password_login(client, worker.username, CANARY_PASSWORD)
    locked = password_login(client, worker.username, CANARY_PASSWORD)  # while locked
    assert locked.status_code == 429

    assert len(_events(kind=Kind.LOGIN_FAILED, user=worker)) == limit + 1
    (lock,) = _events(kind=Kind.LOCKED_OUT)
    assert lock.user == worker
    assert CANARY_PASSWORD not in _all_stored_text()


def test_a_successful_login_records_nothing(client: Client, worker: User) -> None:
    assert password_login(client, worker.username).status_code == 302
    assert _events() == []


def test_a_wrong_second_factor_code_is_recorded(client: Client, worker: User) -> None:
    device = confirmed_device(worker)
    password_login(client, worker.username)
    code = wrong_code(device)
    response = client.post(VERIFY_URL, {"otp_token": code})
    assert response.status_code == 200

    (event,) = _events()
    assert event.kind == Kind.SECOND_FACTOR_FAILED
    assert event.user == worker
    assert code not in _all_stored_text()


def test_a_failing_write_never_breaks_the_login_page(
    client: Client, worker: User, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("levy täynnä")

    monkeypatch.setattr(SecurityEvent.objects, "create", broken)
    response = password_login(client, worker.username, CANARY_PASSWORD)
    assert response.status_code == 200
    assert "Käyttäjätunnus tai salasana on virheellinen" in response.content.decode()
    assert "security event could not be recorded" in caplog.text
    assert CANARY_PASSWORD not in caplog.text and worker.username not in caplog.text
    # The request's transaction was not poisoned: the correct password still works.
    monkeypatch.undo()
    assert password_login(client, worker.username).status_code == 302


# --- refused requests -------------------------------------------------------------------------


@pytest.fixture
def logged_in(client: Client, worker: User) -> Client:
    login_verified(client, worker)
    return client


def test_a_refused_object_scoped_request_is_recorded_without_the_query_string(
    logged_in: Client, worker: User, organisation: Organisation
) -> None:
    url = reverse("people:detail", args=[987654])
    response = logged_in.get(url + "?nimi=Salainen")
    assert response.status_code == 404

    (event,) = _events()
    assert event.kind == Kind.REFUSED
    assert event.user == worker
    assert event.organisation == organisation
    assert event.path == url
    assert event.status_code == 404
    assert event.view_name == "people:detail"
    assert "Salainen" not in _all_stored_text()


def test_a_refused_login_only_page_is_recorded(logged_in: Client, worker: User) -> None:
    # A worker trying the DPO's access log: the policy answers 404.
    assert logged_in.get(reverse("audit:access_log")).status_code == 404
    (event,) = _events()
    assert (event.kind, event.user, event.view_name) == (Kind.REFUSED, worker, "audit:access_log")


def test_normal_pages_typos_and_anonymous_requests_record_nothing(
    client: Client, logged_in: Client, service_form: ServiceForm
) -> None:
    assert logged_in.get(reverse("core:dashboard")).status_code == 200
    assert (
        logged_in.get(reverse("organisations:service_form", args=[service_form.slug])).status_code
        == 200
    )
    assert logged_in.get("/ei-tallaista-sivua/").status_code == 404  # resolves to no view
    anonymous = Client()
    assert anonymous.get(reverse("people:detail", args=[987654])).status_code == 302
    assert _events() == []


def test_a_csrf_failure_is_not_a_refused_request(worker: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    login_verified(strict, worker)
    response = strict.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 403
    assert _events() == []


def test_a_failing_write_never_breaks_the_refusal(
    logged_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("levy täynnä")

    monkeypatch.setattr(SecurityEvent.objects, "create", broken)
    response = logged_in.get(reverse("people:detail", args=[987654]))
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.content.decode()


# --- append-only ------------------------------------------------------------------------------


@pytest.fixture
def event(organisation: Organisation) -> SecurityEvent:
    dpo = org_role_user(organisation, Role.DATA_PROTECTION_OFFICER)
    return SecurityEvent.objects.create(
        kind=Kind.REFUSED, user=dpo, organisation=organisation, path="/x/", status_code=404
    )


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_security_log_triggers_exist() -> None:
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


def test_raw_update_and_delete_are_refused(event: SecurityEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET path = %s WHERE id = %s", ["/muutettu/", event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).path == "/x/"


def test_orm_refuses_update_and_delete(event: SecurityEvent) -> None:
    event.path = "/muutettu/"
    with pytest.raises(SecurityLogAppendOnlyError):
        event.save()
    with pytest.raises(SecurityLogAppendOnlyError):
        event.delete()
    with pytest.raises(SecurityLogAppendOnlyError):
        SecurityEvent.objects.filter(pk=event.pk).update(path="/muutettu/")
    with pytest.raises(SecurityLogAppendOnlyError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get(pk=event.pk).path == "/x/"
