"""The span-based care-day count against the per-day reference it replaced (no database).

:func:`~tupa.residential.care_days.care_day_spans` counts runs of dates between arrivals and
departures instead of visiting every date (issue 11: the per-day loop was 76 ms per unit-year).
The rule itself did not change, so these tests keep the old per-day loop as the reference and
check that both give the very same dates, labels, expected dates and open intervals — around
the daylight-saving changes, midnights, moves, same-day stays and open stays.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from tupa.core.wallclock import HELSINKI, local_midnight
from tupa.residential.care_days import (
    CALENDAR_DAYS,
    NIGHTS,
    CareDays,
    Interval,
    Span,
    _last_in,
    _merge,
    care_day_spans,
    care_days,
)
from tupa.residential.models import place_in_use_on
from tupa.residential.stays.selectors import places_in_use_by_date

_ONE_DAY = dt.timedelta(days=1)


def reference_care_days(
    intervals: Iterable[Interval],
    *,
    period_start: dt.date,
    period_end: dt.date,
    rule: str = NIGHTS,
    open_until: dt.date | None = None,
) -> CareDays:
    """The per-day loop as it was before the spans (the definition the spans must keep)."""
    tz = HELSINKI
    ordered = sorted(intervals, key=lambda i: (i.arrived_at, i.departed_at is None))
    result = CareDays(open=[i for i in ordered if i.departed_at is None])
    for stretch in _merge(ordered):
        start = stretch[0].arrived_at.astimezone(tz).date()
        ends = [i.departed_at for i in stretch]
        stretch_end = None if None in ends else max(e for e in ends if e is not None)
        if stretch_end is None:
            last = period_end
        else:
            end_date = stretch_end.astimezone(tz).date()
            if rule == CALENDAR_DAYS:
                last = (
                    end_date - _ONE_DAY if stretch_end == local_midnight(end_date, tz) else end_date
                )
            else:
                last = end_date - _ONE_DAY if end_date > start else start
        day = max(start, period_start)
        last = min(last, period_end)
        counted_to = last if stretch_end is not None or open_until is None else open_until
        while day <= last:
            moment = local_midnight(day + _ONE_DAY, tz)
            if stretch_end is not None and moment >= stretch_end:
                owner = _last_in(stretch)
            else:
                owner = next(i for i in reversed(stretch) if i.covers(moment))
            (result.days if day <= counted_to else result.expected)[day] = owner.label
            day += _ONE_DAY
    return result


#: Around the spring change (29.3.2026), the autumn change (25.10.2026) and the year's end.
_ANCHORS = (dt.date(2026, 3, 26), dt.date(2026, 10, 22), dt.date(2026, 12, 28))


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    day = draw(st.sampled_from(_ANCHORS)) + dt.timedelta(days=draw(st.integers(0, 8)))
    if draw(st.booleans()):  # exactly a local midnight, or the hours of the clock changes
        hour, minute = draw(st.sampled_from([(0, 0), (2, 30), (3, 0), (3, 30), (4, 0)]))
    else:
        hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([0, 1, 30, 59]))
    return dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI, fold=draw(st.integers(0, 1))
    )


@st.composite
def person_intervals(draw: st.DrawFn) -> list[Interval]:
    """One to five labelled intervals: overlapping, touching (moves), same-day or open."""
    result: list[Interval] = []
    for index in range(draw(st.integers(1, 5))):
        if result and result[-1].departed_at is not None and draw(st.booleans()):
            arrived = result[-1].departed_at  # a move: the next stay starts as the last ends
        else:
            arrived = draw(moments())
        if draw(st.integers(0, 4)) == 0:
            departed = None
        else:
            hours = draw(st.sampled_from([1, 3, 12, 20, 24, 25, 47, 48, 100, 300]))
            departed = arrived.astimezone(dt.UTC) + dt.timedelta(hours=hours)
        result.append(Interval(arrived, departed, label=("stay", index)))
    return result


@settings(max_examples=400, deadline=None)
@given(
    intervals=person_intervals(),
    start_offset=st.integers(-40, 10),
    length=st.integers(0, 400),
    rule=st.sampled_from([NIGHTS, CALENDAR_DAYS]),
    open_until=st.one_of(
        st.none(), st.sampled_from(_ANCHORS).map(lambda d: d + dt.timedelta(days=3))
    ),
)
def test_spans_give_the_same_days_as_the_per_day_rule(
    intervals: list[Interval],
    start_offset: int,
    length: int,
    rule: str,
    open_until: dt.date | None,
) -> None:
    period_start = _ANCHORS[0] + dt.timedelta(days=start_offset)
    period_end = period_start + dt.timedelta(days=length)
    kwargs = {
        "period_start": period_start,
        "period_end": period_end,
        "rule": rule,
        "open_until": open_until,
    }
    expected = reference_care_days(intervals, **kwargs)  # type: ignore[arg-type]
    result = care_days(intervals, **kwargs)  # type: ignore[arg-type]
    assert list(result.days.items()) == list(expected.days.items())
    assert list(result.expected.items()) == list(expected.expected.items())
    assert result.open == expected.open
    spans = care_day_spans(intervals, **kwargs)  # type: ignore[arg-type]
    assert spans.total == expected.total
    assert spans.expected_total == len(expected.expected)
    per_month: Counter[tuple[int, int]] = Counter()
    for span in spans.spans:
        assert span.first <= span.last
        for month, days in span.per_month():
            per_month[month] += days
    assert per_month == expected.per_month()


def test_a_date_shared_by_two_stretches_goes_to_the_later() -> None:
    # Three separate visits on 3.5 and an open stay from 4.5: the date 3.5 counts once, for the
    # last visit of the day (as the per-day rule overwrote it), and 4.5 onwards for the open one.
    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 5, day, hour, tzinfo=HELSINKI)

    intervals = [
        Interval(at(3, 8), at(3, 9), label="a"),
        Interval(at(3, 10), at(3, 11), label="b"),
        Interval(at(3, 12), at(4, 1), label="c"),
        Interval(at(4, 5), None, label="d"),
    ]
    period: dict[str, dt.date] = {
        "period_start": dt.date(2026, 5, 1),
        "period_end": dt.date(2026, 5, 10),
    }
    for rule in (NIGHTS, CALENDAR_DAYS):
        for open_until in (None, dt.date(2026, 5, 1), dt.date(2026, 5, 6)):
            result = care_days(intervals, rule=rule, open_until=open_until, **period)
            expected = reference_care_days(intervals, rule=rule, open_until=open_until, **period)
            assert result.days == expected.days
            assert result.expected == expected.expected
            assert result.days[dt.date(2026, 5, 3)] == "c"


def test_span_months() -> None:
    span = Span(dt.date(2026, 1, 30), dt.date(2026, 3, 2), label=None)
    assert span.days == 32
    assert list(span.per_month()) == [((2026, 1), 2), ((2026, 2), 28), ((2026, 3), 2)]
    assert list(span.dates())[:3] == [
        dt.date(2026, 1, 30),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 1),
    ]


PlaceRow = tuple[int, bool, dt.date | None, dt.date | None]


def _reference_in_use(
    places: list[PlaceRow], occupied: dict[int, set[dt.date]], start: dt.date, end: dt.date
) -> dict[dt.date, int]:
    result: dict[dt.date, int] = {}
    day = start
    while day <= end:
        result[day] = sum(
            1
            for pk, active, active_from, active_until in places
            if day in occupied.get(pk, ())
            or place_in_use_on(
                day, active=active, active_from=active_from, active_until=active_until
            )
        )
        day += _ONE_DAY
    return result


_BASE = dt.date(2026, 1, 1)
_DAYS = st.integers(-50, 100).map(lambda n: _BASE + dt.timedelta(days=n))


@settings(max_examples=300, deadline=None)
@given(
    places=st.lists(
        st.tuples(st.booleans(), st.one_of(st.none(), _DAYS), st.one_of(st.none(), _DAYS)),
        max_size=6,
    ),
    occupied=st.lists(st.sets(_DAYS, max_size=30), max_size=7),
    start=st.integers(-10, 40).map(lambda n: _BASE + dt.timedelta(days=n)),
    length=st.integers(-2, 60),
)
def test_places_in_use_by_date_as_the_per_day_rule(
    places: list[tuple[bool, dt.date | None, dt.date | None]],
    occupied: list[set[dt.date]],
    start: dt.date,
    length: int,
) -> None:
    rows: list[PlaceRow] = [(pk, *row) for pk, row in enumerate(places)]
    # Place ids beyond the list stand for places that are not in ``places`` (never counted).
    by_place = dict(enumerate(occupied))
    end = start + dt.timedelta(days=length)
    result = places_in_use_by_date(rows, by_place, start, end)
    expected = _reference_in_use(rows, by_place, start, end)
    assert list(result.items()) == list(expected.items())
