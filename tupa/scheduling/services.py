"""Appointments: every write (issue 5 item 1). Keyword-only, ``actor`` first, atomic.

Rules decided here (tests in ``tests/test_services.py``):

- **Who plans.** An active client-work member (worker, lead, coordinator) of the service form
  plans its appointments. The organiser must be such a member too; co-workers may be any
  active client-work staff of the organisation (as in the journal, CLI-16).
- **Episode.** Optional; when given it must belong to the same service form; an ended episode
  takes appointments only up to its end date (e.g. recording a past meeting afterwards).
- **Place.** A room only for meetings at the own premises (and only a room of the whole
  organisation or of this service form); a partner is required for partner premises.
- **Conflicts are warnings.** An overlapping appointment of the organiser or a co-worker, or a
  room that is already reserved (appointment or :class:`~.models.Booking`), raises
  :class:`ConflictsFound` unless ``confirm_conflicts=True`` (the form's "Tallenna silti").
  Cancelled appointments and cancelled bookings do not reserve anything.
- **Recurrence.** A series is expanded in Europe/Helsinki wall time (:mod:`.recurrence`) and
  stored as one row per occurrence linked to an :class:`~.models.AppointmentSeries`; each
  occurrence is then moved or cancelled on its own.
- **Outcome → journal.** Recording an outcome of an appointment linked to an episode writes
  one journal entry through :mod:`tupa.episodes.journal`: "happened" as a meeting entry of the
  matching type with the duration, the cancellations and the no-show as a note. Changing the
  outcome later **corrects that same entry** (``entry_correct``: a new version superseding the
  previous one, reason "Tapaamisen lopputulosta muutettu"), so an appointment never has more
  than one current journal entry. Only the author of the entry or a lead of the service form
  may correct it (the journal's own rule). An outcome cannot be set back to "planned".
  "Happened" and "no-show" need the appointment to have started; a cancellation may be
  recorded in advance (the entry's time is then the moment of recording, since the journal
  does not accept future times).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tupa.access.clients import is_member
from tupa.accounts.models import User
from tupa.core import dates
from tupa.episodes import journal
from tupa.episodes.models import Entry, Episode
from tupa.people.processing import ensure_episode_processing_allowed

from . import recurrence
from .models import (
    CANCELLED_OUTCOMES,
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Booking,
    CalendarFeedToken,
    Outcome,
    PlaceKind,
    Room,
)

if TYPE_CHECKING:
    from tupa.organisations.models import Partner, ServiceForm

MAX_DURATION = dt.timedelta(hours=12)
START_TOLERANCE = dt.timedelta(minutes=5)


class AppointmentPermissionDenied(Exception):
    """The actor may not plan or change this appointment (views answer 404)."""


@dataclass(frozen=True)
class Recurrence:
    frequency: str
    until: dt.date | None = None
    count: int | None = None


@dataclass(frozen=True)
class Conflict:
    """One overlap: ``kind`` is "worker" or "room"; ``who`` the worker or room name."""

    kind: str
    who: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    what: str

    @property
    def message(self) -> str:
        local_start = timezone.localtime(self.starts_at)
        local_end = timezone.localtime(self.ends_at)
        when = "{} {}–{}".format(
            formats.date_format(local_start, "D j.n.Y"),
            formats.time_format(local_start, "H:i"),
            formats.time_format(local_end, "H:i"),
        )
        if self.kind == "room":
            return _("Tila %(room)s on jo varattu %(when)s (%(what)s).") % {
                "room": self.who,
                "when": when,
                "what": self.what,
            }
        return _("Työntekijällä %(worker)s on jo tapaaminen %(when)s.") % {
            "worker": self.who,
            "when": when,
        }


@dataclass
class ConflictsFound(Exception):
    conflicts: list[Conflict] = field(default_factory=list)


# --------------------------------------------------------------------------- conflicts


def find_conflicts(
    *,
    organisation_id: int,
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
    worker_ids: Iterable[int],
    room_id: int | None,
    exclude_ids: Iterable[int] = (),
) -> list[Conflict]:
    """Overlaps of ``slots`` with other appointments of the workers, or with the room's use.

    Two intervals overlap when each starts before the other ends (touching ends do not
    overlap: 10–11 and 11–12 are fine). A constant number of queries for any number of slots.
    """
    if not slots:
        return []
    workers = set(worker_ids)
    exclude = set(exclude_ids)
    window_start = min(s for s, _e in slots)
    window_end = max(e for _s, e in slots)
    active = Appointment.objects.filter(
        organisation_id=organisation_id, starts_at__lt=window_end, ends_at__gt=window_start
    ).exclude(outcome__in=list(CANCELLED_OUTCOMES))
    if exclude:
        active = active.exclude(pk__in=exclude)
    conflicts: list[Conflict] = []
    if workers:
        rows = (
            active.filter(Q(organiser_id__in=workers) | Q(co_workers__in=workers))
            .distinct()
            .select_related("organiser")
            .prefetch_related("co_workers")
        )
        for other in rows:
            involved = [other.organiser, *other.co_workers.all()]
            for start, end in slots:
                if other.starts_at < end and other.ends_at > start:
                    for user in involved:
                        if user.pk in workers:
                            conflicts.append(
                                Conflict(
                                    "worker",
                                    str(user),
                                    other.starts_at,
                                    other.ends_at,
                                    other.get_type_display(),
                                )
                            )
    if room_id is not None:
        room_rows = active.filter(room_id=room_id).select_related("room")
        bookings = Booking.objects.filter(
            room_id=room_id,
            cancelled_at__isnull=True,
            starts_at__lt=window_end,
            ends_at__gt=window_start,
        ).select_related("room")
        for start, end in slots:
            for other in room_rows:
                if other.starts_at < end and other.ends_at > start:
                    conflicts.append(
                        Conflict(
                            "room",
                            str(other.room),
                            other.starts_at,
                            other.ends_at,
                            _("tapaaminen"),
                        )
                    )
            for booking in bookings:
                if booking.starts_at < end and booking.ends_at > start:
                    conflicts.append(
                        Conflict(
                            "room",
                            str(booking.room),
                            booking.starts_at,
                            booking.ends_at,
                            booking.get_kind_display(),
                        )
                    )
    unique = list(dict.fromkeys(conflicts))
    unique.sort(key=lambda c: (c.starts_at, c.kind, c.who))
    return unique


# --------------------------------------------------------------------------- validation


def _validate(
    *,
    actor: User,
    service_form: ServiceForm,
    episode: Episode | None,
    type: str,
    place_kind: str,
    partner: Partner | None,
    place_note: str,
    room: Room | None,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    organiser: User,
    co_workers: list[User],
    note: str,
    kept_co_worker_ids: frozenset[int] = frozenset(),
) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if type not in AppointmentType.values:
        add("type", _("Valitse tapaamisen laji."))
    if place_kind not in PlaceKind.values:
        add("place_kind", _("Valitse paikka."))
    if place_kind == PlaceKind.PARTNER and partner is None:
        add("partner", _("Valitse yhteistyötaho, jonka tiloissa tapaaminen on."))
    if partner is not None and partner.organisation_id != service_form.organisation_id:
        add("partner", _("Valitse yhteistyötaho, jonka tiloissa tapaaminen on."))
    if room is not None:
        if place_kind != PlaceKind.OWN_PREMISES:
            add("room", _("Tila valitaan vain omissa tiloissa pidettävälle tapaamiselle."))
        elif (
            room.organisation_id != service_form.organisation_id
            or not room.active
            or room.service_form_id not in (None, service_form.pk)
        ):
            add("room", _("Valitse jokin tämän työmuodon käytössä olevista tiloista."))
    if len(place_note) > 200:
        add("place_note", _("Paikan tarkenne saa olla enintään 200 merkkiä."))
    if len(note) > 300:
        add("note", _("Lisätieto saa olla enintään 300 merkkiä."))
    if starts_at is None or ends_at is None:
        add("starts_at", _("Anna tapaamisen alkamis- ja päättymisaika."))
    elif timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        add("starts_at", _("Tapaamisen ajasta puuttuu aikavyöhyke."))
    elif problem := dates.date_problem(starts_at):
        add("starts_at", problem)
    elif ends_at <= starts_at:
        add("ends_at", _("Päättymisajan on oltava alkamisajan jälkeen."))
    elif ends_at - starts_at > MAX_DURATION:
        add("ends_at", _("Tapaaminen voi kestää enintään 12 tuntia."))
    if episode is not None:
        if episode.service_form_id != service_form.pk:
            add("episode", _("Asiakkuuden on oltava tämän työmuodon asiakkuus."))
        elif (
            episode.status == Episode.Status.ENDED
            and starts_at is not None
            and (
                episode.end_date is None or timezone.localtime(starts_at).date() > episode.end_date
            )
        ):
            add(
                "episode",
                _("Asiakkuus on päättynyt: tapaamisen on oltava ennen päättymispäivää."),
            )
    if not is_member(organiser, service_form.pk) or not organiser.is_active:
        add("organiser", _("Vastuutyöntekijän on oltava työmuodon työntekijä."))
    if co_workers:
        allowed = set(
            journal.co_worker_candidates(organisation_id=service_form.organisation_id).values_list(
                "pk", flat=True
            )
        )
        if any(u.pk == organiser.pk for u in co_workers):
            add("co_workers", _("Vastuutyöntekijä ei voi olla oma työparinsa."))
        elif any(u.pk not in allowed and u.pk not in kept_co_worker_ids for u in co_workers):
            add("co_workers", _("Työparin on oltava organisaation asiakastyötä tekevä työntekijä."))
    if errors:
        raise ValidationError(errors)


def _require_planner(actor: User, service_form: ServiceForm) -> None:
    if actor.organisation_id != service_form.organisation_id or not is_member(
        actor, service_form.pk
    ):
        raise AppointmentPermissionDenied


def may_manage(*, user: User, appointment: Appointment) -> bool:
    """Members of the appointment's service form, and its organiser and co-workers."""
    if user.organisation_id != appointment.organisation_id or not user.is_active:
        return False
    if is_member(user, appointment.service_form_id):
        return True
    if appointment.organiser_id == user.pk:
        return True
    return appointment.co_workers.filter(pk=user.pk).exists()


# --------------------------------------------------------------------------- create and change


@transaction.atomic
def appointment_create(
    *,
    actor: User,
    service_form: ServiceForm,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    type: str,
    place_kind: str,
    episode: Episode | None = None,
    partner: Partner | None = None,
    place_note: str = "",
    room: Room | None = None,
    organiser: User | None = None,
    co_workers: Iterable[User] = (),
    note: str = "",
    repeat: Recurrence | None = None,
    confirm_conflicts: bool = False,
) -> list[Appointment]:
    """Plan one appointment, or a series of them; returns the created rows in time order."""
    _require_planner(actor, service_form)
    ensure_episode_processing_allowed(episode)
    organiser = organiser or actor
    co_workers = list(co_workers)
    _validate(
        actor=actor,
        service_form=service_form,
        episode=episode,
        type=type,
        place_kind=place_kind,
        partner=partner,
        place_note=place_note,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        organiser=organiser,
        co_workers=co_workers,
        note=note,
    )
    if place_kind != PlaceKind.PARTNER:
        partner = None
    slots = [(starts_at, ends_at)]
    series = None
    if repeat is not None:
        if repeat.frequency not in AppointmentSeries.Frequency.values:
            raise ValidationError({"repeat": [_("Valitse toistuvuus.")]})
        if (repeat.until is None) == (repeat.count is None):
            raise ValidationError(
                {"repeat_until": [_("Anna joko toiston päättymispäivä tai kertojen määrä.")]}
            )
        if problem := dates.date_problem(repeat.until):
            raise ValidationError({"repeat_until": [problem]})
        if repeat.until is not None and repeat.until < timezone.localtime(starts_at).date():
            raise ValidationError(
                {
                    "repeat_until": [
                        _("Toiston päättymispäivä ei voi olla ennen ensimmäistä kertaa.")
                    ]
                }
            )
        if repeat.until is not None and repeat.until > timezone.localtime(
            starts_at
        ).date() + dt.timedelta(days=731):
            raise ValidationError({"repeat_until": [_("Sarja voi jatkua enintään kaksi vuotta.")]})
        if repeat.count is not None and not (2 <= repeat.count <= recurrence.MAX_OCCURRENCES):
            raise ValidationError(
                {
                    "repeat_count": [
                        _("Kertoja voi olla %(min)s–%(max)s.")
                        % {"min": 2, "max": recurrence.MAX_OCCURRENCES}
                    ]
                }
            )
        slots = recurrence.expand(
            first_start=starts_at,
            duration=ends_at - starts_at,
            frequency=repeat.frequency,
            until=repeat.until,
            count=repeat.count,
        )
        series = AppointmentSeries.objects.create(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            frequency=repeat.frequency,
            first_starts_at=starts_at,
            duration_minutes=int((ends_at - starts_at).total_seconds() // 60),
            until=repeat.until,
            count=repeat.count,
            created_by=actor,
        )
    if not confirm_conflicts:
        conflicts = find_conflicts(
            organisation_id=service_form.organisation_id,
            slots=slots,
            worker_ids=[organiser.pk, *(u.pk for u in co_workers)],
            room_id=room.pk if room else None,
        )
        if conflicts:
            raise ConflictsFound(conflicts)
    created = []
    for start, end in slots:
        appointment = Appointment.objects.create(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            episode=episode,
            series=series,
            type=type,
            place_kind=place_kind,
            partner=partner,
            place_note=place_note.strip(),
            room=room,
            starts_at=start,
            ends_at=end,
            organiser=organiser,
            note=note.strip(),
            created_by=actor,
        )
        if co_workers:
            appointment.co_workers.set(co_workers)
        created.append(appointment)
    return created


@transaction.atomic
def appointment_update(
    *,
    actor: User,
    appointment: Appointment,
    version: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    type: str,
    place_kind: str,
    partner: Partner | None = None,
    place_note: str = "",
    room: Room | None = None,
    organiser: User | None = None,
    co_workers: Iterable[User] = (),
    note: str = "",
    confirm_conflicts: bool = False,
) -> Appointment:
    """Change one planned appointment (one occurrence of a series changes alone)."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service_form", "episode")
        .get(pk=appointment.pk)
    )
    if not may_manage(user=actor, appointment=appointment):
        raise AppointmentPermissionDenied
    ensure_episode_processing_allowed(appointment.episode)
    if appointment.version != version:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "Joku muu muutti tapaamista sillä välin. Tarkista tiedot ja tallenna "
                        "uudelleen."
                    )
                ]
            },
            code="stale",
        )
    if appointment.outcome != Outcome.PLANNED:
        raise ValidationError(
            {"__all__": [_("Vain suunniteltua tapaamista voi muuttaa.")]}, code="not_planned"
        )
    organiser = organiser or appointment.organiser
    co_workers = list(co_workers)
    kept = frozenset(appointment.co_workers.values_list("pk", flat=True))
    _validate(
        actor=actor,
        service_form=appointment.service_form,
        episode=None,
        type=type,
        place_kind=place_kind,
        partner=partner,
        place_note=place_note,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        organiser=organiser,
        co_workers=co_workers,
        note=note,
        kept_co_worker_ids=kept,
    )
    if not confirm_conflicts:
        conflicts = find_conflicts(
            organisation_id=appointment.organisation_id,
            slots=[(starts_at, ends_at)],
            worker_ids=[organiser.pk, *(u.pk for u in co_workers)],
            room_id=room.pk if room else None,
            exclude_ids=[appointment.pk],
        )
        if conflicts:
            raise ConflictsFound(conflicts)
    appointment.starts_at = starts_at
    appointment.ends_at = ends_at
    appointment.type = type
    appointment.place_kind = place_kind
    appointment.partner = partner if place_kind == PlaceKind.PARTNER else None
    appointment.place_note = place_note.strip()
    appointment.room = room
    appointment.organiser = organiser
    appointment.note = note.strip()
    appointment.version += 1
    appointment.save()
    appointment.co_workers.set(co_workers)
    return appointment


# --------------------------------------------------------------------------- outcome → journal

_ENTRY_TYPE = {
    AppointmentType.HOME_VISIT: Entry.Type.HOME_VISIT,
    AppointmentType.OFFICE_MEETING: Entry.Type.INDIVIDUAL_MEETING,
    AppointmentType.REMOTE: Entry.Type.PHONE,
    AppointmentType.NETWORK_MEETING: Entry.Type.NETWORK_MEETING,
    AppointmentType.GROUP: Entry.Type.NOTE,
    AppointmentType.OTHER: Entry.Type.NOTE,
}

_ENTRY_PLACE = {
    PlaceKind.OWN_PREMISES: Entry.Place.OWN_PREMISES,
    PlaceKind.CLIENT_HOME: Entry.Place.CLIENT_HOME,
    PlaceKind.PARTNER: Entry.Place.PARTNER_PREMISES,
    PlaceKind.OTHER: Entry.Place.OTHER,
}


def entry_values(appointment: Appointment, *, outcome: str, note: str) -> dict[str, object]:
    """What the journal entry of an outcome says (type, time, duration, place, text)."""
    happened = outcome == Outcome.HAPPENED
    start = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    when = "{} {}–{}".format(
        formats.date_format(start, "j.n.Y"),
        formats.time_format(start, "H:i"),
        formats.time_format(end, "H:i"),
    )
    headline = {
        Outcome.HAPPENED: _("%(type)s %(when)s toteutui."),
        Outcome.CANCELLED_BY_CLIENT: _("%(type)s %(when)s peruttu: asiakas perui."),
        Outcome.CANCELLED_BY_US: _("%(type)s %(when)s peruttu: työntekijä perui."),
        Outcome.NO_SHOW: _("%(type)s %(when)s ei toteutunut: asiakas ei saapunut."),
    }[Outcome(outcome)] % {"type": appointment.get_type_display().capitalize(), "when": when}
    text = headline + ("\n\n" + note.strip() if note.strip() else "")
    place = _ENTRY_PLACE[PlaceKind(appointment.place_kind)]
    if appointment.type == AppointmentType.REMOTE:
        place = Entry.Place.REMOTE
    if appointment.place_kind == PlaceKind.PARTNER and appointment.partner is not None:
        detail = str(appointment.partner)
    elif appointment.room is not None:
        detail = str(appointment.room)
    else:
        detail = ""
    now = timezone.now()
    occurred_at = appointment.starts_at if appointment.starts_at <= now else now
    return {
        "type": _ENTRY_TYPE[AppointmentType(appointment.type)] if happened else Entry.Type.NOTE,
        "occurred_at": occurred_at,
        "duration_minutes": appointment.duration_minutes if happened else None,
        "place": place,
        "place_detail": detail[:200],
        "text": text,
    }


@transaction.atomic
def appointment_record_outcome(
    *, actor: User, appointment: Appointment, outcome: str, note: str = ""
) -> Appointment:
    """Record (or correct) the outcome; with an episode, write or correct its journal entry."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("episode", "episode__service_form", "partner", "room", "organiser")
        .get(pk=appointment.pk)
    )
    if not may_manage(user=actor, appointment=appointment):
        raise AppointmentPermissionDenied
    ensure_episode_processing_allowed(appointment.episode)
    note = note.strip()
    if outcome not in Outcome.values or outcome == Outcome.PLANNED:
        raise ValidationError({"outcome": [_("Valitse tapaamisen lopputulos.")]})
    if len(note) > 5000:
        raise ValidationError({"outcome_note": [_("Kuvaus saa olla enintään 5000 merkkiä.")]})
    if outcome in (Outcome.HAPPENED, Outcome.NO_SHOW) and (
        appointment.starts_at > timezone.now() + START_TOLERANCE
    ):
        raise ValidationError(
            {
                "outcome": [
                    _("Toteutuneeksi tai poisjääneeksi voi merkitä vasta alkaneen tapaamisen.")
                ]
            }
        )
    if outcome == appointment.outcome and note == appointment.outcome_note:
        return appointment
    if appointment.episode is not None:
        episode = appointment.episode
        journal.ensure_can_write(actor=actor, episode=episode)
        values = entry_values(appointment, outcome=outcome, note=note)
        candidates = set(
            journal.co_worker_candidates(organisation_id=appointment.organisation_id).values_list(
                "pk", flat=True
            )
        )
        workers = [appointment.organiser, *appointment.co_workers.all()]
        entry_co_workers = list(
            {u.pk: u for u in workers if u.pk != actor.pk and u.pk in candidates}.values()
        )
        if appointment.journal_entry_id is None:
            entry = journal.entry_create(
                actor=actor,
                episode=episode,
                co_workers=entry_co_workers,
                **values,  # type: ignore[arg-type]
            )
        else:
            current = journal.newest_version(Entry.objects.get(pk=appointment.journal_entry_id))
            if not journal.may_correct(user=actor, entry=current):
                raise ValidationError(
                    {
                        "outcome": [
                            _(
                                "Lopputuloksen voi muuttaa vain sen kirjannut työntekijä tai "
                                "työmuodon esihenkilö."
                            )
                        ]
                    }
                )
            entry = journal.entry_correct(
                actor=actor,
                entry=current,
                reason=_("Tapaamisen lopputulosta muutettu"),
                **values,  # type: ignore[arg-type]
            )
        appointment.journal_entry = entry
    appointment.outcome = outcome
    appointment.outcome_note = note
    appointment.outcome_recorded_at = timezone.now()
    appointment.outcome_recorded_by = actor
    appointment.version += 1
    appointment.save()
    return appointment


# --------------------------------------------------------------------------- iCal feed tokens


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def feed_token_regenerate(*, actor: User) -> str:
    """Revoke the actor's current feed token (if any) and return a new one (shown once)."""
    if actor.organisation_id is None:
        raise AppointmentPermissionDenied
    CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.create(
        organisation_id=actor.organisation_id, user=actor, token_hash=hash_token(token)
    )
    return token


@transaction.atomic
def feed_token_revoke(*, actor: User) -> int:
    """Revoke the actor's feed token; returns how many were revoked (0 or 1)."""
    return CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
