"""Writes to service forms (*työmuodot*) and their funding, with the cross-field rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated
from tupa.organisations.models import (
    Area,
    Funder,
    Partner,
    ServiceForm,
    ServiceFormFunding,
    Team,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import organisation_scope, same_organisation

SERVICE_FORM_FIELDS = frozenset(
    {
        "team",
        "area",
        "name",
        "slug",
        "description",
        "kind",
        "register",
        "operator",
        "operating_partner",
        "capacity",
        "capacity_unit",
        "open_24h",
        "start_year",
        "start_note",
        "free_of_charge",
        "anonymous_allowed",
        "trademark",
        "national_coordinator",
        "quality_criteria",
        "violence_work",
        "adult_service_task",
        "child_service_task",
        "project_start",
        "project_end",
        "active",
        "order",
    }
)


def service_form_errors(service_form: ServiceForm) -> dict[str, list[str]]:
    """The business rules of a service form, with Finnish messages (also used by the admin form).

    The database enforces the first two as check constraints; checking them here first gives
    the user a message they can act on instead of "constraint violated".
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    sf = service_form
    if sf.project_start and sf.project_end and sf.project_end < sf.project_start:
        add("project_end", _("Hankkeen päättymispäivä ei voi olla ennen sen alkamispäivää."))
    if sf.project_end and not sf.project_start:
        add("project_start", _("Anna hankkeen alkamispäivä, kun päättymispäivä on annettu."))
    if sf.operator != ServiceForm.Operator.OWN and sf.operating_partner_id is None:
        add(
            "operating_partner",
            _(
                "Kumppanin hallinnoimalle tai yhteiselle toiminnalle on valittava "
                "hallinnoiva kumppani."
            ),
        )
    if sf.capacity is not None and sf.capacity > 0 and not sf.capacity_unit:
        add("capacity_unit", _("Kerro paikkamäärän yksikkö, esimerkiksi ”perhepaikkaa”."))
    team = sf.team if sf.team_id is not None else None
    if team is not None and sf.area_id is not None and team.area_id != sf.area_id:
        add("team", _("Tiimi kuuluu eri toiminta-alueeseen kuin työmuoto."))
    for field in ("team", "area", "operating_partner", "national_coordinator"):
        related = getattr(sf, field) if getattr(sf, f"{field}_id") is not None else None
        if related is not None and related.organisation_id != sf.organisation_id:
            add(field, _("Valittu kohde kuuluu toiseen organisaatioon."))
    for field in _changed_settings_fixed_by_clients(sf):
        add(
            field,
            _(
                "Työmuodossa on jo asiakkuuksia, joten tätä ei voi enää muuttaa: se muuttaisi "
                "jo kirjattujen tietojen näkyvyyttä tai säilytystä."
            ),
        )
    return errors


#: Settings that decide who may see a form's client records (the wall between victim and
#: perpetrator work) and how long they are kept (the register). Once a form has episodes they
#: are fixed: changing them would open or close records already written on the old terms.
FIXED_ONCE_CLIENTS = ("violence_work", "register")


def _changed_settings_fixed_by_clients(sf: ServiceForm) -> list[str]:
    if sf.pk is None:
        return []
    stored = ServiceForm._base_manager.filter(pk=sf.pk).values(*FIXED_ONCE_CLIENTS).first()
    if stored is None:
        return []
    changed = [f for f in FIXED_ONCE_CLIENTS if getattr(sf, f) != stored[f]]
    if not changed:
        return []
    with scope(organisation=sf.organisation_id):
        has_clients = sf.episodes.exists()  # type: ignore[attr-defined]
    return changed if has_clients else []


def _save_service_form(service_form: ServiceForm, *, actor: User | None) -> None:
    with organisation_scope(service_form.organisation_id):
        errors = service_form_errors(service_form)
        if errors:
            raise ValidationError(errors)
        save_validated(service_form, actor=actor)


@transaction.atomic
def service_form_create(
    *,
    actor: User | None,
    area: Area,
    name: str,
    slug: str,
    kind: str,
    register: str,
    team: Team | None = None,
    description: str = "",
    operator: str = ServiceForm.Operator.OWN,
    operating_partner: Partner | None = None,
    capacity: int | None = None,
    capacity_unit: str = "",
    open_24h: bool = False,
    start_year: int | None = None,
    start_note: str = "",
    free_of_charge: bool = True,
    anonymous_allowed: bool = False,
    trademark: bool = False,
    national_coordinator: Partner | None = None,
    quality_criteria: str = "",
    violence_work: str = "",
    adult_service_task: str = "",
    child_service_task: str = "",
    pregnancy_stays: bool = False,
    project_start: Any = None,
    project_end: Any = None,
    active: bool = True,
    order: int = 0,
) -> ServiceForm:
    service_form = ServiceForm(
        violence_work=violence_work,
        adult_service_task=adult_service_task,
        child_service_task=child_service_task,
        pregnancy_stays=pregnancy_stays,
        organisation_id=area.organisation_id,
        area=area,
        team=team,
        name=name,
        slug=slug,
        kind=kind,
        register=register,
        description=description,
        operator=operator,
        operating_partner=operating_partner,
        capacity=capacity,
        capacity_unit=capacity_unit,
        open_24h=open_24h,
        start_year=start_year,
        start_note=start_note,
        free_of_charge=free_of_charge,
        anonymous_allowed=anonymous_allowed,
        trademark=trademark,
        national_coordinator=national_coordinator,
        quality_criteria=quality_criteria,
        project_start=project_start,
        project_end=project_end,
        active=active,
        order=order,
    )
    _save_service_form(service_form, actor=actor)
    return service_form


@transaction.atomic
def service_form_update(
    *, actor: User | None, service_form: ServiceForm, **changes: Any
) -> ServiceForm:
    """Change the given attributes (names from :data:`SERVICE_FORM_FIELDS`)."""
    unknown = set(changes) - SERVICE_FORM_FIELDS
    if unknown:
        raise TypeError(f"service_form_update: unknown fields {sorted(unknown)}")
    for field, value in changes.items():
        setattr(service_form, field, value)
    _save_service_form(service_form, actor=actor)
    return service_form


@transaction.atomic
def service_form_add_funding(
    *,
    actor: User | None,
    service_form: ServiceForm,
    funder: Funder,
    type: str,
    note: str = "",
) -> ServiceFormFunding:
    same_organisation(service_form.organisation_id, ("funder", funder))
    funding = ServiceFormFunding(service_form=service_form, funder=funder, type=type, note=note)
    with organisation_scope(service_form.organisation_id):
        save_validated(funding, actor=actor)
    return funding
