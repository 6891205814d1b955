"""Perhetupa's rentals as invoicing items (source ``dropin.rentals``).

Hand-computed, period March 2026, hall 25,00 €/h:

- 7.3. 12:00–14:30 "Syntymäpäiväjuhlat" (Maija Meikäläinen): 2,50 h × 25,00 = 62,50 € → item
  2.50 h at 25.00;
- 8.3. 12:00–15:00 with a typed price 50 € (3 h × 25 would be 75): the agreed price once →
  quantity 1 at 50.00;
- 9.3. 17:00–19:00 a free peer group (not billable) → no item;
- 10.3. 10:00–11:00 cancelled → no item;
- 31.3. 23:30–1.4. 01:00 (starts in March, local) → item 1.50 h; 1.4. 01:00–02:30 (31.3. in
  UTC) is April's → no item.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope, scopes_disabled

from tupa.core import registry
from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import assert_collect_narrows_to_forms
from tupa.dropin import billable, services
from tupa.dropin.models import RentalCharge
from tupa.scheduling.models import Booking

from .support import hall, house, t

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _book(worker: Any, form: Any, room: Any, start: Any, end: Any, **kwargs: Any) -> Booking:
    return services.booking_create(
        actor=worker,
        service_form=form,
        room=room,
        kind=kwargs.pop("kind", Booking.Kind.BIRTHDAY_PARTY),
        starts_at=start,
        ends_at=end,
        title=kwargs.pop("title", "Syntymäpäiväjuhlat"),
        organiser_name=kwargs.pop("organiser_name", "Maija Meikäläinen"),
        **kwargs,
    )


def _collect(
    form: Any, start: dt.date = MARCH[0], end: dt.date = MARCH[1], **narrowed: Any
) -> list[Any]:
    with scope(organisation=form.organisation_id):
        return billable.collect(
            organisation_id=form.organisation_id, start=start, end=end, **narrowed
        )


def _charge(booking: Booking) -> int:
    with scopes_disabled():
        return RentalCharge.objects.get(booking=booking).pk


@pytest.fixture
def world() -> dict[str, Any]:
    form = house()
    worker = worker_in(form)
    room = hall(form, price="25.00")
    party = _book(worker, form, room, t(2026, 3, 7, 12), t(2026, 3, 7, 14, 30))
    typed = _book(
        worker,
        form,
        room,
        t(2026, 3, 8, 12),
        t(2026, 3, 8, 15),
        price=Decimal("50"),
        title="Vauvakutsut",
        organiser_name="Olli Esimerkki",
    )
    _book(
        worker,
        form,
        room,
        t(2026, 3, 9, 17),
        t(2026, 3, 9, 19),
        kind=Booking.Kind.SELF_ORGANISED_GROUP,
        price=Decimal("0"),
        billable=False,
    )
    cancelled = _book(worker, form, room, t(2026, 3, 10, 10), t(2026, 3, 10, 11))
    services.booking_cancel(actor=worker, service_form=form, booking=cancelled)
    late = _book(worker, form, room, t(2026, 3, 31, 23, 30), t(2026, 4, 1, 1), title="Yökerho")
    _book(worker, form, room, t(2026, 4, 1, 1), t(2026, 4, 1, 2, 30), title="Huhtikuu")
    # Another organisation's house with a billable rental in March: never collected here.
    other = house()
    other_worker = worker_in(other)
    _book(other_worker, other, hall(other), t(2026, 3, 7, 12), t(2026, 3, 7, 14))
    return {
        "form": form,
        "worker": worker,
        "room": room,
        "party": party,
        "typed": typed,
        "late": late,
        "other": other,
    }


def test_the_hand_computed_rentals(world: dict[str, Any]) -> None:
    items = _collect(world["form"])
    got = [
        (
            i.day,
            i.quantity,
            i.unit_price,
            i.buyer_name,
            i.description,
            i.group_key,
            i.records,
        )
        for i in items
    ]
    party, typed, late = (_charge(world[k]) for k in ("party", "typed", "late"))
    assert got == [
        # 2,50 h × 25,00 € (= 62,50 €).
        (
            dt.date(2026, 3, 7),
            Decimal("2.50"),
            Decimal("25.00"),
            "Maija Meikäläinen",
            "Syntymäpäiväjuhlat",
            f"rental:{party}",
            (("dropin.rentalcharge", party),),
        ),
        # The typed 50 € wins over 3 h × 25 € = 75 €.
        (
            dt.date(2026, 3, 8),
            Decimal(1),
            Decimal("50.00"),
            "Olli Esimerkki",
            "Vauvakutsut (sovittu hinta, 3,00 h)",
            f"rental:{typed}",
            (("dropin.rentalcharge", typed),),
        ),
        # 31.3. 23:30 → 1.4. 01:00: 1,50 h, March's (starts in March).
        (
            dt.date(2026, 3, 31),
            Decimal("1.50"),
            Decimal("25.00"),
            "Maija Meikäläinen",
            "Yökerho",
            f"rental:{late}",
            (("dropin.rentalcharge", late),),
        ),
    ]
    for item in items:
        assert item.source == "dropin.rentals" and item.item == "rental"
        assert item.service_form_id == world["form"].pk
        assert item.payer_id is None and item.municipality_id is None
        assert item.case_reference == "" and item.meeting_type == ""


def test_april_has_the_rental_that_starts_after_midnight(world: dict[str, Any]) -> None:
    items = _collect(world["form"], dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert [(i.day, i.description, i.quantity) for i in items] == [
        (dt.date(2026, 4, 1), "Huhtikuu", Decimal("1.50"))
    ]


def test_other_organisation(world: dict[str, Any]) -> None:
    items = _collect(world["other"])
    assert [(i.service_form_id, i.quantity) for i in items] == [
        (world["other"].pk, Decimal("2.00"))
    ]


def test_narrowed_to_some_forms(world: dict[str, Any]) -> None:
    assert_collect_narrows_to_forms(
        lambda **narrowed: _collect(world["form"], **narrowed), world["form"]
    )


def test_no_client_data(world: dict[str, Any]) -> None:
    """A rental has no client; the booking's contact data never leaves it."""
    with scopes_disabled():
        Booking.objects.filter(pk=world["party"].pk).update(organiser_contact="040 123 4567")
    for item in _collect(world["form"]):
        assert "040 123 4567" not in repr(dataclasses.astuple(item))


def test_constant_queries(django_assert_max_num_queries: Any) -> None:
    form = house()
    worker = worker_in(form)
    room = hall(form)
    _book(worker, form, room, t(2026, 3, 2, 12), t(2026, 3, 2, 14))
    with django_assert_max_num_queries(1):
        assert len(_collect(form)) == 1
    _book(worker, form, room, t(2026, 3, 3, 12), t(2026, 3, 3, 14))
    _book(worker, form, room, t(2026, 3, 4, 12), t(2026, 3, 4, 14))
    with django_assert_max_num_queries(1):
        assert len(_collect(form)) == 3


def test_registered() -> None:
    source = next(s for s in registry.billable_sources if s.key == "dropin.rentals")
    assert source.collect is billable.collect
