"""Assembling the register description of a service form, or of all the organisation's forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django_scopes import scopes_disabled

from tupa.organisations.models import (
    DataProtectionProfile,
    Organisation,
    RegisterDescription,
    ServiceForm,
)

from . import sections
from .document import Description, Section
from .facts import Facts, facts_for
from .retention import retention_section
from .safeguards import safeguards

#: Which prose field of RegisterDescription belongs under which section.
PROSE_FIELDS = {
    "controller": "controller_note",
    "purpose": "purpose",
    "legal_basis": "legal_basis_note",
    "recipients": "recipients_note",
    "retention": "retention_note",
    "notes": "notes",
}


def profile_of(organisation: Organisation) -> DataProtectionProfile | None:
    with scopes_disabled():
        return DataProtectionProfile.objects.filter(organisation=organisation).first()


def _sections(f: Facts, *, internal: bool) -> list[Section]:
    safeguard_section = Section("safeguards", sections.SAFEGUARDS_TITLE, safeguards(f))
    return [
        sections.CONTROLLER.build(f),
        sections.REGISTER.build(f),
        sections.PURPOSE.build(f),
        sections.LEGAL_BASIS.build(f),
        sections.SUBJECTS.build(f),
        sections.DATA.build(f),
        sections.SOURCES.build(f),
        sections.RECIPIENTS.build(f),
        retention_section(f, internal=internal),
        safeguard_section,
        sections.RIGHTS.build(f),
        sections.NOTES.build(f),
    ]


def _description(
    service_form: ServiceForm,
    f: Facts,
    *,
    internal: bool,
    organisation: Organisation,
    profile: DataProtectionProfile | None,
    prose: RegisterDescription | None,
) -> Description:
    parts = _sections(f, internal=internal)
    if prose is not None:
        for section in parts:
            name = PROSE_FIELDS.get(section.key)
            if name:
                section.prose = getattr(prose, name)
    return Description(
        organisation=organisation,
        service_form=service_form,
        profile=profile,
        prose=prose,
        sections=parts,
        internal=internal,
    )


_UNSET: Any = object()


def describe(
    service_form: ServiceForm,
    *,
    internal: bool = True,
    organisation: Organisation | None = None,
    profile: DataProtectionProfile | None = _UNSET,
    prose: RegisterDescription | None = _UNSET,
) -> Description:
    """The register description of ``service_form``; ``internal=False`` for the public one."""
    with scopes_disabled():
        if organisation is None:
            organisation = Organisation.objects.get(pk=service_form.organisation_id)
        if prose is _UNSET:
            prose = RegisterDescription.objects.filter(service_form=service_form).first()
    if profile is _UNSET:
        profile = profile_of(organisation)
    f = facts_for([service_form], internal=internal)[service_form.pk]
    return _description(
        service_form, f, internal=internal, organisation=organisation, profile=profile, prose=prose
    )


def describe_all(
    organisation: Organisation,
    *,
    internal: bool = True,
    profile: DataProtectionProfile | None = _UNSET,
) -> list[Description]:
    """The descriptions of every register of ``organisation``, in a fixed number of queries."""
    forms = register_forms(organisation)
    if profile is _UNSET:
        profile = profile_of(organisation)
    with scopes_disabled():
        prose = {
            p.service_form_id: p
            for p in RegisterDescription.objects.filter(organisation=organisation)
        }
    facts = facts_for(forms, internal=internal)
    return [
        _description(
            sf,
            facts[sf.pk],
            internal=internal,
            organisation=organisation,
            profile=profile,
            prose=prose.get(sf.pk),
        )
        for sf in forms
    ]


def register_forms(organisation: Organisation | int) -> Sequence[ServiceForm]:
    """The organisation's service forms that keep a person register, in display order."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    with scopes_disabled():
        return list(
            ServiceForm.objects.filter(organisation_id=org_id)
            .exclude(register=ServiceForm.Register.NONE)
            .select_related("area", "operating_partner")
            .order_by("area__order", "order", "name")
        )


def register_form(organisation: Organisation, slug: str) -> ServiceForm | None:
    """The organisation's service form ``slug`` if it keeps a person register (public notices)."""
    with scopes_disabled():
        return (
            ServiceForm.objects.filter(organisation=organisation, slug=slug)
            .exclude(register=ServiceForm.Register.NONE)
            .select_related("operating_partner")
            .first()
        )
