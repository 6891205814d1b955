"""Every write of the volunteer register (the one path for views, imports and the demo).

Keyword-only, typed, atomic; validated with Finnish messages (``ValidationError`` keyed by the
field the user typed). Each service enforces ``tupa.access.volunteers``: only a volunteer
coordinator of one of the volunteer's forms (or one held organisation-wide) writes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access import policy
from tupa.access import volunteers as access
from tupa.core.dates import check_dates
from tupa.core.saving import save_validated
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.volunteers import clock, rules
from tupa.volunteers.models import (
    ActivityKind,
    Assignment,
    CaseStatus,
    CaseStep,
    CourseKind,
    CourseParticipant,
    FamilyLink,
    FollowUp,
    FormResponsible,
    HoursEntry,
    Match,
    MatchActivity,
    MatchingCase,
    RecordCheck,
    RoleKind,
    Screening,
    SessionAttendance,
    Status,
    StatusChange,
    TrainingCourse,
    TrainingSession,
    Volunteer,
)

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


def _require_form(actor: User, service_form: ServiceForm) -> None:
    if service_form.organisation_id != actor.organisation_id or not access.may_manage_form(
        actor, service_form
    ):
        raise PermissionDenied


def _require_volunteer(actor: User, volunteer: Volunteer) -> None:
    if not access.may_manage(actor, volunteer):
        raise PermissionDenied


def _not_future(field: str, value: dt.date | None, message: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: message})


def _lock(volunteer: Volunteer) -> Volunteer:
    """Serialise the writes that check a volunteer's other rows (status, hours)."""
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


# --------------------------------------------------------------------------- register


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
    _require_form(actor, service_form)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown volunteer fields: {sorted(unknown)}")
    check_dates(started_on=started_on)
    _not_future("started_on", started_on, _("Aloituspäivä ei voi olla tulevaisuudessa."))
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
    _require_volunteer(actor, volunteer)
    for key, value in profile.items():
        if key not in PROFILE_FIELDS:
            raise TypeError(f"unknown volunteer field: {key}")
        setattr(volunteer, key, value)
    save_validated(volunteer, actor=actor)
    return volunteer


def _current_assignments(volunteer: Volunteer, on: dt.date) -> list[Assignment]:
    return [a for a in volunteer.assignments.all() if a.is_current(on)]


def _completed_kinds(volunteer: Volunteer, on: dt.date) -> set[str]:
    return set(
        CourseParticipant.objects.filter(
            volunteer=volunteer, completed_on__isnull=False, completed_on__lte=on
        ).values_list("course__kind", flat=True)
    )


def unmet_requirements(volunteer: Volunteer, *, on: dt.date, courses: bool = True) -> list[str]:
    """What the volunteer's current tasks still need on ``on`` (messages; empty when none)."""
    return rules.unmet_requirements(
        assignments=_current_assignments(volunteer, on),
        check=rules.latest_check(volunteer.record_checks.filter(seen_on__lte=on)),
        completed_kinds=_completed_kinds(volunteer, on) if courses else set(),
        on=on,
        courses=courses,
    )


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
    _require_volunteer(actor, volunteer)
    _require_form(actor, service_form)
    volunteer = _lock(volunteer)
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
            completed_kinds=_completed_kinds(volunteer, max(started_on, timezone.localdate())),
            on=max(started_on, timezone.localdate()),
        )
        if problems:
            raise ValidationError({"role": problems})
    save_validated(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment, ended_on: dt.date) -> Assignment:
    _require_volunteer(actor, assignment.volunteer)
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
                        "day": rules.fi_date(assignment.started_on),
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
    with children, a valid check. *Ended* ends every open task on the same day.
    """
    _require_volunteer(actor, volunteer)
    volunteer = _lock(volunteer)
    check_dates(changed_on=changed_on)
    _not_future("changed_on", changed_on, _("Tilan muutospäivä ei voi olla tulevaisuudessa."))
    problem = rules.transition_problem(volunteer.status, status)
    if problem:
        raise ValidationError({"status": problem})
    if changed_on < volunteer.status_since:
        raise ValidationError(
            {
                "changed_on": _("Päivä ei voi olla ennen edellistä tilan muutosta (%(day)s).")
                % {"day": rules.fi_date(volunteer.status_since)}
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


# --------------------------------------------------------------------------- screening


@transaction.atomic
def screening_record(
    *,
    actor: User,
    volunteer: Volunteer,
    interviewed_on: dt.date | None,
    interviewed_by: User | None,
    power_of_attorney_on: dt.date | None,
) -> Screening:
    """The individual interview and the power of attorney (CON-02)."""
    _require_volunteer(actor, volunteer)
    check_dates(interviewed_on=interviewed_on, power_of_attorney_on=power_of_attorney_on)
    _not_future(
        "interviewed_on", interviewed_on, _("Haastattelupäivä ei voi olla tulevaisuudessa.")
    )
    _not_future(
        "power_of_attorney_on",
        power_of_attorney_on,
        _("Valtakirjan päivä ei voi olla tulevaisuudessa."),
    )
    if interviewed_on is not None and interviewed_by is None:
        raise ValidationError({"interviewed_by": _("Valitse haastattelija.")})
    if interviewed_by is not None and interviewed_by.organisation_id != volunteer.organisation_id:
        raise ValidationError({"interviewed_by": _("Valitse oman organisaation työntekijä.")})
    screening = Screening.objects.filter(volunteer=volunteer).first() or Screening(
        organisation_id=volunteer.organisation_id, volunteer=volunteer
    )
    screening.interviewed_on = interviewed_on
    screening.interviewed_by = interviewed_by
    screening.power_of_attorney_on = power_of_attorney_on
    save_validated(screening, actor=actor)
    return screening


@transaction.atomic
def record_check_add(
    *, actor: User, volunteer: Volunteer, seen_on: dt.date, seen_by: User, result: str
) -> RecordCheck:
    """A criminal-record extract was seen: the date, who saw it, fit or unfit. Nothing more."""
    _require_volunteer(actor, volunteer)
    check_dates(seen_on=seen_on)
    _not_future("seen_on", seen_on, _("Otteen näkemispäivä ei voi olla tulevaisuudessa."))
    if seen_by.organisation_id != volunteer.organisation_id or not seen_by.is_active:
        raise ValidationError({"seen_by": _("Valitse oman organisaation työntekijä.")})
    check = RecordCheck(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        seen_on=seen_on,
        seen_by=seen_by,
        result=result,
        recorded_by=actor,
    )
    check.full_clean()
    check.save()
    return check


# --------------------------------------------------------------------------- responsible


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


# --------------------------------------------------------------------------- training


@transaction.atomic
def course_create(
    *,
    actor: User,
    service_form: ServiceForm,
    kind: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str = "",
    planned_hours: Decimal | None = None,
) -> TrainingCourse:
    _require_form(actor, service_form)
    check_dates(starts_on=starts_on, ends_on=ends_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("Koulutus ei voi päättyä ennen kuin se alkaa.")})
    course = TrainingCourse(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        kind=kind,
        name=name,
        place=place,
        starts_on=starts_on,
        ends_on=ends_on,
        planned_hours=planned_hours,
    )
    save_validated(course, actor=actor)
    return course


@transaction.atomic
def session_add(
    *, actor: User, course: TrainingCourse, date: dt.date, hours: Decimal, topic: str = ""
) -> TrainingSession:
    _require_form(actor, course.service_form)
    if not course.starts_on <= date <= course.ends_on:
        raise ValidationError(
            {
                "date": _("Koulutuskerran on oltava koulutuksen aikana (%(start)s–%(end)s).")
                % {
                    "start": rules.fi_date(course.starts_on),
                    "end": rules.fi_date(course.ends_on),
                }
            }
        )
    session = TrainingSession(
        organisation_id=course.organisation_id, course=course, date=date, hours=hours, topic=topic
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def participant_add(
    *, actor: User, course: TrainingCourse, volunteer: Volunteer
) -> CourseParticipant:
    _require_form(actor, course.service_form)
    _require_volunteer(actor, volunteer)
    if volunteer.organisation_id != course.organisation_id:
        raise PermissionDenied
    if CourseParticipant.objects.filter(course=course, volunteer=volunteer).exists():
        raise ValidationError({"volunteer": _("Vapaaehtoinen on jo tällä koulutuksella.")})
    participant = CourseParticipant(
        organisation_id=course.organisation_id, course=course, volunteer=volunteer
    )
    save_validated(participant, actor=actor)
    return participant


@transaction.atomic
def attendance_set(
    *, actor: User, session: TrainingSession, present: list[Volunteer]
) -> list[SessionAttendance]:
    """Who was present at a session (replaces the earlier marking); participants only."""
    course = session.course
    _require_form(actor, course.service_form)
    enrolled = set(
        CourseParticipant.objects.filter(course=course).values_list("volunteer_id", flat=True)
    )
    if any(v.pk not in enrolled for v in present):
        raise ValidationError({"present": _("Vain koulutuksen osallistujat voivat olla läsnä.")})
    SessionAttendance.objects.filter(session=session).delete()
    return SessionAttendance.objects.bulk_create(
        SessionAttendance(organisation_id=course.organisation_id, session=session, volunteer=v)
        for v in present
    )


@transaction.atomic
def participant_complete(
    *, actor: User, participant: CourseParticipant, completed_on: dt.date | None
) -> CourseParticipant:
    """Mark the course completed (or not, with ``None``). Not before the course, not ahead."""
    course = participant.course
    _require_form(actor, course.service_form)
    if completed_on is not None:
        check_dates(completed_on=completed_on)
        if completed_on < course.starts_on:
            raise ValidationError(
                {
                    "completed_on": _("Koulutusta ei voi suorittaa ennen kuin se alkaa (%(day)s).")
                    % {"day": rules.fi_date(course.starts_on)}
                }
            )
        _not_future("completed_on", completed_on, _("Suorituspäivä ei voi olla tulevaisuudessa."))
    participant.completed_on = completed_on
    save_validated(participant, actor=actor)
    return participant


# --------------------------------------------------------------------------- hours


def _hours_problems(
    *,
    volunteer: Volunteer,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    exclude_pk: int | None = None,
) -> None:
    """The rules of one occasion (new or corrected); raises with Finnish messages."""
    check_dates(date=date)
    _not_future("date", date, _("Toteutunutta toimintaa ei voi kirjata tulevalle päivälle."))
    for field, value in (("starts", starts), ("ends", ends)):
        if not clock.exists(date, value):
            raise ValidationError(
                {
                    field: _(
                        "Kelloaikaa %(time)s ei ollut tuona päivänä (kesäaikaan siirryttäessä "
                        "kello siirtyi 3.00 → 4.00). Tarkista aika."
                    )
                    % {"time": value.strftime("%H.%M")}
                }
            )
    if ends <= starts:
        raise ValidationError({"ends": _("Päättymisajan on oltava alkamisajan jälkeen.")})
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Valitse toiminnan laji.")})
    if (
        not Assignment.objects.filter(
            volunteer=volunteer, service_form=service_form, started_on__lte=date
        )
        .exclude(ended_on__lt=date)
        .exists()
    ):
        raise ValidationError(
            {
                "service_form": _(
                    "Vapaaehtoisella ei ollut tehtävää tässä työmuodossa tuona päivänä."
                )
            }
        )
    others = HoursEntry.objects.filter(
        volunteer=volunteer, date=date, starts__lt=ends, ends__gt=starts
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("starts").first()
    if clash is not None:
        raise ValidationError(
            {
                "starts": _(
                    "Aika menee päällekkäin saman päivän toisen kirjauksen kanssa "
                    "(%(start)s–%(end)s). Tarkista ajat."
                )
                % {"start": clash.starts.strftime("%H.%M"), "end": clash.ends.strftime("%H.%M")}
            }
        )


@transaction.atomic
def hours_add(
    *,
    actor: User,
    volunteer: Volunteer,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
) -> HoursEntry:
    """One occasion of activity. Refused when it overlaps another of the same volunteer."""
    _require_volunteer(actor, volunteer)
    _require_form(actor, service_form)
    volunteer = _lock(volunteer)
    _hours_problems(
        volunteer=volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
    )
    entry = HoursEntry(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        recorded_by=actor,
    )
    save_validated(entry, actor=actor)
    return entry


@transaction.atomic
def hours_update(
    *,
    actor: User,
    entry: HoursEntry,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    reason: str = "",
) -> HoursEntry:
    """Correct an occasion; the earlier version stays in the change history.

    The same rules as a new entry, the overlap rule included (the entry itself excepted).
    """
    _require_volunteer(actor, entry.volunteer)
    _require_form(actor, entry.service_form)
    _require_form(actor, service_form)
    _lock(entry.volunteer)
    _hours_problems(
        volunteer=entry.volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        exclude_pk=entry.pk,
    )
    entry.service_form = service_form
    entry.kind = kind
    entry.date = date
    entry.starts = starts
    entry.ends = ends
    save_validated(entry, actor=actor, reason=reason.strip() or _("Korjattu"))
    return entry


@transaction.atomic
def hours_delete(*, actor: User, entry: HoursEntry, reason: str) -> None:
    """Remove an occasion entered by mistake; the change history keeps it, who and why."""
    _require_volunteer(actor, entry.volunteer)
    _require_form(actor, entry.service_form)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjoita poistamisen syy.")})
    entry._history_user = actor  # type: ignore[attr-defined]
    entry._change_reason = reason  # type: ignore[attr-defined]
    entry.delete()


# --------------------------------------------------------------------------- Mieskaveri matching


def _require_case(actor: User, case: MatchingCase) -> None:
    if not access.may_manage_case(actor, case):
        raise PermissionDenied


def _step(
    *, actor: User, case: MatchingCase, status: str, changed_on: dt.date, reason: str = ""
) -> CaseStep:
    """Record a dated step and move the case (the caller checked the rules)."""
    check_dates(changed_on=changed_on)
    _not_future("changed_on", changed_on, _("Päivä ei voi olla tulevaisuudessa."))
    problem = rules.case_transition_problem(case.status, status)
    if problem:
        raise ValidationError({"status": problem})
    if changed_on < case.status_since:
        raise ValidationError(
            {
                "changed_on": _("Päivä ei voi olla ennen edellistä vaihetta (%(day)s).")
                % {"day": rules.fi_date(case.status_since)}
            }
        )
    step = CaseStep.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        status=status,
        previous=case.status,
        changed_on=changed_on,
        reason=reason,
        recorded_by=actor,
    )
    MatchingCase.objects.filter(pk=case.pk).update(status=status, status_since=changed_on)
    case.status, case.status_since = status, changed_on
    return step


def _lock_case(case: MatchingCase) -> MatchingCase:
    locked = MatchingCase.objects.select_for_update().get(pk=case.pk)
    case.status, case.status_since = locked.status, locked.status_since
    return case


@transaction.atomic
def case_open(
    *,
    actor: User,
    episode: Episode,
    applied_on: dt.date,
    area: str = "",
    wishes: str = "",
    family_situation: str = "",
) -> MatchingCase:
    """The mother's application: a case for the family's episode of the Mieskaveri form."""
    service_form = episode.service_form
    if not access.may_manage_family_work(actor, service_form, episode):
        raise PermissionDenied
    check_dates(applied_on=applied_on)
    _not_future("applied_on", applied_on, _("Hakemuspäivä ei voi olla tulevaisuudessa."))
    if MatchingCase.objects.filter(
        episode=episode, status__in=[s for s in CaseStatus.values if s not in CLOSED_CASE]
    ).exists():
        raise ValidationError({"episode": _("Perheellä on jo käynnissä oleva kaveriprosessi.")})
    case = MatchingCase(
        organisation_id=episode.organisation_id,
        service_form=service_form,
        episode=episode,
        applied_on=applied_on,
        area=area,
        wishes=wishes,
        family_situation=family_situation,
        status=CaseStatus.APPLIED,
        status_since=applied_on,
    )
    save_validated(case, actor=actor)
    CaseStep.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        status=CaseStatus.APPLIED,
        changed_on=applied_on,
        reason=_("Hakemus saapui"),
        recorded_by=actor,
    )
    return case


#: The statuses of a case that is over.
CLOSED_CASE = frozenset({CaseStatus.ENDED, CaseStatus.WITHDRAWN})


@transaction.atomic
def case_intake(
    *,
    actor: User,
    case: MatchingCase,
    intake_on: dt.date,
    child: Participant | None,
    contact_with_men: bool | None,
    wishes: str = "",
    family_situation: str = "",
    area: str = "",
    confirm: bool = False,
) -> MatchingCase:
    """The intake meeting: the boy, the wishes, the family situation and the VOL-06 checks.

    The checks (the boy at least four, no contact with the father or other close men) are
    **warnings**: unless ``confirm`` is given they are raised under ``confirm`` so the form can
    show them with a confirm box, keeping what was typed. Confirmed, they are stored with who
    confirmed them and when. The first intake moves the case to *intake*.
    """
    _require_case(actor, case)
    case = _lock_case(case)
    if case.status in CLOSED_CASE:
        raise ValidationError({"intake_on": _("Prosessi on jo päättynyt.")})
    check_dates(intake_on=intake_on)
    _not_future("intake_on", intake_on, _("Tapaamispäivä ei voi olla tulevaisuudessa."))
    if intake_on < case.applied_on:
        raise ValidationError(
            {
                "intake_on": _("Alkutapaaminen ei voi olla ennen hakemusta (%(day)s).")
                % {"day": rules.fi_date(case.applied_on)}
            }
        )
    if child is not None and (
        child.episode_id != case.episode_id or child.role != Participant.Role.CHILD
    ):
        raise ValidationError({"child": _("Valitse perheen lapsi.")})
    born = child.person.birth_date if child is not None and child.person is not None else None
    warnings = rules.intake_warnings(
        child_born=born,
        child_known=child is not None,
        contact_with_men=contact_with_men,
        on=intake_on,
    )
    if warnings and not confirm:
        raise ValidationError({"confirm": warnings}, code="confirm")
    case.intake_on = intake_on
    case.child = child
    case.contact_with_men = contact_with_men
    case.wishes = wishes
    case.family_situation = family_situation
    case.area = area
    case.confirmed_warnings = "\n".join(warnings)
    case.confirmed_by = actor if warnings else None
    case.confirmed_on = timezone.localdate() if warnings else None
    save_validated(case, actor=actor)
    if case.status == CaseStatus.APPLIED:
        _step(actor=actor, case=case, status=CaseStatus.INTAKE, changed_on=intake_on)
    return case


@transaction.atomic
def case_set_status(
    *, actor: User, case: MatchingCase, status: str, changed_on: dt.date, reason: str = ""
) -> CaseStep:
    """*Waiting* (after the intake) or *withdrawn* (with a reason). Matching and ending have
    their own services."""
    _require_case(actor, case)
    case = _lock_case(case)
    if status == CaseStatus.MATCHED:
        raise ValidationError({"status": _("Kaveri valitaan yhdistämällä vapaaehtoinen.")})
    if status == CaseStatus.ENDED:
        raise ValidationError({"status": _("Päätä kaverisuhde sen omalla lomakkeella.")})
    reason = reason.strip()
    if status == CaseStatus.WITHDRAWN and not reason:
        raise ValidationError({"reason": _("Kirjoita peruuntumisen syy.")})
    if status == CaseStatus.WITHDRAWN and case.status == CaseStatus.MATCHED:
        raise ValidationError({"status": _("Kaverisuhde päätetään, ei peruta.")})
    return _step(actor=actor, case=case, status=status, changed_on=changed_on, reason=reason)


def match_problems(volunteer: Volunteer, *, service_form: ServiceForm, on: dt.date) -> list[str]:
    """Why ``volunteer`` cannot be a male friend in ``service_form`` on ``on`` (empty: he can).

    A valid record check is a hard rule (Act 148/2014); so are being active, a current Mieskaveri
    task in the form and the completed basic training.
    """
    problems: list[str] = []
    check = rules.latest_check(volunteer.record_checks.filter(seen_on__lte=on))
    if not rules.check_is_valid(check, on):
        problems.append(
            _(
                "Vapaaehtoista ei voi yhdistää: hänellä ei ole voimassa olevaa rikostaustan "
                "tarkistusta (tulos: ei estettä)."
            )
        )
    if volunteer.status != Status.ACTIVE:
        problems.append(
            _("Vapaaehtoinen ei ole aktiivinen (tila: %(status)s).")
            % {"status": Status(volunteer.status).label}
        )
    if not any(
        a.role == RoleKind.MIESKAVERI and a.service_form_id == service_form.pk and a.is_current(on)
        for a in volunteer.assignments.all()
    ):
        problems.append(_("Vapaaehtoisella ei ole Mieskaverin tehtävää tässä työmuodossa."))
    if CourseKind.MIESKAVERI_BASIC not in _completed_kinds(volunteer, on):
        problems.append(_("Vapaaehtoinen ei ole suorittanut Mieskaverien peruskoulutusta."))
    return problems


@transaction.atomic
def volunteer_match(
    *,
    actor: User,
    case: MatchingCase,
    volunteer: Volunteer,
    started_on: dt.date,
    note_for_volunteer: str = "",
) -> Match:
    """Match a waiting case with a male friend. A volunteer without a valid check never is."""
    _require_case(actor, case)
    _require_volunteer(actor, volunteer)
    case = _lock_case(case)
    volunteer = _lock(volunteer)
    if volunteer.organisation_id != case.organisation_id:
        raise PermissionDenied
    if case.status != CaseStatus.WAITING:
        raise ValidationError(
            {
                "volunteer": _(
                    "Vain kaveria odottavan perheen voi yhdistää (tila nyt: %(status)s)."
                )
                % {"status": CaseStatus(case.status).label}
            }
        )
    check_dates(started_on=started_on)
    problems = match_problems(volunteer, service_form=case.service_form, on=started_on)
    if problems:
        raise ValidationError({"volunteer": problems})
    _step(actor=actor, case=case, status=CaseStatus.MATCHED, changed_on=started_on)
    match = Match(
        organisation_id=case.organisation_id,
        case=case,
        volunteer=volunteer,
        started_on=started_on,
        note_for_volunteer=note_for_volunteer,
        created_by=actor,
    )
    save_validated(match, actor=actor)
    return match


@transaction.atomic
def match_note_set(*, actor: User, match: Match, note_for_volunteer: str) -> Match:
    """The coordinator's note meant for the volunteer (the only thing he sees of the family)."""
    _require_case(actor, match.case)
    match.note_for_volunteer = note_for_volunteer
    save_validated(match, actor=actor)
    return match


@transaction.atomic
def activity_add(*, actor: User, match: Match, date: dt.date, note: str) -> MatchActivity:
    """A dated joint activity of the friend and the boy."""
    _require_case(actor, match.case)
    check_dates(date=date)
    _not_future("date", date, _("Päivä ei voi olla tulevaisuudessa."))
    if date < match.started_on or (match.ended_on is not None and date > match.ended_on):
        raise ValidationError({"date": _("Päivän on oltava kaverisuhteen aikana.")})
    row = MatchActivity(
        organisation_id=match.organisation_id, match=match, date=date, note=note, recorded_by=actor
    )
    save_validated(row, actor=actor)
    return row


@transaction.atomic
def follow_up_add(
    *,
    actor: User,
    case: MatchingCase,
    date: dt.date,
    note: str = "",
    next_due_on: dt.date | None = None,
) -> FollowUp:
    """A dated follow-up of a matched case, with the day the next one is due."""
    _require_case(actor, case)
    check_dates(date=date, next_due_on=next_due_on)
    _not_future("date", date, _("Seurantapäivä ei voi olla tulevaisuudessa."))
    match = Match.objects.filter(case=case).first()
    if match is None or date < match.started_on:
        raise ValidationError({"date": _("Seuranta kirjataan kaverisuhteen alettua.")})
    if next_due_on is not None and next_due_on <= date:
        raise ValidationError({"next_due_on": _("Seuraavan seurannan on oltava myöhemmin.")})
    row = FollowUp(
        organisation_id=case.organisation_id,
        case=case,
        date=date,
        note=note,
        next_due_on=next_due_on,
        recorded_by=actor,
    )
    save_validated(row, actor=actor)
    return row


@transaction.atomic
def case_end(
    *, actor: User, case: MatchingCase, ended_on: dt.date, reason: str, successful: bool
) -> MatchingCase:
    """End a match with its reason and whether it succeeded (REP-05)."""
    _require_case(actor, case)
    case = _lock_case(case)
    match = Match.objects.filter(case=case).first()
    if case.status != CaseStatus.MATCHED or match is None:
        raise ValidationError({"ended_on": _("Vain käynnissä olevan kaverisuhteen voi päättää.")})
    check_dates(ended_on=ended_on)
    if ended_on < match.started_on:
        raise ValidationError(
            {
                "ended_on": _("Päättymispäivä ei voi olla ennen kaverisuhteen alkua (%(day)s).")
                % {"day": rules.fi_date(match.started_on)}
            }
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjoita päättymisen syy.")})
    _step(actor=actor, case=case, status=CaseStatus.ENDED, changed_on=ended_on, reason=reason)
    case.ended_on = ended_on
    case.end_reason = reason
    case.successful = successful
    save_validated(case, actor=actor)
    match.ended_on = ended_on
    save_validated(match, actor=actor)
    return case


# --------------------------------------------------------------------------- family links


@transaction.atomic
def family_link_add(
    *,
    actor: User,
    volunteer: Volunteer,
    episode: Episode,
    role: str,
    started_on: dt.date,
    note_for_volunteer: str = "",
) -> FamilyLink:
    """Offer a volunteer to a family (VOL-14). Gives the volunteer no access to the record."""
    _require_volunteer(actor, volunteer)
    if not access.may_manage_family_work(actor, episode.service_form, episode):
        raise PermissionDenied
    check_dates(started_on=started_on)
    if not volunteer.assignments.filter(role=role).exclude(ended_on__lt=started_on).exists():
        raise ValidationError({"role": _("Vapaaehtoisella ei ole tätä tehtävää.")})
    problems = rules.unmet_requirements(
        assignments=[a for a in volunteer.assignments.filter(role=role)],
        check=rules.latest_check(volunteer.record_checks.filter(seen_on__lte=started_on)),
        completed_kinds=_completed_kinds(volunteer, started_on),
        on=started_on,
    )
    if problems:
        raise ValidationError({"volunteer": problems})
    link = FamilyLink(
        organisation_id=episode.organisation_id,
        volunteer=volunteer,
        episode=episode,
        role=role,
        started_on=started_on,
        note_for_volunteer=note_for_volunteer,
        created_by=actor,
    )
    save_validated(link, actor=actor)
    return link


@transaction.atomic
def family_link_update(
    *, actor: User, link: FamilyLink, note_for_volunteer: str, ended_on: dt.date | None = None
) -> FamilyLink:
    """Change the note meant for the volunteer, or end the link."""
    _require_volunteer(actor, link.volunteer)
    if not access.may_manage_family_work(actor, link.episode.service_form, link.episode):
        raise PermissionDenied
    if ended_on is not None and ended_on < link.started_on:
        raise ValidationError({"ended_on": _("Linkki ei voi päättyä ennen kuin se alkaa.")})
    link.note_for_volunteer = note_for_volunteer
    link.ended_on = ended_on
    save_validated(link, actor=actor)
    return link
