"""The groups and Perhetupa sessions a volunteer is on, for the volunteer's page.

The sessions live in the programmes and drop-in apps, which this app may not import (ADR 0008);
each registers a :class:`tupa.core.registry.VolunteerSessions` reader and this selector asks
them all (a constant number of queries per app).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core import registry
from tupa.volunteers.models import Volunteer

#: How far back and ahead the volunteer's page looks.
RECENT_DAYS = 90
UPCOMING_DAYS = 90


@dataclass(frozen=True)
class VolunteerSessionList:
    upcoming: list[registry.VolunteerSession]
    recent: list[registry.VolunteerSession]

    @property
    def groups(self) -> list[tuple[str, list[registry.VolunteerSession]]]:
        """(heading, rows) for the page: upcoming, then recent."""
        return [(_("Tulevat"), self.upcoming), (_("Viimeaikaiset"), self.recent)]


def volunteer_sessions(volunteer: Volunteer, *, today: dt.date) -> VolunteerSessionList:
    """The sessions naming ``volunteer`` from ``RECENT_DAYS`` ago to ``UPCOMING_DAYS`` ahead:
    upcoming (from today, soonest first) and recent (before today, newest first)."""
    since = today - dt.timedelta(days=RECENT_DAYS)
    until = today + dt.timedelta(days=UPCOMING_DAYS)
    rows: list[registry.VolunteerSession] = []
    for reader in registry.volunteer_sessions.all():
        rows.extend(reader.sessions(volunteer_id=volunteer.pk, since=since, until=until))
    upcoming = sorted(
        (r for r in rows if timezone.localtime(r.starts_at).date() >= today),
        key=lambda r: r.starts_at,
    )
    recent = sorted(
        (r for r in rows if timezone.localtime(r.starts_at).date() < today),
        key=lambda r: r.starts_at,
        reverse=True,
    )
    return VolunteerSessionList(upcoming=upcoming, recent=recent)
