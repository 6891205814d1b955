"""Occupancy when places begin or end their use (issue 10: "200 % for a past month").

Two family places p1 and p2, September 2026 (30 days), rule: every night counts. Counted by
hand in each test: occupied place-days / place-days of the places in use on each day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.residential.calendar.selectors import occupancy_by_month, place_calendar
from tupa.residential.models import Destination, PayerCategory, Place
from tupa.residential.stays import services
from tupa.residential.stays.selectors import OccupancyPeriod, occupancy_period

from .support import family, place, residential_form, t

pytestmark = pytest.mark.django_db

D = dt.date
SEPTEMBER = (D(2026, 9, 1), D(2026, 9, 30))


@pytest.fixture(autouse=True)
def _pinned_now() -> Iterator[None]:
    with time_machine.travel(t(2026, 12, 1, 12), tick=False):
        yield


def _stay(form: ServiceForm, worker: Any, code: str, start: dt.datetime, end: dt.datetime) -> None:
    episode, members = family(form, children=0)
    stay = services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, code),
        arrived_at=start,
        members=members,
        payer_category=PayerCategory.STATE,
    )
    services.stay_discharge(actor=worker, stay=stay, departed_at=end, destination=Destination.HOME)


def _set(form: ServiceForm, code: str, **values: Any) -> None:
    with scopes_disabled():
        Place.objects.filter(service_form=form, code=code).update(**values)


def _september(form: ServiceForm) -> OccupancyPeriod:
    with scope(organisation=form.organisation_id):
        period = occupancy_period(service_form=form, start=SEPTEMBER[0], end=SEPTEMBER[1])
        (month,) = occupancy_by_month(service_form=form, months=[(2026, 9)])
    # The monthly chart and the period figures agree.
    assert (month.places, month.place_days, month.occupied_place_days) == (
        period.places,
        period.place_days,
        period.occupied_place_days,
    )
    assert month.occupancy_percent == period.occupancy_percent
    return period


@pytest.fixture
def shelter() -> tuple[ServiceForm, Any]:
    form = residential_form(places=2, room_capacity=None)
    return form, worker_in(form)


def test_a_full_month_stays_100_percent_after_a_place_is_deactivated_later(
    shelter: tuple[ServiceForm, Any],
) -> None:
    # Both places taken 1.9. 12:00 → 1.10. 12:00: 30 + 30 = 60 nights of 60 place-days.
    # p2 is taken out of use on 5.10.: September's divisor keeps it (it was 200.0 %).
    form, worker = shelter
    _stay(form, worker, "p1", t(2026, 9, 1), t(2026, 10, 1))
    _stay(form, worker, "p2", t(2026, 9, 1), t(2026, 10, 1))
    _set(form, "p2", active=False, active_until=D(2026, 10, 5))
    period = _september(form)
    assert (period.places, period.place_days, period.occupied_place_days) == (2, 60, 60)
    assert period.occupancy_percent == Decimal("100.0")


def test_a_place_deactivated_mid_month_counts_only_its_days_in_use(
    shelter: tuple[ServiceForm, Any],
) -> None:
    # p1 all month (30 nights); p2 1.9. 12:00 → 11.9. 10:00 (nights 1.–10.9. = 10) and in use
    # until 15.9.: place-days 30 + 15 = 45, occupied 40 → 88.9 %.
    form, worker = shelter
    _stay(form, worker, "p1", t(2026, 9, 1), t(2026, 10, 1))
    _stay(form, worker, "p2", t(2026, 9, 1), t(2026, 9, 11, 10))
    _set(form, "p2", active=False, active_until=D(2026, 9, 15))
    period = _september(form)
    assert (period.places, period.place_days, period.occupied_place_days) == (2, 45, 40)
    assert period.occupancy_percent == Decimal("88.9")


def test_a_place_taken_into_use_mid_month_counts_from_its_first_day(
    shelter: tuple[ServiceForm, Any],
) -> None:
    # p2 in use from 16.9. and empty; p1 all month: 30 / (30 + 15) = 66.7 %.
    form, worker = shelter
    _stay(form, worker, "p1", t(2026, 9, 1), t(2026, 10, 1))
    _set(form, "p2", active_from=D(2026, 9, 16))
    period = _september(form)
    assert (period.places, period.place_days, period.occupied_place_days) == (2, 45, 30)
    assert period.occupancy_percent == Decimal("66.7")


def test_an_occupied_day_always_counts_as_a_day_in_use(shelter: tuple[ServiceForm, Any]) -> None:
    # An old inactive place without an end date (from before the dates existed) counts only on
    # the days it held a stay: p1 30 nights, p2 10 nights → 40 / 40 = 100.0 %, never above.
    form, worker = shelter
    _stay(form, worker, "p1", t(2026, 9, 1), t(2026, 10, 1))
    _stay(form, worker, "p2", t(2026, 9, 1), t(2026, 9, 11, 10))
    _set(form, "p2", active=False, active_until=None)
    period = _september(form)
    assert (period.place_days, period.occupied_place_days) == (40, 40)
    assert period.occupancy_percent == Decimal("100.0")


def test_the_calendar_of_a_past_window_shows_the_places_then_in_use(
    shelter: tuple[ServiceForm, Any],
) -> None:
    form, worker = shelter
    _stay(form, worker, "p2", t(2026, 9, 1), t(2026, 9, 11, 10))
    _set(form, "p2", active=False, active_until=D(2026, 9, 15))
    with scope(organisation=form.organisation_id):
        september = place_calendar(service_form=form, start=D(2026, 9, 1), days=14)
        november = place_calendar(service_form=form, start=D(2026, 11, 1), days=14)
    assert [row.place.code for row in september.rows] == ["p1", "p2"]
    assert [row.place.code for row in november.rows] == ["p1"]


# --------------------------------------------------------------------------- the dates


def test_deactivation_sets_the_end_date_and_the_dates_are_checked(
    shelter: tuple[ServiceForm, Any],
) -> None:
    form, _worker = shelter
    p2 = place(form, "p2")
    p2.active = False
    with scopes_disabled():
        p2.full_clean()
    assert p2.active_until == D(2026, 12, 1)  # today
    p2.active_from = D(2026, 12, 5)
    with pytest.raises(ValidationError) as exc, scopes_disabled():
        p2.full_clean()
    assert exc.value.message_dict["active_until"] == [
        "Käytön päättymispäivä ei voi olla ennen sen alkamispäivää."
    ]
    p2.active_from = None
    p2.active = True
    with pytest.raises(ValidationError) as exc, scopes_disabled():
        p2.full_clean()
    assert exc.value.message_dict["active_until"] == [
        "Paikan käyttö on päättynyt 1.12.2026. Jos paikka otetaan uudelleen käyttöön, "
        "tyhjennä päättymispäivä."
    ]


def _admin_data(p: Place, **overrides: str) -> dict[str, str]:
    data = {
        "service_form": str(p.service_form_id),
        "name": p.name,
        "code": p.code,
        "kind": p.kind,
        "capacity": str(p.capacity),
        "active": "on",
        "active_from": "",
        "active_until": "",
        "order": str(p.order),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_administrator_cannot_end_a_place_that_still_holds_a_stay(
    client: Client, shelter: tuple[ServiceForm, Any]
) -> None:
    form, worker = shelter
    episode, members = family(form, children=0)
    stay = services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p2"),
        arrived_at=t(2026, 11, 20),
        members=members,
        payer_category=PayerCategory.STATE,
    )
    admin = org_role_user(form.organisation, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    p2 = place(form, "p2")
    url = reverse("admin:residential_place_change", args=[p2.pk])
    data = _admin_data(p2)
    del data["active"]
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["active"] == [
        "Paikalla on asumisjakso, joka jatkuu 1.12.2026 jälkeen. Kirjaa ensin lähtö tai siirto."
    ]
    services.stay_discharge(
        actor=worker, stay=stay, departed_at=t(2026, 11, 30, 10), destination=Destination.HOME
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scopes_disabled():
        p2.refresh_from_db()
    assert not p2.active and p2.active_until == D(2026, 12, 1)


def test_the_migration_dates_places_already_out_of_use(shelter: tuple[ServiceForm, Any]) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tupa.residential.migrations.0006_place_validity")
    form, worker = shelter
    # p1 was switched off on 5.10.2026 (the change history says so); p2 was switched off with
    # no trace in the history, and its last stay ended 11.9.2026.
    with time_machine.travel(t(2026, 10, 5, 10), tick=False), scopes_disabled():
        p1 = place(form, "p1")
        p1.active = False
        p1.save()
    _stay(form, worker, "p2", t(2026, 9, 1), t(2026, 9, 11, 10))
    _set(form, "p1", active_until=None)
    _set(form, "p2", active=False, active_until=None)
    with scopes_disabled():
        migration.fill_end_dates(apps, None)
    assert place(form, "p1").active_until == D(2026, 10, 5)
    assert place(form, "p2").active_until == D(2026, 9, 11)
