"""Writes to the organisation structure and master data (HackSoft style).

Every function is keyword-only with ``actor`` first, runs in one transaction, validates with
``full_clean()`` (plus the rules of each module, with Finnish messages) and records ``actor`` in
the django-simple-history change history. ``actor=None`` means the system itself (a management
command such as ``build_demo``).

Validation and saving run inside the organisation's own django-scopes scope, so the
services work the same from a request (already scoped), a management command or a test.
Authorisation is the caller's job (views ask :mod:`tupa.access.policy`); the services only
guarantee that every row they link belongs to the same organisation.

One module per part, all re-exported here (``from tupa.organisations import services``):
:mod:`.structure`, :mod:`.service_forms`, :mod:`.partners`, :mod:`.governance`,
:mod:`.municipalities`.
"""

from .governance import (
    strategic_theme_create,
    value_create,
    working_group_add_member,
    working_group_create,
)
from .municipalities import MUNICIPALITY_COLUMNS, MunicipalityLoadResult, municipalities_load
from .partners import funder_create, partner_add_role, partner_create
from .service_forms import (
    SERVICE_FORM_FIELDS,
    service_form_add_funding,
    service_form_create,
    service_form_errors,
    service_form_update,
)
from .structure import area_create, organisation_create, team_create, team_set_line_manager

__all__ = [
    "MUNICIPALITY_COLUMNS",
    "SERVICE_FORM_FIELDS",
    "MunicipalityLoadResult",
    "area_create",
    "funder_create",
    "municipalities_load",
    "organisation_create",
    "partner_add_role",
    "partner_create",
    "service_form_add_funding",
    "service_form_create",
    "service_form_errors",
    "service_form_update",
    "strategic_theme_create",
    "team_create",
    "team_set_line_manager",
    "value_create",
    "working_group_add_member",
    "working_group_create",
]
