"""Appointments: reads for the calendars, the episode's list and the iCal feed.

Client names are shown only for appointments whose episode the viewer may see
(:func:`tupa.access.clients.episode_bases`); everything else appears as "Varattu". The caller
logs the persons returned in :attr:`CalendarPage.to_log` (one access event per person).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tupa.access import clients
from tupa.accounts.models import Membership, User
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Participant

from .models import Appointment

if TYPE_CHECKING:
    from tupa.organisations.models import ServiceForm


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_bounds(first: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    """Aware [start, end) of ``days`` local days from ``first`` (DST-correct: 23/25 h days)."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=HELSINKI)
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time.min, tzinfo=HELSINKI)
    return start, end


def _with_details(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return queryset.select_related(
        "organiser", "room", "partner", "service_form", "episode"
    ).prefetch_related(Prefetch("co_workers", queryset=User.objects.order_by("last_name")))


def appointments_of_users(
    *, user_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> QuerySet[Appointment]:
    """Appointments overlapping [start, end) where one of the users organises or co-works."""
    ids = list(user_ids)
    involved = Appointment.objects.filter(
        Q(organiser_id__in=ids) | Q(co_workers__in=ids), starts_at__lt=end, ends_at__gt=start
    ).values("pk")
    return _with_details(Appointment.objects.filter(pk__in=involved)).order_by("starts_at", "pk")


def appointments_of_episode(*, episode_id: int) -> QuerySet[Appointment]:
    return _with_details(Appointment.objects.filter(episode_id=episode_id)).order_by(
        "-starts_at", "-pk"
    )


def team_members(service_form: ServiceForm) -> list[User]:
    """Active client-work members of the service form, by name."""
    ids = (
        Membership.objects.active()
        .client_work()
        .filter(service_form=service_form)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name"))


@dataclass
class Item:
    """One appointment as a viewer may see it."""

    appointment: Appointment
    visible: bool
    clients: list[str] = field(default_factory=list)

    @property
    def local_start(self) -> dt.datetime:
        return timezone.localtime(self.appointment.starts_at)

    @property
    def local_end(self) -> dt.datetime:
        return timezone.localtime(self.appointment.ends_at)


@dataclass
class CalendarPage:
    items: list[Item]
    to_log: dict[str, list[Any]]

    def by_day(self, days: list[dt.date]) -> list[tuple[dt.date, list[Item]]]:
        grouped: dict[dt.date, list[Item]] = defaultdict(list)
        for item in self.items:
            grouped[item.local_start.date()].append(item)
        return [(day, grouped.get(day, [])) for day in days]


def present(
    *, viewer: User, appointments: Iterable[Appointment], listed: bool = True
) -> CalendarPage:
    """Decide what ``viewer`` sees of each appointment and whose names must be logged.

    On a calendar (``listed``) an episode with a participant whose processing is restricted
    (GDPR art. 18) is "Varattu" like one the viewer may not see (:func:`clients.listed_bases`);
    the page of one appointment (``listed=False``) shows it to whoever may see the episode.
    A constant number of queries: the episode bases and the participants of visible episodes.
    """
    rows = list(appointments)
    scope = clients.user_scope(viewer)
    bases = clients.episode_bases(
        user=viewer, episode_ids={a.episode_id for a in rows if a.episode_id}
    )
    if listed:
        bases = clients.listed_bases(bases)
    participants: dict[int, list[Participant]] = defaultdict(list)
    if bases:
        for p in (
            Participant.objects.filter(episode_id__in=list(bases))
            .select_related("person", "alias")
            .order_by("pk")
        ):
            participants[p.episode_id].append(p)
    items: list[Item] = []
    shown: list[tuple[Any, tuple[str, int], Any]] = []
    for appointment in rows:
        if appointment.episode_id:
            basis = bases.get(appointment.episode_id)
            if basis is None:
                items.append(Item(appointment, visible=False))
                continue
            names = []
            for p in participants.get(appointment.episode_id, []):
                subject = p.person or p.alias
                if subject is None:
                    continue
                names.append(str(subject) if p.person else str(p.alias.label))  # type: ignore[union-attr]
                shown.append((basis, (type(subject).__name__, subject.pk), subject))
            items.append(Item(appointment, visible=True, clients=names))
        else:
            own = appointment.organiser_id == viewer.pk or any(
                u.pk == viewer.pk for u in appointment.co_workers.all()
            )
            visible = own or appointment.service_form_id in scope.member_form_ids
            items.append(Item(appointment, visible=visible))
    return CalendarPage(items=items, to_log=clients.once_each(shown))


def feed_appointments(*, user: User, now: dt.datetime | None = None) -> QuerySet[Appointment]:
    """The user's appointments for the iCal feed: 60 days back, 400 days ahead."""
    now = now or timezone.now()
    return appointments_of_users(
        user_ids=[user.pk],
        start=now - dt.timedelta(days=60),
        end=now + dt.timedelta(days=400),
    )
