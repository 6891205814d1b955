"""Demo data of the open family house (Perhetupa): anonymous visitor counts and weekly
childcare sessions over the demo's history (:func:`tupa.demo.calendar.history_start` to
yesterday; the volunteer childminders named from the volunteer register when the rules allow
them that day) and a few room rentals. Fictional and deterministic.

Opening pattern (seed-spec §2.4): open day activity four days a week, Monday–Thursday;
Thursday is the baby day (families with children under 1). Finnish public holidays are closed
(the ``holidays`` package). Temporary childcare once a week, on Fridays 9–12 (the weekday is
not stated in the plan: [inferred]). Today is left uncounted so the worker can count it.

Idempotent: when the house already has counts, nothing is changed and ``None`` is returned.
The counts are bulk-inserted (years of taps through :func:`count_tap` would be thousands of
writes); childcare sessions and bookings go through the services with the Perhetupa worker as
the actor.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import holidays
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.demo.calendar import history_start
from tupa.dropin import services, volunteers
from tupa.dropin.models import DailyCount, Programme, Session
from tupa.organisations.models import Organisation, ServiceForm
from tupa.scheduling.models import Booking, Room

SEED = 2007  # the year Perhetupa started
SLUG = "perhetupa"
WORKER = "perhetupa"
HALL = "Perhetupa sali"
HALL_PRICE = Decimal("25.00")
OPEN_WEEKDAYS = (0, 1, 2, 3)  # Monday–Thursday
CHILDCARE_WEEKDAY = 4  # Friday


def _counts(rng: random.Random, day: dt.date) -> dict[str, int | str]:
    if day.weekday() == services.BABY_DAY_WEEKDAY:
        babies = rng.randint(4, 10)
        return {
            "programme": Programme.BABY_DAY,
            "adults": babies + rng.randint(0, 2),
            "children": rng.randint(0, 2),
            "under_ones": babies,
            "first_timers": rng.randint(0, 3),
        }
    summer = day.month in (6, 7)
    return {
        "programme": Programme.OPEN_DAY,
        "adults": rng.randint(3, 8) if summer else rng.randint(6, 14),
        "children": rng.randint(3, 9) if summer else rng.randint(6, 16),
        "under_ones": rng.randint(0, 3),
        "first_timers": rng.randint(0, 2),
    }


def build(*, organisation: Organisation) -> str | None:
    with scope(organisation=organisation.pk):
        service_form = ServiceForm.objects.filter(
            organisation=organisation, slug=SLUG, kind=ServiceForm.Kind.DROP_IN
        ).first()
        worker = User.objects.filter(organisation=organisation, username=WORKER).first()
        if service_form is None or worker is None:
            return None
        if DailyCount.objects.filter(service_form=service_form).exists():
            return None
        with transaction.atomic():
            return _build(service_form=service_form, worker=worker)


def _build(*, service_form: ServiceForm, worker: User) -> str:
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    today = timezone.localdate()
    first = history_start(today)
    closed = holidays.Finland(years=range(first.year, today.year + 1))
    rows: list[DailyCount] = []
    childcare = 0
    for offset in range((today - first).days):
        day = first + dt.timedelta(days=offset)
        if day in closed:
            continue
        if day.weekday() in OPEN_WEEKDAYS:
            values = _counts(rng, day)
            rows.append(
                DailyCount(
                    organisation_id=service_form.organisation_id,
                    service_form=service_form,
                    date=day,
                    session=Session.DAY,
                    **values,  # type: ignore[arg-type]
                )
            )
        elif day.weekday() == CHILDCARE_WEEKDAY and day.month not in (7,):
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
            # Volunteer childminders by name: those the rules allow that day (a Perhetupa
            # task, a valid record check), at most two; now and then a helper outside the
            # register is counted without a name.
            allowed = [pk for pk, _name in volunteers.options(service_form=service_form, on=day)]
            named = rng.sample(allowed, k=min(len(allowed), rng.randint(0, 2)))
            services.childcare_record(
                actor=worker,
                service_form=service_form,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                children_under_1=rng.randint(0, 2),
                children_1_2=rng.randint(1, 4),
                children_3_6=rng.randint(0, 3),
                staff_carers=1,
                volunteer_ids=named,
                volunteer_carers=len(named) + (1 if rng.random() < 0.15 else 0),
            )
            childcare += 1
    DailyCount.objects.bulk_create(rows)

    hall, _created = Room.objects.get_or_create(
        organisation_id=service_form.organisation_id,
        name=HALL,
        defaults={
            "service_form": service_form,
            "description": "Perhetuvan olohuone ja leikkitila.",
            "capacity": 30,
            "rentable": True,
            "hourly_price": HALL_PRICE,
        },
    )
    bookings = 0
    if hall.service_form_id == service_form.pk and hall.rentable and hall.active:
        bookings = _bookings(service_form=service_form, worker=worker, hall=hall, today=today)
    return (
        f"Perhetupa: {len(rows)} aukiolopäivän kävijämäärät, {childcare} lastenhoitokertaa, "
        f"{bookings} tilavarausta."
    )


def _bookings(*, service_form: ServiceForm, worker: User, hall: Room, today: dt.date) -> int:
    """Saturday birthday parties and a Wednesday-evening peer group, past and coming."""
    made = 0
    existing = Booking.objects.filter(room=hall).exists()
    if existing:
        return 0
    parties = ["Lapsen 3-vuotissynttärit", "Lapsen 5-vuotissynttärit", "Lapsen 4-vuotissynttärit"]
    for weeks in (-10, -6, -3, 2, 5):
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks)
        starts = timezone.make_aware(dt.datetime.combine(saturday, dt.time(12, 0)))
        services.booking_create(
            actor=worker,
            service_form=service_form,
            room=hall,
            kind=Booking.Kind.BIRTHDAY_PARTY,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            title=parties[made % len(parties)],
            organiser_name="Vuokraaja (demo)",
            organiser_contact="040 000 0000 (demo)",
        )
        made += 1
    for weeks in range(-8, 4, 2):
        wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7 * weeks)
        starts = timezone.make_aware(dt.datetime.combine(wednesday, dt.time(17, 30)))
        services.booking_create(
            actor=worker,
            service_form=service_form,
            room=hall,
            kind=Booking.Kind.SELF_ORGANISED_GROUP,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            title="Kaksosperheiden vertaisryhmä",
            organiser_name="Vertaisryhmän yhteyshenkilö (demo)",
            price=Decimal("0.00"),
            billable=False,
        )
        made += 1
    return made
