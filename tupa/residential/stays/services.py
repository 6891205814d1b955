"""Writes of residential stays: admission, members, moves and discharge (RES-01..03).

House style (ARCHITECTURE.md §4): keyword-only, ``actor`` first, one transaction each, Finnish
``ValidationError`` messages keyed by field, the change history recorded with ``actor``.

Who may write: an active client-work membership (worker, lead, coordinator) in the episode's
service form (:func:`tupa.access.residential.may_keep_stays`); a consent or a
break-the-glass access only lets a user read. These functions log no reads (the views will).

No double booking: every write that puts people into a place locks the place row first
(``select_for_update``) and then checks for overlapping stays, so two night-shift workers
admitting to the same family place at the same moment cannot both succeed (PostgreSQL: the
second waits for the first and then sees its stay; SQLite: IMMEDIATE transactions serialise
writers). Writes that change a stay take the ``version`` the user saw (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.residential import may_keep_stays
from tupa.core import dates
from tupa.core.conflicts import ensure_version
from tupa.core.saving import save_validated
from tupa.episodes.models import Episode, Participant, Referral
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_episode_processing_allowed
from tupa.residential.models import Destination, PayerCategory, Place, Stay, StayMember

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner


# --------------------------------------------------------------------------- helpers


def _local(moment: dt.datetime) -> str:
    """A moment as the screens show it: ``3.5.2026 10:00`` (local time)."""
    local = timezone.localtime(moment)
    return f"{local.day}.{local.month}.{local.year} {local:%H:%M}"


def _require_member(actor: User, service_form_id: int) -> None:
    if not may_keep_stays(actor, service_form_id):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))


def _lock_place(place: Place) -> Place:
    return Place.objects.select_for_update().get(pk=place.pk)


def _lock_stay(stay: Stay, version: int | None) -> Stay:
    current = Stay.objects.select_for_update().select_related("episode", "place").get(pk=stay.pk)
    ensure_version(current, version)
    return current


def _copy_back(current: Stay, original: Stay) -> None:
    for f in current._meta.concrete_fields:
        setattr(original, f.attname, getattr(current, f.attname))


def _check_place_free(
    place: Place, *, arrived_at: dt.datetime, persons: int, exclude: Stay | None = None
) -> None:
    """Refuse when the (locked) place is taken from ``arrived_at`` on (the new stay is open)."""
    overlapping = Stay.objects.filter(place=place).filter(
        Q(departed_at__isnull=True) | Q(departed_at__gt=arrived_at)
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    if place.kind in Place.EXCLUSIVE_KINDS:
        if overlapping.exists():
            raise ValidationError(
                {
                    "place": _(
                        "Paikka %(place)s on jo varattu valittuna aikana. Valitse toinen paikka."
                    )
                    % {"place": place.name}
                }
            )
        return
    present = (
        StayMember.objects.filter(stay__in=overlapping)
        .filter(Q(departed_at__isnull=True) | Q(departed_at__gt=arrived_at))
        .count()
    )
    if present + persons > place.capacity:
        raise ValidationError(
            {
                "place": _(
                    "Huoneessa %(place)s on tilaa %(free)s henkilölle, mutta tulijoita on "
                    "%(persons)s."
                )
                % {
                    "place": place.name,
                    "free": max(place.capacity - present, 0),
                    "persons": persons,
                }
            }
        )


def _check_episode_free(episode: Episode, *, arrived_at: dt.datetime) -> None:
    """A family is in one place at a time: no other stay of the episode overlaps."""
    if (
        Stay.objects.filter(episode=episode)
        .filter(Q(departed_at__isnull=True) | Q(departed_at__gt=arrived_at))
        .exists()
    ):
        raise ValidationError({"arrived_at": _("Asiakkuudella on jo asumisjakso tälle ajalle.")})


def _check_participants(episode: Episode, members: Sequence[Participant]) -> None:
    if not members:
        raise ValidationError({"members": _("Valitse vähintään yksi jaksolle tuleva henkilö.")})
    if len({m.pk for m in members}) != len(members):
        raise ValidationError({"members": _("Sama henkilö on valittu kahdesti.")})
    if any(m.episode_id != episode.pk for m in members):
        raise ValidationError({"members": _("Henkilö ei ole tämän asiakkuuden osallistuja.")})


# --------------------------------------------------------------------------- admission


@transaction.atomic
def stay_admit(
    *,
    actor: User,
    episode: Episode,
    place: Place,
    arrived_at: dt.datetime,
    members: Iterable[Participant],
    payer_category: str,
    payer: Partner | None = None,
    started_in_pregnancy: bool = False,
) -> Stay:
    """Admit the episode's family to ``place`` at ``arrived_at`` (day or night)."""
    members = list(members)
    service_form: ServiceForm = episode.service_form
    _require_member(actor, service_form.pk)
    ensure_episode_processing_allowed(episode)
    dates.check_dates(arrived_at=arrived_at)
    if place.service_form_id != service_form.pk:
        raise ValidationError({"place": _("Paikka ei kuulu asiakkuuden työmuotoon.")})
    if service_form.kind != ServiceForm.Kind.RESIDENTIAL:
        raise ValidationError({"place": _("Työmuoto ei ole asumispalvelu.")})
    if payer is not None and payer.organisation_id != episode.organisation_id:
        raise ValidationError({"payer": _("Valittu kohde kuuluu toiseen organisaatioon.")})
    if payer_category not in PayerCategory.values:
        raise ValidationError({"payer_category": _("Valitse maksajaryhmä.")})
    with scope(organisation=episode.organisation_id):
        locked = _lock_place(place)
        if not locked.active:
            raise ValidationError({"place": _("Paikka ei ole käytössä.")})
        current = Episode.objects.select_for_update().get(pk=episode.pk)
        if current.status == Episode.Status.ENDED:
            raise ValidationError(
                {"episode": _("Päättyneelle asiakkuudelle ei voi kirjata tuloa.")}
            )
        _check_participants(current, members)
        _check_episode_free(current, arrived_at=arrived_at)
        _check_place_free(locked, arrived_at=arrived_at, persons=len(members))
        stay = Stay(
            organisation_id=episode.organisation_id,
            episode=current,
            place=locked,
            arrived_at=arrived_at,
            payer_category=payer_category,
            payer=payer,
            started_in_pregnancy=started_in_pregnancy,
            created_by=actor,
        )
        save_validated(stay, actor=actor)
        for participant in members:
            save_validated(
                StayMember(stay=stay, participant=participant, arrived_at=arrived_at), actor=actor
            )
    return stay


# --------------------------------------------------------------------------- members


@transaction.atomic
def stay_member_add(
    *, actor: User, stay: Stay, participant: Participant, arrived_at: dt.datetime
) -> StayMember:
    """A person of the family arrives later into an existing stay (e.g. a child the next day),
    or comes back after leaving early: a new member period, the earlier one kept as it was.

    The new period may not overlap the person's earlier periods in the stay (it may start at
    the very moment the last one ended; the care-day ledger joins them).
    """
    _require_member(actor, stay.episode.service_form_id)
    ensure_episode_processing_allowed(stay.episode)
    dates.check_dates(arrived_at=arrived_at)
    with scope(organisation=stay.organisation_id):
        current = _lock_stay(stay, None)
        locked_place = _lock_place(current.place)
        if participant.episode_id != current.episode_id:
            raise ValidationError(
                {"participant": _("Henkilö ei ole tämän asiakkuuden osallistuja.")}
            )
        earlier = list(
            StayMember.objects.filter(stay=current, participant=participant).values_list(
                "departed_at", flat=True
            )
        )
        if any(departed is None for departed in earlier):
            raise ValidationError({"participant": _("Henkilö on jo tällä jaksolla.")})
        last_departure = max((d for d in earlier if d is not None), default=None)
        if last_departure is not None and arrived_at < last_departure:
            raise ValidationError(
                {
                    "arrived_at": _(
                        "Henkilön edellinen lähtö jaksolta on kirjattu %(time)s. Paluun on "
                        "oltava sen jälkeen."
                    )
                    % {"time": _local(last_departure)}
                }
            )
        if locked_place.kind not in Place.EXCLUSIVE_KINDS:
            _check_place_free(locked_place, arrived_at=arrived_at, persons=1)
        member = StayMember(stay=current, participant=participant, arrived_at=arrived_at)
        save_validated(member, actor=actor)
    return member


@transaction.atomic
def stay_member_depart(*, actor: User, member: StayMember, departed_at: dt.datetime) -> StayMember:
    """A person of the family leaves before the rest of the stay ends."""
    stay = member.stay
    _require_member(actor, stay.episode.service_form_id)
    ensure_episode_processing_allowed(stay.episode)
    dates.check_dates(departed_at=departed_at)
    with scope(organisation=stay.organisation_id):
        current = StayMember.objects.select_for_update().select_related("stay").get(pk=member.pk)
        if current.departed_at is not None:
            raise ValidationError({"departed_at": _("Henkilön lähtö on jo kirjattu.")})
        current.departed_at = departed_at
        save_validated(current, actor=actor)
    member.departed_at = departed_at
    return current


# --------------------------------------------------------------------------- move and discharge


def _check_closing(current: Stay, at: dt.datetime) -> list[StayMember]:
    """Validate ending ``current`` at ``at``; return the members still present (locked)."""
    dates.check_dates(departed_at=at)
    if current.departed_at is not None:
        raise ValidationError({"departed_at": _("Jakso on jo päättynyt.")})
    if at <= current.arrived_at:
        raise ValidationError({"departed_at": _("Lähdön on oltava tulon jälkeen.")})
    members = list(StayMember.objects.select_for_update().filter(stay=current))
    for member in members:
        member.stay = current  # validation reads the stay; no query per member
    if any(m.arrived_at >= at for m in members):
        raise ValidationError(
            {"departed_at": _("Jaksolle on kirjattu henkilö, joka tulee tämän ajan jälkeen.")}
        )
    if any(m.departed_at is not None and m.departed_at > at for m in members):
        raise ValidationError(
            {"departed_at": _("Jaksolle on kirjattu henkilön lähtö tämän ajan jälkeen.")}
        )
    return [m for m in members if m.departed_at is None]


def _close(current: Stay, at: dt.datetime, present: list[StayMember], *, actor: User) -> None:
    current.departed_at = at
    current.version += 1
    save_validated(current, actor=actor)
    for member in present:
        member.departed_at = at
        save_validated(member, actor=actor)


@transaction.atomic
def stay_move(
    *, actor: User, stay: Stay, to_place: Place, at: dt.datetime, version: int | None = None
) -> Stay:
    """Move the family to another place: end this stay at ``at`` and open the next one."""
    _require_member(actor, stay.episode.service_form_id)
    ensure_episode_processing_allowed(stay.episode)
    with scope(organisation=stay.organisation_id):
        current = _lock_stay(stay, version)
        if to_place.service_form_id != current.place.service_form_id:
            raise ValidationError({"place": _("Paikka ei kuulu asiakkuuden työmuotoon.")})
        if to_place.pk == current.place_id:
            raise ValidationError({"place": _("Perhe on jo tällä paikalla.")})
        # Lock both places in a fixed order so that two crossing moves cannot deadlock.
        locked = {
            p.pk: p
            for p in Place.objects.select_for_update()
            .filter(pk__in=[current.place_id, to_place.pk])
            .order_by("pk")
        }
        target = locked[to_place.pk]
        if not target.active:
            raise ValidationError({"place": _("Paikka ei ole käytössä.")})
        present = _check_closing(current, at)
        if not present:
            raise ValidationError({"place": _("Jaksolla ei ole ketään siirrettävää.")})
        _check_place_free(target, arrived_at=at, persons=len(present))
        _close(current, at, present, actor=actor)
        moved = Stay(
            organisation_id=current.organisation_id,
            episode=current.episode,
            place=target,
            arrived_at=at,
            payer_category=current.payer_category,
            payer_id=current.payer_id,
            moved_from=current,
            created_by=actor,
        )
        save_validated(moved, actor=actor)
        for member in present:
            save_validated(
                StayMember(stay=moved, participant_id=member.participant_id, arrived_at=at),
                actor=actor,
            )
    _copy_back(current, stay)
    return moved


@transaction.atomic
def stay_discharge(
    *,
    actor: User,
    stay: Stay,
    departed_at: dt.datetime,
    destination: str,
    destination_note: str = "",
    follow_on_referral: Referral | None = None,
    version: int | None = None,
) -> Stay:
    """End the stay: departure time, where the family went, and a follow-on referral if any.

    Members still present leave at ``departed_at``.
    """
    _require_member(actor, stay.episode.service_form_id)
    ensure_episode_processing_allowed(stay.episode)
    if destination not in Destination.values:
        raise ValidationError({"destination": _("Valitse, minne perhe lähti.")})
    with scope(organisation=stay.organisation_id):
        current = _lock_stay(stay, version)
        if (
            follow_on_referral is not None
            and follow_on_referral.from_episode_id != current.episode_id
        ):
            raise ValidationError(
                {"follow_on_referral": _("Ohjaus ei ole tehty tästä asiakkuudesta.")}
            )
        present = _check_closing(current, departed_at)
        current.destination = destination
        current.destination_note = destination_note
        current.follow_on_referral = follow_on_referral
        _close(current, departed_at, present, actor=actor)
    _copy_back(current, stay)
    return current
