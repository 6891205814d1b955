"""Writes of turn-aways: requests for a place that could not be accepted (issue 4, item 5).

House style: keyword-only, ``actor`` first, one transaction, Finnish ``ValidationError``
messages keyed by field. Anonymous by design: counts, reason and destination only.

Who records: every client-work member (worker, lead, coordinator) of a *residential* service
form (the shelter and the mother-and-baby home alike). Corrections: the recorder may correct
or remove their own entry on the day it was recorded (local date of ``created_at``); after that
the entry is part of the month's figures and stays as it is (the lead may ask the administrator).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.access.residential import may_correct_turn_away, may_record_turn_away
from tupa.organisations.models import ServiceForm
from tupa.residential.entries import entry_moment
from tupa.residential.models import TurnAway

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: Largest number of adults or of children in one request (the database says the same).
MAX_PERSONS = 20
NOTE_MAX = 200


def _clean(
    *,
    occurred_at: dt.datetime | None,
    channel: str,
    adults: Any,
    children: Any,
    reason: str,
    directed_to: str,
    note: str,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    when = entry_moment(occurred_at, errors)
    if channel not in TurnAway.Channel.values:
        errors["channel"] = _("Valitse yhteydenottotapa.")
    for name, value in (("adults", adults), ("children", children)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PERSONS:
            errors[name] = _("Anna luku väliltä 0–%(max)s.") % {"max": MAX_PERSONS}
    if "adults" not in errors and "children" not in errors and adults + children < 1:
        errors["adults"] = _("Pyynnössä on oltava vähintään yksi aikuinen tai lapsi.")
    if reason not in TurnAway.Reason.values:
        errors["reason"] = _("Valitse syy.")
    if directed_to not in TurnAway.DirectedTo.values:
        errors["directed_to"] = _("Valitse, minne pyytäjä ohjattiin.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("Huomio voi olla enintään %(max)s merkkiä.") % {"max": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    return {
        "occurred_at": when,
        "channel": channel,
        "adults": adults,
        "children": children,
        "reason": reason,
        "directed_to": directed_to,
        "note": note,
    }


def turnaway_record(
    *,
    actor: User,
    service_form: ServiceForm,
    reason: str,
    directed_to: str,
    occurred_at: dt.datetime | None = None,
    channel: str = TurnAway.Channel.PHONE,
    adults: int = 1,
    children: int = 0,
    note: str = "",
) -> TurnAway:
    """Record one anonymous turn-away of ``service_form``."""
    if not may_record_turn_away(actor, service_form):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
    values = _clean(
        occurred_at=occurred_at,
        channel=channel,
        adults=adults,
        children=children,
        reason=reason,
        directed_to=directed_to,
        note=note,
    )
    turn_away = TurnAway(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        recorded_by=actor,
        **values,
    )
    with transaction.atomic():
        turn_away.full_clean()
        turn_away.save()
    return turn_away


def turnaway_correct(
    *,
    actor: User,
    turn_away: TurnAway,
    reason: str,
    directed_to: str,
    occurred_at: dt.datetime,
    channel: str,
    adults: int,
    children: int,
    note: str = "",
) -> TurnAway:
    """Correct the actor's own entry on the day it was recorded (overwrites: anonymous counts)."""
    if not may_correct_turn_away(actor, turn_away):
        raise PermissionDenied(_("Voit korjata vain oman kirjauksesi samana päivänä."))
    values = _clean(
        occurred_at=occurred_at,
        channel=channel,
        adults=adults,
        children=children,
        reason=reason,
        directed_to=directed_to,
        note=note,
    )
    with transaction.atomic():
        for name, value in values.items():
            setattr(turn_away, name, value)
        turn_away.full_clean()
        turn_away.save()
    return turn_away


def turnaway_delete(*, actor: User, turn_away: TurnAway) -> None:
    """Remove the actor's own mistaken entry (e.g. a double tap) on the day it was recorded."""
    if not may_correct_turn_away(actor, turn_away):
        raise PermissionDenied(_("Voit poistaa vain oman kirjauksesi samana päivänä."))
    with transaction.atomic():
        turn_away.delete()
