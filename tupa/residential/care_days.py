"""The care-day ledger (*asumis- / hoitovuorokaudet*): one documented, configurable counting rule.

A pure module: no database, no settings. Input is one person's presence as intervals
``(arrived_at, departed_at)`` of aware datetimes (``departed_at`` None = still there); output is
the set of **local calendar dates** (Europe/Helsinki by default) that count as care days, each
attributed to the interval (and so to its label, e.g. the payer category) it belongs to.

Counting rules
--------------
:data:`NIGHTS` (the default): **every night spent counts, dated by its evening**. Date *X*
counts when the person arrived before the local midnight that ends *X* and had not left before
that midnight — in other words every date from the arrival date up to the day before the
departure date. Presence is half-open (``arrived_at`` ≤ t < ``departed_at``), but the midnight
that ends a night is its boundary, not a moment the person must be seen at: **a departure at
exactly 00:00 still counts the night that ended then**, and an arrival at exactly 00:00 belongs
to the date it begins. A stretch of presence that arrives and leaves on the same local date
counts as **one day** on that date. So 30.12 18:00 → 3.1 10:00 gives 30.12, 31.12, 1.1, 2.1
(four nights; the departure day does not count) — 2 days in December and 2 in January; and
30.12 18:00 → 31.12 00:00 gives 30.12 (one night).

:data:`CALENDAR_DAYS`: every local date on which the person was present at any moment counts
(the arrival day and the departure day both count). The example above gives 5 days.

Details that hold for both rules:

- A person's intervals that touch or overlap are merged first (a move between places ends one
  stay at the very moment the next one starts), so a move never adds or loses a day. Each date
  is then attributed to the interval the person is in **at the midnight that ends it** (the
  interval that contains that instant, half-open, so a move at exactly 00:00 gives the night
  that ends then to the new place), or, when the stretch ends at or before that midnight, to
  the interval that ends last (the last stay for the departure day).
- Local dates come from the aware datetimes, so the daylight-saving changes (the 23- and 25-hour
  days) need nothing special: a date is a date.
- **Open intervals** (no departure) count up to and including ``period_end`` — the person is
  assumed to be still there — and are **returned separately** (:attr:`CareDays.open`) so that the
  year-end check can stop a return until someone confirms or records the departure; they are
  never silently treated as closed.
- **Nothing in the future is counted as used.** With ``open_until`` (the last date whose care
  day is complete *now*, :func:`last_complete_date`), an open interval counts only up to that
  date; its dates after it up to ``period_end`` are returned as :attr:`CareDays.expected` —
  nights the family is expected to stay, shown apart from the nights spent.
- Clipping to a reporting period is exact: each date is counted on its own, so the counts of
  consecutive periods add up to the count of the whole.
- The dates are counted as spans between arrivals and departures (:func:`care_day_spans`), not
  one by one: the same dates, in time that grows with the number of stays, not of days.
- **[verify]** THL's residence-day rule (finnish-requirements §1.4 point 5): whether both the
  arrival and departure day count. Switching the rule is one argument.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from tupa.core.wallclock import HELSINKI, local_midnight

NIGHTS: Final = "nights"
CALENDAR_DAYS: Final = "calendar_days"
RULES: Final = frozenset({NIGHTS, CALENDAR_DAYS})
DEFAULT_RULE: Final = NIGHTS

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Interval:
    """A person's presence from ``arrived_at`` to ``departed_at`` (half-open; None = open)."""

    arrived_at: dt.datetime
    departed_at: dt.datetime | None = None
    label: Hashable = None

    def __post_init__(self) -> None:
        if self.arrived_at.tzinfo is None or (
            self.departed_at is not None and self.departed_at.tzinfo is None
        ):
            raise ValueError("care-day intervals need aware datetimes")
        # Compare and subtract in UTC: Python compares two datetimes of the *same* zone by wall
        # time, ignoring ``fold``, so the two 03:30s of the autumn change would look equal.
        object.__setattr__(self, "arrived_at", self.arrived_at.astimezone(dt.UTC))
        if self.departed_at is not None:
            object.__setattr__(self, "departed_at", self.departed_at.astimezone(dt.UTC))
        if self.departed_at is not None and self.departed_at <= self.arrived_at:
            raise ValueError("departure must be after arrival")

    def covers(self, moment: dt.datetime) -> bool:
        return self.arrived_at <= moment and (self.departed_at is None or moment < self.departed_at)


@dataclass(frozen=True)
class Span:
    """Consecutive counted dates ``first``..``last`` (both inclusive) with one label."""

    first: dt.date
    last: dt.date
    label: Hashable = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> Iterator[dt.date]:
        return map(dt.date.fromordinal, range(self.first.toordinal(), self.last.toordinal() + 1))

    def per_month(self) -> Iterator[tuple[tuple[int, int], int]]:
        """``((year, month), days)`` of each calendar month the span touches, in order."""
        day = self.first
        while day <= self.last:
            next_month = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            last = min(self.last, next_month - _ONE_DAY)
            yield (day.year, day.month), (last - day).days + 1
            day = next_month


@dataclass
class CareDaySpans:
    """One person's care days in a period as runs of dates: :func:`care_day_spans`.

    The same dates and labels as :class:`CareDays`, without a dictionary entry per date: what
    the ledgers add up (a unit-year is thousands of person-days, but only a few spans)."""

    spans: list[Span] = field(default_factory=list)
    open: list[Interval] = field(default_factory=list)
    expected: list[Span] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(span.days for span in self.spans)

    @property
    def expected_total(self) -> int:
        return sum(span.days for span in self.expected)


@dataclass
class CareDays:
    """One person's care days in a period: ``days`` maps each counted date to its label."""

    days: dict[dt.date, Hashable] = field(default_factory=dict)
    open: list[Interval] = field(default_factory=list)
    #: Dates after ``open_until`` that an open interval would reach by ``period_end``.
    expected: dict[dt.date, Hashable] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.days)

    def per_day(self) -> dict[dt.date, int]:
        return dict.fromkeys(sorted(self.days), 1)

    def per_label(self) -> Counter[Hashable]:
        return Counter(self.days.values())

    def per_month(self) -> Counter[tuple[int, int]]:
        return Counter((d.year, d.month) for d in self.days)


def last_complete_date(
    now: dt.datetime, *, rule: str = DEFAULT_RULE, tz: dt.tzinfo = HELSINKI
) -> dt.date:
    """The last local date whose care day is complete at ``now``: by :data:`NIGHTS` yesterday
    (tonight's night ends at the coming midnight), by :data:`CALENDAR_DAYS` today (present now)."""
    today = now.astimezone(tz).date()
    return today if rule == CALENDAR_DAYS else today - _ONE_DAY


def _merge(intervals: list[Interval]) -> list[list[Interval]]:
    """Group the intervals (sorted by arrival) into stretches of continuous presence."""
    stretches: list[list[Interval]] = []
    end: dt.datetime | None = None
    for interval in intervals:
        if stretches and (end is None or interval.arrived_at <= end):
            stretches[-1].append(interval)
            if end is not None:
                end = None if interval.departed_at is None else max(end, interval.departed_at)
        else:
            stretches.append([interval])
            end = interval.departed_at
    return stretches


def care_days(
    intervals: Iterable[Interval],
    *,
    period_start: dt.date,
    period_end: dt.date,
    rule: str = DEFAULT_RULE,
    tz: dt.tzinfo = HELSINKI,
    open_until: dt.date | None = None,
) -> CareDays:
    """One person's care days between ``period_start`` and ``period_end`` (both inclusive).

    ``open_until``: an open interval counts only up to this date; its later dates up to
    ``period_end`` go to :attr:`CareDays.expected` (None: up to ``period_end``, as before).
    The dates of :func:`care_day_spans`, one dictionary entry each."""
    spans = care_day_spans(
        intervals,
        period_start=period_start,
        period_end=period_end,
        rule=rule,
        tz=tz,
        open_until=open_until,
    )
    return CareDays(
        days={day: span.label for span in spans.spans for day in span.dates()},
        open=spans.open,
        expected={day: span.label for span in spans.expected for day in span.dates()},
    )


def _last_date_before(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The last local date whose ending midnight comes strictly before ``moment``."""
    day = moment.astimezone(tz).date()
    return day - (2 * _ONE_DAY if moment == local_midnight(day, tz) else _ONE_DAY)


def _add(spans: list[Span], span: Span) -> None:
    """Append ``span``; a date already counted by an earlier stretch goes to the later one.

    Stretches are disjoint in time, so only the last date of the previous stretch can be the
    first of the next (a same-day stay, or the calendar-days rule's departure day)."""
    if spans and spans[-1].last >= span.first:
        previous = spans.pop()
        if previous.first < span.first:
            spans.append(Span(previous.first, span.first - _ONE_DAY, previous.label))
    spans.append(span)


def care_day_spans(
    intervals: Iterable[Interval],
    *,
    period_start: dt.date,
    period_end: dt.date,
    rule: str = DEFAULT_RULE,
    tz: dt.tzinfo = HELSINKI,
    open_until: dt.date | None = None,
) -> CareDaySpans:
    """:func:`care_days` as runs of consecutive dates with the same label (see the module).

    Each date's owner is the interval present at the midnight that ends it, and that can change
    only at an arrival or a departure; so the dates between two such moments form one span,
    and the work grows with the number of intervals, not with the number of days."""
    if rule not in RULES:
        raise ValueError(f"unknown care-day rule {rule!r}")
    if period_end < period_start:
        raise ValueError("period_end is before period_start")
    ordered = sorted(intervals, key=lambda i: (i.arrived_at, i.departed_at is None))
    result = CareDaySpans(open=[i for i in ordered if i.departed_at is None])
    for stretch in _merge(ordered):
        start = stretch[0].arrived_at.astimezone(tz).date()
        ends = [i.departed_at for i in stretch]
        stretch_end = None if None in ends else max(e for e in ends if e is not None)
        if stretch_end is None:
            last = period_end
        else:
            end_date = stretch_end.astimezone(tz).date()
            if rule == CALENDAR_DAYS:
                # Departure exactly at midnight: the person was not there on that date.
                last = (
                    end_date - _ONE_DAY if stretch_end == local_midnight(end_date, tz) else end_date
                )
            else:
                last = end_date - _ONE_DAY if end_date > start else start
        day = max(start, period_start)
        last = min(last, period_end)
        counted_to = last if stretch_end is not None or open_until is None else open_until
        # The moments at which the set of intervals present can change.
        boundaries = sorted(
            {i.arrived_at for i in stretch} | {i.departed_at for i in stretch if i.departed_at}
        )
        while day <= last:
            moment = local_midnight(day + _ONE_DAY, tz)
            if stretch_end is not None and moment >= stretch_end:
                owner = _last_in(stretch)
                span_last = last  # every later midnight is past the end too
            else:
                owner = next(i for i in reversed(stretch) if i.covers(moment))
                later = [b for b in boundaries if b > moment]
                span_last = min(last, _last_date_before(later[0], tz)) if later else last
            if day <= counted_to:
                _add(result.spans, Span(day, min(span_last, counted_to), owner.label))
            if span_last > counted_to:
                _add(result.expected, Span(max(day, counted_to + _ONE_DAY), span_last, owner.label))
            day = span_last + _ONE_DAY
    return result


def _last_in(stretch: list[Interval]) -> Interval:
    """The interval present at the end of a closed stretch (the latest departure; ties: latest)."""
    return max(
        reversed(stretch),
        key=lambda i: i.departed_at or dt.datetime.max.replace(tzinfo=dt.UTC),
    )
