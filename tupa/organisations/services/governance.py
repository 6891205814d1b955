"""Writes to working groups, values and strategic themes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated
from tupa.organisations.models import (
    Organisation,
    ServiceForm,
    StrategicTheme,
    Value,
    WorkingGroup,
    WorkingGroupMember,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import organisation_scope, same_organisation


@transaction.atomic
def working_group_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    short_name: str = "",
    purpose: str = "",
    meeting_frequency: str = "",
    minutes_public_to_staff: bool = False,
) -> WorkingGroup:
    group = WorkingGroup(
        organisation=organisation,
        name=name,
        short_name=short_name,
        purpose=purpose,
        meeting_frequency=meeting_frequency,
        minutes_public_to_staff=minutes_public_to_staff,
    )
    with organisation_scope(organisation.pk):
        save_validated(group, actor=actor)
    return group


@transaction.atomic
def working_group_add_member(
    *,
    actor: User | None,
    group: WorkingGroup,
    user: User | None = None,
    service_form: ServiceForm | None = None,
    role: str = WorkingGroupMember.Role.MEMBER,
) -> WorkingGroupMember:
    """Add a member: a staff user, or a seat held for a service form (or both)."""
    if user is None and service_form is None:
        raise ValidationError(_("Valitse jäseneksi työntekijä tai työmuoto."))
    same_organisation(group.organisation_id, ("user", user), ("service_form", service_form))
    member = WorkingGroupMember(group=group, user=user, service_form=service_form, role=role)
    with organisation_scope(group.organisation_id):
        save_validated(member, actor=actor)
    return member


# --------------------------------------------------------------------------- values and themes


@transaction.atomic
def value_create(
    *, actor: User | None, organisation: Organisation, order: int, name: str, description: str = ""
) -> Value:
    value = Value(organisation=organisation, order=order, name=name, description=description)
    with organisation_scope(organisation.pk):
        save_validated(value, actor=actor)
    return value


@transaction.atomic
def strategic_theme_create(
    *,
    actor: User | None,
    organisation: Organisation,
    code: str,
    name: str,
    description: str = "",
    strategy_name: str = "",
    start_year: int | None = None,
    end_year: int | None = None,
    heading_variants: Iterable[str] = (),
) -> StrategicTheme:
    if start_year is not None and end_year is not None and end_year < start_year:
        raise ValidationError(
            {"end_year": _("Strategiakauden päättymisvuosi ei voi olla ennen alkamisvuotta.")}
        )
    theme = StrategicTheme(
        organisation=organisation,
        code=code,
        name=name,
        description=description,
        strategy_name=strategy_name,
        start_year=start_year,
        end_year=end_year,
        heading_variants=list(heading_variants),
    )
    with organisation_scope(organisation.pk):
        save_validated(theme, actor=actor)
    return theme
