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
uses only the counts (:func:`year_end_counts`, the same conditions counted in one query). At
most three queries, whatever the size of the year: only the rows of the problems are read, never
the year's figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value

from tupa.core.shapes import Shape, Slots
from tupa.core.wallclock import day_bounds
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.models import StayMember, YearEndConfirmation
from tupa.residential.stays.selectors import (
    care_day_overlap_between,
    members_between,
    present_between,
)

_ONE_DAY = dt.timedelta(days=1)


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


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


def _open_in(year: int) -> Q:
    return _open_between(*day_bounds(*_year(year)))


def _open_between(lower: Any, upper: Any) -> Q:
    """Stay members whose presence can count a care day of the year ``[lower, upper)`` (the
    care-day ledger's members, :func:`~tupa.residential.stays.selectors.members_between`) and
    whose stay has no departure yet. The bounds are moments or a shape's slots."""
    return members_between(lower, upper) & Q(stay__departed_at__isnull=True)


def _missing_data_in(year: int) -> Q:
    return _missing_data_between(*day_bounds(*_year(year)))


def _missing_data_between(lower: Any, upper: Any) -> Q:
    """Stay members present in the year ``[lower, upper)`` (THL's persons of the year) whose
    participant has no THL data; bound by their stays as
    :func:`~tupa.residential.stays.selectors.members_between`."""
    return (
        present_between(lower, upper)
        & care_day_overlap_between(lower, upper, through="stay__")
        & Q(participant__shelter_data__isnull=True)
    )


def _open_members(service_form: ServiceForm, year: int) -> QuerySet[StayMember]:
    """Members, present in ``year``, of the unit's stays that have no departure yet."""
    return StayMember.objects.filter(_open_in(year), stay__place__service_form=service_form)


def _members_missing_data(service_form: ServiceForm, year: int) -> QuerySet[StayMember]:
    """Members, present in ``year``, whose participant has no THL data."""
    return StayMember.objects.filter(_missing_data_in(year), stay__place__service_form=service_form)


def _confirmed(stay_ids: set[int], year: int) -> set[int]:
    if not stay_ids:  # nothing open: no question to ask
        return set()
    return set(
        YearEndConfirmation.objects.filter(stay_id__in=stay_ids, year=year).values_list(
            "stay_id", flat=True
        )
    )


@dataclass(frozen=True)
class YearEndCounts:
    """What THL's return needs of the check: how many, never who."""

    unconfirmed_open_stays: int
    episodes_missing_data: int


def _counts(s: Slots) -> QuerySet[StayMember, tuple[Any, ...]]:
    """The two counts of :func:`year_end_counts` in one row (no ``GROUP BY``: the constant
    groups nothing)."""
    open_in, missing = _open_between(s.lower, s.upper), _missing_data_between(s.lower, s.upper)
    confirmed = YearEndConfirmation.objects.filter(stay_id=OuterRef("stay_id"), year=s.year)
    return (
        StayMember.objects.filter(stay__place__service_form_id=s.form)
        .filter(open_in | missing)
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(
            open_stays=Count("stay_id", distinct=True, filter=open_in & ~Exists(confirmed)),
            missing=Count("stay__episode_id", distinct=True, filter=missing),
        )
        .order_by()  # the model's ordering would group by its columns
        .values_list("open_stays", "missing")
    )


#: Compiled once per connection: THL's return page asks on every request (ADR 0026).
_COUNTS: Final = Shape(_counts)


def year_end_counts(*, service_form: ServiceForm, year: int) -> YearEndCounts:
    """The numbers of :func:`year_end_check` (the same rules) without reading a row of an
    episode, a participant or a person: the return blocks on them on every request of its
    page. One query."""
    lower, upper = day_bounds(*_year(year))
    rows = _COUNTS.rows(form=service_form.pk, year=year, lower=lower, upper=upper)
    open_stays, missing = rows[0] if rows else (0, 0)
    return YearEndCounts(unconfirmed_open_stays=open_stays, episodes_missing_data=missing)


def year_end_check(*, service_form: ServiceForm, year: int) -> YearEndCheck:
    """The open stays and the episodes lacking THL data of ``service_form`` in ``year`` (run
    inside the organisation scope), with the rows the check's page lists. At most three
    queries."""
    shown = ("stay__episode", "stay__place", "participant__person", "participant__alias")
    open_rows = list(
        _open_members(service_form, year)
        .select_related(*shown)
        .order_by("stay__arrived_at", "stay_id", "pk")
    )
    confirmed = _confirmed({m.stay_id for m in open_rows}, year)
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
        _members_missing_data(service_form, year)
        .select_related(*shown)
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
