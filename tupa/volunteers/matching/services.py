"""Writes of Mieskaveri matching (VOL-06, REP-05) and the volunteer ↔ family links (VOL-14).

A case, its match and a family link are managed only by a volunteer coordinator of the form who
also sees the family's episode (``tupa.access.volunteers.may_manage_case`` and
``may_manage_family_work``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access import volunteers as access
from tupa.core.dates import check_dates, fi_date
from tupa.core.saving import save_validated
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_episode_processing_allowed
from tupa.volunteers import rules
from tupa.volunteers.guards import lock_volunteer, not_future, require_volunteer
from tupa.volunteers.models import (
    CaseStatus,
    CaseStep,
    CourseKind,
    FamilyLink,
    FollowUp,
    Match,
    MatchActivity,
    MatchingCase,
    RoleKind,
    Status,
    Volunteer,
)
from tupa.volunteers.register.selectors import record_check_valid_from
from tupa.volunteers.training.selectors import completed_course_kinds

if TYPE_CHECKING:
    from tupa.accounts.models import User


#: The statuses of a case that is over.
CLOSED_CASE = frozenset({CaseStatus.ENDED, CaseStatus.WITHDRAWN})


def _require_case(actor: User, case: MatchingCase) -> None:
    if not access.may_manage_case(actor, case):
        raise PermissionDenied


def _require_case_processing(actor: User, case: MatchingCase) -> None:
    """:func:`_require_case`, and the family's processing not restricted (GDPR art. 18): a
    write that records something new about the family is refused with the Finnish message of
    :mod:`tupa.people.processing`. (Ending a match or a link is not refused: it reduces
    processing.)"""
    _require_case(actor, case)
    ensure_episode_processing_allowed(case.episode)


def _step(
    *, actor: User, case: MatchingCase, status: str, changed_on: dt.date, reason: str = ""
) -> CaseStep:
    """Record a dated step and move the case (the caller checked the rules)."""
    check_dates(changed_on=changed_on)
    not_future("changed_on", changed_on, _("Päivä ei voi olla tulevaisuudessa."))
    problem = rules.case_transition_problem(case.status, status)
    if problem:
        raise ValidationError({"status": problem})
    if changed_on < case.status_since:
        raise ValidationError(
            {
                "changed_on": _("Päivä ei voi olla ennen edellistä vaihetta (%(day)s).")
                % {"day": fi_date(case.status_since)}
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
    ensure_episode_processing_allowed(episode)
    check_dates(applied_on=applied_on)
    not_future("applied_on", applied_on, _("Hakemuspäivä ei voi olla tulevaisuudessa."))
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
    _require_case_processing(actor, case)
    case = _lock_case(case)
    if case.status in CLOSED_CASE:
        raise ValidationError({"intake_on": _("Prosessi on jo päättynyt.")})
    check_dates(intake_on=intake_on)
    not_future("intake_on", intake_on, _("Tapaamispäivä ei voi olla tulevaisuudessa."))
    if intake_on < case.applied_on:
        raise ValidationError(
            {
                "intake_on": _("Alkutapaaminen ei voi olla ennen hakemusta (%(day)s).")
                % {"day": fi_date(case.applied_on)}
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
    if not record_check_valid_from(volunteer, on):
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
    if CourseKind.MIESKAVERI_BASIC not in completed_course_kinds(volunteer, on):
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
    _require_case_processing(actor, case)
    require_volunteer(actor, volunteer)
    case = _lock_case(case)
    volunteer = lock_volunteer(volunteer)
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
    _require_case_processing(actor, match.case)
    match.note_for_volunteer = note_for_volunteer
    save_validated(match, actor=actor)
    return match


@transaction.atomic
def activity_add(*, actor: User, match: Match, date: dt.date, note: str) -> MatchActivity:
    """A dated joint activity of the friend and the boy."""
    _require_case_processing(actor, match.case)
    check_dates(date=date)
    not_future("date", date, _("Päivä ei voi olla tulevaisuudessa."))
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
    _require_case_processing(actor, case)
    check_dates(date=date, next_due_on=next_due_on)
    not_future("date", date, _("Seurantapäivä ei voi olla tulevaisuudessa."))
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
                % {"day": fi_date(match.started_on)}
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
    require_volunteer(actor, volunteer)
    if not access.may_manage_family_work(actor, episode.service_form, episode):
        raise PermissionDenied
    ensure_episode_processing_allowed(episode)
    check_dates(started_on=started_on)
    if not volunteer.assignments.filter(role=role).exclude(ended_on__lt=started_on).exists():
        raise ValidationError({"role": _("Vapaaehtoisella ei ole tätä tehtävää.")})
    tasks = list(volunteer.assignments.filter(role=role))
    problems = rules.unmet_requirements(
        assignments=tasks,
        check=rules.latest_check(volunteer.record_checks.filter(seen_on__lte=started_on)),
        completed_kinds=completed_course_kinds(volunteer, started_on),
        on=started_on,
    )
    if not record_check_valid_from(volunteer, started_on):
        # The link is current today: a check valid only on its earlier start day does not
        # count, so each task still current that needs one says so (once).
        for problem in rules.unmet_requirements(
            assignments=[a for a in tasks if a.is_current(started_on)],
            check=None,
            completed_kinds=set(),
            on=max(started_on, timezone.localdate()),
            courses=False,
        ):
            if problem not in problems:
                problems.append(problem)
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
    """Change the note meant for the volunteer, or end the link. While the family's
    processing is restricted (GDPR art. 18) the note stays as it is; ending is still possible."""
    require_volunteer(actor, link.volunteer)
    if not access.may_manage_family_work(actor, link.episode.service_form, link.episode):
        raise PermissionDenied
    if note_for_volunteer != link.note_for_volunteer:
        ensure_episode_processing_allowed(link.episode)
    if ended_on is not None and ended_on < link.started_on:
        raise ValidationError({"ended_on": _("Linkki ei voi päättyä ennen kuin se alkaa.")})
    link.note_for_volunteer = note_for_volunteer
    link.ended_on = ended_on
    save_validated(link, actor=actor)
    return link
