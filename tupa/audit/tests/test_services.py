"""record_access: one row per distinct subject, request metadata, fail closed."""

from __future__ import annotations

import uuid
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django_scopes import scopes_disabled

from tupa.access.marks import login_only
from tupa.access.policy import Basis
from tupa.accounts.models import Role, User
from tupa.audit import services
from tupa.audit.models import AccessEvent, Action
from tupa.audit.services import AuditError, record_access, record_access_for_user
from tupa.audit.tests.builders import make_service_form, make_user
from tupa.core.tests.factories import org_role_user
from tupa.core.tests.helpers import login_verified

pytestmark = pytest.mark.django_db

CANARY = "KANARIALINTU-4711"


@login_only
def _reading_view(request: HttpRequest, pk: int) -> HttpResponse:
    with scopes_disabled():
        subject = User.objects.get(pk=pk)
    record_access(
        request=request, subjects=[subject, subject], action="view", basis=Basis.MEMBERSHIP
    )
    return HttpResponse(f"<p>{CANARY}</p>")


#: A tiny URLconf used by the request-level tests (``@pytest.mark.urls(__name__)``).
urlpatterns = [path("luku/<int:pk>/", _reading_view, name="audit_test_read")]


def _events() -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.order_by("id"))


def test_one_event_per_distinct_subject() -> None:
    service_form = make_service_form()
    org = service_form.organisation
    reader = org_role_user(org, Role.ADMINISTRATOR)
    first, second = make_user(organisation=org), make_user(organisation=org)

    record_access_for_user(
        user=reader,
        subjects=[first, second, first, service_form, second],
        action=Action.LIST,
        basis=Basis.ORGANISATION_ROLE,
        request_id="abc",
        view_name="accounts:staff_list",
    )

    events = _events()
    # first, second, service_form: three distinct subjects out of five references.
    assert len(events) == 3
    user_ct = ContentType.objects.get_for_model(first)
    sf_ct = ContentType.objects.get_for_model(service_form)
    assert {(e.subject_type_id, e.subject_id) for e in events} == {
        (user_ct.pk, str(first.pk)),
        (user_ct.pk, str(second.pk)),
        (sf_ct.pk, str(service_form.pk)),
    }
    assert {(e.organisation_id, e.user_id, e.action, e.basis, e.request_id) for e in events} == {
        (org.pk, reader.pk, "list", "organisation_role", "abc")
    }
    assert all(e.occurred_at is not None for e in events)


def test_every_column_is_written_in_the_order_given() -> None:
    """The same rows on both databases (PostgreSQL writes them with one ``INSERT … unnest``):
    the subjects in the order given, each column of the shared values, a long view name cut."""
    service_form = make_service_form()
    org = service_form.organisation
    reader = org_role_user(org, Role.ADMINISTRATOR)
    subjects = [make_user(organisation=org) for _ in range(3)]

    record_access_for_user(
        user=reader,
        subjects=[subjects[2], service_form, subjects[0], subjects[2], subjects[1]],
        action=Action.VIEW,
        basis=Basis.BREAK_THE_GLASS,
        reason="Hätätilanne: äiti ja lapsi yöllä",
        request_id="req-1",
        view_name="x" * 250,
        episode_id=7,
    )

    user_ct = ContentType.objects.get_for_model(reader).pk
    sf_ct = ContentType.objects.get_for_model(service_form).pk
    events = _events()
    assert [(e.subject_type_id, e.subject_id) for e in events] == [
        (user_ct, str(subjects[2].pk)),
        (sf_ct, str(service_form.pk)),
        (user_ct, str(subjects[0].pk)),
        (user_ct, str(subjects[1].pk)),
    ]
    assert {
        (e.organisation_id, e.user_id, e.episode_id, e.action, e.basis, e.reason, e.request_id)
        for e in events
    } == {
        (
            org.pk,
            reader.pk,
            7,
            "view",
            "break_the_glass",
            "Hätätilanne: äiti ja lapsi yöllä",
            "req-1",
        )
    }
    assert {e.view_name for e in events} == {"x" * 200}
    assert all(e.occurred_at is not None for e in events)


def test_empty_subject_list_writes_nothing() -> None:
    reader = make_user()
    record_access_for_user(user=reader, subjects=[], action="view", basis=Basis.SELF)
    assert _events() == []


def test_unknown_action_and_user_without_organisation_are_refused() -> None:
    reader = make_user()
    with pytest.raises(AuditError):
        record_access_for_user(user=reader, subjects=[reader], action="peek", basis=Basis.SELF)
    orphan = make_user(organisation=None)
    with pytest.raises(AuditError):
        record_access_for_user(user=orphan, subjects=[orphan], action="view", basis=Basis.SELF)
    assert _events() == []


@pytest.mark.urls(__name__)
def test_request_events_carry_request_id_view_name_and_basis(client) -> None:
    reader = make_user()
    subject = make_user(organisation=reader.organisation)
    login_verified(client, reader)
    request_id = str(uuid.uuid4())

    response = client.get(f"/luku/{subject.pk}/", headers={"X-Request-ID": request_id})

    assert response.status_code == 200
    assert response["X-Request-ID"] == request_id
    events = _events()
    assert len(events) == 1  # the same subject twice in one call is one event
    event = events[0]
    assert (event.request_id, event.view_name, event.basis, event.action) == (
        request_id,
        "audit_test_read",
        "membership",
        "view",
    )
    assert (event.user_id, event.organisation_id, event.subject_id) == (
        reader.pk,
        reader.organisation_id,
        str(subject.pk),
    )


@pytest.mark.urls(__name__)
def test_failure_to_log_means_no_data_is_shown(client) -> None:
    reader = make_user()
    subject = make_user(organisation=reader.organisation)
    login_verified(client, reader)
    client.raise_request_exception = False

    with mock.patch.object(services, "_insert", side_effect=RuntimeError("log disk full")):
        response = client.get(f"/luku/{subject.pk}/")

    assert response.status_code == 500
    assert CANARY not in response.content.decode()
    assert _events() == []
