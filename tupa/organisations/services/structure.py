"""Writes to the structure: organisations, areas (*toiminta-alueet*) and teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated
from tupa.organisations.models import (
    Area,
    Organisation,
    Team,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import organisation_scope


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    slug: str,
    short_name: str = "",
    business_id: str = "",
    vision: str = "",
    mission: str = "",
    founded_year: int | None = None,
    federation_member: bool = True,
) -> Organisation:
    organisation = Organisation(
        name=name,
        slug=slug,
        short_name=short_name,
        business_id=business_id,
        vision=vision,
        mission=mission,
        founded_year=founded_year,
        federation_member=federation_member,
    )
    save_validated(organisation, actor=actor)
    return organisation


@transaction.atomic
def area_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    kind: str = Area.Kind.OPERATIONAL,
    description: str = "",
    order: int = 0,
) -> Area:
    area = Area(
        organisation=organisation, name=name, kind=kind, description=description, order=order
    )
    with organisation_scope(organisation.pk):
        save_validated(area, actor=actor)
    return area


def _check_line_manager(organisation_id: int, line_manager: User | None) -> None:
    if line_manager is not None and line_manager.organisation_id != organisation_id:
        raise ValidationError(
            {"line_manager": _("Lähiesimiehen on oltava saman organisaation työntekijä.")}
        )


@transaction.atomic
def team_create(
    *,
    actor: User | None,
    area: Area,
    name: str,
    line_manager: User | None = None,
    description: str = "",
    meeting_frequency: str = "",
    order: int = 0,
) -> Team:
    _check_line_manager(area.organisation_id, line_manager)
    team = Team(
        organisation_id=area.organisation_id,
        area=area,
        name=name,
        line_manager=line_manager,
        description=description,
        meeting_frequency=meeting_frequency,
        order=order,
    )
    with organisation_scope(area.organisation_id):
        save_validated(team, actor=actor)
    return team


@transaction.atomic
def team_set_line_manager(*, actor: User | None, team: Team, line_manager: User | None) -> Team:
    """Appoint (or clear) the team's line manager (*lähiesimies*), ORG-02."""
    _check_line_manager(team.organisation_id, line_manager)
    team.line_manager = line_manager
    with organisation_scope(team.organisation_id):
        save_validated(team, actor=actor)
    return team
