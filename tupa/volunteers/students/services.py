"""Writes of student placements (VOL-13, STF-06).

A student is a volunteer of the register with a task in the form (usually the role *opiskelija*);
the placement adds the school, degree programme, the staff supervisor, the period and credits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.volunteers.groups.selectors import has_task_in
from tupa.volunteers.guards import require_form, require_volunteer
from tupa.volunteers.models import StudentPlacement, Volunteer

if TYPE_CHECKING:
    from tupa.accounts.models import User


def _check(
    volunteer: Volunteer,
    service_form: ServiceForm,
    supervisor: User,
    starts_on: dt.date,
    ends_on: dt.date,
    credits: Decimal | None,
) -> None:
    check_dates(starts_on=starts_on, ends_on=ends_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("Jakso ei voi päättyä ennen kuin se alkaa.")})
    if credits is not None and credits <= 0:
        raise ValidationError({"credits": _("Opintopisteiden on oltava enemmän kuin nolla.")})
    if supervisor.organisation_id != service_form.organisation_id or not supervisor.is_active:
        raise ValidationError({"supervisor": _("Valitse ohjaajaksi yhdistyksen työntekijä.")})
    if not has_task_in(volunteer, service_form):
        raise ValidationError(
            {
                "service_form": _(
                    "Opiskelijalla ei ole tehtävää työmuodossa %(form)s; lisää ensin tehtävä "
                    "(opiskelija)."
                )
                % {"form": service_form.name}
            }
        )


@transaction.atomic
def placement_create(
    *,
    actor: User,
    volunteer: Volunteer,
    service_form: ServiceForm,
    kind: str,
    school: str,
    degree_programme: str,
    supervisor: User,
    starts_on: dt.date,
    ends_on: dt.date,
    credits: Decimal | None = None,
) -> StudentPlacement:
    require_form(actor, service_form)
    require_volunteer(actor, volunteer)
    if volunteer.organisation_id != service_form.organisation_id:
        raise PermissionDenied
    _check(volunteer, service_form, supervisor, starts_on, ends_on, credits)
    placement = StudentPlacement(
        organisation_id=service_form.organisation_id,
        volunteer=volunteer,
        service_form=service_form,
        kind=kind,
        school=school,
        degree_programme=degree_programme,
        supervisor=supervisor,
        starts_on=starts_on,
        ends_on=ends_on,
        credits=credits,
    )
    save_validated(placement, actor=actor)
    return placement


@transaction.atomic
def placement_update(
    *,
    actor: User,
    placement: StudentPlacement,
    kind: str,
    school: str,
    degree_programme: str,
    supervisor: User,
    starts_on: dt.date,
    ends_on: dt.date,
    credits: Decimal | None = None,
) -> StudentPlacement:
    """Correct a placement (e.g. the credits once granted); its student and form stay."""
    require_form(actor, placement.service_form)
    _check(placement.volunteer, placement.service_form, supervisor, starts_on, ends_on, credits)
    placement.kind, placement.school, placement.degree_programme = kind, school, degree_programme
    placement.supervisor, placement.credits = supervisor, credits
    placement.starts_on, placement.ends_on = starts_on, ends_on
    save_validated(placement, actor=actor)
    return placement
