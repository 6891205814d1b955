"""Households, their family types and members."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.clients import WALL_MESSAGE
from tupa.access.episodes import households_behind_wall
from tupa.core.saving import save_validated

from ..models import Household, HouseholdMember, Person
from ..processing import ensure_processing_allowed
from ._common import _check_organisation, _org_id, _scoped

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Organisation


def _clean_family_types(family_types: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(family_types))
    unknown = [c for c in codes if c not in Household.FamilyType.values]
    if unknown:
        raise ValidationError(
            {
                "family_types": _("Tuntematon perhetyyppi: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return codes


@transaction.atomic
def household_create(
    *,
    actor: User,
    name: str,
    family_types: Iterable[str] = (),
    members: Iterable[Person] = (),
    organisation: Organisation | int | None = None,
) -> Household:
    """A family or household worked with as a unit, with its family types and first members."""
    org_id = _org_id(actor, organisation)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Anna perheelle nimi (esimerkiksi sukunimi).")})
    household = Household(
        organisation_id=org_id, name=name, family_types=_clean_family_types(family_types)
    )
    with _scoped(org_id):
        save_validated(household, actor=actor)
        for person in members:
            household_add_member(actor=actor, household=household, person=person)
    return household


@transaction.atomic
def household_set_family_types(
    *, actor: User, household: Household, family_types: Iterable[str]
) -> Household:
    with _scoped(household.organisation_id):
        # GDPR art. 18: the family types describe every current member of the household.
        today = timezone.localdate()
        ensure_processing_allowed(
            *HouseholdMember.objects.filter(household=household)
            .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today))
            .values_list("person_id", flat=True)
        )
        household.family_types = _clean_family_types(family_types)
        save_validated(household, actor=actor)
    return household


@transaction.atomic
def household_add_member(
    *,
    actor: User,
    household: Household,
    person: Person,
    valid_from: date | None = None,
) -> HouseholdMember:
    _check_organisation(household.organisation_id, person=person)
    ensure_processing_allowed(person)
    with _scoped(household.organisation_id):
        if actor is not None and households_behind_wall(user=actor, household_ids=[household.pk]):
            raise PermissionDenied(WALL_MESSAGE)
        if HouseholdMember.objects.filter(household=household, person=person).exists():
            raise ValidationError({"person": _("Henkilö on jo perheen jäsen.")})
        member = HouseholdMember(household=household, person=person, valid_from=valid_from)
        save_validated(member, actor=actor)
    return member
