"""The quick search of persons (and unidentified aliases) by name, identity code or date.

Name matching is case- and diacritics-insensitive on SQLite and PostgreSQL alike: both the
column and the search word are *folded* (:mod:`tupa.people.folding`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from tupa.access.clients import episode_visibility, persons_visible_to, user_scope
from tupa.episodes.models import Participant

from .. import hetu as hetu_rules
from ..folding import Fold, fold
from ..models import Alias, Person
from ..processing import exclude_restricted_persons
from .visibility import visible_forms, visible_participations

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: At most this many rows per search; the page asks to narrow the search beyond it.
SEARCH_LIMIT = 50
MIN_QUERY_LENGTH = 2

#: What a search result shows of a person and what the access log records of it: nothing else
#: of the person is read (no identity code, address or phone for a list of names).
SEARCH_PERSON_FIELDS = ("pk", "organisation_id", "first_names", "last_name", "birth_date")


def _name_filter(words: list[str]) -> Q:
    """Every (folded) word occurs in the person's folded names: ``Person.search_name``."""
    q = Q()
    for word in words:
        q &= Q(search_name__contains=word)
    return q


@dataclass
class SearchResults:
    query: str
    searched: bool = False
    too_short: bool = False
    persons: list[Person] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.persons and not self.aliases


_DATE_PATTERNS = (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"),)
_TEMPORARY_ID = re.compile(r"^T-[0-9A-F]{4,}$")


def _parse_date(text: str) -> date | None:
    if not any(p.match(text) for p in _DATE_PATTERNS):
        return None
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        return None


#: Control characters in a typed query (C0, DEL and C1): treated as spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def search_persons(*, user: User, query: str) -> SearchResults:
    """Persons (and unidentified aliases) matching ``query`` among those visible to ``user``.

    - an identity code: exact match on the normalised code;
    - a temporary identifier (``T-…``): exact match;
    - a date ``pp.kk.vvvv``: birth date;
    - otherwise words: every word must occur in the first names or the last name, and aliases
      (labels of anonymous clients) match the same way.

    A hidden person is simply not there: the result has the same shape, and nothing counts or
    orders by hidden rows. Restricted persons are sorted by name like everyone else.
    Control characters (a NUL byte, which PostgreSQL refuses in a text parameter) separate
    words like spaces: no name holds them.
    """
    text = " ".join(_CONTROL.sub(" ", query or "").split())
    results = SearchResults(query=text)
    if len(fold(text)) < MIN_QUERY_LENGTH:
        results.too_short = bool(text)
        return results
    results.searched = True
    visibility = episode_visibility(user=user)  # reads the grants once for the search
    visible_episodes = visibility.episodes()
    # GDPR art. 18: a restricted person is not found (the DPO uses the exact lookup). The words
    # filter the visible persons' query itself, not ``pk IN (visible persons)``: that form
    # joined the persons table to itself and looked up every visible person twice.
    persons = exclude_restricted_persons(persons_visible_to(user=user, episodes=visible_episodes))
    aliases: QuerySet[Alias] | None = None
    upper = text.upper()
    born = _parse_date(text)
    if hetu_rules.looks_like_hetu(text):
        persons = persons.filter(hetu=hetu_rules.normalise_hetu(text))
    elif _TEMPORARY_ID.match(upper):
        persons = persons.filter(temporary_id=upper)
    elif born is not None:
        persons = persons.filter(birth_date=born)
    else:
        words = fold(text).split()
        matching_aliases = Alias.objects.annotate(al=Fold("label"))
        for word in words:
            matching_aliases = matching_aliases.filter(al__contains=word)
        # The organisation's aliases (labels of anonymous clients: few) whose label matches, read
        # first and alone: nothing of them is shown, but the person query is simpler without
        # them, and the visible-alias query is needed only when one is unidentified.
        member_forms = user_scope(user).member_form_ids
        linked: list[int] = []
        unidentified: list[int] = []
        for pk, person_id, form_id in matching_aliases.values_list(
            "pk", "person_id", "service_form_id"
        ):
            if person_id is None:
                unidentified.append(pk)
            elif form_id in member_forms:
                # Identified aliases of the user's own service forms lead to their person.
                linked.append(person_id)
        names = _name_filter(words)
        persons = persons.filter(names | Q(pk__in=linked) if linked else names)
        aliases = (
            Alias.objects.filter(
                pk__in=unidentified,
                participations__episode__in=visible_episodes.values("pk"),
            )
            .distinct()
            .select_related("service_form")
            .prefetch_related(visible_participations(user=user, visibility=visibility))
            .order_by("label", "pk")
            if unidentified
            else Alias.objects.none()
        )
    found = list(
        persons.order_by("last_name", "first_names", "pk")
        .only(*SEARCH_PERSON_FIELDS)
        .prefetch_related(visible_forms(visibility))[: SEARCH_LIMIT + 1]
    )
    results.truncated = len(found) > SEARCH_LIMIT
    results.persons = found[:SEARCH_LIMIT]
    if aliases is not None:
        found_aliases = list(aliases[: SEARCH_LIMIT + 1])
        results.truncated = results.truncated or len(found_aliases) > SEARCH_LIMIT
        results.aliases = found_aliases[:SEARCH_LIMIT]
    return results


def service_forms_of_rows(participations: Iterable[Participant]) -> list[Any]:
    """Distinct service forms of the given participations, in order of appearance."""
    seen: dict[int, Any] = {}
    for part in participations:
        seen.setdefault(part.episode.service_form_id, part.episode.service_form)
    return list(seen.values())
