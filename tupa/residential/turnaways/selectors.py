"""Reads of turn-aways: the recent list (issue 4, item 5).

The counts are the statistics' indicators ``shelter.turned_away`` and
``shelter.turn_away_requests`` (:mod:`tupa.statistics.indicators.residential.contacts`): THL's
figure "ohjattu toiseen turvakotiin tilanpuutteen takia" (finnish-requirements §1.2) is the
requests with reason *no free place* and destination *another shelter*, in requests and persons.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tupa.organisations.models import ServiceForm
from tupa.residential.models import TurnAway


def recent_turnaways(*, service_form: ServiceForm) -> QuerySet[TurnAway]:
    """The service form's turn-aways, newest first, with the recorder joined (for paging)."""
    return (
        TurnAway.objects.filter(service_form=service_form)
        .select_related("recorded_by", "service_form")
        .order_by("-occurred_at", "-pk")
    )
