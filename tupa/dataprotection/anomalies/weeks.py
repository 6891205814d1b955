"""The periods of the anomaly list: ISO weeks, Monday to Monday in Europe/Helsinki."""

from __future__ import annotations

import datetime as dt
import re

from tupa.core.wallclock import HELSINKI

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_label(year: int, week: int) -> str:
    return f"{year:04d}-W{week:02d}"


def parse_week(value: str) -> tuple[int, int] | None:
    """``"2026-W05"`` → (2026, 5); None for anything else (also week 53 of a 52-week year)."""
    match = _WEEK.match(value.strip())
    if match is None:
        return None
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return monday.isocalendar()[0], week


def last_full_week(today: dt.date) -> tuple[int, int]:
    """The last ISO week that has ended before ``today``."""
    iso = (today - dt.timedelta(days=7)).isocalendar()
    return iso[0], iso[1]


def week_bounds(year: int, week: int) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00, Europe/Helsinki (half-open)."""
    monday = dt.date.fromisocalendar(year, week, 1)
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=HELSINKI)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=HELSINKI)
    return start, end
