"""Writes of group programmes: programmes, leaders, members, sessions and attendance.

House style (ARCHITECTURE.md §4): keyword-only, ``actor`` first, one transaction each, Finnish
``ValidationError`` messages keyed by field, the change history recorded with ``actor``.
Only members doing client work (worker, lead, coordinator) in the programme's service form may
write (:func:`tupa.access.programmes.may_run`); everyone else gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.programmes import may_run
from tupa.core.saving import save_validated
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Participant
from tupa.people.processing import ensure_processing_allowed

from . import volunteers
from .models import Attendance, GroupProgramme, Leader, Member, Session
from .rules import clean_rules

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.scheduling.models import Room

MAX_SESSION_HOURS = 12
MAX_WEEKS = 60
MAX_HEAD_COUNT = 500


def _require_member(actor: User, service_form: ServiceForm) -> None:
    if not may_run(actor, service_form):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))


def _check_room(room: Room | None, service_form: ServiceForm, errors: dict[str, str]) -> None:
    if room is None:
        return
    if (
        room.organisation_id != service_form.organisation_id
        or not room.active
        or (room.service_form_id is not None and room.service_form_id != service_form.pk)
    ):
        errors["room"] = _("Valitse työmuodon käytössä oleva tila.")


# --------------------------------------------------------------------------- programmes


def _validate_programme(
    *,
    service_form: ServiceForm,
    name: str,
    type: str,
    target_group: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    aftercare_until: dt.date | None,
    capacity: int | None,
    planned_hours_per_week: Decimal | None,
    room: Room | None,
) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Anna ryhmälle nimi.")
    if type not in GroupProgramme.Type.values:
        errors["type"] = _("Valitse ryhmän laji.")
    if target_group not in GroupProgramme.TargetGroup.values:
        errors["target_group"] = _("Valitse kohderyhmä.")
    if starts_on is None:
        errors["starts_on"] = _("Anna alkamispäivä.")
    else:
        if ends_on is not None and ends_on < starts_on:
            errors["ends_on"] = _("Päättymispäivä ei voi olla ennen alkamispäivää.")
        if aftercare_until is not None and aftercare_until < (ends_on or starts_on):
            errors["aftercare_until"] = _("Jälkituki ei voi päättyä ennen ryhmäjakson päättymistä.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Paikkoja on oltava vähintään yksi.")
    if planned_hours_per_week is not None and not (0 < planned_hours_per_week <= 60):
        errors["planned_hours_per_week"] = _("Tuntimäärän on oltava 0,5–60 tuntia viikossa.")
    _check_room(room, service_form, errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def programme_create(
    *,
    actor: User,
    service_form: ServiceForm,
    name: str,
    type: str,
    target_group: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    aftercare_until: dt.date | None = None,
    capacity: int | None = None,
    planned_hours_per_week: Decimal | None = None,
    room: Room | None = None,
    description: str = "",
    rules: Mapping[str, Any] | None = None,
) -> GroupProgramme:
    _require_member(actor, service_form)
    _validate_programme(
        service_form=service_form,
        name=name,
        type=type,
        target_group=target_group,
        starts_on=starts_on,
        ends_on=ends_on,
        aftercare_until=aftercare_until,
        capacity=capacity,
        planned_hours_per_week=planned_hours_per_week,
        room=room,
    )
    programme = GroupProgramme(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        name=name.strip(),
        type=type,
        target_group=target_group,
        starts_on=starts_on,
        ends_on=ends_on,
        aftercare_until=aftercare_until,
        capacity=capacity,
        planned_hours_per_week=planned_hours_per_week,
        room=room,
        description=description,
        rules=clean_rules(rules or {}),
        created_by=actor,
    )
    save_validated(programme, actor=actor)
    return programme


PROGRAMME_FIELDS = (
    "name",
    "type",
    "target_group",
    "starts_on",
    "ends_on",
    "aftercare_until",
    "capacity",
    "planned_hours_per_week",
    "room",
    "description",
)


@transaction.atomic
def programme_update(*, actor: User, programme: GroupProgramme, **changes: Any) -> GroupProgramme:
    """Change the fields named in ``changes`` (see ``PROGRAMME_FIELDS``; ``rules`` too)."""
    _require_member(actor, programme.service_form)
    unknown = set(changes) - set(PROGRAMME_FIELDS) - {"rules"}
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    current = GroupProgramme.objects.select_for_update().get(pk=programme.pk)
    values = {f: changes.get(f, getattr(current, f)) for f in PROGRAMME_FIELDS}
    _validate_programme(
        service_form=current.service_form, **{k: v for k, v in values.items() if k != "description"}
    )
    for key, value in values.items():
        setattr(current, key, value.strip() if key == "name" else value)
    if "rules" in changes:
        current.rules = clean_rules(changes["rules"] or {})
    save_validated(current, actor=actor)
    return current


# --------------------------------------------------------------------------- leaders


@transaction.atomic
def leader_add(
    *,
    actor: User,
    programme: GroupProgramme,
    kind: str,
    task: str = Leader.Task.LEADER,
    user: User | None = None,
    name: str = "",
    volunteer_id: int | None = None,
) -> Leader:
    """A staff member (``user``), a co-worker partner (``user`` or ``name``) or a volunteer of
    the register (``volunteer_id``): active, with a task in the programme's form and, for work
    with children, a valid record check on the day (:mod:`tupa.programmes.volunteers`)."""
    _require_member(actor, programme.service_form)
    errors: dict[str, str] = {}
    name = name.strip()
    if kind not in Leader.Kind.values:
        errors["kind"] = _("Valitse ohjaajan laji.")
    if task not in Leader.Task.values:
        errors["task"] = _("Valitse tehtävä.")
    if user is not None and (
        user.organisation_id != programme.organisation_id or not user.is_active
    ):
        errors["user"] = _("Valitse organisaation työntekijä.")
    if kind == Leader.Kind.STAFF and user is None:
        errors["user"] = _("Valitse työntekijä.")
    if kind == Leader.Kind.VOLUNTEER and name:
        errors["name"] = _("Vapaaehtoinen valitaan vapaaehtoisrekisteristä, ei nimellä.")
    elif kind == Leader.Kind.VOLUNTEER and volunteer_id is None:
        errors["volunteer"] = _("Valitse vapaaehtoinen.")
    if kind != Leader.Kind.VOLUNTEER and volunteer_id is not None:
        errors["volunteer"] = _(
            "Vapaaehtoisen voi valita vain, kun ohjaajan laji on vapaaehtoinen."
        )
    if kind == Leader.Kind.CO_WORKER and user is None and not name:
        errors["name"] = _("Valitse työntekijä tai anna työparin nimi.")
    if kind == Leader.Kind.VOLUNTEER and user is not None:
        errors["user"] = _("Vapaaehtoiselle annetaan vain nimi.")
    if kind == Leader.Kind.STAFF and name:
        errors["name"] = _("Työntekijälle ei anneta erillistä nimeä.")
    if (
        not errors
        and user is not None
        and Leader.objects.filter(programme=programme, user=user).exists()
    ):
        errors["user"] = _("Työntekijä on jo ryhmän ohjaaja.")
    if not errors and volunteer_id is not None:
        if Leader.objects.filter(programme=programme, volunteer_id=volunteer_id).exists():
            errors["volunteer"] = _("Vapaaehtoinen on jo ryhmän ohjaaja.")
        else:
            problem = volunteers.problem(
                programme=programme,
                volunteer_id=volunteer_id,
                on=volunteers.leader_day(programme),
                with_children=volunteers.works_with_children(task=task, programme=programme),
            )
            if problem:
                errors["volunteer"] = problem
    if errors:
        raise ValidationError(errors)
    leader = Leader(
        programme=programme,
        kind=kind,
        task=task,
        user=user,
        name=name,
        volunteer_id=volunteer_id,
    )
    save_validated(leader, actor=actor)
    return leader


# --------------------------------------------------------------------------- members


@transaction.atomic
def member_add(
    *,
    actor: User,
    programme: GroupProgramme,
    participant: Participant,
    child: Participant | None = None,
    joined_on: dt.date | None = None,
) -> Member:
    """Add a person taking part through their episode of the programme's service form."""
    _require_member(actor, programme.service_form)
    ensure_processing_allowed(participant, child)
    errors: dict[str, str] = {}
    episode = participant.episode
    if episode.service_form_id != programme.service_form_id or participant.person_id is None:
        errors["participant"] = _("Valitse työmuodon asiakkuuden tunnistettu osallistuja.")
    if child is not None and (
        child.episode_id != participant.episode_id
        or child.pk == participant.pk
        or child.role != Participant.Role.CHILD
        or child.person_id is None
    ):
        errors["child"] = _("Parin lapsen on oltava saman asiakkuuden lapsi.")
    day = joined_on or max(programme.starts_on, timezone.localdate())
    if day < programme.starts_on:
        errors["joined_on"] = _("Aloituspäivä ei voi olla ennen ryhmän alkamista.")
    elif programme.ends_on is not None and day > programme.ends_on:
        errors["joined_on"] = _("Aloituspäivä ei voi olla ryhmän päättymisen jälkeen.")
    if (
        "participant" not in errors
        and Member.objects.filter(programme=programme, participant=participant).exists()
    ):
        errors["participant"] = _("Henkilö on jo ryhmässä.")
    if errors:
        raise ValidationError(errors)
    member = Member(
        programme=programme, participant=participant, child=child, joined_on=day, added_by=actor
    )
    save_validated(member, actor=actor)
    return member


@transaction.atomic
def member_leave(*, actor: User, member: Member, left_on: dt.date) -> Member:
    _require_member(actor, member.programme.service_form)
    ensure_processing_allowed(member.participant, member.child)
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("Lopetuspäivä ei voi olla ennen aloituspäivää.")})
    current = Member.objects.select_for_update().get(pk=member.pk)
    current.left_on = left_on
    save_validated(current, actor=actor)
    return current


# --------------------------------------------------------------------------- sessions


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """``day`` at wall-clock ``time`` in Helsinki, as an aware datetime (DST-correct)."""
    return dt.datetime.combine(day, time, tzinfo=HELSINKI)


def _validate_session(
    programme: GroupProgramme, starts_at: dt.datetime, ends_at: dt.datetime, room: Room | None
) -> None:
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("Päättymisajan on oltava alkamisajan jälkeen.")
    elif ends_at - starts_at > dt.timedelta(hours=MAX_SESSION_HOURS):
        errors["ends_at"] = _("Kokoontuminen voi kestää enintään %(hours)d tuntia.") % {
            "hours": MAX_SESSION_HOURS
        }
    day = timezone.localtime(starts_at, HELSINKI).date()
    last = programme.aftercare_until or programme.ends_on
    if day < programme.starts_on or (last is not None and day > last):
        errors["starts_at"] = _("Kokoontumisen on oltava ryhmän voimassaoloaikana.")
    _check_room(room, programme.service_form, errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(
    *,
    actor: User,
    programme: GroupProgramme,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: Room | None = None,
    topic: str = "",
) -> Session:
    _require_member(actor, programme.service_form)
    _validate_session(programme, starts_at, ends_at, room)
    session = Session(
        programme=programme,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room or programme.room,
        topic=topic.strip(),
    )
    save_validated(session, actor=actor)
    return session


@transaction.atomic
def sessions_create_weekly(
    *,
    actor: User,
    programme: GroupProgramme,
    first_day: dt.date,
    weeks: int,
    weekdays: Iterable[int],
    start_time: dt.time,
    end_time: dt.time,
    room: Room | None = None,
    topic: str = "",
) -> list[Session]:
    """Sessions on ``weekdays`` (0 = Monday) for ``weeks`` weeks from ``first_day``.

    The wall-clock times stay the same across daylight-saving changes. Days outside the
    programme's period are skipped. All or nothing.
    """
    _require_member(actor, programme.service_form)
    days = sorted(set(weekdays))
    errors: dict[str, str] = {}
    if not days or any(d not in range(7) for d in days):
        errors["weekdays"] = _("Valitse vähintään yksi viikonpäivä.")
    if not 1 <= weeks <= MAX_WEEKS:
        errors["weeks"] = _("Viikkoja on oltava 1–%(max)d.") % {"max": MAX_WEEKS}
    if end_time <= start_time:
        errors["end_time"] = _("Päättymisajan on oltava alkamisajan jälkeen.")
    if errors:
        raise ValidationError(errors)
    last = programme.aftercare_until or programme.ends_on
    created = []
    for offset in range(weeks * 7):
        day = first_day + dt.timedelta(days=offset)
        if day.weekday() not in days or day < programme.starts_on:
            continue
        if last is not None and day > last:
            break
        created.append(
            session_create(
                actor=actor,
                programme=programme,
                starts_at=local_datetime(day, start_time),
                ends_at=local_datetime(day, end_time),
                room=room,
                topic=topic,
            )
        )
    if not created:
        raise ValidationError(
            {"first_day": _("Valituille päiville ei osu yhtään kokoontumista ryhmän aikana.")}
        )
    return created


@transaction.atomic
def session_record(
    *,
    actor: User,
    session: Session,
    statuses: Mapping[int, str],
    anonymous_adults: int = 0,
    anonymous_children: int = 0,
    cancelled: bool = False,
    topic: str | None = None,
    leader_ids: Iterable[int] | None = None,
) -> Session:
    """Record a session's attendance (member id → status) and head counts in one go.

    Members without a status in ``statuses`` are left as they were. A cancelled session keeps
    no attendance or head counts.
    """
    programme = session.programme
    _require_member(actor, programme.service_form)
    errors: dict[str, str] = {}
    for key, value in (
        ("anonymous_adults", anonymous_adults),
        ("anonymous_children", anonymous_children),
    ):
        if not 0 <= value <= MAX_HEAD_COUNT:
            errors[key] = _("Anna lukumäärä 0–%(max)d.") % {"max": MAX_HEAD_COUNT}
    members = {
        m.pk: m
        for m in Member.objects.filter(programme=programme).select_related("participant", "child")
    }
    if any(pk not in members for pk in statuses):
        errors["statuses"] = _("Osallistuja ei kuulu ryhmään.")
    if any(status not in Attendance.Status.values for status in statuses.values()):
        errors["statuses"] = _("Tuntematon läsnäolon tila.")
    leaders = None
    if leader_ids is not None:
        leaders = list(
            Leader.objects.filter(programme=programme, pk__in=list(leader_ids)).select_related(
                "programme__service_form"
            )
        )
        if len(leaders) != len(set(leader_ids)):
            errors["leaders"] = _("Ohjaaja ei kuulu ryhmään.")
        else:
            # Only a volunteer being added is checked: one already on the session stays.
            on_it = set(session.leaders.values_list("pk", flat=True))
            problems = volunteers.session_problems(
                leaders=[leader for leader in leaders if leader.pk not in on_it],
                on=timezone.localtime(session.starts_at, HELSINKI).date(),
            )
            if problems:
                errors["leaders"] = " ".join(problems)
    if cancelled and any(s == Attendance.Status.PRESENT for s in statuses.values()):
        errors["cancelled"] = _("Peruttuun kokoontumiseen ei voi merkitä läsnäoloja.")
    if errors:
        raise ValidationError(errors)
    current = Session.objects.select_for_update().get(pk=session.pk)
    existing = {a.member_id: a for a in Attendance.objects.filter(session=current)}
    # GDPR art. 18: refuse only when a restricted member's own attendance row would change
    # (a new or different status, or its deletion when the session is cancelled); the session,
    # its head counts and the other members' rows are not about the restricted person.
    touched = (
        list(existing)
        if cancelled
        else [
            pk
            for pk, status in statuses.items()
            if pk not in existing or existing[pk].status != status
        ]
    )
    ensure_processing_allowed(
        *(members[pk].participant for pk in touched if pk in members),
        *(members[pk].child for pk in touched if pk in members),
    )
    current.cancelled = cancelled
    current.anonymous_adults = 0 if cancelled else anonymous_adults
    current.anonymous_children = 0 if cancelled else anonymous_children
    if topic is not None:
        current.topic = topic.strip()
    current.attendance_recorded_at = None if cancelled else timezone.now()
    save_validated(current, actor=actor)
    if cancelled:
        for row in Attendance.objects.filter(session=current):
            row._history_user = actor  # type: ignore[attr-defined]
            row.delete()
    else:
        for member_id, status in statuses.items():
            found = existing.get(member_id)
            if found is not None and found.status == status:
                continue
            row = found or Attendance(session=current, member_id=member_id, status=status)
            row.status = status
            save_validated(row, actor=actor)
    if leaders is not None:
        current.leaders.set(leaders)
    return current
