"""Recurrence expansion in Helsinki wall time, checked by hand across the DST changes.

2026: summer time starts on Sunday 29.3. (03:00 EET → 04:00 EEST) and ends on Sunday 25.10.
(04:00 EEST → 03:00 EET). 10:00 local is 08:00 UTC in winter (UTC+2) and 07:00 UTC in summer
(UTC+3).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tupa.core.wallclock import HELSINKI
from tupa.scheduling.recurrence import expand, nth_weekday

UTC = dt.UTC


def _utc(pairs: list[tuple[dt.datetime, dt.datetime]]) -> list[str]:
    return [s.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for s, _e in pairs]


def _local(pairs: list[tuple[dt.datetime, dt.datetime]]) -> list[str]:
    return [s.astimezone(HELSINKI).strftime("%a %d.%m. %H:%M") for s, _e in pairs]


def test_weekly_across_spring_forward_keeps_ten_oclock() -> None:
    # Thursdays 19.3., 26.3. (winter) and 2.4. (summer).
    pairs = expand(
        first_start=dt.datetime(2026, 3, 19, 10, 0, tzinfo=HELSINKI),
        duration=dt.timedelta(hours=1),
        frequency="weekly",
        count=3,
    )
    assert _local(pairs) == ["Thu 19.03. 10:00", "Thu 26.03. 10:00", "Thu 02.04. 10:00"]
    assert _utc(pairs) == ["2026-03-19 08:00", "2026-03-26 08:00", "2026-04-02 07:00"]
    # The end is one hour of wall time after the start every time.
    assert [(e - s) for s, e in pairs] == [dt.timedelta(hours=1)] * 3
    assert pairs[2][1].astimezone(UTC).strftime("%H:%M") == "08:00"


def test_weekly_on_the_change_sundays() -> None:
    spring = expand(
        first_start=dt.datetime(2026, 3, 22, 10, 0, tzinfo=HELSINKI),
        duration=dt.timedelta(minutes=90),
        frequency="weekly",
        count=2,
    )
    assert _utc(spring) == ["2026-03-22 08:00", "2026-03-29 07:00"]
    autumn = expand(
        first_start=dt.datetime(2026, 10, 18, 10, 0, tzinfo=HELSINKI),
        duration=dt.timedelta(minutes=90),
        frequency="weekly",
        count=2,
    )
    assert _utc(autumn) == ["2026-10-18 07:00", "2026-10-25 08:00"]
    assert _local(autumn) == ["Sun 18.10. 10:00", "Sun 25.10. 10:00"]


def test_biweekly_until_is_inclusive_and_crosses_fall_back() -> None:
    # Mondays 12.10. (summer), 26.10. and 9.11. (winter); 23.11. is after the end date.
    pairs = expand(
        first_start=dt.datetime(2026, 10, 12, 10, 0, tzinfo=HELSINKI),
        duration=dt.timedelta(hours=1),
        frequency="biweekly",
        until=dt.date(2026, 11, 9),
    )
    assert _utc(pairs) == ["2026-10-12 07:00", "2026-10-26 08:00", "2026-11-09 08:00"]


def test_monthly_same_weekday() -> None:
    # 13.1.2026 is the second Tuesday; then 10.2., 10.3. and 14.4. (summer time).
    pairs = expand(
        first_start=dt.datetime(2026, 1, 13, 10, 0, tzinfo=HELSINKI),
        duration=dt.timedelta(hours=1),
        frequency="monthly",
        count=4,
    )
    assert _local(pairs) == [
        "Tue 13.01. 10:00",
        "Tue 10.02. 10:00",
        "Tue 10.03. 10:00",
        "Tue 14.04. 10:00",
    ]
    assert _utc(pairs)[-1] == "2026-04-14 07:00"


def test_monthly_fifth_weekday_becomes_the_last() -> None:
    # 31.3.2026 is the fifth Tuesday → last Tuesdays 28.4. and 26.5.
    assert nth_weekday(dt.date(2026, 3, 31)) == -1
    assert nth_weekday(dt.date(2026, 3, 24)) == 4
    pairs = expand(
        first_start=dt.datetime(2026, 3, 31, 9, 0, tzinfo=HELSINKI),
        duration=dt.timedelta(hours=1),
        frequency="monthly",
        count=3,
    )
    assert [s.date() for s, _e in pairs] == [
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 28),
        dt.date(2026, 5, 26),
    ]


def test_a_start_given_in_utc_is_read_as_helsinki_wall_time() -> None:
    pairs = expand(
        first_start=dt.datetime(2026, 3, 26, 8, 0, tzinfo=UTC),  # 10:00 in Helsinki
        duration=dt.timedelta(hours=1),
        frequency="weekly",
        count=2,
    )
    assert _utc(pairs) == ["2026-03-26 08:00", "2026-04-02 07:00"]


def test_bad_arguments() -> None:
    start = dt.datetime(2026, 1, 5, 10, tzinfo=HELSINKI)
    with pytest.raises(ValueError):
        expand(first_start=start, duration=dt.timedelta(hours=1), frequency="weekly")
    with pytest.raises(ValueError):
        expand(
            first_start=start,
            duration=dt.timedelta(hours=1),
            frequency="daily",
            count=2,
        )
    with pytest.raises(ValueError):
        expand(
            first_start=start.replace(tzinfo=None),
            duration=dt.timedelta(hours=1),
            frequency="weekly",
            count=2,
        )
    many = expand(first_start=start, duration=dt.timedelta(hours=1), frequency="weekly", count=500)
    assert len(many) == 104
