"""Test helpers: a prevention form (TPPH-like), its workers and lead, and rows recorded through
the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import own_activity_form, worker_in
from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import Organisation, ServiceForm
from tupa.prevention import services
from tupa.prevention.models import Activity, ActivityKind, Delivery, Material, RecipientKind

#: "Now" of these tests: a Friday in May 2026.
NOW = dt.datetime(2026, 5, 15, 12, 0, tzinfo=HELSINKI)
TODAY = NOW.date()


def prevention_form(
    *, organisation: Organisation | None = None, name: str = "Turvallisten perheiden Päijät-Häme"
) -> ServiceForm:
    return own_activity_form(ServiceForm.Kind.PREVENTION, organisation=organisation, name=name)


def lead_in(form: ServiceForm) -> User:
    return worker_in(form, role=Role.LEAD)


def activity(
    form: ServiceForm,
    actor: User,
    *,
    title: str = "Turvallisuusteemapäivä",
    starts_on: dt.date = dt.date(2026, 3, 10),
    **fields: Any,
) -> Activity:
    values: dict[str, Any] = {
        "kind": ActivityKind.EVENT,
        "professionals": 3,
        "citizens": 40,
        "children": 12,
        **fields,
    }
    return services.activity_record(
        actor=actor, service_form=form, title=title, starts_on=starts_on, **values
    )


def material(form: ServiceForm, actor: User, name: str = "Turvallinen lapsuus -esite") -> Material:
    return services.material_add(actor=actor, service_form=form, name=name)


def delivery(
    form: ServiceForm,
    actor: User,
    item: Material,
    *,
    date: dt.date = dt.date(2026, 4, 2),
    quantity: int = 50,
    recipient: str = "Mäkirinteen koulu",
) -> Delivery:
    return services.delivery_record(
        actor=actor,
        service_form=form,
        material=item,
        date=date,
        quantity=quantity,
        recipient_kind=RecipientKind.SCHOOL,
        recipient=recipient,
    )
