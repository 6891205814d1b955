"""The DPO's person lookup: an exact identifier, never a name search."""

from __future__ import annotations

from django.db.models import Q

from tupa.people.models import Person


def person_by_identifier(*, organisation_id: int, identifier: str) -> Person | None:
    """Exact match on the identity code or the temporary identifier; never a name search."""
    value = identifier.strip().upper()
    if not value:
        return None
    person = (
        Person.objects.filter(organisation_id=organisation_id)
        .filter(Q(hetu=value) | Q(temporary_id=value))
        .order_by("merged_into_id", "pk")
        .first()
    )
    if person is not None and person.merged_into_id is not None:
        return Person.objects.filter(pk=person.merged_into_id).first() or person
    return person
