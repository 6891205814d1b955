"""Contact holds (ADR 0028): the data given to a held form, the leads' confirmation queue."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tupa.access.clients import user_scope

from ..models import CONTACT_FIELDS, ContactHold, Person

if TYPE_CHECKING:
    from tupa.accounts.models import User


def as_given(person: Person, hold: ContactHold) -> Person:
    """A copy of ``person`` for display and the edit form, whose contact data are the ones
    given to the held form (``hold.given``) instead of the stored ones; never saved."""
    shown = copy.copy(person)
    for name in CONTACT_FIELDS:
        if name == "municipality":
            shown.municipality_id = hold.given.get(name)
            shown._state.fields_cache.pop(name, None)
        else:
            setattr(shown, name, hold.given.get(name, ""))
    return shown


def hold_queue(*, user: User) -> QuerySet[ContactHold]:
    """Open holds of the forms the user leads that someone else opened (for confirming)."""
    return (
        ContactHold.objects.filter(
            service_form_id__in=user_scope(user).lead_form_ids, confirmed_at__isnull=True
        )
        .exclude(created_by=user)
        .select_related("person", "service_form", "created_by")
        .order_by("created_at", "pk")
    )


def holds_confirmed(*, user: User, limit: int = 20) -> list[ContactHold]:
    """The latest confirmed holds of the forms the user leads."""
    return list(
        ContactHold.objects.filter(
            service_form_id__in=user_scope(user).lead_form_ids, confirmed_at__isnull=False
        )
        .select_related("person", "service_form", "created_by", "confirmed_by")
        .order_by("-confirmed_at", "-pk")[:limit]
    )
