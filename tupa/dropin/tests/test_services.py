"""Services of the open family house: taps (concurrent and undone), corrections, childcare,
rentals with conflict refusal and the consented step to an identified client (ANO-05)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.dropin import services
from tupa.dropin.models import CountTap, DailyCount, IdentificationConsent, Programme, Session
from tupa.episodes.models import Episode
from tupa.people.models import Person
from tupa.scheduling.models import Booking

from .support import hall, house, lead_in, t

pytestmark = pytest.mark.django_db

THURSDAY = t(2026, 3, 5, 10)  # a baby day
MONDAY = t(2026, 3, 2, 10)


def _count(form, day: dt.date, session: str = Session.DAY) -> DailyCount:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return DailyCount.objects.get(service_form=form, date=day, session=session)


# --------------------------------------------------------------------------- taps


@time_machine.travel(THURSDAY, tick=False)
def test_tap_creates_the_row_with_the_baby_day_programme_and_counts() -> None:
    form = house()
    worker = worker_in(form)
    for _ in range(3):
        services.count_tap(actor=worker, service_form=form, field="under_ones", delta=1)
    count = services.count_tap(actor=worker, service_form=form, field="adults", delta=1)
    assert (count.adults, count.under_ones, count.children) == (1, 3, 0)
    assert count.programme == Programme.BABY_DAY
    assert count.date == dt.date(2026, 3, 5)
    count = services.count_tap(actor=worker, service_form=form, field="under_ones", delta=-1)
    assert count.under_ones == 2
    assert count.visits == 3


@time_machine.travel(MONDAY, tick=False)
def test_minus_never_goes_below_zero_and_bad_fields_are_refused() -> None:
    form = house()
    worker = worker_in(form)
    with pytest.raises(ValidationError) as excinfo:
        services.count_tap(actor=worker, service_form=form, field="children", delta=-1)
    assert excinfo.value.message_dict == {"field": ["Luku on jo nolla."]}
    services.count_tap(actor=worker, service_form=form, field="adults", delta=1)
    with pytest.raises(ValidationError):
        services.count_tap(actor=worker, service_form=form, field="children", delta=-1)
    assert _count(form, dt.date(2026, 3, 2)).children == 0
    assert _count(form, dt.date(2026, 3, 2)).programme == Programme.OPEN_DAY
    with pytest.raises(ValidationError):
        services.count_tap(actor=worker, service_form=form, field="visits", delta=1)
    with pytest.raises(ValidationError):
        services.count_tap(actor=worker, service_form=form, field="adults", delta=2)
    with pytest.raises(ValidationError):
        services.count_tap(
            actor=worker, service_form=form, field="adults", delta=1, session="night"
        )


@time_machine.travel(MONDAY, tick=False)
def test_two_workers_tapping_add_up_and_sessions_are_separate() -> None:
    form = house()
    a, b = worker_in(form), worker_in(form)
    first = services.count_tap(actor=a, service_form=form, field="adults", delta=1)
    # b taps twice with nothing in between being re-read: F() updates, nothing is lost.
    services.count_tap(actor=b, service_form=form, field="adults", delta=1)
    services.count_tap(actor=b, service_form=form, field="adults", delta=1)
    services.count_tap(actor=a, service_form=form, field="children", delta=1)
    assert first.adults == 1  # the stale instance was never saved back
    assert _count(form, dt.date(2026, 3, 2)).adults == 3
    services.count_tap(
        actor=a, service_form=form, field="adults", delta=1, session=Session.AFTERNOON
    )
    assert _count(form, dt.date(2026, 3, 2)).adults == 3
    assert _count(form, dt.date(2026, 3, 2), Session.AFTERNOON).adults == 1


@time_machine.travel(MONDAY, tick=False)
def test_undo_reverts_only_the_workers_own_last_tap() -> None:
    form = house()
    a, b = worker_in(form), worker_in(form)
    services.count_tap(actor=a, service_form=form, field="adults", delta=1)
    services.count_tap(actor=a, service_form=form, field="children", delta=1)
    services.count_tap(actor=b, service_form=form, field="first_timers", delta=1)
    tap = services.count_undo(actor=a, service_form=form)
    assert (tap.field, tap.delta) == ("children", 1)
    count = _count(form, dt.date(2026, 3, 2))
    assert (count.adults, count.children, count.first_timers) == (1, 0, 1)
    services.count_undo(actor=a, service_form=form)
    assert _count(form, dt.date(2026, 3, 2)).adults == 0
    with pytest.raises(ValidationError) as excinfo:
        services.count_undo(actor=a, service_form=form)
    assert "Sinulla ei ole kumottavaa napautusta tänään." in excinfo.value.messages
    # b's tap is still there, and a minus can be undone as well.
    services.count_tap(actor=b, service_form=form, field="first_timers", delta=-1)
    services.count_undo(actor=b, service_form=form)
    assert _count(form, dt.date(2026, 3, 2)).first_timers == 1
    with scopes_disabled():
        assert CountTap.objects.filter(undone_at__isnull=False).count() == 3


def test_yesterdays_taps_cannot_be_undone_today() -> None:
    form = house()
    worker = worker_in(form)
    with time_machine.travel(t(2026, 3, 2, 23, 50), tick=False):
        services.count_tap(actor=worker, service_form=form, field="adults", delta=1)
    with time_machine.travel(t(2026, 3, 3, 0, 10), tick=False), pytest.raises(ValidationError):
        services.count_undo(actor=worker, service_form=form)
    assert _count(form, dt.date(2026, 3, 2)).adults == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_taps_from_two_threads_are_both_counted() -> None:
    form = house()
    workers = [worker_in(form), worker_in(form)]
    services.count_tap(actor=workers[0], service_form=form, field="adults", delta=1)
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def run(worker) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            for _ in range(10):
                services.count_tap(actor=worker, service_form=form, field="adults", delta=1)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with scopes_disabled():
        assert DailyCount.objects.get(service_form=form).adults == 21


def test_only_members_of_the_house_may_tap() -> None:
    form = house()
    other = ServiceFormFactory.create(organisation=form.organisation)
    outsider = worker_in(other)
    with pytest.raises(PermissionDenied):
        services.count_tap(actor=outsider, service_form=form, field="adults", delta=1)
    other_org_worker = worker_in(house())
    with pytest.raises(PermissionDenied):
        services.count_tap(actor=other_org_worker, service_form=form, field="adults", delta=1)
    outpatient = ServiceFormFactory.create(organisation=form.organisation)
    with pytest.raises(PermissionDenied):
        services.count_tap(
            actor=worker_in(outpatient), service_form=outpatient, field="adults", delta=1
        )


# --------------------------------------------------------------------------- corrections


@time_machine.travel(t(2026, 3, 10, 9), tick=False)
def test_a_lead_corrects_a_past_day_with_a_reason() -> None:
    form = house()
    worker, lead = worker_in(form), lead_in(form)
    values = {
        "day": dt.date(2026, 3, 5),
        "session": Session.DAY,
        "programme": Programme.BABY_DAY,
        "adults": 7,
        "children": 1,
        "under_ones": 6,
        "first_timers": 2,
    }
    with pytest.raises(PermissionDenied):
        services.count_correct(actor=worker, service_form=form, reason="paperilistalta", **values)
    with pytest.raises(ValidationError) as excinfo:
        services.count_correct(actor=lead, service_form=form, reason=" ab ", **values)
    assert "reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.count_correct(
            actor=lead,
            service_form=form,
            reason="paperilistalta",
            **{**values, "day": dt.date(2026, 3, 11)},
        )
    assert excinfo.value.message_dict["day"] == ["Tulevan päivän lukuja ei voi kirjata."]
    count = services.count_correct(
        actor=lead, service_form=form, reason="Laskuri jäi auki", **values
    )
    assert count.visits == 14
    count = services.count_correct(
        actor=lead, service_form=form, reason="Yksi aikuinen liikaa", **{**values, "adults": 6}
    )
    with scopes_disabled():
        assert DailyCount.objects.filter(service_form=form).count() == 1
        reasons = list(
            count.history.order_by("history_date").values_list("history_change_reason", flat=True)
        )
    assert reasons == ["Laskuri jäi auki", "Yksi aikuinen liikaa"]
    assert _count(form, dt.date(2026, 3, 5)).adults == 6


# --------------------------------------------------------------------------- childcare


@time_machine.travel(t(2026, 3, 10, 9), tick=False)
def test_childcare_counts_and_validation() -> None:
    form = house()
    worker = worker_in(form)
    session = services.childcare_record(
        actor=worker,
        service_form=form,
        starts_at=t(2026, 3, 6, 9),
        ends_at=t(2026, 3, 6, 12),
        children_under_1=1,
        children_1_2=2,
        children_3_6=3,
        staff_carers=1,
        volunteer_carers=2,
    )
    assert (session.children, session.carers) == (6, 3)
    with pytest.raises(ValidationError) as excinfo:
        services.childcare_record(
            actor=worker,
            service_form=form,
            starts_at=t(2026, 3, 6, 12),
            ends_at=t(2026, 3, 6, 9),
        )
    assert excinfo.value.message_dict["ends_at"] == ["Päättymisajan on oltava alkamisajan jälkeen."]
    with pytest.raises(ValidationError) as excinfo:
        services.childcare_record(
            actor=worker,
            service_form=form,
            starts_at=t(2026, 3, 13, 9),
            ends_at=t(2026, 3, 13, 12),
        )
    assert "starts_at" in excinfo.value.message_dict
    updated = services.childcare_update(
        actor=worker,
        session=session,
        starts_at=t(2026, 3, 6, 9),
        ends_at=t(2026, 3, 6, 11),
        children_under_1=0,
        children_1_2=2,
        children_3_6=3,
        staff_carers=1,
        volunteer_carers=0,
    )
    assert (updated.children, updated.carers) == (5, 1)


# --------------------------------------------------------------------------- rentals


def _book(worker, form, room, start, end, **kwargs):  # type: ignore[no-untyped-def]
    return services.booking_create(
        actor=worker,
        service_form=form,
        room=room,
        kind=kwargs.pop("kind", Booking.Kind.BIRTHDAY_PARTY),
        starts_at=start,
        ends_at=end,
        title=kwargs.pop("title", "Syntymäpäiväjuhlat"),
        **kwargs,
    )


def test_booking_price_is_hourly_price_times_hours_and_editable() -> None:
    form = house()
    worker = worker_in(form)
    room = hall(form, price="25.00")
    booking = _book(worker, form, room, t(2026, 3, 7, 12), t(2026, 3, 7, 14, 30))
    assert booking.price == Decimal("62.50")
    assert booking.rental_charge.hours == Decimal("2.50")
    assert booking.rental_charge.billable is True
    typed = _book(worker, form, room, t(2026, 3, 8, 12), t(2026, 3, 8, 15), price=Decimal("50"))
    assert typed.price == Decimal("50")
    free = _book(
        worker,
        form,
        room,
        t(2026, 3, 9, 17),
        t(2026, 3, 9, 19),
        kind=Booking.Kind.SELF_ORGANISED_GROUP,
        price=Decimal("0"),
        billable=False,
    )
    assert free.rental_charge.billable is False
    with pytest.raises(ValidationError) as excinfo:
        _book(worker, form, room, t(2026, 3, 10, 17), t(2026, 3, 10, 19), price=Decimal("0"))
    assert "price" in excinfo.value.message_dict


def test_hours_across_the_spring_daylight_saving_change() -> None:
    # 29.3.2026 the clocks go from 03:00 to 04:00 in Finland: 02:00–05:00 is two real hours.
    assert services.booking_hours(t(2026, 3, 29, 2), t(2026, 3, 29, 5)) == Decimal("2.00")
    # 25.10.2026 the clocks go back from 04:00 to 03:00: 02:00–05:00 is four real hours.
    assert services.booking_hours(t(2026, 10, 25, 2), t(2026, 10, 25, 5)) == Decimal("4.00")


def test_overlapping_booking_of_the_same_room_is_refused() -> None:
    form = house()
    worker = worker_in(form)
    room = hall(form)
    other_room = hall(form, name="Perhetupa keittiö")
    first = _book(worker, form, room, t(2026, 3, 7, 12), t(2026, 3, 7, 15))
    with pytest.raises(ValidationError) as excinfo:
        _book(worker, form, room, t(2026, 3, 7, 14), t(2026, 3, 7, 16))
    assert excinfo.value.message_dict["starts_at"] == [
        "Perhetupa sali on jo varattu 7.3.2026 klo 12.00–15.00. Valitse toinen aika."
    ]
    # Touching ends and another room are fine; a cancelled booking frees the time.
    _book(worker, form, room, t(2026, 3, 7, 15), t(2026, 3, 7, 17))
    _book(worker, form, other_room, t(2026, 3, 7, 12), t(2026, 3, 7, 15))
    services.booking_cancel(actor=worker, service_form=form, booking=first)
    _book(worker, form, room, t(2026, 3, 7, 11), t(2026, 3, 7, 14))
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=worker, service_form=form, booking=first)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_the_same_hour_cannot_both_succeed() -> None:
    form = house()
    room = hall(form)
    workers = [worker_in(form), worker_in(form)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(worker) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            _book(worker, form, room, t(2026, 3, 7, 12), t(2026, 3, 7, 15))
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]


def test_rooms_of_other_forms_and_non_members_are_refused() -> None:
    form = house()
    worker = worker_in(form)
    other_house = house(organisation=form.organisation, name="Toinen tupa")
    foreign_room = hall(other_house, name="Toisen tuvan sali")
    with pytest.raises(ValidationError) as excinfo:
        _book(worker, form, foreign_room, t(2026, 3, 7, 12), t(2026, 3, 7, 15))
    assert "room" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        _book(worker_in(other_house), form, hall(form), t(2026, 3, 7, 12), t(2026, 3, 7, 15))


# --------------------------------------------------------------------------- ANO-05


@time_machine.travel(MONDAY, tick=False)
def test_identification_needs_consent_and_leaves_the_counts_alone() -> None:
    form = house()
    worker = worker_in(form)
    services.count_tap(actor=worker, service_form=form, field="adults", delta=1)
    services.count_tap(actor=worker, service_form=form, field="children", delta=1)
    before = list(DailyCount.history.model.objects.values_list("pk", flat=True))  # type: ignore[attr-defined]
    with scopes_disabled():
        persons_before = Person.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.visitor_identify(
            actor=worker,
            service_form=form,
            target_service_form=form,
            first_names="Aurora",
            last_name="Keksitty",
            consent=False,
        )
    assert "consent" in excinfo.value.message_dict
    with scopes_disabled():
        assert Person.objects.count() == persons_before
        assert not Episode.objects.filter(service_form=form).exists()
    record = services.visitor_identify(
        actor=worker,
        service_form=form,
        target_service_form=form,
        first_names="Aurora",
        last_name="Keksitty",
        consent=True,
    )
    with scopes_disabled():
        record = IdentificationConsent.objects.select_related("person", "episode").get(pk=record.pk)
        assert record.recorded_by == worker
        assert record.recorded_at == MONDAY
        assert record.person.last_name == "Keksitty"
        assert record.episode.service_form == form
        assert record.episode.participants.get().person == record.person
        count = DailyCount.objects.get(service_form=form)
        assert (count.adults, count.children) == (1, 1)
        assert list(DailyCount.history.model.objects.values_list("pk", flat=True)) == before  # type: ignore[attr-defined]


@time_machine.travel(MONDAY, tick=False)
def test_identification_only_into_forms_where_the_worker_does_client_work() -> None:
    form = house()
    worker = worker_in(form)
    elsewhere = ServiceFormFactory.create(organisation=form.organisation)
    with pytest.raises(ValidationError) as excinfo:
        services.visitor_identify(
            actor=worker,
            service_form=form,
            target_service_form=elsewhere,
            first_names="Aurora",
            last_name="Keksitty",
            consent=True,
        )
    assert excinfo.value.message_dict["target_service_form"] == [
        "Valitse työmuoto, jossa teet asiakastyötä."
    ]
