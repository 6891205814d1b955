"""Demo appointments (issue 5 item 1): the demo's history of outpatient appointments with
outcomes.

For the outpatient service forms of the demo (Avokriisityö, Lapsityö, Jussi-työ, Baby Blues,
Alvari) every demo episode gets appointments every one to three weeks over its course within
the demo's history (from :func:`tupa.demo.calendar.history_start` on); past ones carry an
outcome (mostly "happened", some cancellations and no-shows — each written to the episode's
journal through the services), future ones are planned. A few weekly series run into the coming weeks, one every-two-weeks series lies in the
past, and each form has a monthly internal meeting without an episode. Rooms (Neuvotteluhuone,
Perhetupa sali — rentable by the hour — and Ryhmähuone) and the two partner premises used for
visits (a child-health clinic and the Heinola family centre) are created when missing.

Idempotent: if the organisation already has appointments, nothing is done. Deterministic
(fixed seed), relative to ``timezone.localdate()``, fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.core.wallclock import HELSINKI
from tupa.demo import datafiles
from tupa.demo.calendar import history_start
from tupa.episodes.models import Episode
from tupa.organisations.models import Organisation, Partner, ServiceForm
from tupa.scheduling import services
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind, Room
from tupa.scheduling.selectors import team_members

SEED = 20260505
FORMS = ("avokriisityo", "lapsityo", "jussi-tyo", "baby-blues", "alvari")
MAX_PER_EPISODE = 14
NEUVOLA = "Lahden lastenneuvola"
HEINOLA = "Heinolan perhekeskus"

#: (type, place kind, weight) per service form.
PATTERNS: dict[str, list[tuple[str, str, int]]] = {
    "avokriisityo": [
        (AppointmentType.OFFICE_MEETING, PlaceKind.OWN_PREMISES, 6),
        (AppointmentType.REMOTE, PlaceKind.OTHER, 2),
        (AppointmentType.NETWORK_MEETING, PlaceKind.PARTNER, 1),
    ],
    "lapsityo": [
        (AppointmentType.OFFICE_MEETING, PlaceKind.OWN_PREMISES, 5),
        (AppointmentType.HOME_VISIT, PlaceKind.CLIENT_HOME, 2),
        (AppointmentType.NETWORK_MEETING, PlaceKind.PARTNER, 1),
    ],
    "jussi-tyo": [
        (AppointmentType.OFFICE_MEETING, PlaceKind.OWN_PREMISES, 6),
        (AppointmentType.REMOTE, PlaceKind.OTHER, 1),
    ],
    "baby-blues": [
        (AppointmentType.HOME_VISIT, PlaceKind.CLIENT_HOME, 5),
        (AppointmentType.OFFICE_MEETING, PlaceKind.PARTNER, 2),
        (AppointmentType.REMOTE, PlaceKind.OTHER, 1),
    ],
    "alvari": [
        (AppointmentType.HOME_VISIT, PlaceKind.CLIENT_HOME, 6),
        (AppointmentType.OFFICE_MEETING, PlaceKind.PARTNER, 1),
        (AppointmentType.NETWORK_MEETING, PlaceKind.OWN_PREMISES, 1),
    ],
}

OUTCOMES = [
    (Outcome.HAPPENED, 80),
    (Outcome.CANCELLED_BY_CLIENT, 8),
    (Outcome.CANCELLED_BY_US, 4),
    (Outcome.NO_SHOW, 8),
]
#: Notes by outcome (``data/texts.json``); "" leaves the note empty.
NOTES: dict[str, list[str]] = datafiles.load("texts")["scheduling"]["notes"]


def _rooms(organisation: Organisation, forms: dict[str, ServiceForm]) -> list[Room]:
    if Room.objects.filter(organisation=organisation).exists():
        return list(Room.objects.filter(organisation=organisation, active=True))
    perhetupa = forms.get("perhetupa")
    return [
        Room.objects.create(
            organisation=organisation,
            name="Neuvotteluhuone",
            description="Asiakastapaamiset ja verkostoneuvottelut.",
            capacity=8,
        ),
        Room.objects.create(
            organisation=organisation,
            service_form=perhetupa,
            name="Perhetupa sali",
            description="Avoimen kohtaamispaikan sali; vuokrattavissa iltaisin ja viikonloppuisin.",
            capacity=30,
            rentable=True,
            hourly_price=Decimal("25.00"),
        ),
        Room.objects.create(
            organisation=organisation,
            name="Ryhmähuone",
            description="Ryhmät ja vanhempainillat.",
            capacity=12,
        ),
    ]


def _partner(organisation: Organisation, name: str, kind: str, description: str) -> Partner:
    partner = Partner.objects.filter(organisation=organisation, name=name).first()
    if partner is None:
        partner = Partner.objects.create(
            organisation=organisation, name=name, kind=kind, description=description
        )
    return partner


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)


class _Builder:
    def __init__(self, organisation: Organisation) -> None:
        self.org = organisation
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.forms = {sf.slug: sf for sf in ServiceForm.objects.filter(organisation=organisation)}
        self.rooms: list[Room] = []
        self.partners: list[Partner] = []
        self.count = 0
        self.outcomes = 0
        self.series = 0

    def pick(self, options: list[tuple[Any, Any, int]]) -> tuple[Any, Any]:
        weights = [w for *_rest, w in options]
        chosen = self.rng.choices(options, weights=weights)[0]
        return chosen[0], chosen[1]

    def place(self, place_kind: str) -> dict[str, Any]:
        if place_kind == PlaceKind.PARTNER:
            return {"partner": self.rng.choice(self.partners)}
        if place_kind == PlaceKind.OWN_PREMISES:
            rooms = [r for r in self.rooms if r.service_form_id is None]
            return {"room": self.rng.choice(rooms) if rooms else None}
        if place_kind == PlaceKind.OTHER:
            return {"place_note": self.rng.choice(["Puhelu", "Videoyhteys (Teams)"])}
        return {}

    def create(
        self, *, form: ServiceForm, actor: User, start: dt.datetime, **kwargs: Any
    ) -> list[Appointment]:
        minutes = self.rng.choice((45, 60, 60, 90))
        rows = services.appointment_create(
            actor=actor,
            service_form=form,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=minutes),
            confirm_conflicts=True,
            **kwargs,
        )
        self.count += len(rows)
        return rows

    def settle(self, actor: User, rows: list[Appointment]) -> None:
        for appointment in rows:
            if appointment.ends_at > self.now:
                continue
            outcome = self.rng.choices(
                [o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES]
            )[0]
            services.appointment_record_outcome(
                actor=actor,
                appointment=appointment,
                outcome=outcome,
                note=self.rng.choice(NOTES[outcome]),
            )
            self.outcomes += 1

    def form_appointments(self, slug: str) -> None:
        form = self.forms.get(slug)
        if form is None:
            return
        workers = team_members(form)
        if not workers:
            return
        episodes = list(
            Episode.objects.filter(service_form=form, start_date__isnull=False).order_by("pk")
        )
        horizon = self.today + dt.timedelta(days=56)
        earliest = history_start(self.today)
        series_left = 2
        for episode in episodes:
            actor = self.rng.choice(workers)
            start = max(episode.start_date or earliest, earliest)  # type: ignore[type-var]
            end = episode.end_date or horizon
            day = _weekday(start + dt.timedelta(days=self.rng.randint(0, 6)))
            n = 0
            while day <= end and n < MAX_PER_EPISODE:
                type_, place_kind = self.pick(PATTERNS[slug])
                co_workers = (
                    [w for w in workers if w.pk != actor.pk][:1] if self.rng.random() < 0.15 else []
                )
                rows = self.create(
                    form=form,
                    actor=actor,
                    start=_at(day, self.rng.choice((9, 10, 12, 13, 14))),
                    episode=episode,
                    type=type_,
                    place_kind=place_kind,
                    co_workers=co_workers,
                    **self.place(place_kind),
                )
                self.settle(actor, rows)
                n += 1
                day = _weekday(day + dt.timedelta(days=self.rng.choice((7, 14, 14, 21))))
            if episode.status != Episode.Status.ENDED and series_left:
                # A weekly series starting next week on the same weekday, six times.
                series_left -= 1
                first = _weekday(self.today + dt.timedelta(days=7 + self.rng.randint(0, 4)))
                type_, place_kind = self.pick(PATTERNS[slug])
                self.create(
                    form=form,
                    actor=actor,
                    start=_at(first, 10),
                    episode=episode,
                    type=type_,
                    place_kind=place_kind,
                    repeat=services.Recurrence("weekly", count=6),
                    **self.place(place_kind),
                )
                self.series += 1
        # A past every-two-weeks series of the first ended episode (with outcomes).
        ended = [e for e in episodes if e.status == Episode.Status.ENDED and e.end_date]
        if ended:
            episode = ended[0]
            assert episode.end_date is not None
            first = _weekday(episode.end_date - dt.timedelta(days=70))
            if first > history_start(self.today):
                actor = workers[0]
                rows = self.create(
                    form=form,
                    actor=actor,
                    start=_at(first, 13),
                    episode=episode,
                    type=PATTERNS[slug][0][0],
                    place_kind=PATTERNS[slug][0][1],
                    repeat=services.Recurrence("biweekly", until=episode.end_date),
                    **self.place(PATTERNS[slug][0][1]),
                )
                self.settle(actor, rows)
                self.series += 1
        # The team's own monthly meeting (no episode) for the coming year.
        first = _weekday(self.today + dt.timedelta(days=3))
        self.create(
            form=form,
            actor=workers[0],
            start=_at(first, 8, 30),
            type=AppointmentType.OTHER,
            place_kind=PlaceKind.OWN_PREMISES,
            co_workers=workers[1:3],
            note="Tiimipalaveri",
            repeat=services.Recurrence("monthly", count=12),
            **self.place(PlaceKind.OWN_PREMISES),
        )
        self.series += 1

    def build(self) -> None:
        self.rooms = _rooms(self.org, self.forms)
        self.partners = [
            _partner(
                self.org, NEUVOLA, Partner.Kind.HEALTH, "Lastenneuvola: yhteiset vastaanotot."
            ),
            _partner(
                self.org,
                HEINOLA,
                Partner.Kind.WELLBEING_SERVICES,
                "Perhekeskus, jonka tiloissa tavataan Heinolan perheitä.",
            ),
        ]
        for slug in FORMS:
            self.form_appointments(slug)


def build(*, organisation: Organisation) -> str | None:
    """Create the demo appointments; None (and no change) if the organisation has some."""
    with scope(organisation=organisation.pk), transaction.atomic():
        if Appointment.objects.filter(organisation=organisation).exists():
            return None
        builder = _Builder(organisation)
        builder.build()
    return (
        f"Tapaamiset: {builder.count} (joista {builder.series} toistuvaa sarjaa), "
        f"lopputuloksia kirjattu {builder.outcomes}."
    )
