"""The access log: no way through the admin's pages to change or remove an
entry, and the DPO's export names no client.

Each test pins a property no earlier test pinned (named in its docstring)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.audit.tests.builders import make_organisation, make_user
from tupa.core.tests.factories import MembershipFactory, PersonFactory, org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.core.wallclock import HELSINKI

pytestmark = pytest.mark.django_db

CANARY_NAME = "Kanarialintu-7f3e"


def _event(user, subject) -> AccessEvent:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        (event,) = AccessEvent.objects.bulk_create(
            [
                AccessEvent(
                    organisation_id=user.organisation_id,
                    user=user,
                    subject_type=ContentType.objects.get_for_model(subject),
                    subject_id=str(subject.pk),
                    action="view",
                    basis="membership",
                    occurred_at=dt.datetime(2025, 3, 1, 9, tzinfo=HELSINKI),
                )
            ]
        )
    return event


def test_an_administrator_dpo_cannot_change_or_delete_an_entry_through_the_admin() -> None:
    """PIN: the admin's own pages (not only the ModelAdmin's permission methods) refuse to add,
    change or delete an access-log entry, even for a superuser who is administrator and DPO;
    the entry stays as it was."""
    org = make_organisation()
    admin_dpo = org_role_user(org, Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    MembershipFactory(
        user=admin_dpo, organisation=org, service_form=None, role=Role.DATA_PROTECTION_OFFICER
    )
    worker = make_user(organisation=org)
    event = _event(worker, worker)
    client = Client()
    login_verified(client, admin_dpo)
    change = reverse("admin:audit_accessevent_change", args=[event.pk])
    delete = reverse("admin:audit_accessevent_delete", args=[event.pk])
    changelist = reverse("admin:audit_accessevent_changelist")
    assert client.get(changelist).status_code == 200  # the DPO may read it here too
    assert client.get(change).status_code == 200  # read-only
    assert client.post(change, {"action": "other", "subject_id": "1"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_accessevent_add")).status_code == 403
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert bulk.status_code in {200, 302, 400, 403}
    with scopes_disabled():
        fresh = AccessEvent.objects.get(pk=event.pk)
    assert (fresh.action, fresh.subject_id, fresh.user_id) == ("view", str(worker.pk), worker.pk)


def test_the_log_pages_take_no_writes() -> None:
    """PIN: the log browser and its export answer only GET (no form posts to them)."""
    org = make_organisation()
    dpo = org_role_user(org, Role.DATA_PROTECTION_OFFICER)
    client = Client()
    login_verified(client, dpo)
    for name in ("audit:access_log", "audit:access_log_export"):
        assert client.post(reverse(name), {}).status_code == 405


def test_the_export_names_no_client() -> None:
    """PIN (minimal export): a client read appears in the DPO's export as its type and id,
    never with the client's name — the DPO finds a person's events by the exact lookup."""
    org = make_organisation()
    dpo = org_role_user(org, Role.DATA_PROTECTION_OFFICER)
    worker = make_user(organisation=org)
    person = PersonFactory.create(organisation=org, first_names=CANARY_NAME, last_name=CANARY_NAME)
    _event(worker, person)
    client = Client()
    login_verified(client, dpo)
    response = client.get(
        reverse("audit:access_log_export"), {"date_from": "2025-03-01", "date_to": "2025-03-31"}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][4] == str(person.pk)
    assert CANARY_NAME not in text
    page = client.get(reverse("audit:access_log"), {"date_from": "2025-03-01"})
    assert CANARY_NAME not in page.content.decode()
