"""Writes of the register: new volunteers, their profile, tasks and lifecycle, and a form's
volunteer-responsible person (VOL-01…VOL-03).

Keyword-only, typed, atomic; validated with Finnish messages (``ValidationError`` keyed by the
field the user typed). Each service enforces ``tupa.access.volunteers`` (through
:mod:`tupa.volunteers.guards`): only a volunteer coordinator of one of the volunteer's forms (or
one held organisation-wide) writes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access import policy
from tupa.core.dates import check_dates, fi_date
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.volunteers import rules
from tupa.volunteers.guards import lock_volunteer, not_future, require_form, require_volunteer
from tupa.volunteers.models import (
    Assignment,
    FamilyLink,
    FormResponsible,
    Match,
    Screening,
    Status,
    StatusChange,
    Volunteer,
)
from tupa.volunteers.portal.services import portal_revoke_on_end
from tupa.volunteers.register.selectors import unmet_requirements
from tupa.volunteers.training.selectors import completed_course_kinds

if TYPE_CHECKING:
    from tupa.accounts.models import User


#: The contact and profile fields a coordinator types.
PROFILE_FIELDS = (
    "first_names",
    "last_name",
    "birth_year",
    "gender",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "post_office",
    "languages",
    "availability",
)


@transaction.atomic
def volunteer_create(
    *,
    actor: User,
    service_form: ServiceForm,
    role: str,
    started_on: dt.date,
    alone_with_children: bool = False,
    **profile: Any,
) -> Volunteer:
    """A new volunteer, *interested*, with a first task in ``service_form``."""
    require_form(actor, service_form)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown volunteer fields: {sorted(unknown)}")
    check_dates(started_on=started_on)
    not_future("started_on", started_on, _("Aloituspäivä ei voi olla tulevaisuudessa."))
    volunteer = Volunteer(
        organisation_id=service_form.organisation_id,
        status=Status.INTERESTED,
        status_since=started_on,
        **profile,
    )
    save_validated(volunteer, actor=actor)
    StatusChange.objects.create(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        status=Status.INTERESTED,
        changed_on=started_on,
        reason=_("Rekisteröity"),
        recorded_by=actor,
    )
    assignment = Assignment(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        service_form=service_form,
        role=role,
        alone_with_children=alone_with_children,
        started_on=started_on,
    )
    save_validated(assignment, actor=actor)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User, volunteer: Volunteer, **profile: Any) -> Volunteer:
    """Change the contact and profile data (every version is kept in the change history)."""
    require_volunteer(actor, volunteer)
    for key, value in profile.items():
        if key not in PROFILE_FIELDS:
            raise TypeError(f"unknown volunteer field: {key}")
        setattr(volunteer, key, value)
    save_validated(volunteer, actor=actor)
    return volunteer


@transaction.atomic
def assignment_add(
    *,
    actor: User,
    volunteer: Volunteer,
    service_form: ServiceForm,
    role: str,
    started_on: dt.date,
    alone_with_children: bool = False,
) -> Assignment:
    """A new task; an active volunteer must already meet its requirements."""
    require_volunteer(actor, volunteer)
    require_form(actor, service_form)
    volunteer = lock_volunteer(volunteer)
    check_dates(started_on=started_on)
    if Assignment.objects.filter(
        volunteer=volunteer, service_form=service_form, role=role, ended_on__isnull=True
    ).exists():
        raise ValidationError({"role": _("Vapaaehtoisella on jo tämä tehtävä tässä työmuodossa.")})
    assignment = Assignment(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        service_form=service_form,
        role=role,
        alone_with_children=alone_with_children,
        started_on=started_on,
    )
    if volunteer.status == Status.ACTIVE:
        problems = rules.unmet_requirements(
            assignments=[assignment],
            check=rules.latest_check(volunteer.record_checks.all()),
            completed_kinds=completed_course_kinds(
                volunteer, max(started_on, timezone.localdate())
            ),
            on=max(started_on, timezone.localdate()),
        )
        if problems:
            raise ValidationError({"role": problems})
    save_validated(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment, ended_on: dt.date) -> Assignment:
    """End a task: a coordinator of the task's own form (as adding it), not of another form of
    the same volunteer."""
    require_volunteer(actor, assignment.volunteer)
    require_form(actor, assignment.service_form)
    check_dates(ended_on=ended_on)
    if ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("Tehtävä ei voi päättyä ennen kuin se alkaa.")})
    assignment.ended_on = ended_on
    save_validated(assignment, actor=actor)
    return assignment


def _end_open_assignments(*, actor: User, volunteer: Volunteer, ended_on: dt.date) -> None:
    """A volunteer who ends ends every task still open on ``ended_on`` (dated that day).

    A task that only starts after that day cannot be ended then: the coordinator ends it first.
    An open Mieskaveri match must be ended first (with its reason and success); open family
    links end the same day.
    """
    open_match = Match.objects.filter(volunteer=volunteer, ended_on__isnull=True).first()
    if open_match is not None:
        raise ValidationError(
            {
                "status": _(
                    "Vapaaehtoisella on käynnissä oleva kaverisuhde (prosessi %(case)s). "
                    "Päätä se ensin."
                )
                % {"case": open_match.case_id}
            }
        )
    for link in FamilyLink.objects.filter(volunteer=volunteer).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=ended_on)
    ):
        link.ended_on = max(ended_on, link.started_on)
        save_validated(link, actor=actor, reason=_("Vapaaehtoinen lopetti"))
    still_open = Assignment.objects.filter(volunteer=volunteer).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=ended_on)
    )
    for assignment in still_open.select_related("service_form").order_by("started_on", "pk"):
        if assignment.started_on > ended_on:
            raise ValidationError(
                {
                    "changed_on": _(
                        "Tehtävä %(role)s (%(form)s) alkaa vasta %(day)s. Päätä tai korjaa se "
                        "ennen kuin vapaaehtoinen lopettaa."
                    )
                    % {
                        "role": assignment.get_role_display(),
                        "form": assignment.service_form.name,
                        "day": fi_date(assignment.started_on),
                    }
                }
            )
        assignment.ended_on = ended_on
        save_validated(assignment, actor=actor, reason=_("Vapaaehtoinen lopetti"))


@transaction.atomic
def volunteer_set_status(
    *, actor: User, volunteer: Volunteer, status: str, changed_on: dt.date, reason: str = ""
) -> StatusChange:
    """Move the volunteer one lifecycle step; the step is kept with its date and reason.

    *Active* needs every current task's requirements met on that day (record check for work
    with children, the role's courses); *screened* needs the interview recorded and, for work
    with children, a valid check. *Ended* ends every open task on the same day and closes the
    volunteer's portal login.
    """
    require_volunteer(actor, volunteer)
    volunteer = lock_volunteer(volunteer)
    check_dates(changed_on=changed_on)
    not_future("changed_on", changed_on, _("Tilan muutospäivä ei voi olla tulevaisuudessa."))
    problem = rules.transition_problem(volunteer.status, status)
    if problem:
        raise ValidationError({"status": problem})
    if changed_on < volunteer.status_since:
        raise ValidationError(
            {
                "changed_on": _("Päivä ei voi olla ennen edellistä tilan muutosta (%(day)s).")
                % {"day": fi_date(volunteer.status_since)}
            }
        )
    reason = reason.strip()
    if status in rules.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Kirjoita syy tauolle tai lopettamiselle.")})
    if status == Status.ACTIVE:
        problems = unmet_requirements(volunteer, on=changed_on)
        if problems:
            raise ValidationError({"status": problems})
    if status == Status.SCREENED:
        screening = Screening.objects.filter(volunteer=volunteer).first()
        if screening is None or screening.interviewed_on is None:
            raise ValidationError({"status": _("Kirjaa ensin yksilöhaastattelu.")})
        problems = unmet_requirements(volunteer, on=changed_on, courses=False)
        if problems:
            raise ValidationError({"status": problems})
    if status == Status.ENDED:
        _end_open_assignments(actor=actor, volunteer=volunteer, ended_on=changed_on)
        # Ending closes the volunteer's own portal login too (docs/volunteer-portal.md).
        portal_revoke_on_end(actor=actor, volunteer=volunteer)
    change = StatusChange.objects.create(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        status=status,
        previous=volunteer.status,
        changed_on=changed_on,
        reason=reason,
        recorded_by=actor,
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(status=status, status_since=changed_on)
    return change


@transaction.atomic
def responsible_set(*, actor: User, service_form: ServiceForm, user: User) -> FormResponsible:
    """Name the form's volunteer-responsible staff member (VOL-02)."""
    if not policy.decide(actor, "volunteers.responsible.set", service_form):
        raise PermissionDenied
    if user.organisation_id != service_form.organisation_id or not user.is_active:
        raise ValidationError({"user": _("Valitse oman organisaation työntekijä.")})
    row = FormResponsible.objects.filter(service_form=service_form).first() or FormResponsible(
        organisation_id=service_form.organisation_id, service_form=service_form
    )
    row.user = user
    save_validated(row, actor=actor)
    return row
