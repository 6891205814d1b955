"""Holds on reused records' stored contact data: open at intake, edit the given data, confirm.

:mod:`tupa.access.contact` decides who the stored data are withheld from; these functions write
the holds (:class:`~tupa.people.models.ContactHold`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.clients import persons_visible_to
from tupa.access.contact import is_withheld, may_confirm_hold
from tupa.core.saving import save_validated

from ..models import CONTACT_FIELDS, ContactHold, Person
from ._common import _scoped

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm

#: The shortest confirmation reason accepted (it says how the client was identified).
MIN_NOTE = 10


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    """The contact data among ``fields`` as the hold stores them (the municipality as its id)."""
    given: dict[str, Any] = {}
    for name in CONTACT_FIELDS:
        value = fields.get(name)
        if name == "municipality":
            value = getattr(value, "pk", value)
        if value not in (None, ""):
            given[name] = value
    return given


def contact_hidden_from(*, actor: User, person: Person) -> bool:
    """Does ``actor`` — before the intake — not read ``person``'s stored contact data: she is
    not visible to him at all, or only through work that holds them (:mod:`tupa.access.contact`)."""
    visible = persons_visible_to(user=actor).filter(pk=person.pk).exists()
    return not visible or is_withheld(user=actor, person=person)


def hold_if_hidden(
    *,
    actor: User,
    person: Person,
    service_form: ServiceForm | None,
    fields: dict[str, Any],
) -> bool:
    """Before an intake attaches an existing ``person`` to ``service_form``: when ``actor``
    does not read her stored contact data (:func:`contact_hidden_from`), open a hold for the
    form with the contact data typed at the intake and return True — the caller then writes
    nothing typed into her record. False when he reads them already."""
    if not contact_hidden_from(actor=actor, person=person):
        return False
    if service_form is not None:
        hold_open(actor=actor, person=person, service_form=service_form, fields=fields)
    return True


@transaction.atomic
def hold_open(
    *, actor: User, person: Person, service_form: ServiceForm, fields: dict[str, Any]
) -> ContactHold:
    """Withhold ``person``'s stored contact data from ``service_form`` (an intake reused her
    record). ``fields``: what was typed at the intake; its contact data are kept on the hold,
    never written into her record. An open hold of the same form takes the new values."""
    with _scoped(person.organisation_id):
        hold = (
            ContactHold.objects.select_for_update()
            .filter(person=person, service_form=service_form, confirmed_at__isnull=True)
            .first()
        )
        if hold is None:
            hold = ContactHold(
                organisation_id=person.organisation_id,
                person=person,
                service_form=service_form,
                created_by=actor,
            )
        hold.given = {**hold.given, **_given(fields)}
        hold.full_clean()
        hold.save()
    return hold


@transaction.atomic
def hold_given_update(*, actor: User, hold: ContactHold, fields: dict[str, Any]) -> ContactHold:
    """The held form's workers change the contact data they were given (not her record)."""
    if hold.confirmed_at is not None:
        raise ValidationError(_("Asiakkuus on jo vahvistettu."))
    with _scoped(hold.organisation_id):
        current = ContactHold.objects.select_for_update().get(pk=hold.pk)
        current.given = _given(fields)
        current.full_clean()
        current.save()
    hold.given = current.given
    return hold


@transaction.atomic
def hold_confirm(*, actor: User, hold: ContactHold, note: str) -> list[tuple[str, Any]]:
    """A lead of the held form confirms the client: the hold ends and the form's workers read
    her stored contact data. Blank fields of her record are filled from the given data (unless
    her processing is restricted); returns ``[(field, given value)]`` for the given values that
    differ from what is stored, for the lead to check with the client."""
    if not may_confirm_hold(user=actor, hold=hold):
        raise PermissionDenied(
            _("Vain työmuodon esihenkilö voi vahvistaa asiakkuuden, eikä omaa yhteydenottoaan.")
        )
    note = note.strip()
    if len(note) < MIN_NOTE:
        raise ValidationError(
            {
                "note": _(
                    "Kirjoita, miten asiakas tunnistettiin, esimerkiksi henkilöllisyys "
                    "tarkistettu tavattaessa (vähintään %(count)d merkkiä)."
                )
                % {"count": MIN_NOTE}
            }
        )
    with _scoped(hold.organisation_id):
        current = ContactHold.objects.select_for_update().get(pk=hold.pk)
        if current.confirmed_at is not None:
            raise ValidationError(_("Asiakkuus on jo vahvistettu."))
        person = Person.objects.select_for_update().get(pk=current.person_id)
        differing: list[tuple[str, Any]] = []
        changed = False
        for name, value in current.given.items():
            attname = "municipality_id" if name == "municipality" else name
            stored = getattr(person, attname)
            if stored in (None, ""):
                if not person.processing_restricted:
                    setattr(person, attname, value)
                    changed = True
            elif stored != value:
                differing.append((name, value))
        if changed:
            person.version += 1
            save_validated(person, actor=actor)
        current.confirmed_at = timezone.now()
        current.confirmed_by = actor
        current.confirmation_note = note
        current.full_clean()
        current.save()
    hold.confirmed_at, hold.confirmed_by, hold.confirmation_note = (
        current.confirmed_at,
        actor,
        note,
    )
    return differing
