"""Where the demo's history starts: the one definition every generator of past activity uses.

The history covers the two whole calendar years before this one and this year up to today: it
starts on 1 January of (today's year − 2), so on 5.12.2026 on 1.1.2024. The annual report pack
(``/tilastot/toimintakertomus/<year>/``, by default last year beside the year before) then
compares two whole years, and the director's overview (this year so far against the same
period last year) has both periods too.

From :func:`history_start` on, the demo has steady activity: the clients' episodes, the stays
of the residential units, the appointments, the group runs, the drop-in counts and the
supervised meetings. What was already going on that day (a family in a place, a client in
family work) began a little before it, at most :data:`LEAD_IN_DAYS` before, so that the first
year looks like the second and not like a start-up. Horizons that mean something else (a
group 90 days ago, bookings ahead, a person's age) do not come from here.
"""

from __future__ import annotations

import datetime as dt

#: How long before the history's start the clients' episodes still running on that day may have
#: opened (the residential units fill their places from before the start on their own terms).
LEAD_IN_DAYS = 120

#: The length of history the demo's volumes were first written for (about two years): a
#: volume "per two years" is scaled to the actual length by :func:`scaled`.
TWO_YEARS = 730


def history_start(today: dt.date) -> dt.date:
    """The first day of the demo's history: 1 January of (today's year − 2)."""
    return dt.date(today.year - 2, 1, 1)


def history_days(today: dt.date) -> int:
    """The days from :func:`history_start` to today (today not included): 731–1095."""
    return (today - history_start(today)).days


def scaled(per_two_years: int, today: dt.date, *, lead_in: bool = False) -> int:
    """A volume written for two years of history, for the demo's history up to ``today``
    (and :data:`LEAD_IN_DAYS` before it when ``lead_in``): the same volume per year. Never less
    than ``per_two_years``, as the history is never shorter than two years."""
    days = history_days(today) + (LEAD_IN_DAYS if lead_in else 0)
    return max(per_two_years, round(per_two_years * days / TWO_YEARS))
