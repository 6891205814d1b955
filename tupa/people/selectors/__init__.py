"""Reads of persons: quick search, the person page, duplicates. Permission-aware by construction.

Everything here starts from :func:`tupa.access.clients.persons_visible_to` or
:func:`~tupa.access.clients.episodes_visible_to` — never from ``Person.objects`` alone — so a
person the user may not see is never found, listed or counted (ARCHITECTURE.md §6: "search never
reveals that a hidden person is a client").

Name matching is case- and diacritics-insensitive on SQLite and PostgreSQL alike: both the
column and the search word are *folded* (:mod:`tupa.people.folding`: lower case, common Latin
diacritics removed, ``Hämäläinen`` → ``hamalainen``). The search matches a person's stored
``search_name``, folded by the database when the names are written.

One module per sub-domain; callers import from this package:

- :mod:`.visibility` — the building blocks: the visible person, alias, participations and forms,
  a merged person's target, the access log's bases of a list of persons;
- :mod:`.duplicates` — possible duplicates of a person (all of them, or the ones the user sees);
- :mod:`.search` — the quick search (``search_persons``) and its limits;
- :mod:`.page` — the person page's data (``person_page``), relationship candidates, households,
  the service forms where a new client can start;
- :mod:`.holds` — contact holds (ADR 0028): the given data, the leads' confirmation queue.
"""

from .duplicates import find_duplicates, visible_duplicates
from .holds import as_given, hold_queue, holds_confirmed
from .page import (
    HouseholdRow,
    PersonPage,
    RelatedRow,
    households_of,
    intake_service_forms,
    person_page,
    relationship_candidates,
    relationship_label,
)
from .search import (
    MIN_QUERY_LENGTH,
    SEARCH_LIMIT,
    SEARCH_PERSON_FIELDS,
    SearchResults,
    search_persons,
    service_forms_of_rows,
)
from .visibility import (
    bases_for,
    merged_target,
    visible_alias,
    visible_forms,
    visible_participations,
    visible_person,
)

__all__ = [
    "MIN_QUERY_LENGTH",
    "SEARCH_LIMIT",
    "SEARCH_PERSON_FIELDS",
    "HouseholdRow",
    "PersonPage",
    "RelatedRow",
    "SearchResults",
    "as_given",
    "bases_for",
    "find_duplicates",
    "hold_queue",
    "holds_confirmed",
    "households_of",
    "intake_service_forms",
    "merged_target",
    "person_page",
    "relationship_candidates",
    "relationship_label",
    "search_persons",
    "service_forms_of_rows",
    "visible_alias",
    "visible_duplicates",
    "visible_forms",
    "visible_participations",
    "visible_person",
]
