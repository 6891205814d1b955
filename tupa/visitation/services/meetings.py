"""Scheduling the meetings of an order, moving one, and recording its outcome and the meeting
record written with the client (a journal entry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core.conflicts import ensure_version
from tupa.core.saving import save_validated
from tupa.core.wallclock import HELSINKI
from tupa.episodes import journal
from tupa.episodes.models import Entry, Participant

from .. import rules
from ..models import (
    FAMILY_CANCELLATIONS,
    InterruptionReason,
    Meeting,
    MeetingOrder,
    Outcome,
)
from ._common import last_meeting_day, require_writer

if TYPE_CHECKING:
    from tupa.accounts.models import User


#: Outcomes that need the meeting to have started (a cancellation can be recorded in advance).
NEEDS_STARTED = frozenset({Outcome.TOOK_PLACE, Outcome.INTERRUPTED, Outcome.NO_SHOW})
#: Outcomes after which a meeting record (written with the client) can be made.
RECORDABLE = frozenset({Outcome.TOOK_PLACE, Outcome.INTERRUPTED})
RECORD_MAX_LENGTH = journal.TEXT_MAX_LENGTH


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
    ensure_version(current, version)
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
