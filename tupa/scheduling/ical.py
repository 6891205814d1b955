"""The personal iCal feed of a worker (issue 5 item 1).

The feed leaves the organisation (it is read by a phone's or an e-mail program's calendar,
possibly synced to a cloud), so it contains **no client names, addresses or free text**: each
event has only the appointment type, a short code (``A-<episode id>`` or ``T-<appointment id>``),
the time, the status (cancelled events are marked CANCELLED) and — for meetings at the own
premises — the name of the room. Place notes, notes and partner names are never included.

It tells no more than the web calendar: an appointment the owner sees there only as "Varattu"
(:func:`tupa.scheduling.selectors.present` on a list) is "Varattu" here too — the time and
whether it was cancelled, no type, code, place or other outcome. Every UID is an opaque keyed
hash of (owner, appointment, what she may see): stable between fetches, so calendar programs
update rather than duplicate events, yet it holds no appointment id and no two workers' feeds
give the same appointment the same UID (nothing to correlate), and an appointment that turns
visible or hidden becomes a new event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Appointment, PlaceKind
from .selectors import Item

_UID_SALT = "tupa.scheduling.ical.uid"


def event_uid(*, owner_id: int, appointment: Appointment, visible: bool, host: str) -> str:
    """An opaque, stable UID for ``appointment`` in the feed of the user ``owner_id``."""
    value = f"{owner_id}:{appointment.pk}:{'shown' if visible else 'booked'}"
    return f"{salted_hmac(_UID_SALT, value, algorithm='sha256').hexdigest()[:32]}@{host}"


def build_feed(*, owner_id: int, items: Iterable[Item], host: str, language: str = "fi") -> bytes:
    """The feed of the user ``owner_id``: ``items`` as :func:`selectors.present` shows them to
    her on a list (``visible`` False: only "Varattu")."""
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", "-//Tupa//ajanvaraus//FI")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Tupa: omat tapaamiset"))
        calendar.add("x-wr-timezone", "Europe/Helsinki")
        stamp = timezone.now().astimezone(dt.UTC)
        for item in items:
            appointment = item.appointment
            event = Event()
            event.add(
                "uid",
                event_uid(
                    owner_id=owner_id, appointment=appointment, visible=item.visible, host=host
                ),
            )
            event.add("dtstamp", stamp)
            event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
            event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
            if item.visible:
                event.add(
                    "summary", f"{appointment.get_type_display().capitalize()} {appointment.code}"
                )
                if (
                    appointment.place_kind == PlaceKind.OWN_PREMISES
                    and appointment.room is not None
                ):
                    event.add("location", appointment.room.name)
                else:
                    event.add("location", appointment.get_place_kind_display())
            else:
                event.add("summary", _("Varattu"))
            event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
            event.add("transp", "OPAQUE")
            event.add("class", "PRIVATE")
            calendar.add_component(event)
        return calendar.to_ical()
