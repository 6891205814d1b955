"""Calendar-month arithmetic, written once: a day some months later, a month's first and last day.

Billing periods, a data subject's one-month deadline, group programmes' follow-ups, survey
schedules, the statistics' stay lengths and the month views all count in calendar months. A day
moved by months keeps its day number, clamped to the target month's length (31.1. + 1 month is
28.2., or 29.2. in a leap year), as a person counting on a calendar would.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (negative: back), the day clamped to the
    month's length."""
    year, month = divmod(day.year * 12 + (day.month - 1) + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_end(year: int, month: int) -> dt.date:
    """The last day of ``month`` of ``year``."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of ``month`` of ``year``."""
    return dt.date(year, month, 1), month_end(year, month)
