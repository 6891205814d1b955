"""Reads of experience experts: the consents in the forms the user reads."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tupa.access import volunteers as access
from tupa.volunteers.models import ExpertConsent

if TYPE_CHECKING:
    from tupa.accounts.models import User


def expert_list(*, user: User, on: dt.date, current_only: bool = True) -> QuerySet[ExpertConsent]:
    """The experts' consents (valid on ``on`` unless ``current_only`` is false)."""
    rows = access.expert_consents_visible_to(user).select_related(
        "volunteer", "service_form", "recorded_by"
    )
    if current_only:
        rows = rows.filter(given_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        )
    return rows.order_by(
        "service_form__order", "volunteer__last_name", "volunteer__first_names", "-given_on"
    )
