"""Writes of the open family house (Perhetupa): taps, corrections, childcare, rentals, ANO-05.

House style: keyword-only, ``actor`` first, one transaction each, Finnish ``ValidationError``
messages keyed by field. Only client-work members (worker, lead, coordinator) of the drop-in
service form itself may write; a past day's figures are corrected by a lead of the form, with
a written reason.

Concurrency: a tap is one ``UPDATE … SET n = n + 1`` (an ``F()`` expression), so two workers
tapping at the same moment both count; a minus never goes below zero. A room booking locks the
room row (``select_for_update``) before it looks for overlapping bookings, so two bookings of
the same hour cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.dropin import may_correct, may_identify_into, may_use
from tupa.core.saving import save_validated
from tupa.episodes.models import ReferralSource
from tupa.episodes.services import NewPerson, episode_open, person_for_intake
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_processing_allowed
from tupa.scheduling.models import Booking, Room
from tupa.scheduling.services.conflicts import find_conflicts

from . import volunteers
from .models import (
    COUNT_FIELDS,
    ChildcareSession,
    CountTap,
    DailyCount,
    IdentificationConsent,
    Programme,
    RentalCharge,
    Session,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

CENT = Decimal("0.01")
MIN_REASON = 5
#: The weekday of the baby day (Thursday; seed-spec §2.4). Monday is 0.
BABY_DAY_WEEKDAY = 3
CONSENT_TEXT = (
    "Kävijä suostuu siihen, että hänet kirjataan nimellä yhdistyksen asiakkaaksi "
    "valittuun työmuotoon. Aiemmat nimettömät käynnit eivät liity häneen."
)


@contextmanager
def _scoped(organisation_id: int) -> Iterator[None]:
    with scope(organisation=organisation_id):
        yield


def _require_member(actor: User, service_form: ServiceForm) -> None:
    if actor.organisation_id != service_form.organisation_id or not may_use(actor, service_form):
        raise PermissionDenied(_("Tämä edellyttää jäsenyyttä Perhetuvan työmuodossa."))


def default_programme(day: dt.date) -> str:
    return str(Programme.BABY_DAY if day.weekday() == BABY_DAY_WEEKDAY else Programme.OPEN_DAY)


# --------------------------------------------------------------------------- daily counts


def _session_count(service_form: ServiceForm, day: dt.date, session: str) -> DailyCount:
    count, _created = DailyCount.objects.get_or_create(
        service_form=service_form,
        date=day,
        session=session,
        defaults={
            "organisation_id": service_form.organisation_id,
            "programme": default_programme(day),
        },
    )
    return count


def _check_session(session: str) -> None:
    if session not in Session.values:
        raise ValidationError({"session": _("Valitse aukioloaika.")})


@transaction.atomic
def count_tap(
    *,
    actor: User,
    service_form: ServiceForm,
    field: str,
    delta: int,
    session: str = Session.DAY,
) -> DailyCount:
    """Add ``delta`` (+1 or −1) to one counter of today's ``session``; returns the fresh row."""
    _require_member(actor, service_form)
    if field not in COUNT_FIELDS:
        raise ValidationError({"field": _("Tuntematon laskuri.")})
    if delta not in (1, -1):
        raise ValidationError({"delta": _("Napautus muuttaa lukua yhdellä.")})
    _check_session(session)
    today = timezone.localdate()
    with _scoped(service_form.organisation_id):
        count = _session_count(service_form, today, session)
        rows = DailyCount.objects.filter(pk=count.pk)
        if delta < 0:
            rows = rows.filter(**{f"{field}__gt": 0})
        if not rows.update(**{field: F(field) + delta, "updated_at": timezone.now()}):
            raise ValidationError({"field": _("Luku on jo nolla.")})
        CountTap.objects.create(count=count, field=field, delta=delta, tapped_by=actor)
        count.refresh_from_db()
    return count


@transaction.atomic
def count_undo(*, actor: User, service_form: ServiceForm, session: str = Session.DAY) -> CountTap:
    """Undo the actor's own last tap of today's ``session`` (other workers' taps stay)."""
    _require_member(actor, service_form)
    _check_session(session)
    today = timezone.localdate()
    with _scoped(service_form.organisation_id):
        tap = (
            CountTap.objects.select_for_update()
            .filter(
                count__service_form=service_form,
                count__date=today,
                count__session=session,
                tapped_by=actor,
                undone_at__isnull=True,
            )
            .order_by("-tapped_at", "-pk")
            .first()
        )
        if tap is None:
            raise ValidationError(_("Sinulla ei ole kumottavaa napautusta tänään."))
        rows = DailyCount.objects.filter(pk=tap.count_id)
        if tap.delta > 0:
            rows = rows.filter(**{f"{tap.field}__gt": 0})
        if not rows.update(**{tap.field: F(tap.field) - tap.delta, "updated_at": timezone.now()}):
            raise ValidationError(_("Luku on jo nolla, joten napautusta ei voi kumota."))
        tap.undone_at = timezone.now()
        tap.save(update_fields=["undone_at"])
    return tap


@transaction.atomic
def count_set_programme(
    *, actor: User, service_form: ServiceForm, programme: str, session: str = Session.DAY
) -> DailyCount:
    """Set the programme of today's session (e.g. the baby day moved to another weekday)."""
    _require_member(actor, service_form)
    _check_session(session)
    if programme not in Programme.values:
        raise ValidationError({"programme": _("Valitse ohjelma.")})
    with _scoped(service_form.organisation_id):
        count = _session_count(service_form, timezone.localdate(), session)
        DailyCount.objects.filter(pk=count.pk).update(
            programme=programme, updated_at=timezone.now()
        )
        count.refresh_from_db()
    return count


@transaction.atomic
def count_correct(
    *,
    actor: User,
    service_form: ServiceForm,
    day: dt.date,
    session: str,
    programme: str,
    adults: int,
    children: int,
    under_ones: int,
    first_timers: int,
    reason: str,
) -> DailyCount:
    """A lead sets the figures of a day (today or earlier) with a written reason.

    Creates the row when the day was not counted at all. The reason is kept in the change
    history of the row.
    """
    _require_member(actor, service_form)
    if not may_correct(actor, service_form):
        raise PermissionDenied(_("Vain työmuodon esihenkilö voi korjata päivän lukuja."))
    errors: dict[str, str] = {}
    if day > timezone.localdate():
        errors["day"] = _("Tulevan päivän lukuja ei voi kirjata.")
    if session not in Session.values:
        errors["session"] = _("Valitse aukioloaika.")
    if programme not in Programme.values:
        errors["programme"] = _("Valitse ohjelma.")
    values = {
        "adults": adults,
        "children": children,
        "under_ones": under_ones,
        "first_timers": first_timers,
    }
    for name, value in values.items():
        if not isinstance(value, int) or value < 0:
            errors[name] = _("Anna luku, joka on nolla tai suurempi.")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        errors["reason"] = _("Kirjoita korjauksen syy (vähintään %(n)s merkkiä).") % {
            "n": MIN_REASON
        }
    if errors:
        raise ValidationError(errors)
    with _scoped(service_form.organisation_id):
        count = (
            DailyCount.objects.select_for_update()
            .filter(service_form=service_form, date=day, session=session)
            .first()
        )
        if count is None:
            count = DailyCount(
                organisation_id=service_form.organisation_id,
                service_form=service_form,
                date=day,
                session=session,
            )
        count.programme = programme
        for name, value in values.items():
            setattr(count, name, value)
        save_validated(count, actor=actor, reason=reason)
    return count


# --------------------------------------------------------------------------- childcare

CHILDCARE_FIELDS = (
    "children_under_1",
    "children_1_2",
    "children_3_6",
    "staff_carers",
    "volunteer_carers",
)


def _check_childcare(starts_at: dt.datetime, ends_at: dt.datetime, counts: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors["starts_at"] = _("Anna ajankohta aikavyöhykkeen kanssa.")
    elif ends_at <= starts_at:
        errors["ends_at"] = _("Päättymisajan on oltava alkamisajan jälkeen.")
    elif timezone.localtime(starts_at).date() > timezone.localdate():
        errors["starts_at"] = _("Tulevaa lastenhoitokertaa ei voi vielä kirjata.")
    for name in CHILDCARE_FIELDS:
        value = counts.get(name, 0)
        if not isinstance(value, int) or value < 0:
            errors[name] = _("Anna luku, joka on nolla tai suurempi.")
    if errors:
        raise ValidationError(errors)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _childminders(
    *,
    service_form: ServiceForm,
    starts_at: dt.datetime,
    volunteer_ids: Iterable[int],
    already: Collection[int],
    counts: dict[str, Any],
) -> list[int]:
    """Check the named volunteer childminders and derive or check ``volunteer_carers``.

    A volunteer being added must be allowed to mind children that day (the volunteers app's
    rules, through the registry); one already named stays. The count of volunteer carers is the
    number named when it is not given (``None``), and may not be below it (helpers outside the
    register are counted, not named).
    """
    ids = list(dict.fromkeys(volunteer_ids))
    errors: dict[str, str] = {}
    found = volunteers.problems(
        service_form=service_form,
        on=_day(starts_at),
        volunteer_ids=[pk for pk in ids if pk not in already],
    )
    if found:
        errors["volunteers"] = " ".join(found)
    count = counts.get("volunteer_carers")
    if count is None:
        counts["volunteer_carers"] = len(ids)
    elif isinstance(count, int) and count < len(ids):
        errors["volunteer_carers"] = _(
            "Vapaaehtoisia lastenhoitajia on nimetty %(named)s; määrä ei voi olla pienempi."
        ) % {"named": len(ids)}
    if errors:
        raise ValidationError(errors)
    return ids


@transaction.atomic
def childcare_record(
    *,
    actor: User,
    service_form: ServiceForm,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    volunteer_ids: Iterable[int] = (),
    **counts: int | None,
) -> ChildcareSession:
    """Record a temporary childcare session: children by age group, carers (counts) and the
    volunteer childminders by name from the register (``volunteer_ids``)."""
    _require_member(actor, service_form)
    unknown = set(counts) - set(CHILDCARE_FIELDS)
    if unknown:
        raise TypeError(f"childcare_record() got unexpected fields {sorted(unknown)}")
    _check_childcare(starts_at, ends_at, {k: 0 if v is None else v for k, v in counts.items()})
    with _scoped(service_form.organisation_id):
        ids = _childminders(
            service_form=service_form,
            starts_at=starts_at,
            volunteer_ids=volunteer_ids,
            already=(),
            counts=counts,
        )
        session = ChildcareSession(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            starts_at=starts_at,
            ends_at=ends_at,
            note=note.strip(),
            recorded_by=actor,
            **counts,
        )
        save_validated(session, actor=actor)
        if ids:
            session.volunteers.set(ids)
    return session


@transaction.atomic
def childcare_update(
    *,
    actor: User,
    session: ChildcareSession,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    volunteer_ids: Iterable[int] | None = None,
    **counts: int | None,
) -> ChildcareSession:
    """Change a childcare session; ``volunteer_ids=None`` keeps the named volunteers."""
    _require_member(actor, session.service_form)
    unknown = set(counts) - set(CHILDCARE_FIELDS)
    if unknown:
        raise TypeError(f"childcare_update() got unexpected fields {sorted(unknown)}")
    _check_childcare(starts_at, ends_at, {k: 0 if v is None else v for k, v in counts.items()})
    with _scoped(session.organisation_id):
        current = ChildcareSession.objects.select_for_update().get(pk=session.pk)
        named = list(current.volunteers.values_list("pk", flat=True))
        ids = _childminders(
            service_form=current.service_form,
            starts_at=starts_at,
            volunteer_ids=named if volunteer_ids is None else volunteer_ids,
            # Moved to another day, everyone named is checked again for that day.
            already=named if _day(starts_at) == _day(current.starts_at) else (),
            counts=counts,
        )
        current.starts_at = starts_at
        current.ends_at = ends_at
        current.note = note.strip()
        for name, value in counts.items():
            setattr(current, name, value)
        save_validated(current, actor=actor)
        if set(ids) != set(named):
            current.volunteers.set(ids)
    return current


# --------------------------------------------------------------------------- room rentals


def rental_rooms(service_form: ServiceForm) -> Any:
    """The rentable, active rooms of the drop-in house."""
    return Room.objects.filter(service_form=service_form, rentable=True, active=True).order_by(
        "name"
    )


def booking_hours(starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    """Elapsed hours (a night with a daylight-saving change counts its real length)."""
    seconds = Decimal((ends_at.astimezone(dt.UTC) - starts_at.astimezone(dt.UTC)).total_seconds())
    return (seconds / Decimal(3600)).quantize(CENT, rounding=ROUND_HALF_UP)


def booking_price(room: Room, hours: Decimal) -> Decimal | None:
    if room.hourly_price is None:
        return None
    return (room.hourly_price * hours).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def booking_create(
    *,
    actor: User,
    service_form: ServiceForm,
    room: Room,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str,
    organiser_name: str = "",
    organiser_contact: str = "",
    price: Decimal | None = None,
    billable: bool = True,
    note: str = "",
) -> Booking:
    """Book a rentable room of the house; an overlapping booking of the same room is refused.

    ``price`` defaults to the room's hourly price × hours; a price typed by the worker wins.
    """
    _require_member(actor, service_form)
    errors: dict[str, str] = {}
    if (
        room.organisation_id != service_form.organisation_id
        or room.service_form_id != service_form.pk
        or not room.rentable
        or not room.active
    ):
        errors["room"] = _("Valitse jokin Perhetuvan vuokrattavista tiloista.")
    if kind not in Booking.Kind.values:
        errors["kind"] = _("Valitse varauksen laji.")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors["starts_at"] = _("Anna ajankohta aikavyöhykkeen kanssa.")
    elif ends_at <= starts_at:
        errors["ends_at"] = _("Päättymisajan on oltava alkamisajan jälkeen.")
    title = title.strip()
    if not title:
        errors["title"] = _("Anna varaukselle otsikko.")
    if price is not None and price < 0:
        errors["price"] = _("Hinta ei voi olla negatiivinen.")
    if errors:
        raise ValidationError(errors)
    hours = booking_hours(starts_at, ends_at)
    if price is None:
        price = booking_price(room, hours)
    if billable and not price:
        raise ValidationError(
            {"price": _("Anna hinta tai poista merkintä laskutettavasta varauksesta.")}
        )
    with _scoped(service_form.organisation_id):
        locked = Room.objects.select_for_update().get(pk=room.pk)
        clash = (
            Booking.objects.filter(
                room=locked,
                cancelled_at__isnull=True,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            )
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            local = timezone.localtime(clash.starts_at)
            local_end = timezone.localtime(clash.ends_at)
            raise ValidationError(
                {
                    "starts_at": _(
                        "%(room)s on jo varattu %(day)s klo %(start)s–%(end)s. Valitse toinen aika."
                    )
                    % {
                        "room": locked.name,
                        "day": f"{local.day}.{local.month}.{local.year}",
                        "start": f"{local:%H.%M}",
                        "end": f"{local_end:%H.%M}",
                    }
                }
            )
        # Appointments may reserve the same room (scheduling); they refuse a booking too.
        taken = [
            c
            for c in find_conflicts(
                organisation_id=service_form.organisation_id,
                slots=[(starts_at, ends_at)],
                worker_ids=(),
                room_id=locked.pk,
            )
            if c.kind == "room"
        ]
        if taken:
            raise ValidationError({"starts_at": taken[0].message})
        booking = Booking(
            organisation_id=service_form.organisation_id,
            room=locked,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            title=title,
            organiser_name=organiser_name.strip(),
            organiser_contact=organiser_contact.strip(),
            price=price,
            note=note.strip(),
            created_by=actor,
        )
        save_validated(booking, actor=actor)
        charge = RentalCharge(
            organisation_id=service_form.organisation_id,
            booking=booking,
            service_form=service_form,
            hours=hours,
            hourly_price=locked.hourly_price,
            billable=bool(billable and price),
        )
        charge._history_user = actor  # type: ignore[attr-defined]
        charge.save()
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, service_form: ServiceForm, booking: Booking) -> Booking:
    """Cancel a booking of the house (the row stays; a cancelled booking is not billed)."""
    _require_member(actor, service_form)
    with _scoped(service_form.organisation_id):
        current = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("room")
            .get(pk=booking.pk)
        )
        if current.room.service_form_id != service_form.pk:
            raise PermissionDenied(_("Varaus ei kuulu tämän työmuodon tiloihin."))
        if current.cancelled_at is not None:
            raise ValidationError(_("Varaus on jo peruttu."))
        charge = RentalCharge.objects.filter(booking=current).first()
        if charge is not None and charge.invoiced_at is not None:
            raise ValidationError(_("Varaus on jo laskutettu, joten sitä ei voi perua täällä."))
        current.cancelled_at = timezone.now()
        current._history_user = actor  # type: ignore[attr-defined]
        current.save()
    return current


# --------------------------------------------------------------------------- ANO-05


@transaction.atomic
def visitor_identify(
    *,
    actor: User,
    service_form: ServiceForm,
    target_service_form: ServiceForm,
    first_names: str,
    last_name: str,
    consent: bool,
    birth_date: dt.date | None = None,
    hetu: str = "",
) -> IdentificationConsent:
    """ANO-05: with the visitor's consent, make them an identified client of a service form.

    Creates (or finds, by identity code and name) the person and opens an episode in
    ``target_service_form`` — a form where the actor does client work. Without a recorded
    consent nothing is created. The anonymous counts are not touched.
    """
    _require_member(actor, service_form)
    errors: dict[str, str] = {}
    if consent is not True:
        errors["consent"] = _(
            "Kävijää voi kirjata asiakkaaksi vain hänen suostumuksellaan. "
            "Merkitse suostumus, kun kävijä on antanut sen."
        )
    if not may_identify_into(actor, service_form, target_service_form):
        errors["target_service_form"] = _("Valitse työmuoto, jossa teet asiakastyötä.")
    elif not target_service_form.active:
        errors["target_service_form"] = _("Työmuoto ei ole enää toiminnassa.")
    if not first_names.strip():
        errors["first_names"] = _("Anna etunimet.")
    if not last_name.strip():
        errors["last_name"] = _("Anna sukunimi.")
    if errors:
        raise ValidationError(errors)
    person = person_for_intake(
        actor=actor,
        service_form=target_service_form,
        new=NewPerson(
            first_names=first_names.strip(),
            last_name=last_name.strip(),
            hetu=hetu.strip() or None,
            birth_date=birth_date,
        ),
    )
    # GDPR art. 18: a returning visitor whose processing is restricted is not recorded.
    ensure_processing_allowed(person)
    episode = episode_open(
        actor=actor,
        service_form=target_service_form,
        person=person,
        referral_source=ReferralSource.SELF
        if target_service_form.pk == service_form.pk
        else ReferralSource.OTHER_SERVICE_FORM,
    )
    with _scoped(service_form.organisation_id):
        record = IdentificationConsent(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            person=person,
            episode=episode,
            consent_given=True,
            consent_text=CONSENT_TEXT,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        record.full_clean()
        record.save()
    return record
