"""Persons: create, find or create, update; a person's possible duplicates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.access.clients import person_behind_wall, persons_visible_to
from tupa.core.conflicts import ensure_version
from tupa.core.saving import save_validated

from .. import hetu as hetu_rules
from ..models import Person
from ..processing import ensure_processing_allowed
from ..selectors import find_duplicates
from ._common import (
    HETU_TAKEN_MESSAGE,
    MERGE_FILL_FIELDS,
    _check_fields,
    _names_match,
    _org_id,
    _scoped,
    _validate_person,
)
from .holds import hold_if_hidden

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Organisation, ServiceForm


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    organisation: Organisation | int | None = None,
    **fields: Any,
) -> Person:
    """Create a person. ``fields`` are :data:`PERSON_FIELDS`; ``organisation`` defaults to the actor's.

    The identity code is normalised and validated; the birth date is derived from it (a typed
    birth date must agree). Creating a person gives nobody access: access comes from an episode
    (``tupa.episodes.services.episode_open``).
    """
    _check_fields(fields)
    org_id = _org_id(actor, organisation)
    person = Person(organisation_id=org_id, **fields)
    with _scoped(org_id):
        _validate_person(person, birth_date_given=fields.get("birth_date") is not None)
        save_validated(person, actor=actor, exclude=["temporary_id"])
    return person


@transaction.atomic
def person_find_or_create(
    *,
    actor: User,
    organisation: Organisation | int | None = None,
    for_service_form: ServiceForm | None = None,
    **fields: Any,
) -> tuple[Person, bool]:
    """The existing person with the same identity code and name, or a new person.

    A returning client keeps one record: the same code *and* the same name (last name and first
    given name, case and diacritics ignored) reuse it — blank fields of the existing record are
    filled from ``fields``, nothing typed overwrites stored data, and no message tells whether
    the person was already known. The same code with another name is refused with a message
    that does not tell where the code is known — and so is the same code and name when the
    record would be attached to ``for_service_form`` across the wall (a victim-side client's
    record in perpetrator-side work, :func:`tupa.access.clients.person_behind_wall`), whoever
    the user is, and the same code and name of a person whose processing is restricted
    (GDPR art. 18) and whom the user cannot see. A record the user could not see (or whose
    contact data are withheld from him) is reused without writing anything typed into it: the
    typed contact data go on a hold of ``for_service_form`` (:mod:`.holds`), and her stored
    ones stay withheld from that form until a lead confirms. Returns ``(person, created)``.
    """
    _check_fields(fields)
    org_id = _org_id(actor, organisation)
    code = hetu_rules.normalise_hetu(fields.get("hetu"))
    if code:
        with _scoped(org_id):
            existing = (
                Person.objects.select_for_update()
                .filter(organisation_id=org_id, hetu=code, merged_into__isnull=True)
                .first()
            )
            if existing is not None:
                if not _names_match(
                    existing, fields.get("first_names", ""), fields.get("last_name", "")
                ) or (
                    for_service_form is not None
                    and person_behind_wall(person=existing, service_form=for_service_form)
                ):
                    raise ValidationError({"hetu": _(HETU_TAKEN_MESSAGE)})
                if (
                    existing.processing_restricted
                    and not persons_visible_to(user=actor).filter(pk=existing.pk).exists()
                ):
                    # GDPR 18, for a person the user cannot see: the neutral refusal, never
                    # the restriction (her request to the DPO is not the user's to know).
                    raise ValidationError({"hetu": _(HETU_TAKEN_MESSAGE)})
                ensure_processing_allowed(existing)  # GDPR 18: not even blank fields filled
                if hold_if_hidden(
                    actor=actor, person=existing, service_form=for_service_form, fields=fields
                ):
                    # Knowing her code is no reason to read or write where she lives: her
                    # stored contact data stay withheld from the form until a lead confirms.
                    return existing, False
                changed = []
                for name in MERGE_FILL_FIELDS:
                    value = fields.get(name)
                    if value not in (None, "") and getattr(existing, name) in (None, ""):
                        setattr(existing, name, value)
                        changed.append(name)
                if changed:
                    existing.version += 1
                    save_validated(existing, actor=actor)
                return existing, False
    return person_create(actor=actor, organisation=org_id, **fields), True


@transaction.atomic
def person_update(*, actor: User, person: Person, version: int | None, **fields: Any) -> Person:
    """Change a person's data. ``version`` is the one the user saw; a stale one raises
    :class:`~tupa.core.conflicts.VersionConflict` (nothing is saved, the caller keeps the typed
    data)."""
    ensure_processing_allowed(person)
    _check_fields(fields)
    with _scoped(person.organisation_id):
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.merged_into_id is not None:
            raise ValidationError(
                _("Henkilö on yhdistetty toiseen henkilöön; muokkaa yhdistettyä henkilöä.")
            )
        ensure_version(current, version)
        for name, value in fields.items():
            setattr(current, name, value)
        birth_given = "birth_date" in fields and fields["birth_date"] is not None
        _validate_person(current, birth_date_given=birth_given)
        current.version += 1
        save_validated(current, actor=actor)
    for f in current._meta.concrete_fields:
        setattr(person, f.attname, getattr(current, f.attname))
    return person


def duplicates_of(person: Person) -> list[Person]:
    """All possible duplicates (not permission-filtered; for services and commands)."""
    with _scoped(person.organisation_id):
        return list(find_duplicates(person))
