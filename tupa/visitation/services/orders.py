"""The order behind an episode's meetings (court decision or agreement) and its parties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core.conflicts import ensure_version
from tupa.core.saving import save_validated
from tupa.core.wallclock import day_bounds
from tupa.episodes.models import Episode, Participant

from ..models import (
    Contact,
    Meeting,
    MeetingOrder,
    MeetingType,
    OrderBasis,
    OrderParty,
    Outcome,
    PartyRole,
)
from ._common import require_writer

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner


ORDER_FIELDS = frozenset(
    {
        "basis",
        "basis_date",
        "basis_reference",
        "authority",
        "authority_name",
        "meeting_type",
        "interval_weeks",
        "duration_minutes",
        "valid_from",
        "valid_until",
        "payer_municipality",
        "payer_partner",
        "arrival_offset_minutes",
        "departure_offset_minutes",
        "separate_entrances",
        "separate_waiting_rooms",
        "security_guard",
        "safety_notes",
        "notes",
    }
)

MAX_OFFSET = 120


def _check_ends_with_episode(episode: Episode, valid_until: dt.date | None) -> None:
    """Recording (or correcting) a past order of a closed episode is fine; a running one is not:
    the validity of an ended episode's order ends by the episode's end."""
    if episode.status == Episode.Status.ENDED and (
        valid_until is None or episode.end_date is None or valid_until > episode.end_date
    ):
        raise ValidationError(
            {
                "valid_until": [
                    _(
                        "Asiakkuus on päättynyt: määräyksen voimassaolon on päätyttävä "
                        "viimeistään asiakkuuden päättymispäivänä."
                    )
                ]
            }
        )


def _outside(
    order: MeetingOrder, valid_from: dt.date, valid_until: dt.date | None
) -> QuerySet[Meeting]:
    """The order's meetings (by local date) outside ``valid_from`` … ``valid_until``."""
    outside = Q(starts_at__lt=day_bounds(valid_from, valid_from)[0])
    if valid_until is not None:
        outside |= Q(starts_at__gte=day_bounds(valid_until, valid_until)[1])
    return Meeting.objects.filter(order=order).filter(outside)


def _check_meetings_within(
    order: MeetingOrder, valid_from: dt.date, valid_until: dt.date | None
) -> None:
    """A shortened validity leaves no meeting outside it but those cancelled by us: a planned
    one would still be expected (and billed once recorded) without an order behind it."""
    if _outside(order, valid_from, valid_until).exclude(outcome=Outcome.CANCELLED_US).exists():
        raise ValidationError(
            {
                "valid_until": [
                    _(
                        "Määräyksellä on tapaamisia tämän voimassaoloajan ulkopuolella. Merkitse "
                        "ne ensin tapaamispaikan perumiksi."
                    )
                ]
            }
        )


def _validate_order(
    episode: Episode, values: dict[str, Any], parties: Sequence[tuple[Participant, str]]
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    if values.get("basis") not in OrderBasis.values:
        add("basis", _("Valitse määräyksen peruste."))
    basis_date = values.get("basis_date")
    if basis_date is None:
        add("basis_date", _("Anna päätöksen tai sopimuksen päivä."))
    elif basis_date > today:
        add("basis_date", _("Päätöksen päivä ei voi olla tulevaisuudessa."))
    authority: Partner | None = values.get("authority")
    if authority is None and not str(values.get("authority_name", "")).strip():
        add("authority", _("Valitse määrääjä tai kirjoita sen nimi."))
    if authority is not None and authority.organisation_id != episode.organisation_id:
        add("authority", _("Valitse määrääjä listasta."))
    payer_partner: Partner | None = values.get("payer_partner")
    if payer_partner is not None and payer_partner.organisation_id != episode.organisation_id:
        add("payer_partner", _("Valitse laskutettava taho listasta."))
    if values.get("payer_municipality") is None:
        add("payer_municipality", _("Valitse maksava kunta (lapsen kotikunta)."))
    if values.get("meeting_type") not in MeetingType.values:
        add("meeting_type", _("Valitse tapaamisen laji."))
    interval = values.get("interval_weeks")
    if interval is None or not 1 <= interval <= 12:
        add("interval_weeks", _("Tiheyden on oltava 1–12 viikkoa."))
    duration = values.get("duration_minutes")
    if duration is None or not 5 <= duration <= 480:
        add("duration_minutes", _("Keston on oltava 5–480 minuuttia."))
    for field in ("arrival_offset_minutes", "departure_offset_minutes"):
        value = values.get(field)
        if value is None or not 0 <= value <= MAX_OFFSET:
            add(field, _("Porrastuksen on oltava 0–%(max)s minuuttia.") % {"max": MAX_OFFSET})
    valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
    if valid_from is None:
        add("valid_from", _("Anna voimassaolon alkamispäivä."))
    elif valid_until is not None and valid_until < valid_from:
        add("valid_until", _("Voimassaolo ei voi päättyä ennen kuin se alkaa."))
    if any(p.episode_id != episode.pk for p, _role in parties):
        add("parties", _("Osapuolten on oltava tämän asiakkuuden osallistujia."))
    if any(role not in PartyRole.values for _p, role in parties):
        add("parties", _("Valitse osapuolelle rooli."))
    roles = [role for _p, role in parties]
    if PartyRole.CHILD not in roles:
        add("parties", _("Merkitse ainakin yksi lapsi."))
    if PartyRole.VISITING_PARENT not in roles:
        add("parties", _("Merkitse tapaajavanhempi."))
    if len({p.pk for p, _role in parties}) != len(parties):
        add("parties", _("Sama henkilö voi olla osapuolena vain kerran."))
    if errors:
        raise ValidationError(errors)


def _set_parties(
    order: MeetingOrder, parties: Sequence[tuple[Participant, str]], *, actor: User
) -> None:
    wanted = {p.pk: role for p, role in parties}
    for party in list(order.parties.all()):
        if party.participant_id not in wanted:
            party._history_user = actor  # type: ignore[attr-defined]
            party.delete()
        elif party.role != wanted[party.participant_id]:
            party.role = wanted.pop(party.participant_id)
            save_validated(party, actor=actor)
        else:
            wanted.pop(party.participant_id)
    for participant_id, role in wanted.items():
        save_validated(
            OrderParty(order=order, participant_id=participant_id, role=role), actor=actor
        )


@transaction.atomic
def order_create(
    *,
    actor: User,
    episode: Episode,
    parties: Iterable[tuple[Participant, str]],
    **fields: Any,
) -> MeetingOrder:
    """Record the order behind an episode's meetings with its parties (party role per person)."""
    unknown = set(fields) - ORDER_FIELDS
    if unknown:
        raise TypeError(f"order_create() got unexpected fields {sorted(unknown)}")
    require_writer(actor, episode)
    parties = list(parties)
    values = {
        "basis_reference": "",
        "authority": None,
        "authority_name": "",
        "interval_weeks": 2,
        "duration_minutes": 120,
        "valid_until": None,
        "payer_partner": None,
        "arrival_offset_minutes": 15,
        "departure_offset_minutes": 15,
        **fields,
    }
    _validate_order(episode, values, parties)
    _check_ends_with_episode(episode, values["valid_until"])
    if values["authority"] is not None:
        values["authority_name"] = ""
    order = MeetingOrder(
        organisation_id=episode.organisation_id,
        episode=episode,
        created_by=actor,
        **{
            **values,
            "authority_name": str(values["authority_name"]).strip(),
            "basis_reference": str(values["basis_reference"]).strip(),
        },
    )
    save_validated(order, actor=actor)
    _set_parties(order, parties, actor=actor)
    return order


@transaction.atomic
def order_update(
    *,
    actor: User,
    order: MeetingOrder,
    version: int | None,
    parties: Iterable[tuple[Participant, str]],
    **fields: Any,
) -> MeetingOrder:
    unknown = set(fields) - ORDER_FIELDS
    if unknown:
        raise TypeError(f"order_update() got unexpected fields {sorted(unknown)}")
    current = (
        MeetingOrder.objects.select_for_update(of=("self",))
        .select_related("episode__service_form")
        .get(pk=order.pk)
    )
    require_writer(actor, current.episode)
    ensure_version(current, version)
    parties = list(parties)
    values = {f: getattr(current, f) for f in ORDER_FIELDS}
    values.update(fields)
    _validate_order(current.episode, values, parties)
    _check_ends_with_episode(current.episode, values["valid_until"])
    _check_meetings_within(current, values["valid_from"], values["valid_until"])
    if values["authority"] is not None:
        values["authority_name"] = ""
    # A party that a meeting names (no-show) or a contact refers to stays a party.
    kept = {p.pk for p, _role in parties}
    removed = {party.pk for party in current.parties.all() if party.participant_id not in kept}
    if removed and Contact.objects.filter(party_id__in=removed).exists():
        raise ValidationError(
            {"parties": [_("Osapuolta, jota yhteydenpito koskee, ei voi poistaa.")]}
        )
    for key, value in values.items():
        setattr(current, key, value.strip() if isinstance(value, str) else value)
    current.version += 1
    save_validated(current, actor=actor)
    _set_parties(current, parties, actor=actor)
    order.__dict__.update({f.attname: getattr(current, f.attname) for f in current._meta.fields})
    return current
