"""Test helpers: a Mieskaveri form, its volunteer coordinator and volunteers at any step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import MembershipFactory, ServiceFormFactory, worker_in
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Organisation, ServiceForm
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import (
    ActivityKind,
    CaseStatus,
    CheckResult,
    CourseKind,
    HoursEntry,
    MatchingCase,
    RoleKind,
    Status,
    Volunteer,
)
from tupa.volunteers.portal import services as portal_services
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


def family_coordinator(form: ServiceForm) -> User:
    """A volunteer coordinator of the form who also does its client work (sees the families)."""
    coordinator = coordinator_of(form)
    MembershipFactory.create(
        user=coordinator, organisation=form.organisation, service_form=form, role=Role.WORKER
    )
    return coordinator


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


def active_volunteer(actor: User, form: ServiceForm, **kwargs: Any) -> Volunteer:
    """A new volunteer (``new_volunteer``'s keywords), screened and trained, active from 1.4.2026."""
    volunteer = new_volunteer(actor, form, **kwargs)
    screened_and_trained(actor, volunteer, form)
    with scopes_disabled():
        register_services.volunteer_set_status(
            actor=actor,
            volunteer=volunteer,
            status=Status.ACTIVE,
            changed_on=dt.date(2026, 4, 1),
        )
        volunteer.refresh_from_db()
    return volunteer


def outing(
    actor: User,
    volunteer: Volunteer,
    form: ServiceForm,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    *,
    own: bool = False,
) -> HoursEntry:
    """An outing in the volunteer's hours, entered by staff (or by the volunteer: ``own``)."""
    add = hours_services.hours_add_own if own else hours_services.hours_add
    with scopes_disabled():
        return add(
            actor=actor,
            volunteer=volunteer,
            service_form=form,
            kind=ActivityKind.OUTING,
            date=date,
            starts=starts,
            ends=ends,
        )


def waiting_case(
    actor: User,
    episode: Episode,
    child: Participant,
    *,
    area: str = "Lahti",
    applied_wishes: str = "",
    **intake: Any,
) -> MatchingCase:
    """A Mieskaveri case applied for on 10.4.2026, through its intake (``intake``: the wishes
    and the family situation) on 20.4. and waiting for a volunteer from 21.4."""
    with scopes_disabled():
        case = matching_services.case_open(
            actor=actor,
            episode=episode,
            applied_on=dt.date(2026, 4, 10),
            area=area,
            wishes=applied_wishes,
        )
        matching_services.case_intake(
            actor=actor,
            case=case,
            intake_on=dt.date(2026, 4, 20),
            child=child,
            contact_with_men=False,
            **intake,
        )
        matching_services.case_set_status(
            actor=actor, case=case, status=CaseStatus.WAITING, changed_on=dt.date(2026, 4, 21)
        )
    return case


def absolute(path: str) -> str:
    """The site's address of a path, for the mails that carry links."""
    return f"https://tupa.example{path}"


def grant(coordinator: User, volunteer: Volunteer) -> User:
    """The volunteer's portal login, granted by the coordinator (its activation link mailed)."""
    with scopes_disabled():
        access = portal_services.portal_grant(
            actor=coordinator, volunteer=volunteer, absolute=absolute
        )
    return access.user
