"""Who may see and work with volunteers (:mod:`tupa.volunteers`).

A volunteer belongs to the service forms of their tasks (:class:`~tupa.volunteers.models.
Assignment`, ended ones included, so a former volunteer stays with the form). The policy rows
decide per form:

- ``volunteers.register.view`` — the form's volunteer coordinator (basis ``membership``), a
  volunteer coordinator held organisation-wide or the executive director (``organisation_role``)
  read the whole record: contact data, screening, training, hours.
- ``volunteers.register.manage`` — volunteer coordinators write it (the services refuse others).
- ``volunteers.roster.view`` — client workers of the form see the names and roles of its
  current volunteers, never their contact data or screening.

The groups and meetings, experience-expert consents, student placements and the mailing lists
(issue 12 items 8, 10, 11) follow the same rows: a group, consent or placement belongs to one
form; its readers are the register's readers of that form and its writers the form's volunteer
coordinators (or organisation-wide ones). Client workers (roster only) see none of them.

Anything else answers 404, whether the volunteer exists or not.

The volunteer portal (``docs/volunteer-portal.md``): a volunteer's own login reads and writes
only its own volunteer's rows — :func:`portal_volunteer_of`, :func:`portal_access` (basis
``self``). Who may grant and revoke that login: :func:`may_grant_portal`. Which URLs the login
reaches at all is :mod:`tupa.access.volunteer_portal`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from tupa.access import clients, policy
from tupa.access.fetch import Granted, form_record_access
from tupa.access.marks import user_of
from tupa.access.policy import Basis
from tupa.access.volunteer_portal import is_volunteer_login
from tupa.core.models import OrganisationScopedModel
from tupa.episodes.models import Episode
from tupa.organisations.models import ServiceForm
from tupa.volunteers.models import (
    ContactConsent,
    ExpertConsent,
    FamilyLink,
    GroupMeeting,
    GroupMembership,
    MatchingCase,
    PortalAccess,
    Status,
    StudentPlacement,
    TrainingCourse,
    Volunteer,
    VolunteerGroup,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

VIEW = "volunteers.register.view"
MANAGE = "volunteers.register.manage"
ROSTER = "volunteers.roster.view"

_ALL = "all"

M = TypeVar("M", bound=OrganisationScopedModel)


def _org(user: User) -> int:
    """The user's organisation id (the policy refuses users without one: 404)."""
    if user.organisation_id is None:
        raise Http404
    return int(user.organisation_id)


def _forms_for(user: User, action: str) -> frozenset[int] | str:
    """The form ids where ``action``'s role is held, or ``"all"`` for an organisation-wide one."""
    rule = policy.RULES[action]
    ids: set[int] = set()
    for m in policy.active_memberships(user):
        if m.role not in rule.roles:
            continue
        if m.service_form_id is None:
            return _ALL
        ids.add(m.service_form_id)
    return frozenset(ids)


def viewable_form_ids(user: User) -> frozenset[int] | None:
    """Form ids whose volunteers ``user`` may read; ``None`` means every form of the organisation."""
    forms = _forms_for(user, VIEW)
    return None if forms == _ALL else forms  # type: ignore[return-value]


def manageable_form_ids(user: User) -> frozenset[int] | None:
    """Form ids whose volunteers ``user`` may change; ``None`` means every form."""
    forms = _forms_for(user, MANAGE)
    return None if forms == _ALL else forms  # type: ignore[return-value]


def _in_viewable_forms(user: User, model: type[M]) -> QuerySet[M]:
    """The rows of ``model`` (each of one service form: a course, a group, a placement …) in the
    forms whose volunteers ``user`` may read."""
    rows = model.objects.filter(organisation_id=_org(user))
    forms = viewable_form_ids(user)
    return rows if forms is None else rows.filter(service_form_id__in=forms)


def volunteers_visible_to(user: User) -> QuerySet[Volunteer]:
    """The volunteers whose record ``user`` may read (any task, ended ones too, in a form)."""
    rows = Volunteer.objects.filter(organisation_id=_org(user))
    forms = viewable_form_ids(user)
    if forms is None:
        return rows
    tasked = Volunteer.objects.filter(assignments__service_form_id__in=forms).values("pk")
    return rows.filter(pk__in=tasked)


def may_view_form(user: User, service_form: ServiceForm) -> bool:
    """The form's volunteer coordinator, an organisation-wide coordinator or the ED."""
    return bool(policy.decide(user, VIEW, service_form))


def may_manage_form(user: User, service_form: ServiceForm) -> bool:
    """Volunteer coordinators (of the form, or organisation-wide) register and change volunteers."""
    return bool(policy.decide(user, MANAGE, service_form))


def may_see_roster(user: User, service_form: ServiceForm) -> bool:
    """Client workers of the form, its volunteer coordinator and the ED see names and roles."""
    return bool(policy.decide(user, ROSTER, service_form))


def may_manage(user: User, volunteer: Volunteer) -> bool:
    """A volunteer coordinator of one of the volunteer's forms (or organisation-wide)."""
    if user.organisation_id != volunteer.organisation_id:
        return False
    forms = manageable_form_ids(user)
    if forms is None:
        return True
    return volunteer.assignments.filter(service_form_id__in=forms).exists()


def volunteer_basis(user: User, volunteer: Volunteer) -> Basis | None:
    """The access-log basis of ``user`` reading ``volunteer``'s record, or None (404)."""
    if user.organisation_id != volunteer.organisation_id:
        return None
    forms = viewable_form_ids(user)
    if forms is None:
        return Basis.ORGANISATION_ROLE
    if volunteer.assignments.filter(service_form_id__in=forms).exists():
        return Basis.MEMBERSHIP
    return None


def volunteer_access(request: HttpRequest, pk: int, *, manage: bool = False) -> Granted[Volunteer]:
    """The volunteer ``pk`` for a user who may read (``manage``: change) it, or 404."""
    user = user_of(request)
    volunteer = Volunteer.objects.filter(pk=pk, organisation_id=_org(user)).first()
    if volunteer is None:
        raise Http404
    basis = volunteer_basis(user, volunteer)
    if basis is None or (manage and not may_manage(user, volunteer)):
        raise Http404
    return Granted(volunteer, basis)


def courses_visible_to(user: User) -> QuerySet[TrainingCourse]:
    return _in_viewable_forms(user, TrainingCourse)


def course_access(
    request: HttpRequest, pk: int, *, manage: bool = False
) -> Granted[TrainingCourse]:
    """A course of a form whose volunteers the user may read (``manage``: change), or 404."""
    return form_record_access(request, TrainingCourse, pk, action=MANAGE if manage else VIEW)


def viewable_forms(user: User) -> QuerySet[ServiceForm]:
    """The forms whose volunteers ``user`` may read (for the register's filter)."""
    rows = ServiceForm.objects.filter(organisation_id=_org(user))
    forms = viewable_form_ids(user)
    if forms is not None:
        rows = rows.filter(pk__in=forms)
    return rows.order_by("order", "name")


def manageable_forms(user: User) -> QuerySet[ServiceForm]:
    """The active forms where ``user`` may register volunteers and courses."""
    rows = ServiceForm.objects.filter(organisation_id=_org(user), active=True)
    forms = manageable_form_ids(user)
    if forms is not None:
        rows = rows.filter(pk__in=forms)
    return rows.order_by("order", "name")


def list_basis(user: User) -> Basis:
    """The basis a register list is logged with: organisation-wide, else the form membership."""
    return Basis.ORGANISATION_ROLE if viewable_form_ids(user) is None else Basis.MEMBERSHIP


def register_open(request: HttpRequest) -> Basis:
    """The register pages (lists, courses, re-checks): coordinators and the ED, else 404."""
    user = user_of(request)
    policy.require(user, "volunteers.open")
    return list_basis(user)


# --------------------------------------------------------------------------- matching and links


def family_basis(user: User, episode: Episode) -> Basis | None:
    """The basis on which ``user`` may see a family's client episode (the client module rules)."""
    if user.organisation_id != episode.organisation_id:
        return None
    return clients.episode_basis(user=user, episode=episode)


def may_manage_family_work(user: User, service_form: ServiceForm, episode: Episode) -> bool:
    """A volunteer coordinator of ``service_form`` who may also see the family's episode.

    Both are needed: the coordinator role alone opens no client record, and client work alone
    does not manage volunteers. Consent and break-the-glass readers do not qualify.
    """
    return (
        service_form.organisation_id == user.organisation_id
        and may_manage_form(user, service_form)
        and family_basis(user, episode) in {Basis.MEMBERSHIP, Basis.ASSIGNMENT}
    )


def may_manage_case(user: User, case: MatchingCase) -> bool:
    """The coordinator of the case's form who may see the family manages the case."""
    return may_manage_family_work(user, case.service_form, case.episode)


def cases_visible_to(user: User) -> QuerySet[MatchingCase]:
    """The matching cases of the forms whose volunteers ``user`` reads (coordinators, the ED)."""
    return _in_viewable_forms(user, MatchingCase)


def case_access(request: HttpRequest, pk: int, *, manage: bool = False) -> Granted[MatchingCase]:
    """A matching case for a reader of its form (``manage``: its coordinator who sees the
    family), or 404. The family's data is shown only where :func:`may_manage_case` holds."""
    granted = form_record_access(request, MatchingCase, pk, action=VIEW, related=("episode",))
    if manage and not may_manage_case(user_of(request), granted.obj):
        raise Http404
    return granted


def family_episode_access(request: HttpRequest, pk: int) -> Granted[Episode]:
    """A family's episode for opening a case: its coordinator who sees the family, else 404."""
    user = user_of(request)
    episode = (
        Episode.objects.filter(pk=pk, organisation_id=_org(user))
        .select_related("service_form")
        .first()
    )
    if episode is None or not may_manage_family_work(user, episode.service_form, episode):
        raise Http404
    basis = family_basis(user, episode)
    assert basis is not None
    return Granted(episode, basis)


def family_link_access(request: HttpRequest, pk: int) -> Granted[FamilyLink]:
    """A family link for the coordinator who manages its volunteer and sees its family; or 404."""
    user = user_of(request)
    link = (
        FamilyLink.objects.filter(pk=pk, organisation_id=_org(user))
        .select_related("episode", "episode__service_form", "volunteer")
        .first()
    )
    if link is None or not may_manage(user, link.volunteer):
        raise Http404
    if not may_manage_family_work(user, link.episode.service_form, link.episode):
        raise Http404
    basis = family_basis(user, link.episode)
    assert basis is not None
    return Granted(link, basis)


# --------------------------------------------------------------------------- the volunteer portal


def may_grant_portal(user: User, volunteer: Volunteer) -> bool:
    """A volunteer coordinator of one of the volunteer's forms gives (and revokes) the
    volunteer's own portal login; never to an ended volunteer (ending revokes it)."""
    return volunteer.status != Status.ENDED and may_manage(user, volunteer)


def portal_volunteer_of(user: User) -> Volunteer | None:
    """The volunteer behind a volunteer login whose portal access is in force, else ``None``.

    In force: granted and not revoked, the login active, the volunteer not ended, the same
    organisation. Revoking and ending also disable the login (the session ends on the next
    request); this check holds even if that were missed.
    """
    if not is_volunteer_login(user) or not user.is_active or user.organisation_id is None:
        return None
    access = (
        PortalAccess.objects.filter(
            user=user,
            organisation_id=user.organisation_id,
            revoked_at__isnull=True,
            volunteer__organisation_id=user.organisation_id,
        )
        .exclude(volunteer__status=Status.ENDED)
        .select_related("volunteer")
        .first()
    )
    return access.volunteer if access is not None else None


def portal_access(request: HttpRequest) -> Granted[Volunteer]:
    """The portal's one object rule: the login's own volunteer (basis ``self``), or 404.

    Every portal view starts here and reads only this volunteer's rows, so no id typed into a
    portal URL reaches another volunteer's data.
    """
    volunteer = portal_volunteer_of(user_of(request))
    if volunteer is None:
        raise Http404
    return Granted(volunteer, Basis.SELF)


# --------------------------------------------------------------------------- groups and meetings


def groups_visible_to(user: User) -> QuerySet[VolunteerGroup]:
    """The groups of the forms whose volunteers ``user`` reads (coordinators, the ED)."""
    return _in_viewable_forms(user, VolunteerGroup)


def may_manage_group(user: User, group: VolunteerGroup) -> bool:
    """The volunteer coordinator of the group's form (or an organisation-wide one)."""
    return group.organisation_id == user.organisation_id and may_manage_form(
        user, group.service_form
    )


def group_access(request: HttpRequest, pk: int, *, manage: bool = False) -> Granted[VolunteerGroup]:
    """A group for a reader of its form (``manage``: its coordinator), or 404."""
    return form_record_access(request, VolunteerGroup, pk, action=MANAGE if manage else VIEW)


def meeting_access(request: HttpRequest, pk: int, *, manage: bool = False) -> Granted[GroupMeeting]:
    """A meeting through its group's rules (:func:`group_access`), or 404."""
    meeting = GroupMeeting.objects.filter(pk=pk, organisation_id=_org(user_of(request))).first()
    if meeting is None:
        raise Http404
    granted = group_access(request, meeting.group_id, manage=manage)
    meeting.group = granted.obj
    return Granted(meeting, granted.basis)


def membership_access(request: HttpRequest, pk: int) -> Granted[GroupMembership]:
    """A membership for the coordinator of its group's form (ending it), or 404."""
    row = (
        GroupMembership.objects.filter(pk=pk, organisation_id=_org(user_of(request)))
        .select_related("volunteer")
        .first()
    )
    if row is None:
        raise Http404
    granted = group_access(request, row.group_id, manage=True)
    row.group = granted.obj
    return Granted(row, granted.basis)


# --------------------------------------------------------------------------- experts and students


def expert_consents_visible_to(user: User) -> QuerySet[ExpertConsent]:
    return _in_viewable_forms(user, ExpertConsent)


def expert_consent_access(request: HttpRequest, pk: int) -> Granted[ExpertConsent]:
    """An expert consent for the coordinator of its form (withdrawing it), or 404."""
    return form_record_access(request, ExpertConsent, pk, action=MANAGE, related=("volunteer",))


def placements_visible_to(user: User) -> QuerySet[StudentPlacement]:
    return _in_viewable_forms(user, StudentPlacement)


def placement_access(
    request: HttpRequest, pk: int, *, manage: bool = False
) -> Granted[StudentPlacement]:
    """A student placement for a reader of its form (``manage``: its coordinator), or 404."""
    return form_record_access(
        request,
        StudentPlacement,
        pk,
        action=MANAGE if manage else VIEW,
        related=("volunteer", "supervisor"),
    )


# --------------------------------------------------------------------------- communications


def contact_consent_access(request: HttpRequest, pk: int) -> Granted[ContactConsent]:
    """A contact consent for a coordinator who manages its volunteer (withdrawing it), or 404."""
    consent = (
        ContactConsent.objects.filter(pk=pk, organisation_id=_org(user_of(request)))
        .select_related("volunteer")
        .first()
    )
    if consent is None:
        raise Http404
    granted = volunteer_access(request, consent.volunteer_id, manage=True)
    consent.volunteer = granted.obj
    return Granted(consent, granted.basis)
