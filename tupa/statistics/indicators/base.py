"""The indicator: one counting rule, versioned, with its dimensions and one function.

An indicator's function turns the records of a period into :class:`Unit` s: one countable
thing each (a person, a visit, a residence day run, a day's anonymous count), carrying the value
of every dimension of the indicator, a weight (how many it counts for) and, when it stems from a
client's record, the episode and person behind it. Everything else is derived from the units by
the engine, the same way for every indicator:

* the total and every breakdown (so the sum over a dimension is the total by construction, and
  the property tests check that no unit lacks a dimension value);
* turvakielto: a protected family's units lose their home municipality (:mod:`.protection`);
* the municipality filter of a municipality's report (units of other municipalities' residents
  are dropped by :func:`~.computing.compute`, not in each indicator);
* the drill-down from a figure to its records (the units of the cell, their episodes).

A changed counting rule is a new :class:`Indicator` with the same ``id`` and a higher
``version``; the old one stays registered so that an earlier return can be reproduced.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import get_language

from tupa.core.wallclock import day_bounds

from ..versioned import VersionedRegistry

Label = str | Promise
Choices = tuple[tuple[str, Label], ...]

#: The value of a dimension that the record does not tell (e.g. a person without a birth date).
UNKNOWN = "unknown"

#: What a drill-down lists behind a figure (:attr:`Indicator.record_kind`): the client episodes
#: of the units (permission-checked per episode), the volunteers of the units (permission-checked
#: by the volunteer register's rules), a prevention form's activities or material deliveries
#: (for the form's members: :mod:`tupa.access.prevention`), or — with ``records=False`` — client
#: families that the statistics never list (a figure of the volunteer work whose families stay
#: in their app). Every kind but the episodes names its record by :attr:`Unit.record_id`.
EPISODE_RECORDS = "episode"
VOLUNTEER_RECORDS = "volunteer"
ACTIVITY_RECORDS = "activity"
DELIVERY_RECORDS = "delivery"
FAMILY_RECORDS = "family"


@dataclass(frozen=True)
class Params:
    """What a computation is about: whose data, which period, which service forms.

    ``end`` is inclusive. ``service_form_ids`` is always explicit when an indicator's function
    is called (the engine fills it with the organisation's forms the indicator applies to when
    the caller leaves it empty). ``municipality_id`` keeps only the units of that municipality's
    residents (the engine filters; indicators only set :attr:`Unit.municipality_id`).
    """

    organisation_id: int
    start: dt.date
    end: dt.date
    service_form_ids: tuple[int, ...] = ()
    municipality_id: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    @property
    def year(self) -> int:
        return self.start.year

    def moments(self, field: str) -> Q:
        """``field`` (a moment) falls on a local date of the period (:func:`day_bounds`)."""
        lower, upper = day_bounds(self.start, self.end)
        return Q(**{f"{field}__gte": lower, f"{field}__lt": upper})

    def dates(self, field: str) -> Q:
        """``field`` (a date) is one of the period's dates (``start``..``end``, both inclusive)."""
        return Q(**{f"{field}__range": (self.start, self.end)})

    def months(self) -> list[dt.date]:
        """The first days of the months the period touches, in order."""
        months = []
        day = self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return months

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "service_form_ids": sorted(self.service_form_ids),
            "municipality_id": self.municipality_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Params:
        return cls(
            organisation_id=data["organisation_id"],
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            service_form_ids=tuple(data["service_form_ids"]),
            municipality_id=data.get("municipality_id"),
        )


@dataclass(frozen=True, slots=True)
class Unit:
    """One countable thing; ``values`` holds one value per dimension of the indicator, in order."""

    values: tuple[str, ...]
    weight: int = 1
    episode_id: int | None = None
    person_id: int | None = None
    municipality_id: int | None = None
    #: The record behind the unit when the indicator's ``record_kind`` is not the client
    #: episodes: a volunteer, a prevention activity or a material delivery.
    record_id: int | None = None


@dataclass(frozen=True)
class Dimension:
    """A breakdown of an indicator (age band, gender, month …) and its values, in display order.

    ``choices`` is a fixed tuple, or a function of the parameters (months of the period,
    the organisation's service forms, municipalities). A unit's value outside the choices is a
    programming error and fails the indicator's tests.
    """

    key: str
    label: Label
    choices: Choices | Callable[[Params], Choices]
    #: The fixed choices as text, per language (:meth:`texts`): every table of every return
    #: page lays them out, and a lazy label translates itself anew each time it is read.
    _texts: dict[str | None, tuple[tuple[str, str], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def values(self, params: Params) -> Choices:
        if callable(self.choices):
            return self.choices(params)
        return self.choices

    def texts(self, params: Params) -> tuple[tuple[str, str], ...]:
        """The values and their labels as text in the active language, in display order."""
        if callable(self.choices):
            return tuple((v, str(label)) for v, label in self.choices(params))
        language = get_language()
        found = self._texts.get(language)
        if found is None:
            found = self._texts[language] = tuple((v, str(label)) for v, label in self.choices)
        return found


def _always(form: Any) -> bool:
    return True


@dataclass(frozen=True)
class Indicator:
    """One registered counting rule. ``rule`` is the Finnish description shown beside the figure.

    ``applies(form)`` says which service forms the indicator counts (by kind or flags);
    ``records`` says whether units carry records a permitted viewer may drill into, and
    ``record_kind`` which: client episodes (the default), or volunteers, prevention activities
    or deliveries (``Unit.record_id``).
    ``decimals``: a unit's weight is in hundredths (2) etc. of ``unit_label`` — money is counted
    in whole cents, so sums stay exact integers, and shown in euros with two decimals.
    ``counts_people``: whether a figure counts people or what they did (clients, visits, days,
    answers, head counts) — small cells of it are suppressed when a return leaves the
    organisation (:mod:`~tupa.statistics.suppression`). ``False`` only for things no person is
    behind (events a team held, copies of a brochure handed out), which are shown as counted.
    """

    id: str
    version: int
    title: Label
    rule: Label
    unit_label: Label
    dimensions: tuple[Dimension, ...]
    units: Callable[[Params], Iterable[Unit]]
    applies: Callable[[Any], bool] = _always
    records: bool = True
    decimals: int = 0
    record_kind: str = EPISODE_RECORDS
    counts_people: bool = True

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def dimension(self, key: str) -> Dimension:
        for d in self.dimensions:
            if d.key == key:
                return d
        raise KeyError(f"{self.key} has no dimension {key!r}")

    def index_of(self, key: str) -> int:
        return [d.key for d in self.dimensions].index(key)


@dataclass
class Result:
    """The units of one indicator for one set of parameters, and what is derived from them."""

    indicator: Indicator
    params: Params
    units: list[Unit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(u.weight for u in self.units)

    def by(self, *keys: str) -> dict[tuple[str, ...], int]:
        """The sum of weights per combination of the given dimensions' values.

        Every combination of the dimensions' choices is present (zero when nothing counts).
        """
        indexes = [self.indicator.index_of(k) for k in keys]
        sums: dict[tuple[str, ...], int] = defaultdict(int)
        # Every line of a return sums its indicator's units: the usual one and two dimensions
        # without a generator per unit.
        if len(indexes) == 1:
            (i,) = indexes
            for u in self.units:
                sums[(u.values[i],)] += u.weight
        elif len(indexes) == 2:
            i, j = indexes
            for u in self.units:
                sums[(u.values[i], u.values[j])] += u.weight
        else:
            for u in self.units:
                sums[tuple(u.values[i] for i in indexes)] += u.weight
        out: dict[tuple[str, ...], int] = {}
        for combo in _combinations([self.indicator.dimension(k).values(self.params) for k in keys]):
            out[combo] = sums.pop(combo, 0)
        # A value outside the choices is kept (visible in tests and on screen), never dropped.
        out.update(sums)
        return out

    def matching(self, selection: dict[str, str]) -> Iterator[Unit]:
        """The units whose dimension values equal ``selection`` (a drill-down cell)."""
        indexes = {self.indicator.index_of(k): v for k, v in selection.items()}
        for u in self.units:
            if all(u.values[i] == v for i, v in indexes.items()):
                yield u


def _combinations(choice_lists: Sequence[Choices]) -> Iterator[tuple[str, ...]]:
    if not choice_lists:
        yield ()
        return
    first, rest = choice_lists[0], choice_lists[1:]
    for value, _label in first:
        for tail in _combinations(rest):
            yield (value, *tail)


class IndicatorRegistry(VersionedRegistry[Indicator]):
    """Every indicator version, by ``id`` and ``version``."""
