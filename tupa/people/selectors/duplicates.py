"""Possible duplicates of a person: the unfiltered candidates and the ones the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tupa.access.clients import episode_visibility, persons_visible_to

from .. import hetu as hetu_rules
from ..folding import fold
from ..models import Person
from .visibility import visible_participations

if TYPE_CHECKING:
    from tupa.accounts.models import User


def find_duplicates(person: Person) -> QuerySet[Person]:
    """Other (unmerged) persons of the organisation that may be the same human.

    Same identity code, or the same folded last name, the same first given name and the same
    birth date. NOT permission-filtered: callers intersect with :func:`visible_duplicates` before
    showing anything. (The candidates are narrowed by the indexed code and birth date first;
    names are compared in Python with :func:`fold`.)
    """
    ids = _duplicate_ids(person)
    if not ids:
        return Person.objects.none()
    return Person.objects.filter(pk__in=ids).order_by("last_name", "first_names", "pk")


def _duplicate_ids(person: Person) -> list[int]:
    """The ids of :func:`find_duplicates` (one query, none without a code or a name and date)."""
    code = hetu_rules.normalise_hetu(person.hetu)
    first = fold(person.first_names or "").split()[:1]
    last = fold(person.last_name or "")
    q = Q()
    if code:
        q |= Q(hetu=code)
    if person.birth_date and first and last:
        q |= Q(birth_date=person.birth_date)
    if not q:
        return []
    candidates = Person.objects.filter(
        q, organisation_id=person.organisation_id, merged_into__isnull=True
    )
    if person.pk is not None:
        candidates = candidates.exclude(pk=person.pk)
    ids = []
    for pk, hetu, birth_date, first_names, last_name in candidates.values_list(
        "pk", "hetu", "birth_date", "first_names", "last_name"
    ):
        same_code = bool(code) and hetu == code
        same_name = (
            bool(first)
            and birth_date == person.birth_date
            and fold(last_name) == last
            and fold(first_names).split()[:1] == first
        )
        if same_code or same_name:
            ids.append(pk)
    return ids


def visible_duplicates(*, user: User, person: Person) -> list[Person]:
    """Possible duplicates of ``person`` that the user may see (hidden ones stay hidden)."""
    ids = _duplicate_ids(person)
    if not ids:
        return []  # no candidates (the usual case): nothing to decide visibility for
    visibility = episode_visibility(user=user)
    return list(
        persons_visible_to(user=user, episodes=visibility.episodes())
        .filter(pk__in=ids)
        .order_by("last_name", "first_names", "pk")
        .prefetch_related(visible_participations(user=user, visibility=visibility))
    )
