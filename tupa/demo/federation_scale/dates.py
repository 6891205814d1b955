"""Local dates and times, and the residence days of an interval by year."""

from __future__ import annotations

import datetime as dt

from tupa.core.wallclock import HELSINKI, local_date


def aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HELSINKI)


def nights_by_year(
    arrived: dt.datetime, departed: dt.datetime | None, open_until: dt.date
) -> dict[int, int]:
    """A single interval's residence days per year by the care-day ledger's default rule
    (:data:`tupa.residential.care_days.NIGHTS`): every date from the arrival date to the day
    before the departure date, one day for a same-day stay, an open one up to ``open_until``."""
    first = local_date(arrived)
    if departed is None:
        last = open_until
    else:
        end = local_date(departed)
        last = end - dt.timedelta(days=1) if end > first else first
    out: dict[int, int] = {}
    for year in range(first.year, last.year + 1):
        lo, hi = max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
        if hi >= lo:
            out[year] = (hi - lo).days + 1
    return out


def overlap_years(arrived: dt.datetime, departed: dt.datetime | None, until: int) -> range:
    """The years whose local dates an interval ``[arrived, departed)`` has a moment in."""
    last = local_date(departed - dt.timedelta(microseconds=1)).year if departed else until
    return range(local_date(arrived).year, last + 1)
