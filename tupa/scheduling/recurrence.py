"""Expanding a recurring appointment into its occurrences (Europe/Helsinki wall time).

The rule runs on *naive local* datetimes with :mod:`dateutil.rrule` and each occurrence is then
made aware in Europe/Helsinki, so a weekly 10:00 meeting stays at 10:00 local time across the
daylight-saving changes (last Sunday of March and of October) — in UTC it moves by an hour.

Frequencies: weekly, every two weeks, and monthly on the same weekday (e.g. "the second Tuesday";
an appointment on the fifth weekday of a month repeats on the *last* such weekday). The series
ends at a date (inclusive, local) or after a count of occurrences; at most
:data:`MAX_OCCURRENCES` are created.

A start in the spring-forward gap (03:00–03:59 on the last Sunday of March) does not exist in
Helsinki; :mod:`zoneinfo` resolves it with the pre-transition offset, i.e. one hour later in
wall time. Appointments are not planned at that hour in practice.
"""

from __future__ import annotations

import datetime as dt

from dateutil import rrule  # type: ignore[import-untyped]

from tupa.core.wallclock import HELSINKI

MAX_OCCURRENCES = 104

WEEKLY = "weekly"
BIWEEKLY = "biweekly"
MONTHLY = "monthly"

_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


def nth_weekday(day: dt.date) -> int:
    """1–4 for the first to fourth weekday of the month, -1 for a fifth (= the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def expand(
    *,
    first_start: dt.datetime,
    duration: dt.timedelta,
    frequency: str,
    until: dt.date | None = None,
    count: int | None = None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) pairs of a series, aware datetimes in Europe/Helsinki.

    ``first_start`` is aware (any zone); it is converted to Helsinki wall time first. Exactly one
    of ``until``/``count`` must be given.
    """
    if (until is None) == (count is None):
        raise ValueError("give exactly one of until and count")
    if first_start.tzinfo is None:
        raise ValueError("first_start must be aware")
    local = first_start.astimezone(HELSINKI).replace(tzinfo=None)
    kwargs: dict[str, object] = {"dtstart": local}
    if frequency == WEEKLY:
        freq, kwargs["interval"] = rrule.WEEKLY, 1
    elif frequency == BIWEEKLY:
        freq, kwargs["interval"] = rrule.WEEKLY, 2
    elif frequency == MONTHLY:
        freq = rrule.MONTHLY
        kwargs["byweekday"] = _WEEKDAYS[local.weekday()](nth_weekday(local.date()))
    else:
        raise ValueError(f"unknown frequency {frequency!r}")
    if count is not None:
        kwargs["count"] = min(count, MAX_OCCURRENCES)
    else:
        assert until is not None
        kwargs["until"] = dt.datetime.combine(until, dt.time(23, 59, 59))
    rule = rrule.rrule(freq, **kwargs)  # type: ignore[arg-type]
    result: list[tuple[dt.datetime, dt.datetime]] = []
    for naive in rule:
        if len(result) >= MAX_OCCURRENCES:
            break
        start = naive.replace(tzinfo=HELSINKI)
        # Duration in wall time: a 60-minute visit at 10:00 ends at 11:00 local every time.
        end = (naive + duration).replace(tzinfo=HELSINKI)
        result.append((start, end))
    return result
