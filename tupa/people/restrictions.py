"""Which persons' restricted fields are hidden (turvakielto, own safety decision, court order).

finnish-requirements §6, ARCHITECTURE.md §6 "Turvakielto and the shelter address".

A person's restricted fields (:data:`tupa.people.models.RESTRICTED_FIELDS`) are hidden when

1. the person has a restriction *in force* (``valid_from <= today`` and not lifted). An expired
   ``valid_until`` does **not** end it: the restriction stays in force until a worker reviews and
   lifts it (the safe default); or
2. the person is a **child covered by a household member's restriction** whose
   ``covers_household_children`` is set. "Child" is decided generously, because hiding too much
   is the safe direction: a person sharing a household with the restricted member is covered when
   *either* they are under 18 today by ``birth_date`` *or* the restricted member is recorded as
   their parent, foster parent or step-parent (``Relationship(person=member, relative=child)``).
   The household memberships' validity dates are deliberately ignored: a child who has left the
   household may still be in hiding with the parent.

Every function here runs inside the organisation scope (django-scopes), like every other read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tupa.core.months import add_months
from tupa.episodes.models import Participant

from .models import HouseholdMember, Person, Relationship, Restriction

#: Relationship kinds that make the restricted ``person`` a parent figure of ``relative``.
PARENT_KINDS = (
    Relationship.Kind.PARENT,
    Relationship.Kind.FOSTER_PARENT,
    Relationship.Kind.STEP_PARENT,
)

#: The neutral placeholder shown instead of a restricted value (also for empty values).
PLACEHOLDER_MSGID = "Suojattu tieto"


def _adult_cutoff(today: date) -> date:
    """Persons born *after* this date are under 18 today."""
    return add_months(today, -12 * 18)


def _covered_children(ids: set[int], today: date) -> dict[int, int]:
    """``{child_id: restricted_member_id}`` for persons in ``ids`` covered as household children.

    One query, plus one more only when a candidate is neither a minor nor obviously covered.
    """
    covering = Restriction.objects.in_force(today).filter(covers_household_children=True)
    rows = (
        HouseholdMember.objects.filter(
            person_id__in=covering.values("person_id"),
            household__members__person_id__in=ids,
        )
        .values_list(
            "person_id",
            "household__members__person_id",
            "household__members__person__birth_date",
        )
        .distinct()
    )
    cutoff = _adult_cutoff(today)
    covered: dict[int, int] = {}
    undecided: dict[int, set[int]] = {}
    for member_id, child_id, birth_date in rows:
        if child_id == member_id or child_id in covered:
            continue
        if birth_date is not None and birth_date > cutoff:
            covered[child_id] = member_id
        else:
            undecided.setdefault(child_id, set()).add(member_id)
    undecided = {c: m for c, m in undecided.items() if c not in covered}
    if undecided:
        parents = set().union(*undecided.values())
        pairs = Relationship.objects.filter(
            person_id__in=parents, relative_id__in=undecided.keys(), kind__in=PARENT_KINDS
        ).values_list("person_id", "relative_id")
        for parent_id, child_id in pairs:
            if parent_id in undecided.get(child_id, ()):
                covered.setdefault(child_id, parent_id)
    return covered


def restricted_person_ids(persons: Iterable[Person | int], *, on: date | None = None) -> set[int]:
    """Ids among ``persons`` whose restricted fields must be hidden (one or two queries)."""
    ids = {p if isinstance(p, int) else p.pk for p in persons}
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return set()
    today = on or timezone.localdate()
    direct = set(
        Restriction.objects.in_force(today)
        .filter(person_id__in=ids)
        .values_list("person_id", flat=True)
    )
    rest = ids - direct
    if not rest:
        return direct
    return direct | set(_covered_children(rest, today))


def protected_episode_ids(
    episode_ids: Iterable[int] | QuerySet[Any], *, on: date | None = None
) -> set[int]:
    """Ids among ``episode_ids`` (ids, or a subquery of them) whose family is protected: some
    participant of the episode — whatever their role, dates or part in an order — is a person
    whose restricted fields are hidden (:func:`restricted_person_ids`), taking part by
    themselves or through an alias linked to them.

    One query when nobody of the episodes is restricted or shares a household with a covering
    restriction; otherwise :func:`restricted_person_ids` decides those few (one to three more).
    """
    if not isinstance(episode_ids, QuerySet):
        episode_ids = set(episode_ids)
        if not episode_ids:
            return set()
    today = on or timezone.localdate()
    in_force = Restriction.objects.in_force(today)
    # Candidates only (a superset): restricted themselves, or housemates of a covering
    # restriction, whom restricted_person_ids then decides by the module's rule.
    direct = in_force.values("person_id")
    housemates = HouseholdMember.objects.filter(
        household__members__person_id__in=in_force.filter(covers_household_children=True).values(
            "person_id"
        )
    ).values("person_id")
    candidate = Q()
    for field in ("person_id", "alias__person_id"):
        candidate |= Q(**{f"{field}__in": direct}) | Q(**{f"{field}__in": housemates})
    rows = list(
        Participant.objects.filter(episode_id__in=episode_ids)
        .filter(candidate)
        .values_list("episode_id", "person_id", "alias__person_id")
    )
    if not rows:
        return set()
    restricted = restricted_person_ids(
        {pk for _episode, *subjects in rows for pk in subjects if pk is not None}, on=today
    )
    return {episode for episode, *subjects in rows if restricted.intersection(subjects)}


def episodes_with_restricted(
    episode_ids: Iterable[int] | QuerySet[Any], restricted: Collection[int]
) -> set[int]:
    """Ids among ``episode_ids`` with a participant among ``restricted`` — persons already
    decided by :func:`restricted_person_ids` or :func:`restricted_ids_in_organisation` — by
    themselves or through an alias linked to them (one query; none when nobody is restricted).
    :func:`protected_episode_ids` for a caller that has decided the persons already."""
    if not restricted:
        return set()
    return set(
        Participant.objects.filter(episode_id__in=episode_ids)
        .filter(Q(person_id__in=restricted) | Q(alias__person_id__in=restricted))
        .values_list("episode_id", flat=True)
        .distinct()
    )


def restricted_ids_in_organisation(organisation_id: int, *, on: date | None = None) -> set[int]:
    """Every person of the organisation whose restricted fields are hidden (one query when
    nobody is protected, at most four): :func:`restricted_person_ids` for all of them at once, for reads that place many
    persons at a time (the statistics' municipality breakdowns)."""
    today = on or timezone.localdate()
    in_force = Restriction.objects.in_force(today).filter(person__organisation_id=organisation_id)
    direct = set(in_force.values_list("person_id", flat=True))
    if not direct:
        return direct
    covering = in_force.filter(covers_household_children=True).values("person_id")
    housemates = set(
        HouseholdMember.objects.filter(household__members__person_id__in=covering).values_list(
            "person_id", flat=True
        )
    )
    rest = housemates - direct
    return direct | set(_covered_children(rest, today)) if rest else direct


def restriction_for(person: Person, *, on: date | None = None) -> Restriction | None:
    """The restriction that hides ``person``'s fields: their own, else the covering parent's."""
    if person.pk is None:
        return None
    today = on or timezone.localdate()
    own = Restriction.objects.in_force(today).filter(person=person).order_by("-valid_from", "-pk")
    first = own.first()
    if first is not None:
        return first
    covered = _covered_children({person.pk}, today)
    if person.pk not in covered:
        return None
    return (
        Restriction.objects.in_force(today)
        .filter(person_id=covered[person.pk], covers_household_children=True)
        .order_by("-valid_from", "-pk")
        .first()
    )


def has_restriction(person: Person, *, on: date | None = None) -> bool:
    return person.pk in restricted_person_ids([person], on=on)
