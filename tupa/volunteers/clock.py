"""Helsinki wall-clock times of the activity log, and their true durations.

An hours entry is typed as a date and two wall-clock times (``Europe/Helsinki``). On the two
nights a year the clocks change, the wall clock and the elapsed time differ: on the last Sunday
of March 03.00 jumps to 04.00 (00.00–06.00 lasts five hours) and on the last Sunday of October
04.00 falls back to 03.00 (00.00–06.00 lasts seven hours). Durations are therefore computed
from aware datetimes in UTC, never by subtracting wall-clock times. A time that does not exist
(03.00–03.59 on the spring night) is refused; a time that happens twice (03.00–03.59 on the
autumn night) is read as its first occurrence (summer time).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def aware(day: dt.date, at: dt.time) -> dt.datetime:
    """The Helsinki moment of wall-clock ``at`` on ``day`` (first occurrence if it repeats)."""
    return dt.datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=HELSINKI)


def exists(day: dt.date, at: dt.time) -> bool:
    """False for a wall-clock time skipped when summer time begins."""
    moment = aware(day, at)
    back = moment.astimezone(dt.UTC).astimezone(HELSINKI)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def minutes_between(day: dt.date, starts: dt.time, ends: dt.time) -> int:
    """Elapsed minutes from ``starts`` to ``ends`` on ``day`` (Helsinki), DST included."""
    start = aware(day, starts).astimezone(dt.UTC)
    end = aware(day, ends).astimezone(dt.UTC)
    return int((end - start).total_seconds() // 60)
