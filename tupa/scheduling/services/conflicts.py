"""Overlapping appointments and room reservations: warnings the planner may override."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tupa.scheduling.models import CANCELLED_OUTCOMES, Appointment, Booking


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
