"""Reads of the shelter's 24 h line: daily and monthly counts (issue 4, item 7).

One aggregate query per call, whatever the period: contacts are grouped in the database by
local (Europe/Helsinki) day, channel, caller and outcome, and the small result is folded into
the tables in Python. Days without contacts are shown as zeros.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import ServiceForm
from tupa.residential.care_days import local_midnight
from tupa.residential.models import LineContact


@dataclass
class LineCounts:
    """Counts of line contacts in ``start``..``end`` (both inclusive, local dates)."""

    start: dt.date
    end: dt.date
    total: int = 0
    minutes: int = 0
    by_day: dict[dt.date, int] = field(default_factory=dict)
    by_month: dict[dt.date, int] = field(default_factory=dict)  # key: first day of the month
    by_channel: dict[str, int] = field(default_factory=dict)
    by_caller: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)

    def rows(self, which: str) -> list[tuple[str, int]]:
        """(label, count) for every choice of ``channel``, ``caller`` or ``outcome``."""
        choices: list[tuple[str, Any]] = {
            "channel": LineContact.Channel.choices,
            "caller": LineContact.Caller.choices,
            "outcome": LineContact.Outcome.choices,
        }[which]
        counts: dict[str, int] = getattr(self, f"by_{which}")
        return [(str(label), counts.get(value, 0)) for value, label in choices]


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def line_counts(*, service_form: ServiceForm, start: dt.date, end: dt.date) -> LineCounts:
    """Daily and monthly counts by channel, caller and outcome; one query."""
    if end < start:
        raise ValueError("end before start")
    rows = (
        LineContact.objects.filter(
            service_form=service_form,
            occurred_at__gte=local_midnight(start),
            occurred_at__lt=local_midnight(end + dt.timedelta(days=1)),
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=HELSINKI))
        .values("day", "channel", "caller", "outcome")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    )
    by_day: Counter[dt.date] = Counter()
    by_month: Counter[dt.date] = Counter()
    channel: Counter[str] = Counter()
    caller: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    minutes = 0
    for row in rows:
        n = row["n"]
        day = row["day"]
        by_day[day] += n
        by_month[day.replace(day=1)] += n
        channel[row["channel"]] += n
        caller[row["caller"]] += n
        outcome[row["outcome"]] += n
        minutes += row["minutes"] or 0
    days = _days(start, end)
    months = sorted({d.replace(day=1) for d in days})
    return LineCounts(
        start=start,
        end=end,
        total=sum(by_day.values()),
        minutes=minutes,
        by_day={d: by_day.get(d, 0) for d in days},
        by_month={m: by_month.get(m, 0) for m in months},
        by_channel=dict(channel),
        by_caller=dict(caller),
        by_outcome=dict(outcome),
    )


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)
