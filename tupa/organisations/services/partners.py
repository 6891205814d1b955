"""Writes to partners (and their roles) and funders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated
from tupa.organisations.models import (
    Funder,
    Municipality,
    Organisation,
    Partner,
    PartnerRole,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import organisation_scope, same_organisation


@transaction.atomic
def partner_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    kind: str = Partner.Kind.OTHER,
    roles: Iterable[str] = (),
    business_id: str = "",
    municipality: Municipality | None = None,
    description: str = "",
    website: str = "",
    active: bool = True,
) -> Partner:
    """Create a partner with its roles; a partner may play several (PHHYKY refers and purchases)."""
    partner = Partner(
        organisation=organisation,
        name=name,
        kind=kind,
        business_id=business_id,
        municipality=municipality,
        description=description,
        website=website,
        active=active,
    )
    with organisation_scope(organisation.pk):
        save_validated(partner, actor=actor)
        for role in dict.fromkeys(roles):  # keeps order, drops duplicates
            save_validated(PartnerRole(partner=partner, role=role), actor=actor)
    return partner


@transaction.atomic
def partner_add_role(*, actor: User | None, partner: Partner, role: str) -> PartnerRole:
    with organisation_scope(partner.organisation_id):
        partner_role = PartnerRole(partner=partner, role=role)
        save_validated(partner_role, actor=actor)
        # PartnerRole has no history of its own; record the change on the partner.
        partner._change_reason = _("Rooli lisätty: %(role)s") % {  # type: ignore[attr-defined]
            "role": partner_role.get_role_display()
        }
        save_validated(partner, actor=actor)
    return partner_role


@transaction.atomic
def funder_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    category: str,
    partner: Partner | None = None,
) -> Funder:
    same_organisation(organisation, ("partner", partner))
    funder = Funder(organisation=organisation, name=name, category=category, partner=partner)
    with organisation_scope(organisation.pk):
        save_validated(funder, actor=actor)
    return funder
