"""Writes of persons, aliases, relationships and households (ARCHITECTURE.md §4).

Every function is keyword-only with ``actor`` first, runs in one transaction, validates with
``full_clean()`` plus the rules below (Finnish messages keyed by field, so forms show them next
to the input) and records ``actor`` in the django-simple-history change history. The work runs
inside the organisation's own django-scopes scope, so the services behave the same from a
request, a management command, the demo builder or a test.

Authorisation — who may see or edit a person — is the caller's job (views answer 404 through
:mod:`tupa.access.clients`); the services guarantee data integrity: identity codes valid and
consistent with the birth date, no cross-organisation links, optimistic locking, merges and
alias links that never lose an episode or its history.

One module per part: :mod:`.persons`, :mod:`.merge`, :mod:`.aliases`, :mod:`.relationships`,
:mod:`.households`, :mod:`.holds` (a reused record's withheld contact data); :mod:`._common` holds the fields and the checks they share.
"""

from ._common import (
    HETU_TAKEN_MESSAGE,
    IDENTITY_FIELDS,
    INVERSE_KINDS,
    MERGE_FILL_FIELDS,
    PERSON_FIELDS,
)
from .aliases import alias_create, alias_link
from .holds import hold_confirm, hold_given_update, hold_if_hidden
from .households import household_add_member, household_create, household_set_family_types
from .merge import person_merge
from .persons import duplicates_of, person_create, person_find_or_create, person_update
from .relationships import relationship_add, relationship_end

__all__ = [
    "HETU_TAKEN_MESSAGE",
    "IDENTITY_FIELDS",
    "INVERSE_KINDS",
    "MERGE_FILL_FIELDS",
    "PERSON_FIELDS",
    "alias_create",
    "alias_link",
    "duplicates_of",
    "hold_confirm",
    "hold_given_update",
    "hold_if_hidden",
    "household_add_member",
    "household_create",
    "household_set_family_types",
    "person_create",
    "person_find_or_create",
    "person_merge",
    "person_update",
    "relationship_add",
    "relationship_end",
]
