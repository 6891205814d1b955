"""Writes of the Tapaamispaikka: orders, parties, scheduling, outcomes, meeting records, contacts.

House style (ARCHITECTURE.md §4): keyword-only with ``actor``, one transaction each, Finnish
``ValidationError`` messages keyed by form field, the change history recorded with ``actor``.

Who may write: an active client-work membership (worker, lead, coordinator) in the service form
of the order's episode, which must be a ``visitation`` form. A consent, an assignment or a
break-the-glass access does not make anyone a party to the meetings. Nothing here logs reads.

Optimistic locking: edits of an order or a meeting take the ``version`` the user saw; a
mismatch answers with a Finnish message instead of overwriting someone else's save.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.visitation import may_work
from tupa.core.saving import save_validated
from tupa.core.wallclock import HELSINKI, day_bounds
from tupa.episodes import journal
from tupa.episodes.models import Entry, Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_episode_processing_allowed

from . import rules
from .models import (
    FAMILY_CANCELLATIONS,
    Contact,
    ContactChannel,
    InterruptionReason,
    Meeting,
    MeetingOrder,
    MeetingType,
    OrderBasis,
    OrderParty,
    Outcome,
    PartyRole,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner

#: Outcomes that need the meeting to have started (a cancellation can be recorded in advance).
NEEDS_STARTED = frozenset({Outcome.TOOK_PLACE, Outcome.INTERRUPTED, Outcome.NO_SHOW})
#: Outcomes after which a meeting record (written with the client) can be made.
RECORDABLE = frozenset({Outcome.TOOK_PLACE, Outcome.INTERRUPTED})
MAX_OFFSET = 120
RECORD_MAX_LENGTH = journal.TEXT_MAX_LENGTH

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


def conflict_error() -> ValidationError:
    """Somebody else saved in between (optimistic locking), keyed to the whole form."""
    return ValidationError(
        {
            "__all__": [
                _(
                    "Joku muu on tallentanut muutoksia sillä välin, kun täytit lomaketta. "
                    "Tarkista ajantasaiset tiedot ja tallenna uudelleen."
                )
            ]
        },
        code="conflict",
    )


def require_writer(actor: User, episode: Episode) -> None:
    """A client-work member of the episode's visitation form; else PermissionDenied."""
    if episode.service_form.kind != ServiceForm.Kind.VISITATION:
        raise PermissionDenied(_("Asiakkuus ei kuulu tapaamispaikkatyöhön."))
    if not may_work(actor, episode.service_form):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
    # GDPR art. 18: no new orders, meetings or changes while processing is restricted.
    ensure_episode_processing_allowed(episode)


# --------------------------------------------------------------------------- orders


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


def last_meeting_day(order: MeetingOrder) -> dt.date | None:
    """The last day a meeting of ``order`` may be on: the end of its validity and, when its
    episode has ended, not after the episode's end."""
    last = order.valid_until
    episode = order.episode
    if episode.status == Episode.Status.ENDED and episode.end_date is not None:
        last = episode.end_date if last is None else min(last, episode.end_date)
    return last


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
    if version is not None and current.version != version:
        raise conflict_error()
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


# --------------------------------------------------------------------------- meetings


def _within_validity(order: MeetingOrder, day: dt.date) -> bool:
    last = last_meeting_day(order)
    return order.valid_from <= day and (last is None or day <= last)


def _check_within_validity(order: MeetingOrder, day: dt.date, field: str) -> None:
    if not _within_validity(order, day):
        raise ValidationError({field: [_("Päivän on oltava määräyksen voimassaoloaikana.")]})


@transaction.atomic
def meetings_schedule(
    *,
    actor: User,
    order: MeetingOrder,
    first_day: dt.date,
    time: dt.time,
    count: int,
    location: str = "",
) -> list[Meeting]:
    """Create up to ``count`` meetings every ``order.interval_weeks`` weeks from ``first_day``.

    The local time is kept across daylight-saving changes; days after the order's validity are
    left out, and so are moments that already have a meeting of this order. Raises
    ``ValidationError`` if nothing would be created.
    """
    order = (
        MeetingOrder.objects.select_for_update(of=("self",))
        .select_related("episode__service_form")
        .get(pk=order.pk)
    )
    require_writer(actor, order.episode)
    if not 1 <= count <= rules.MAX_SCHEDULE_COUNT:
        raise ValidationError(
            {"count": [_("Määrän on oltava 1–%(max)s.") % {"max": rules.MAX_SCHEDULE_COUNT}]}
        )
    if len(location) > 200:
        raise ValidationError({"location": [_("Paikka saa olla enintään 200 merkkiä.")]})
    _check_within_validity(order, first_day, "first_day")
    starts = rules.schedule_starts(
        first_day=first_day,
        time=time,
        interval_weeks=order.interval_weeks,
        count=count,
        valid_until=last_meeting_day(order),
    )
    taken = set(
        Meeting.objects.filter(order=order, starts_at__in=starts).values_list(
            "starts_at", flat=True
        )
    )
    created = []
    for start in starts:
        if start in taken:
            continue
        meeting = Meeting(
            organisation_id=order.organisation_id,
            order=order,
            starts_at=start,
            duration_minutes=order.duration_minutes,
            location=location.strip(),
        )
        save_validated(meeting, actor=actor)
        created.append(meeting)
    if not created:
        raise ValidationError(
            {"first_day": [_("Valituille päiville on jo tapaamiset; uusia ei luotu.")]}
        )
    return created


def _lock_meeting(meeting: Meeting, version: int | None) -> Meeting:
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("order__episode__service_form", "record_entry")
        .get(pk=meeting.pk)
    )
    if version is not None and current.version != version:
        raise conflict_error()
    return current


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    version: int | None,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str = "",
) -> Meeting:
    """Move one meeting or change its length or place (only while no outcome is recorded)."""
    current = _lock_meeting(meeting, version)
    order = current.order
    require_writer(actor, order.episode)
    if current.outcome:
        raise ValidationError(
            {"__all__": [_("Toteutunutta tai peruttua tapaamista ei voi siirtää.")]}
        )
    if timezone.is_naive(starts_at):
        raise ValidationError({"start_date": [_("Ajasta puuttuu aikavyöhyke.")]})
    _check_within_validity(order, timezone.localtime(starts_at).date(), "start_date")
    if not 5 <= duration_minutes <= 480:
        raise ValidationError({"duration_minutes": [_("Keston on oltava 5–480 minuuttia.")]})
    if len(location) > 200:
        raise ValidationError({"location": [_("Paikka saa olla enintään 200 merkkiä.")]})
    if Meeting.objects.filter(order=order, starts_at=starts_at).exclude(pk=current.pk).exists():
        raise ValidationError({"start_time": [_("Tälle ajalle on jo tapaaminen.")]})
    current.starts_at = starts_at
    current.duration_minutes = duration_minutes
    current.location = location.strip()
    current.version += 1
    save_validated(current, actor=actor)
    return current


@transaction.atomic
def meeting_record_outcome(
    *,
    actor: User,
    meeting: Meeting,
    version: int | None,
    outcome: str,
    no_show_role: str = "",
    late_cancellation: bool = False,
    interruption_reason: str = "",
    outcome_note: str = "",
    record_text: str = "",
    written_with_client: bool = True,
    present: Iterable[Participant] = (),
) -> Meeting:
    """Record how the meeting went and, optionally, the meeting record written with the client.

    The record (*tapaamisen kirjaus*) becomes a journal entry of the episode through
    :func:`tupa.episodes.journal.entry_create`; it can later be corrected there (append-only),
    not here. Only a meeting that took place or was interrupted gets a record.
    """
    current = _lock_meeting(meeting, version)
    order = current.order
    require_writer(actor, order.episode)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    record_text = record_text.strip()
    present = list(present)
    if outcome not in Outcome.values:
        add("outcome", _("Valitse, miten tapaaminen toteutui."))
    if outcome in NEEDS_STARTED and current.starts_at > timezone.now() + journal.FUTURE_TOLERANCE:
        add("outcome", _("Tapaaminen ei ole vielä alkanut."))
    party_roles = set(order.parties.values_list("role", flat=True))
    if outcome == Outcome.NO_SHOW:
        if not no_show_role:
            add("no_show_role", _("Valitse, kuka ei saapunut."))
        elif no_show_role not in party_roles:
            add("no_show_role", _("Valitse jokin tämän määräyksen osapuolista."))
    elif no_show_role:
        no_show_role = ""
    if outcome == Outcome.INTERRUPTED:
        if interruption_reason not in InterruptionReason.values:
            add("interruption_reason", _("Valitse keskeyttämisen syy."))
        if interruption_reason == InterruptionReason.OTHER and not outcome_note.strip():
            add("outcome_note", _("Kerro lyhyesti, miksi tapaaminen keskeytettiin."))
    else:
        interruption_reason = ""
    if late_cancellation and outcome not in FAMILY_CANCELLATIONS:
        add("late_cancellation", _("Myöhäisen peruutuksen voi merkitä vain perheen perumalle."))
    if len(outcome_note) > 500:
        add("outcome_note", _("Huomio saa olla enintään 500 merkkiä."))
    if record_text:
        if outcome not in RECORDABLE:
            add("record_text", _("Kirjauksen voi tehdä vain toteutuneesta tai keskeytetystä."))
        elif current.record_entry_id is not None:
            add(
                "record_text",
                _("Tapaamisesta on jo kirjaus; korjaa se asiakkuuden kirjauksista."),
            )
        elif len(record_text) > RECORD_MAX_LENGTH:
            add(
                "record_text",
                _("Kirjaus saa olla enintään %(max)s merkkiä.") % {"max": RECORD_MAX_LENGTH},
            )
    if current.record_entry_id is not None and outcome not in RECORDABLE:
        add(
            "outcome",
            _(
                "Tapaamisesta on kirjaus, joten sen voi merkitä vain toteutuneeksi tai keskeytetyksi."
            ),
        )
    if outcome != Outcome.CANCELLED_US and not _within_validity(
        order, timezone.localtime(current.starts_at, HELSINKI).date()
    ):
        # A meeting outside the order's validity (or after its episode ended) is only cancelled.
        add("outcome", _("Päivän on oltava määräyksen voimassaoloaikana."))
    if any(p.episode_id != order.episode_id for p in present):
        add("present", _("Läsnäolijoiden on oltava tämän asiakkuuden osallistujia."))
    if errors:
        raise ValidationError(errors)

    current.outcome = outcome
    current.no_show_role = no_show_role
    current.late_cancellation = late_cancellation
    current.interruption_reason = interruption_reason
    current.outcome_note = outcome_note.strip()
    current.outcome_by = actor
    current.outcome_at = timezone.now()
    if record_text:
        current.record_entry = journal.entry_create(
            actor=actor,
            episode=order.episode,
            type=Entry.Type.FAMILY_MEETING,
            occurred_at=current.starts_at,
            duration_minutes=current.duration_minutes,
            place=Entry.Place.OTHER if current.location else Entry.Place.OWN_PREMISES,
            place_detail=current.location,
            text=record_text,
            participants=present,
            written_with_client=written_with_client,
        )
    current.version += 1
    save_validated(current, actor=actor)
    return current


# --------------------------------------------------------------------------- contacts


@transaction.atomic
def contact_add(
    *,
    actor: User,
    order: MeetingOrder,
    contacted_on: dt.date,
    channel: str,
    summary: str,
    party: OrderParty | None = None,
    partner: Partner | None = None,
    other: str = "",
) -> Contact:
    """Log one contact of the coordinator about the order: with whom, how, and what was agreed."""
    require_writer(actor, order.episode)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if contacted_on is None:
        add("contacted_on", _("Anna päivä."))
    elif contacted_on > timezone.localdate():
        add("contacted_on", _("Päivä ei voi olla tulevaisuudessa."))
    if channel not in ContactChannel.values:
        add("channel", _("Valitse yhteydenottotapa."))
    if party is None and partner is None and not other.strip():
        add("party", _("Valitse osapuoli tai viranomainen tai kirjoita, kenen kanssa."))
    if party is not None and party.order_id != order.pk:
        add("party", _("Valitse jokin tämän määräyksen osapuolista."))
    if partner is not None and partner.organisation_id != order.organisation_id:
        add("partner", _("Valitse viranomainen listasta."))
    if len(other) > 200:
        add("other", _("Enintään 200 merkkiä."))
    if not summary.strip():
        add("summary", _("Kirjoita yhteenveto."))
    elif len(summary) > 5000:
        add("summary", _("Yhteenveto saa olla enintään 5000 merkkiä."))
    if errors:
        raise ValidationError(errors)
    contact = Contact(
        organisation_id=order.organisation_id,
        order=order,
        contacted_on=contacted_on,
        channel=channel,
        summary=summary.strip(),
        party=party,
        partner=partner,
        other=other.strip(),
        author=actor,
    )
    save_validated(contact, actor=actor)
    return contact


__all__ = [
    "conflict_error",
    "contact_add",
    "meeting_record_outcome",
    "meeting_update",
    "meetings_schedule",
    "order_create",
    "order_update",
    "require_writer",
]
