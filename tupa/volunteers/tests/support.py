"""Test helpers: a Mieskaveri form, its volunteer coordinator and volunteers at any step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.organisations.models import Organisation, ServiceForm
from tupa.volunteers.models import CheckResult, CourseKind, RoleKind, Status, Volunteer
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import services as screening_services
from tupa.volunteers.training import services as training_services

TODAY = dt.date(2026, 6, 15)


def volunteer_form(organisation: Organisation | None = None, **kwargs: Any) -> ServiceForm:
    extra: dict[str, Any] = {}
    if organisation is not None:
        from tupa.core.tests.factories import AreaFactory

        extra = {
            "organisation": organisation,
            "area": AreaFactory.create(organisation=organisation),
        }
    return ServiceFormFactory.create(kind=ServiceForm.Kind.VOLUNTEER, **extra, **kwargs)


def coordinator_of(form: ServiceForm, **kwargs: Any) -> User:
    return worker_in(form, role=Role.VOLUNTEER_COORDINATOR, **kwargs)


def new_volunteer(
    actor: User,
    form: ServiceForm,
    *,
    role: str = RoleKind.MIESKAVERI,
    first: str = "Ville",
    last: str = "Vapaa",
    started_on: dt.date = dt.date(2026, 1, 10),
    **profile: Any,
) -> Volunteer:
    with scopes_disabled():
        return register_services.volunteer_create(
            actor=actor,
            service_form=form,
            role=role,
            started_on=started_on,
            first_names=first,
            last_name=last,
            **profile,
        )


def screened_and_trained(actor: User, volunteer: Volunteer, form: ServiceForm) -> None:
    """Interview, a fit check, a completed Mieskaveri course: ready to be active."""
    with scopes_disabled():
        register_services.volunteer_set_status(
            actor=actor,
            volunteer=volunteer,
            status=Status.INTERVIEWED,
            changed_on=dt.date(2026, 2, 1),
        )
        screening_services.screening_record(
            actor=actor,
            volunteer=volunteer,
            interviewed_on=dt.date(2026, 2, 1),
            interviewed_by=actor,
            power_of_attorney_on=dt.date(2026, 2, 1),
        )
        screening_services.record_check_add(
            actor=actor,
            volunteer=volunteer,
            seen_on=dt.date(2026, 2, 20),
            issued_on=dt.date(2026, 2, 10),
            seen_by=actor,
            result=CheckResult.FIT,
        )
        course = training_services.course_create(
            actor=actor,
            service_form=form,
            kind=CourseKind.MIESKAVERI_BASIC,
            name="Mieskaverien peruskoulutus kevät",
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 22),
            place="Heinola",
        )
        participant = training_services.participant_add(
            actor=actor, course=course, volunteer=volunteer
        )
        training_services.participant_complete(
            actor=actor, participant=participant, completed_on=dt.date(2026, 3, 22)
        )
        volunteer.refresh_from_db()
