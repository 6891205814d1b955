"""Reads of who is asked and when: the schedules of a form, its due list and its invitations.

The due list is computed from the schedules and the records every time (never stored). It shows
only persons of episodes the user may see (:func:`tupa.access.clients.episodes_visible_to`), by
name only — no contact data, so a turvakielto never leaks — and each row carries the basis the
page logs it with. A follow-up that needs the contact permission lists only the persons whose
permission is valid today; the others are a count, never names. See ``docs/surveys-due-lists.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.access import clients
from tupa.core.months import add_months
from tupa.episodes.models import Episode, Participant
from tupa.programmes.models import Member
from tupa.surveys.models import Invitation, QuestionnaireVersion, Schedule, Target, Trigger
from tupa.surveys.schedules import consent
from tupa.volunteers.models import Status as VolunteerStatus
from tupa.volunteers.models import Volunteer

if TYPE_CHECKING:
    from tupa.access.policy import Basis
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner, ServiceForm
    from tupa.people.models import Person
    from tupa.programmes.models import GroupProgramme

#: An open invitation is on the reminder list this many days after it was made, and again this
#: many days after the last reminder [verify with the association].
REMIND_AFTER_DAYS = 7
#: At most this many reminders per invitation [verify].
MAX_REMINDERS = 2

#: Which participants answer for each target (persons only; an alias cannot be invited).
TARGET_ROLES: dict[str, tuple[str, ...]] = {
    Target.ADULT: (Participant.Role.CLIENT, Participant.Role.EXPECTANT_PARENT),
    Target.PARENT: (
        Participant.Role.CLIENT,
        Participant.Role.EXPECTANT_PARENT,
        Participant.Role.PARTNER,
    ),
    Target.CHILD: (Participant.Role.CHILD,),
}

_NOTHING_DUE = {
    Trigger.CONTINUOUS: _("Jatkuva palaute annetaan kioskilla; listalle ei tule ketään."),
    Trigger.MANUAL: _("Kutsu tehdään tarvittaessa asiakkuuden sivulta."),
}


@dataclass
class DueRow:
    """One recipient who should get the schedule's questionnaire now."""

    schedule: Schedule
    due_on: dt.date
    person: Person | None = None
    episode: Episode | None = None
    programme: GroupProgramme | None = None
    volunteer: Volunteer | None = None
    partner: Partner | None = None
    recipient_label: str = ""
    basis: Basis | None = None

    @property
    def name(self) -> str:
        if self.person is not None:
            return f"{self.person.last_name}, {self.person.first_names}"
        if self.volunteer is not None:
            return f"{self.volunteer.last_name}, {self.volunteer.first_names}"
        return self.recipient_label or (str(self.partner) if self.partner else "")


@dataclass
class DueGroup:
    """A schedule and who is due for it today."""

    schedule: Schedule
    version: QuestionnaireVersion | None
    rows: list[DueRow] = field(default_factory=list)
    #: Persons due whose contact permission is not valid (a count, never names).
    without_permission: int = 0
    note: Any = ""


@dataclass
class DueList:
    groups: list[DueGroup]

    @property
    def rows(self) -> list[DueRow]:
        return [row for group in self.groups for row in group.rows]


def latest_versions(questionnaire_ids: Iterable[int]) -> dict[int, QuestionnaireVersion]:
    """The latest published version of each questionnaire (one query)."""
    result: dict[int, QuestionnaireVersion] = {}
    rows = QuestionnaireVersion.objects.filter(
        questionnaire_id__in=set(questionnaire_ids),
        status=QuestionnaireVersion.Status.PUBLISHED,
    ).order_by("questionnaire_id", "-number")
    for version in rows:
        result.setdefault(version.questionnaire_id, version)
    return result


def schedules_of(service_form: ServiceForm, *, active_only: bool = False) -> QuerySet[Schedule]:
    rows = Schedule.objects.filter(service_form=service_form).select_related("questionnaire")
    if active_only:
        rows = rows.filter(active=True)
    return rows.order_by("-active", "questionnaire__name", "pk")


@dataclass
class _Invited:
    """What was invited already (any status but cancelled), as lookup keys."""

    episode: set[tuple[Any, ...]] = field(default_factory=set)
    programme: set[tuple[Any, ...]] = field(default_factory=set)
    yearly: set[tuple[Any, ...]] = field(default_factory=set)


def _invited(schedules: list[Schedule]) -> _Invited:
    invited = _Invited()
    rows = (
        Invitation.objects.filter(schedule__in=schedules)
        .exclude(status=Invitation.Status.CANCELLED)
        .values_list(
            "schedule_id", "episode_id", "person_id", "programme_id", "volunteer_id", "created_at"
        )
    )
    for schedule_id, episode_id, person_id, programme_id, volunteer_id, created_at in rows:
        year = timezone.localtime(created_at).year
        invited.episode.add((schedule_id, episode_id, person_id))
        invited.programme.add((schedule_id, programme_id, person_id))
        invited.yearly.add((schedule_id, episode_id, person_id, volunteer_id, year))
    return invited


def _participants(
    schedule: Schedule, episodes: QuerySet[Episode], *, victim_side: bool
) -> QuerySet[Participant]:
    rows = Participant.objects.filter(
        episode__in=episodes,
        role__in=TARGET_ROLES.get(schedule.target, ()),
        person__isnull=False,
        person__merged_into__isnull=True,
    ).select_related("episode", "person")
    if victim_side:
        # Never ask the one who used violence about the work with the one who experienced it.
        rows = rows.exclude(violence_role=Participant.ViolenceRole.USED)
    return rows.order_by("episode__end_date", "person__last_name", "person__first_names", "pk")


def _window(schedule: Schedule, today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=schedule.due_window_days), today


def _episode_rows(
    schedule: Schedule,
    *,
    ended: QuerySet[Episode],
    today: dt.date,
    invited: _Invited,
    victim_side: bool,
) -> list[tuple[DueRow, bool]]:
    """Rows for the episode-end triggers; the flag says whether the permission is needed."""
    start, end = _window(schedule, today)
    months = schedule.months_after or 0
    if schedule.trigger == Trigger.MONTHS_AFTER_END:
        # A few days' margin for month lengths; the exact due day is checked below.
        lo = add_months(start, -months) - dt.timedelta(days=3)
        hi = add_months(end, -months) + dt.timedelta(days=3)
    else:
        lo, hi = start, end
    episodes = ended.filter(end_date__range=(lo, hi))

    def due(episode: Episode) -> dt.date:
        assert episode.end_date is not None
        return add_months(episode.end_date, months) if months else episode.end_date

    rows: list[tuple[DueRow, bool]] = []
    if schedule.target == Target.REFERRER:
        for episode in episodes.filter(
            Q(referral_partner__isnull=False) | ~Q(referral_contact="")
        ).select_related("referral_partner"):
            if not start <= due(episode) <= end:
                continue
            if (schedule.pk, episode.pk, None) in invited.episode:
                continue
            label = episode.referral_contact or str(episode.referral_partner)
            row = DueRow(
                schedule=schedule,
                due_on=due(episode),
                episode=episode,
                partner=episode.referral_partner,
                recipient_label=label,
            )
            rows.append((row, False))
        return rows
    for participant in _participants(schedule, episodes, victim_side=victim_side):
        episode = participant.episode
        if not start <= due(episode) <= end:
            continue
        if (schedule.pk, episode.pk, participant.person_id) in invited.episode:
            continue
        row = DueRow(
            schedule=schedule, due_on=due(episode), person=participant.person, episode=episode
        )
        rows.append((row, schedule.needs_contact_permission))
    return rows


def _programme_rows(
    schedule: Schedule,
    *,
    service_form: ServiceForm,
    visible: QuerySet[Episode],
    today: dt.date,
    invited: _Invited,
) -> list[tuple[DueRow, bool]]:
    start, end = _window(schedule, today)
    date_field = "ends_on" if schedule.trigger == Trigger.GROUP_PERIOD_END else "aftercare_until"
    child = schedule.target == Target.CHILD
    who = "child" if child else "participant"
    members = (
        Member.objects.filter(
            programme__service_form=service_form,
            **{f"programme__{date_field}__range": (start, end)},
            **{f"{who}__episode__in": visible, f"{who}__person__isnull": False},
        )
        .select_related("programme", f"{who}__person", f"{who}__episode")
        .order_by(f"programme__{date_field}", "programme__name", "pk")
    )
    if not child:
        members = members.filter(participant__role__in=TARGET_ROLES.get(schedule.target, ()))
    rows: list[tuple[DueRow, bool]] = []
    for member in members:
        participant = member.child if child else member.participant
        assert participant is not None
        programme = member.programme
        if (schedule.pk, programme.pk, participant.person_id) in invited.programme:
            continue
        row = DueRow(
            schedule=schedule,
            due_on=getattr(programme, date_field),
            person=participant.person,
            episode=participant.episode,
            programme=programme,
        )
        rows.append((row, schedule.needs_contact_permission))
    return rows


def _yearly_rows(
    schedule: Schedule,
    *,
    service_form: ServiceForm,
    visible: QuerySet[Episode],
    today: dt.date,
    invited: _Invited,
    victim_side: bool,
) -> list[tuple[DueRow, bool]]:
    first = dt.date(today.year, 1, 1)
    rows: list[tuple[DueRow, bool]] = []
    if schedule.target == Target.VOLUNTEER:
        volunteers = (
            Volunteer.objects.filter(
                status=VolunteerStatus.ACTIVE,
                assignments__service_form=service_form,
                assignments__started_on__lte=today,
            )
            .filter(Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gte=today))
            .distinct()
            .order_by("last_name", "first_names", "pk")
        )
        for volunteer in volunteers:
            if (schedule.pk, None, None, volunteer.pk, today.year) in invited.yearly:
                continue
            rows.append((DueRow(schedule=schedule, due_on=first, volunteer=volunteer), False))
        return rows
    active = visible.filter(service_form=service_form, status=Episode.Status.ACTIVE)
    for participant in _participants(schedule, active, victim_side=victim_side):
        key = (schedule.pk, participant.episode_id, participant.person_id, None, today.year)
        if key in invited.yearly:
            continue
        row = DueRow(
            schedule=schedule, due_on=first, person=participant.person, episode=participant.episode
        )
        rows.append((row, False))
    return rows


def due_list(*, user: User, service_form: ServiceForm, today: dt.date) -> DueList:
    """Who should get which questionnaire now, per active schedule of ``service_form``.

    A bounded number of queries: the schedules, their versions, the invitations made, the
    user's visibility, one per schedule for its candidates, the consents and the bases."""
    schedules = list(schedules_of(service_form, active_only=True))
    versions = latest_versions(s.questionnaire_id for s in schedules)
    invited = _invited(schedules)
    visible = clients.form_episodes_visible_to(user=user, service_form=service_form)
    ended = visible.filter(status=Episode.Status.ENDED, end_date__isnull=False)
    victim_side = service_form.violence_work == clients.VICTIM
    groups: list[DueGroup] = []
    candidates: list[tuple[DueGroup, DueRow, bool]] = []
    for schedule in schedules:
        group = DueGroup(schedule=schedule, version=versions.get(schedule.questionnaire_id))
        groups.append(group)
        if group.version is None:
            group.note = _("Kyselyllä ei ole julkaistua versiota.")
            continue
        trigger = schedule.trigger
        found: list[tuple[DueRow, bool]]
        if trigger in _NOTHING_DUE:
            group.note = _NOTHING_DUE[trigger]  # type: ignore[index]
            continue
        if trigger in (Trigger.EPISODE_END, Trigger.MONTHS_AFTER_END):
            found = _episode_rows(
                schedule,
                ended=ended,
                today=today,
                invited=invited,
                victim_side=victim_side,
            )
        elif trigger in (Trigger.GROUP_PERIOD_END, Trigger.AFTERCARE_END):
            found = _programme_rows(
                schedule, service_form=service_form, visible=visible, today=today, invited=invited
            )
        else:
            found = _yearly_rows(
                schedule,
                service_form=service_form,
                visible=visible,
                today=today,
                invited=invited,
                victim_side=victim_side,
            )
        candidates.extend((group, row, needs) for row, needs in found)
    _keep_permitted(candidates, today=today)
    _attach_bases(user, [row for group in groups for row in group.rows])
    return DueList(groups=groups)


def _keep_permitted(candidates: list[tuple[DueGroup, DueRow, bool]], *, today: dt.date) -> None:
    """Put each candidate on its group; a follow-up only with a valid contact permission."""
    needing = [(row.episode, row.person) for _g, row, needs in candidates if needs]
    allowed = consent.permissions(
        episodes={e.pk: e for e, _p in needing if e is not None},
        pairs={(e.pk, p.pk) for e, p in needing if e is not None and p is not None},
        day=today,
    )
    for group, row, needs in candidates:
        if needs and not (
            row.episode is not None
            and row.person is not None
            and allowed.get((row.episode.pk, row.person.pk))
        ):
            group.without_permission += 1
            continue
        group.rows.append(row)


def _attach_bases(user: User, rows: list[DueRow]) -> None:
    bases = clients.episode_bases(
        user=user, episode_ids={row.episode.pk for row in rows if row.episode is not None}
    )
    for row in rows:
        if row.episode is not None:
            row.basis = bases.get(row.episode.pk)


# --------------------------------------------------------------------------- invitations


@dataclass
class InvitationRow:
    invitation: Invitation
    age_days: int
    expired: bool
    permission_ok: bool
    remindable: bool

    @property
    def name(self) -> str:
        inv = self.invitation
        if inv.person is not None:
            return f"{inv.person.last_name}, {inv.person.first_names}"
        if inv.volunteer is not None:
            return f"{inv.volunteer.last_name}, {inv.volunteer.first_names}"
        if inv.recipient_label or inv.partner is not None:
            return inv.recipient_label or str(inv.partner)
        return str(_("nimetön vastaanottaja"))


@dataclass
class InvitationOverview:
    open: list[InvitationRow]
    answered: int
    cancelled: int

    @property
    def reminders(self) -> list[InvitationRow]:
        return [row for row in self.open if row.remindable]


def remindable(invitation: Invitation, *, today: dt.date, permission_ok: bool) -> bool:
    """On the reminder list: open, not expired, made at least :data:`REMIND_AFTER_DAYS` ago (and
    as long since the last reminder), fewer than :data:`MAX_REMINDERS` reminders, and the
    contact still allowed."""
    made = timezone.localtime(invitation.created_at).date()
    last = invitation.reminded_on or made
    return (
        invitation.status == Invitation.Status.OPEN
        and invitation.expires_at > timezone.now()
        and (today - made).days >= REMIND_AFTER_DAYS
        and (today - last).days >= REMIND_AFTER_DAYS
        and invitation.reminders < MAX_REMINDERS
        and permission_ok
    )


def invitations_of(*, user: User, service_form: ServiceForm) -> QuerySet[Invitation]:
    """The form's invitations whose recipient the user may see (episode visible, or none)."""
    visible = clients.form_episodes_visible_to(user=user, service_form=service_form)
    return Invitation.objects.filter(service_form=service_form).filter(
        Q(episode__isnull=True) | Q(episode__in=visible)
    )


def invitation_overview(
    *, user: User, service_form: ServiceForm, today: dt.date
) -> InvitationOverview:
    """Open invitations with age, reminders and whether the contact is still allowed; the
    numbers answered and cancelled. A bounded number of queries."""
    rows = invitations_of(user=user, service_form=service_form)
    counts = dict(
        rows.exclude(status=Invitation.Status.OPEN)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    open_rows = list(
        rows.filter(status=Invitation.Status.OPEN)
        .select_related(
            "version__questionnaire", "schedule", "episode", "person", "volunteer", "partner"
        )
        .order_by("created_at", "pk")
    )
    allowed = consent.invitation_permissions(open_rows, day=today)
    now = timezone.now()
    result = []
    for inv in open_rows:
        ok = allowed[inv.pk]
        result.append(
            InvitationRow(
                invitation=inv,
                age_days=(today - timezone.localtime(inv.created_at).date()).days,
                expired=inv.expires_at <= now,
                permission_ok=ok,
                remindable=remindable(inv, today=today, permission_ok=ok),
            )
        )
    return InvitationOverview(
        open=result,
        answered=counts.get(Invitation.Status.ANSWERED, 0),
        cancelled=counts.get(Invitation.Status.CANCELLED, 0),
    )
