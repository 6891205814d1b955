"""Internal follow-up reports of a service form: nothing here leaves the organisation.

The units' own statistics pages (the shelter's turn-aways and 24 h line, the drop-in house's
visitors, the groups, the supervised meetings, the volunteer work, the outpatient forms'
clients and visits) are these reports: the same indicators as the returns that go out, without
small-cell suppression, over any date range the unit picks. One module per kind of work.
"""

from __future__ import annotations

from ..base import ReturnRegistry


def register(registry: ReturnRegistry) -> None:
    from . import (
        dropin,
        outpatient,
        outpatient_stats,
        programmes,
        shelter,
        visitation,
        volunteers,
    )

    for module in (
        outpatient,
        outpatient_stats,
        dropin,
        programmes,
        visitation,
        shelter,
        volunteers,
    ):
        module.register(registry)
