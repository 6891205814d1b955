"""The care-day rule, checked against hand-computed values (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tupa.core.wallclock import HELSINKI, local_midnight
from tupa.residential.care_days import (
    CALENDAR_DAYS,
    NIGHTS,
    Interval,
    care_days,
)

D = dt.date


def t(y: int, m: int, d: int, h: int = 12, mi: int = 0, fold: int = 0) -> dt.datetime:
    """A Helsinki wall-clock time (``fold=1`` = the second 03:30 of the autumn change)."""
    return dt.datetime(y, m, d, h, mi, tzinfo=HELSINKI, fold=fold)


def count(*intervals: Interval, start: dt.date, end: dt.date, rule: str = NIGHTS) -> int:
    return care_days(intervals, period_start=start, period_end=end, rule=rule).total


def test_month_end() -> None:
    # 30.1 20:00 → 2.2 10:00: nights of 30.1, 31.1, 1.2 → January 2, February 1.
    stay = Interval(t(2026, 1, 30, 20), t(2026, 2, 2, 10))
    result = care_days([stay], period_start=D(2026, 1, 1), period_end=D(2026, 2, 28))
    assert result.per_month() == {(2026, 1): 2, (2026, 2): 1}
    assert sorted(result.days) == [D(2026, 1, 30), D(2026, 1, 31), D(2026, 2, 1)]
    assert count(stay, start=D(2026, 1, 1), end=D(2026, 1, 31)) == 2
    assert count(stay, start=D(2026, 2, 1), end=D(2026, 2, 28)) == 1


def test_year_end_is_split_exactly() -> None:
    # 30.12.2026 18:00 → 3.1.2027 10:00: nights 30.12, 31.12 | 1.1, 2.1.
    stay = Interval(t(2026, 12, 30, 18), t(2027, 1, 3, 10))
    assert count(stay, start=D(2026, 1, 1), end=D(2026, 12, 31)) == 2
    assert count(stay, start=D(2027, 1, 1), end=D(2027, 12, 31)) == 2
    assert count(stay, start=D(2026, 12, 1), end=D(2027, 1, 31)) == 4
    # Calendar-days rule: 30.12, 31.12, 1.1, 2.1, 3.1 → 2 + 3.
    assert count(stay, start=D(2026, 12, 1), end=D(2026, 12, 31), rule=CALENDAR_DAYS) == 2
    assert count(stay, start=D(2027, 1, 1), end=D(2027, 1, 31), rule=CALENDAR_DAYS) == 3


def test_leap_day() -> None:
    # 28.2.2028 20:00 → 1.3.2028 09:00: nights 28.2 and 29.2 (leap day), both in February.
    stay = Interval(t(2028, 2, 28, 20), t(2028, 3, 1, 9))
    result = care_days([stay], period_start=D(2028, 1, 1), period_end=D(2028, 12, 31))
    assert sorted(result.days) == [D(2028, 2, 28), D(2028, 2, 29)]
    assert result.per_month() == {(2028, 2): 2}
    # Calendar days: 28.2, 29.2, 1.3.
    assert count(stay, start=D(2028, 2, 1), end=D(2028, 3, 31), rule=CALENDAR_DAYS) == 3


def test_spring_dst_change() -> None:
    # 29.3.2026: clocks jump 03:00 → 04:00 in Helsinki (a 23-hour day).
    year = (D(2026, 1, 1), D(2026, 12, 31))
    # Arrival 29.3 01:30 local (= 28.3 23:30 UTC): the local date 29.3 counts, not 28.3.
    # → 31.3 10:00: nights 29.3, 30.3 = 2 (counting by UTC dates would give 3).
    early = Interval(t(2026, 3, 29, 1, 30), t(2026, 3, 31, 10))
    assert early.arrived_at.astimezone(dt.UTC).date() == D(2026, 3, 28)
    assert sorted(care_days([early], period_start=year[0], period_end=year[1]).days) == [
        D(2026, 3, 29),
        D(2026, 3, 30),
    ]
    # Arrival 02:30 (before the jump) → 30.3 10:00: the night of 29.3 = 1.
    assert (
        count(Interval(t(2026, 3, 29, 2, 30), t(2026, 3, 30, 10)), start=year[0], end=year[1]) == 1
    )
    # 28.3 20:00 → 29.3 "03:30" (a wall time that does not exist; read as 04:30 EEST): the
    # night of 28.3 = 1.
    assert (
        count(Interval(t(2026, 3, 28, 20), t(2026, 3, 29, 3, 30)), start=year[0], end=year[1]) == 1
    )
    # Exactly the 23-hour day, midnight to midnight: 1 by both rules.
    whole = Interval(local_midnight(D(2026, 3, 29)), local_midnight(D(2026, 3, 30)))
    assert whole.departed_at - whole.arrived_at == dt.timedelta(hours=23)  # type: ignore[operator]
    assert count(whole, start=year[0], end=year[1]) == 1
    assert count(whole, start=year[0], end=year[1], rule=CALENDAR_DAYS) == 1


def test_autumn_dst_change() -> None:
    # 25.10.2026: clocks go back 04:00 → 03:00 (a 25-hour day; 03:30 happens twice).
    year = (D(2026, 1, 1), D(2026, 12, 31))
    # From the first 03:30 (EEST, 00:30 UTC) to the second 03:30 (EET, 01:30 UTC): one hour,
    # same local day → 1 day on 25.10.
    twice = Interval(t(2026, 10, 25, 3, 30, fold=0), t(2026, 10, 25, 3, 30, fold=1))
    assert twice.departed_at - twice.arrived_at == dt.timedelta(hours=1)  # type: ignore[operator]
    result = care_days([twice], period_start=year[0], period_end=year[1])
    assert list(result.days) == [D(2026, 10, 25)]
    # 24.10 22:00 → 25.10 02:30: the night of 24.10 = 1.
    assert (
        count(Interval(t(2026, 10, 24, 22), t(2026, 10, 25, 2, 30)), start=year[0], end=year[1])
        == 1
    )
    # 25.10 02:30 → 27.10 09:00: nights 25.10, 26.10 = 2.
    assert (
        count(Interval(t(2026, 10, 25, 2, 30), t(2026, 10, 27, 9)), start=year[0], end=year[1]) == 2
    )
    # Midnight to midnight of the 25-hour day: 1.
    whole = Interval(local_midnight(D(2026, 10, 25)), local_midnight(D(2026, 10, 26)))
    assert whole.departed_at - whole.arrived_at == dt.timedelta(hours=25)  # type: ignore[operator]
    assert count(whole, start=year[0], end=year[1]) == 1


def test_same_day_stay_counts_one_day() -> None:
    # 5.6 10:00 → 5.6 15:00: no night, but a stay that starts and ends the same day = 1.
    stay = Interval(t(2026, 6, 5, 10), t(2026, 6, 5, 15))
    assert count(stay, start=D(2026, 6, 1), end=D(2026, 6, 30)) == 1
    assert count(stay, start=D(2026, 6, 1), end=D(2026, 6, 30), rule=CALENDAR_DAYS) == 1
    assert count(stay, start=D(2026, 6, 6), end=D(2026, 6, 30)) == 0


def test_the_midnight_boundary_as_documented() -> None:
    # care_days.py: a departure at exactly 00:00 still counts the night that ended then; an
    # arrival at exactly 00:00 belongs to the date it begins; a move at exactly 00:00 gives the
    # night that ends then to the new place.
    june = {"period_start": D(2026, 6, 1), "period_end": D(2026, 6, 30)}
    left = Interval(t(2026, 6, 5, 18), local_midnight(D(2026, 6, 6)), label="A")
    assert care_days([left], **june).days == {D(2026, 6, 5): "A"}
    came = Interval(local_midnight(D(2026, 6, 6)), t(2026, 6, 7, 10), label="B")
    assert care_days([came], **june).days == {D(2026, 6, 6): "B"}
    assert care_days([left, came], **june).days == {D(2026, 6, 5): "B", D(2026, 6, 6): "B"}
    # The calendar-days rule: leaving at 00:00 means not being there on the new date.
    assert care_days([left], rule=CALENDAR_DAYS, **june).days == {D(2026, 6, 5): "A"}


def test_child_arriving_a_day_later() -> None:
    # Mother 1.3 22:00 → 5.3 10:00: nights 1, 2, 3, 4 = 4.
    # Child  2.3 18:00 → 5.3 10:00: nights 2, 3, 4 = 3. Together 7.
    mother = Interval(t(2026, 3, 1, 22), t(2026, 3, 5, 10))
    child = Interval(t(2026, 3, 2, 18), t(2026, 3, 5, 10))
    period = {"period_start": D(2026, 3, 1), "period_end": D(2026, 3, 31)}
    assert care_days([mother], **period).total + care_days([child], **period).total == 7


def test_open_stay_counts_to_period_end_and_is_flagged() -> None:
    # Arrived 20.12.2026 21:00, no departure: nights 20.12 … 31.12 = 12, and flagged.
    stay = Interval(t(2026, 12, 20, 21), None, label="open")
    result = care_days([stay], period_start=D(2026, 1, 1), period_end=D(2026, 12, 31))
    assert result.total == 12
    assert result.open == [stay]
    closed = care_days(
        [Interval(t(2026, 12, 20, 21), t(2026, 12, 22, 9))],
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
    )
    assert closed.open == []


def test_clipping_to_a_period_in_the_middle_of_a_stay() -> None:
    # 1.1 12:00 → 31.1 12:00 = nights 1..30 (30). Period 10.1–19.1 → 10; the rest adds up.
    stay = Interval(t(2026, 1, 1), t(2026, 1, 31))
    assert count(stay, start=D(2026, 1, 1), end=D(2026, 1, 31)) == 30
    assert count(stay, start=D(2026, 1, 10), end=D(2026, 1, 19)) == 10
    assert count(stay, start=D(2026, 1, 1), end=D(2026, 1, 9)) == 9
    assert count(stay, start=D(2026, 1, 20), end=D(2026, 1, 31)) == 11


def test_move_neither_adds_nor_loses_a_day_and_labels_follow_the_night() -> None:
    # 1.6 22:00 → move at 2.6 09:00 → leave 2.6 18:00: one night (1.6), spent in A.
    a = Interval(t(2026, 6, 1, 22), t(2026, 6, 2, 9), label="A")
    b = Interval(t(2026, 6, 2, 9), t(2026, 6, 2, 18), label="B")
    result = care_days([b, a], period_start=D(2026, 6, 1), period_end=D(2026, 6, 30))
    assert result.days == {D(2026, 6, 1): "A"}
    # 5.6 10:00 → move 5.6 15:00 → leave 7.6 09:00: nights 5.6 and 6.6, both spent in B.
    a = Interval(t(2026, 6, 5, 10), t(2026, 6, 5, 15), label="A")
    b = Interval(t(2026, 6, 5, 15), t(2026, 6, 7, 9), label="B")
    result = care_days([a, b], period_start=D(2026, 6, 1), period_end=D(2026, 6, 30))
    assert result.per_label() == {"B": 2}


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        Interval(t(2026, 1, 2), t(2026, 1, 1))
    with pytest.raises(ValueError):
        Interval(dt.datetime(2026, 1, 1), None)
    with pytest.raises(ValueError):
        care_days([], period_start=D(2026, 1, 2), period_end=D(2026, 1, 1))
    with pytest.raises(ValueError):
        care_days([], period_start=D(2026, 1, 1), period_end=D(2026, 1, 1), rule="hours")


# --------------------------------------------------------------------------- property tests

BASE = dt.datetime(2027, 12, 15, tzinfo=dt.UTC)  # the range covers a year end and 29.2.2028
MINUTE = dt.timedelta(minutes=1)


@st.composite
def separated_intervals(draw: st.DrawFn) -> list[Interval]:
    """One person's stays in time order with a gap of at least a minute between them."""
    n = draw(st.integers(min_value=1, max_value=5))
    moment = BASE + draw(st.integers(0, 60 * 24 * 20)) * MINUTE
    result = []
    for i in range(n):
        length = draw(st.integers(1, 60 * 24 * 12)) * MINUTE
        last = i == n - 1
        open_ = last and draw(st.booleans())
        result.append(Interval(moment, None if open_ else moment + length))
        moment += length + draw(st.integers(1, 60 * 24 * 4)) * MINUTE
    return result


def simple_count(intervals: list[Interval], start: dt.date, end: dt.date, rule: str) -> int:
    """An independent, date-by-date count."""
    total = 0
    day = start
    while day <= end:
        begin = local_midnight(day)
        finish = local_midnight(day + dt.timedelta(days=1))
        if rule == NIGHTS:
            night = any(
                i.arrived_at < finish and (i.departed_at is None or i.departed_at >= finish)
                for i in intervals
            )
            same_day = any(
                i.departed_at is not None
                and i.arrived_at.astimezone(HELSINKI).date()
                == i.departed_at.astimezone(HELSINKI).date()
                == day
                for i in intervals
            )
            total += night or same_day
        else:
            total += any(
                i.arrived_at < finish and (i.departed_at is None or i.departed_at > begin)
                for i in intervals
            )
        day += dt.timedelta(days=1)
    return total


period_dates = st.tuples(st.integers(0, 80), st.integers(0, 80)).map(
    lambda p: (
        D(2027, 12, 1) + dt.timedelta(days=min(p)),
        D(2027, 12, 1) + dt.timedelta(days=max(p)),
    )
)


@settings(max_examples=300, deadline=None)
@given(
    intervals=separated_intervals(),
    period=period_dates,
    rule=st.sampled_from([NIGHTS, CALENDAR_DAYS]),
)
def test_ledger_equals_simple_count(
    intervals: list[Interval], period: tuple[dt.date, dt.date], rule: str
) -> None:
    start, end = period
    assert count(*intervals, start=start, end=end, rule=rule) == simple_count(
        intervals, start, end, rule
    )


@settings(max_examples=200, deadline=None)
@given(
    intervals=separated_intervals(),
    split_at=st.floats(0.01, 0.99),
    split_day=st.integers(0, 80),
    rule=st.sampled_from([NIGHTS, CALENDAR_DAYS]),
)
def test_moves_and_period_splits_do_not_change_totals(
    intervals: list[Interval], split_at: float, split_day: int, rule: str
) -> None:
    start, end = D(2027, 12, 1), D(2028, 3, 31)
    whole = count(*intervals, start=start, end=end, rule=rule)
    # A move: split the first (closed) stay into two touching stays.
    first = intervals[0]
    if first.departed_at is not None:
        cut = first.arrived_at + (first.departed_at - first.arrived_at) * split_at
        if first.arrived_at < cut < first.departed_at:
            moved = [Interval(first.arrived_at, cut), Interval(cut, first.departed_at)]
            assert count(*moved, *intervals[1:], start=start, end=end, rule=rule) == whole
    # Consecutive periods add up to the whole.
    middle = start + dt.timedelta(days=split_day)
    assert (
        count(*intervals, start=start, end=middle, rule=rule)
        + count(*intervals, start=middle + dt.timedelta(days=1), end=end, rule=rule)
        == whole
    )
