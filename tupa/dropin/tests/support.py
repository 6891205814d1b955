"""Test helpers: a drop-in house (Perhetupa) with a rentable hall, its workers and a lead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import own_activity_form, worker_in
from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import Organisation, ServiceForm
from tupa.scheduling.models import Room


def t(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=HELSINKI)


def house(*, organisation: Organisation | None = None, name: str = "Perhetupa") -> ServiceForm:
    return own_activity_form(ServiceForm.Kind.DROP_IN, organisation=organisation, name=name)


def hall(form: ServiceForm, *, name: str = "Perhetupa sali", price: str = "25.00") -> Room:
    with scopes_disabled():
        return Room.objects.create(
            organisation=form.organisation,
            service_form=form,
            name=name,
            capacity=30,
            rentable=True,
            hourly_price=Decimal(price),
        )


def lead_in(form: ServiceForm) -> User:
    return worker_in(form, role=Role.LEAD)
