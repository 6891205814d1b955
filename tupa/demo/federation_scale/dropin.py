"""Step 5: the drop-in house's daily head counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays

from tupa.demo.federation_scale.member import Member
from tupa.demo.federation_scale.specs import DROP_IN
from tupa.dropin.models import DailyCount, Programme, Session


def build_drop_in(m: Member) -> None:
    """The drop-in house's head counts, four days a week except on public holidays."""
    rng = m.rng
    form = m.forms[DROP_IN]
    first = m.window_start.date()
    closed = holidays.Finland(years=range(first.year, m.today.year + 1))
    day = first
    while day < m.today:
        if day.weekday() <= 3 and day not in closed:
            values: dict[str, Any]
            if day.weekday() == 3:  # Thursday: the baby day
                babies = rng.randint(4, 10)
                values = {
                    "programme": Programme.BABY_DAY,
                    "adults": babies + rng.randint(0, 2),
                    "children": rng.randint(0, 2),
                    "under_ones": babies,
                    "first_timers": rng.randint(0, 3),
                }
            else:
                summer = day.month in (6, 7)
                values = {
                    "programme": Programme.OPEN_DAY,
                    "adults": rng.randint(3, 8) if summer else rng.randint(6, 14),
                    "children": rng.randint(3, 9) if summer else rng.randint(6, 16),
                    "under_ones": rng.randint(0, 3),
                    "first_timers": rng.randint(0, 2),
                }
            counts = {k: m.scaled(v) if k != "programme" else v for k, v in values.items()}
            m.counts.append(
                DailyCount(
                    organisation=m.org,
                    service_form=form,
                    date=day,
                    session=Session.DAY,
                    **counts,
                )
            )
            visits = int(counts["adults"]) + int(counts["children"]) + int(counts["under_ones"])
            m.summary.by_year[(day.year, "dropin_visits")] += visits
        day += dt.timedelta(days=1)
