"""The personal iCal feed of a worker (issue 5 item 1).

The feed leaves the organisation (it is read by a phone's or an e-mail program's calendar,
possibly synced to a cloud), so it contains **no client names, addresses or free text**: each
event has only the appointment type, a short code (``A-<episode id>`` or ``T-<appointment id>``),
the time, the status (cancelled events are marked CANCELLED) and — for meetings at the own
premises — the name of the room. Place notes, notes and partner names are never included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Appointment, Outcome, PlaceKind


def build_feed(*, appointments: Iterable[Appointment], host: str, language: str = "fi") -> bytes:
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", "-//Tupa//ajanvaraus//FI")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Tupa: omat tapaamiset"))
        calendar.add("x-wr-timezone", "Europe/Helsinki")
        stamp = timezone.now().astimezone(dt.UTC)
        for appointment in appointments:
            event = Event()
            event.add("uid", f"tupa-appointment-{appointment.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
            event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
            event.add(
                "summary", f"{appointment.get_type_display().capitalize()} {appointment.code}"
            )
            if appointment.place_kind == PlaceKind.OWN_PREMISES and appointment.room is not None:
                event.add("location", appointment.room.name)
            else:
                event.add("location", appointment.get_place_kind_display())
            if appointment.outcome in (Outcome.CANCELLED_BY_CLIENT, Outcome.CANCELLED_BY_US):
                event.add("status", "CANCELLED")
            else:
                event.add("status", "CONFIRMED")
            event.add("transp", "OPAQUE")
            event.add("class", "PRIVATE")
            calendar.add_component(event)
        return calendar.to_ical()
