"""Writes to the organisation structure and master data (HackSoft style).

Every function is keyword-only with ``actor`` first, runs in one transaction, validates with
``full_clean()`` (plus the rules below, with Finnish messages) and records ``actor`` in the
django-simple-history change history. ``actor=None`` means the system itself (a management
command such as ``build_demo``).

Validation and saving run inside the organisation's own django-scopes scope, so the
services work the same from a request (already scoped), a management command or a test.
Authorisation is the caller's job (views ask :mod:`tupa.access.policy`); the services only
guarantee that every row they link belongs to the same organisation.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated

from .models import (
    Area,
    Funder,
    Municipality,
    Organisation,
    Partner,
    PartnerRole,
    ServiceForm,
    ServiceFormFunding,
    StrategicTheme,
    Team,
    Value,
    WorkingGroup,
    WorkingGroupMember,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

# --------------------------------------------------------------------------- helpers


@contextmanager
def _organisation_scope(organisation_id: int | None) -> Iterator[None]:
    with scope(organisation=organisation_id if organisation_id is not None else []):
        yield


def _same_organisation(organisation: Organisation | int, *pairs: tuple[str, Any]) -> None:
    """Raise unless every related object belongs to ``organisation`` (no cross-tenant links)."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    errors: dict[str, str] = {}
    for field, obj in pairs:
        if obj is None:
            continue
        other = getattr(obj, "organisation_id", None)
        if other != org_id:
            errors[field] = _("Valittu kohde kuuluu toiseen organisaatioon.")
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------- organisation


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
    with _organisation_scope(organisation.pk):
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
    with _organisation_scope(area.organisation_id):
        save_validated(team, actor=actor)
    return team


@transaction.atomic
def team_set_line_manager(*, actor: User | None, team: Team, line_manager: User | None) -> Team:
    """Appoint (or clear) the team's line manager (*lähiesimies*), ORG-02."""
    _check_line_manager(team.organisation_id, line_manager)
    team.line_manager = line_manager
    with _organisation_scope(team.organisation_id):
        save_validated(team, actor=actor)
    return team


# --------------------------------------------------------------------------- service forms

#: Attributes of a service form that ``service_form_update`` may change.
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
    return errors


def _save_service_form(service_form: ServiceForm, *, actor: User | None) -> None:
    with _organisation_scope(service_form.organisation_id):
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
    _same_organisation(service_form.organisation_id, ("funder", funder))
    funding = ServiceFormFunding(service_form=service_form, funder=funder, type=type, note=note)
    with _organisation_scope(service_form.organisation_id):
        save_validated(funding, actor=actor)
    return funding


# --------------------------------------------------------------------------- partners and funders


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
    with _organisation_scope(organisation.pk):
        save_validated(partner, actor=actor)
        for role in dict.fromkeys(roles):  # keeps order, drops duplicates
            partner_role = PartnerRole(partner=partner, role=role)
            partner_role.full_clean()
            partner_role.save()
    return partner


@transaction.atomic
def partner_add_role(*, actor: User | None, partner: Partner, role: str) -> PartnerRole:
    with _organisation_scope(partner.organisation_id):
        partner_role = PartnerRole(partner=partner, role=role)
        partner_role.full_clean()
        partner_role.save()
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
    _same_organisation(organisation, ("partner", partner))
    funder = Funder(organisation=organisation, name=name, category=category, partner=partner)
    with _organisation_scope(organisation.pk):
        save_validated(funder, actor=actor)
    return funder


# --------------------------------------------------------------------------- working groups


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
    with _organisation_scope(organisation.pk):
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
    _same_organisation(group.organisation_id, ("user", user), ("service_form", service_form))
    member = WorkingGroupMember(group=group, user=user, service_form=service_form, role=role)
    with _organisation_scope(group.organisation_id):
        save_validated(member, actor=actor)
    return member


# --------------------------------------------------------------------------- values and themes


@transaction.atomic
def value_create(
    *, actor: User | None, organisation: Organisation, order: int, name: str, description: str = ""
) -> Value:
    value = Value(organisation=organisation, order=order, name=name, description=description)
    with _organisation_scope(organisation.pk):
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
    with _organisation_scope(organisation.pk):
        save_validated(theme, actor=actor)
    return theme


# --------------------------------------------------------------------------- municipalities

MUNICIPALITY_COLUMNS = ("code", "name_fi", "name_sv", "region_code", "region_name_fi")
_CODE = re.compile(r"^\d{3}$")
_REGION = re.compile(r"^(\d{2})?$")


@dataclass(frozen=True)
class MunicipalityLoadResult:
    created: int
    updated: int
    unchanged: int
    invalidated: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _read_municipalities(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in MUNICIPALITY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(
                _("Kuntatiedostosta puuttuu sarakkeita: %(columns)s")
                % {"columns": ", ".join(missing)}
            )
        rows: list[dict[str, str]] = []
        seen: set[str] = set()
        for line_no, raw in enumerate(reader, start=2):
            row = {c: (raw.get(c) or "").strip() for c in MUNICIPALITY_COLUMNS}
            if not _CODE.match(row["code"]):
                raise ValidationError(
                    _("Rivi %(line)d: kuntanumeron on oltava kolme numeroa.") % {"line": line_no}
                )
            if not row["name_fi"]:
                raise ValidationError(_("Rivi %(line)d: kunnan nimi puuttuu.") % {"line": line_no})
            if not _REGION.match(row["region_code"]):
                raise ValidationError(
                    _("Rivi %(line)d: maakuntakoodin on oltava kaksi numeroa.") % {"line": line_no}
                )
            if row["code"] in seen:
                raise ValidationError(
                    _("Rivi %(line)d: kuntanumero %(code)s on tiedostossa kahdesti.")
                    % {"line": line_no, "code": row["code"]}
                )
            seen.add(row["code"])
            row["name_sv"] = row["name_sv"] or row["name_fi"]
            rows.append(row)
    if not rows:
        raise ValidationError(_("Kuntatiedosto on tyhjä."))
    return rows


@transaction.atomic
def municipalities_load(*, path: Path | str) -> MunicipalityLoadResult:
    """Upsert the municipality classification from a CSV file, all or nothing.

    The file has the header ``code,name_fi,name_sv,region_code,region_name_fi``. Rows are
    matched by ``code``; a code missing from the file is kept (partners and people may point
    to it) but marked ``valid=False`` — municipalities merge. Running the same file twice
    changes nothing.
    """
    rows = _read_municipalities(Path(path))
    existing = {m.code: m for m in Municipality.objects.all()}
    updated = unchanged = 0
    fields = MUNICIPALITY_COLUMNS[1:]
    new: list[Municipality] = []
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            new.append(Municipality(valid=True, **row))
            continue
        changed = [f for f in fields if getattr(current, f) != row[f]]
        if not current.valid:
            changed.append("valid")
        if changed:
            for f in fields:
                setattr(current, f, row[f])
            current.valid = True
            current.save(update_fields=changed)
            updated += 1
        else:
            unchanged += 1
    Municipality.objects.bulk_create(new)
    created = len(new)
    in_file = {row["code"] for row in rows}
    invalidated = (
        Municipality.objects.filter(valid=True).exclude(code__in=in_file).update(valid=False)
    )
    return MunicipalityLoadResult(
        created=created, updated=updated, unchanged=unchanged, invalidated=invalidated
    )
