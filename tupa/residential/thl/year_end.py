"""THL's year-end check of a shelter (finnish-requirements §1.4 point 3): what must be fixed
before the year's return can be sent.

- **Open stays**: a stay of the unit with a member present in the year and no departure yet. It
  blocks until a member of the unit records the departure or confirms that the family still
  lived there when the year ended (:class:`~tupa.residential.models.YearEndConfirmation`); the
  same stays as the care-day ledger's ``open_stay_ids``.
- **Missing THL data**: an episode with a stay member in the year whose participant has no
  :class:`~tupa.residential.models.ShelterClientData` (THL's return counts that person in the
  row "tieto puuttuu").

The check lists episodes and persons: the view shows it to members of the unit only (filtered
by visibility and logged); THL's return (:func:`tupa.statistics.returns.thl.year_end_problems`)
uses the counts. Three queries, whatever the size of the year: only the rows of the problems
are read, never the year's figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.care_days import local_midnight
from tupa.residential.models import StayMember, YearEndConfirmation

_ONE_DAY = dt.timedelta(days=1)


def _in_year(year: int, *, departed_from: str) -> Q:
    """Stay members whose [arrived_at, departed_at) touches the local calendar year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Q(arrived_at__lt=local_midnight(end + _ONE_DAY)) & (
        Q(departed_at__isnull=True) | Q(**{departed_from: local_midnight(start)})
    )


@dataclass
class CheckItem:
    """One episode on the year-end check list (shown to members of the unit only)."""

    episode: Episode
    stay_id: int | None = None
    confirmed: bool = False
    place: str = ""
    arrived_at: dt.datetime | None = None
    participants: list[Participant] = field(default_factory=list)


@dataclass
class YearEndCheck:
    service_form: ServiceForm
    year: int
    #: Every stay open at the year's end, confirmed ones included (they are shown as such).
    open_stays: list[CheckItem]
    missing_data: list[CheckItem]

    @property
    def unconfirmed_open_stays(self) -> list[CheckItem]:
        return [item for item in self.open_stays if not item.confirmed]

    @property
    def ready(self) -> bool:
        """ "Valmis lähetettäväksi": no unconfirmed open stay and no episode lacking THL data."""
        return not self.unconfirmed_open_stays and not self.missing_data

    def persons(self) -> list[Any]:
        """The named persons on the list (for the access log); aliases are anonymous."""
        seen: dict[int, Any] = {}
        for item in [*self.open_stays, *self.missing_data]:
            for participant in item.participants:
                if participant.person is not None:
                    seen[participant.person.pk] = participant.person
        return list(seen.values())


def _add(item: CheckItem, participant: Participant) -> None:
    if all(p.pk != participant.pk for p in item.participants):
        item.participants.append(participant)


def year_end_check(*, service_form: ServiceForm, year: int) -> YearEndCheck:
    """The open stays and the episodes lacking THL data of ``service_form`` in ``year`` (run
    inside the organisation scope). Three queries."""
    members = StayMember.objects.filter(stay__place__service_form=service_form).select_related(
        "stay__episode", "stay__place", "participant__person", "participant__alias"
    )
    open_rows = list(
        members.filter(_in_year(year, departed_from="departed_at__gte"))
        .filter(stay__departed_at__isnull=True)
        .order_by("stay__arrived_at", "stay_id", "pk")
    )
    confirmed = set(
        YearEndConfirmation.objects.filter(
            stay_id__in={m.stay_id for m in open_rows}, year=year
        ).values_list("stay_id", flat=True)
    )
    open_items: dict[int, CheckItem] = {}
    for member in open_rows:
        item = open_items.setdefault(
            member.stay_id,
            CheckItem(
                episode=member.stay.episode,
                stay_id=member.stay_id,
                confirmed=member.stay_id in confirmed,
                place=member.stay.place.name,
                arrived_at=member.stay.arrived_at,
            ),
        )
        _add(item, member.participant)

    missing_rows = list(
        members.filter(_in_year(year, departed_from="departed_at__gt"))
        .filter(participant__shelter_data__isnull=True)
        .order_by("stay__episode_id", "arrived_at", "pk")
    )
    missing_items: dict[int, CheckItem] = {}
    for member in missing_rows:
        episode = member.stay.episode
        item = missing_items.setdefault(
            episode.pk, CheckItem(episode=episode, arrived_at=member.arrived_at)
        )
        _add(item, member.participant)
    return YearEndCheck(
        service_form=service_form,
        year=year,
        open_stays=list(open_items.values()),
        missing_data=list(missing_items.values()),
    )
