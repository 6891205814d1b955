"""Reads of student placements: the list of the forms the user reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tupa.access import volunteers as access
from tupa.volunteers.models import StudentPlacement

if TYPE_CHECKING:
    from tupa.accounts.models import User


def placement_list(*, user: User) -> QuerySet[StudentPlacement]:
    return (
        access.placements_visible_to(user)
        .select_related("volunteer", "service_form", "supervisor")
        .order_by("-starts_on", "volunteer__last_name", "pk")
    )
