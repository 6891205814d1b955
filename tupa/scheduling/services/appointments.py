"""Planning and changing appointments (one or a recurring series): who, when, where."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.scheduling import may_manage, may_organise, may_plan
from tupa.accounts.models import User
from tupa.core import dates
from tupa.core.conflicts import ensure_version
from tupa.episodes import journal
from tupa.episodes.models import Episode
from tupa.people.processing import ensure_episode_processing_allowed
from tupa.scheduling import recurrence
from tupa.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Outcome,
    PlaceKind,
    Room,
)
from tupa.scheduling.services.conflicts import ConflictsFound, find_conflicts

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
    if not may_organise(organiser, service_form):
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
    if not may_plan(actor, service_form):
        raise AppointmentPermissionDenied


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
    ensure_version(appointment, version)
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
