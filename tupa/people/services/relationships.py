"""Family relationships between persons."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated

from ..models import Person, Relationship
from ..processing import ensure_processing_allowed
from ._common import INVERSE_KINDS, _check_organisation, _scoped

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    person: Person,
    relative: Person,
    kind: str,
    valid_from: date | None = None,
    note: str = "",
) -> Relationship:
    """Record that ``person`` is ``kind`` of ``relative`` ("parent" of the child).

    ``kind`` may also be one of :data:`INVERSE_KINDS` ("child" of) — stored as the reverse
    relationship. Symmetric kinds (partner, ex-partner, sibling, other close person) are stored
    once, whichever way they are entered.
    """
    if kind in INVERSE_KINDS:
        person, relative, kind = relative, person, INVERSE_KINDS[kind]
    if kind not in Relationship.Kind.values:
        raise ValidationError({"kind": _("Valitse suhde.")})
    ensure_processing_allowed(person, relative)
    if person.pk == relative.pk:
        raise ValidationError({"relative": _("Henkilö ei voi olla itsensä läheinen.")})
    _check_organisation(person.organisation_id, relative=relative)
    with _scoped(person.organisation_id):
        same = Relationship.objects.filter(person=person, relative=relative, kind=kind)
        if kind in Relationship.SYMMETRIC:
            same = same | Relationship.objects.filter(person=relative, relative=person, kind=kind)
        if same.exists():
            raise ValidationError({"kind": _("Tämä suhde on jo kirjattu.")})
        if (
            kind not in Relationship.SYMMETRIC
            and Relationship.objects.filter(person=relative, relative=person, kind=kind).exists()
        ):
            raise ValidationError(
                {"kind": _("Suhde on jo kirjattu toisin päin; tarkista kumpi on kumpi.")}
            )
        rel = Relationship(
            person=person, relative=relative, kind=kind, valid_from=valid_from, note=note.strip()
        )
        save_validated(rel, actor=actor)
    return rel


@transaction.atomic
def relationship_end(*, actor: User, relationship: Relationship, valid_until: date) -> Relationship:
    """Mark a relationship ended (kept for the history; e.g. partner → ex-partner)."""
    ensure_processing_allowed(relationship.person_id, relationship.relative_id)
    if relationship.valid_from and valid_until < relationship.valid_from:
        raise ValidationError({"valid_until": _("Päättymispäivä on ennen alkamispäivää.")})
    with _scoped(relationship.person.organisation_id):
        relationship.valid_until = valid_until
        save_validated(relationship, actor=actor)
    return relationship
