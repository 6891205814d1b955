"""Turvakielto management and the restriction of processing (finnish-requirements §6; GDPR 18).

Services (writes, keyword-only with ``actor``, atomic, change history) on the people models:

- restrictions: :func:`restriction_add`, :func:`restriction_lift`;
- restriction of processing (GDPR art. 18, set by the DPO): :func:`processing_restriction_set`.

Who may reveal restricted fields or manage restrictions is
:func:`tupa.access.contact.may_reveal_person`. The DPO's extracts and requests live in :mod:`tupa.dataprotection`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Person, Restriction

if TYPE_CHECKING:
    from tupa.accounts.models import User

__all__ = ["processing_restriction_set", "restriction_add", "restriction_lift"]


# --------------------------------------------------------------------------- restrictions


def _clean_restriction(restriction: Restriction) -> None:
    errors: dict[str, str] = {}
    if not restriction.kind:
        errors["kind"] = _("Valitse suojauksen laji.")
    if restriction.kind == Restriction.Kind.TURVAKIELTO and not restriction.source.strip():
        errors["source"] = _(
            "Kerro turvakiellon lähde (esimerkiksi väestötietojärjestelmän ote tai "
            "asiakkaan ilmoitus)."
        )
    if restriction.valid_from is None:
        errors["valid_from"] = _("Anna alkamispäivä.")
    elif restriction.valid_until is not None and restriction.valid_until <= restriction.valid_from:
        errors["valid_until"] = _("Päättymispäivän on oltava alkamispäivän jälkeen.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def restriction_add(
    *,
    actor: User,
    person: Person,
    kind: str,
    source: str = "",
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    contact_address: str = "",
    covers_household_children: bool = False,
) -> Restriction:
    restriction = Restriction(
        person=person,
        kind=kind,
        source=source.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        contact_address=contact_address.strip(),
        covers_household_children=covers_household_children,
        created_by=actor,
    )
    _clean_restriction(restriction)
    restriction._history_user = actor  # type: ignore[attr-defined]
    restriction._change_reason = "restriction_add"  # type: ignore[attr-defined]
    restriction.full_clean(exclude=["created_by", "person"])
    restriction.save()
    return restriction


@transaction.atomic
def restriction_lift(
    *, actor: User, restriction: Restriction, lifted_on: dt.date, reason: str
) -> Restriction:
    """End a restriction (after a review, e.g. the population register no longer has it)."""
    errors: dict[str, str] = {}
    if restriction.lifted_on is not None:
        errors["lifted_on"] = _("Suojaus on jo päätetty.")
    elif lifted_on is None:
        errors["lifted_on"] = _("Anna päättymispäivä.")
    elif lifted_on < restriction.valid_from:
        errors["lifted_on"] = _("Päättymispäivä ei voi olla ennen suojauksen alkamispäivää.")
    if not reason.strip():
        errors["reason"] = _("Kerro, miksi suojaus päätetään.")
    if errors:
        raise ValidationError(errors)
    restriction.lifted_on = lifted_on
    restriction._history_user = actor  # type: ignore[attr-defined]
    restriction._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]
    restriction.save(update_fields=["lifted_on"])
    return restriction


# --------------------------------------------------------------------------- processing restriction


@transaction.atomic
def processing_restriction_set(
    *, actor: User, person: Person, restricted: bool, reason: str
) -> Person:
    """Set or clear the GDPR art. 18 restriction of processing; the reason is required both ways
    and is kept in the change history."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kerro peruste.")})
    if restricted == person.processing_restricted:
        raise ValidationError(
            {
                "restricted": _("Käsittelyä on jo rajoitettu.")
                if restricted
                else _("Käsittelyä ei ole rajoitettu.")
            }
        )
    locked = Person.objects.select_for_update().get(pk=person.pk)
    locked.processing_restricted = restricted
    locked.processing_restriction_reason = reason if restricted else ""
    locked.version += 1
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = reason  # type: ignore[attr-defined]
    locked.save(update_fields=["processing_restricted", "processing_restriction_reason", "version"])
    return locked
