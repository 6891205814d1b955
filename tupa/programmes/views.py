"""Group-programme screens: list, programme page, participants, leaders, sessions, attendance
and statistics (GRP-01..04).

Only client-work members of the programme's service form reach them (404 for everyone else,
also for bad ids). Names of participants are shown only where the viewer has a basis for the
participant's episode (:mod:`tupa.access.clients`), and every person shown is written to the
access log. The statistics page shows counts only: the executive director may read it too
(``programmes.statistics.view``), and it writes no access events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import clients, policy
from tupa.access.clients import is_member
from tupa.access.marks import object_scoped
from tupa.accounts.models import User
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import apply_errors
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person

from . import rules as rule_checks
from . import selectors, services
from .forms import (
    AttendanceForm,
    LeaderForm,
    MemberForm,
    PeriodForm,
    ProgrammeForm,
    SessionForm,
    default_period,
)
from .models import Attendance, GroupProgramme, Leader, Member, Session

# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    service_form = ServiceForm.objects.filter(slug=slug).first()
    if service_form is None or not is_member(_user(request), service_form.pk):
        raise Http404
    return service_form


def _programme_or_404(request: HttpRequest, pk: int) -> GroupProgramme:
    programme = GroupProgramme.objects.select_related("service_form", "room").filter(pk=pk).first()
    if programme is None or not is_member(_user(request), programme.service_form_id):
        raise Http404
    return programme


HIDDEN = "–"


def _member_labels(
    request: HttpRequest, members: Iterable[Member], *, action: str = Action.VIEW
) -> dict[int, str]:
    """Member id → "Parent (Child)" for members the viewer may see; logs each person shown."""
    rows = list(members)
    bases = clients.episode_bases(
        user=_user(request), episode_ids={m.participant.episode_id for m in rows}
    )
    labels: dict[int, str] = {}
    to_log: dict[str, dict[int, Person]] = defaultdict(dict)
    for member in rows:
        basis = bases.get(member.participant.episode_id)
        if basis is None:
            labels[member.pk] = _("Osallistuja (ei näytetä)")
            continue
        parent = member.participant.person
        child = member.child.person if member.child is not None else None
        # GDPR art. 18: a restricted person is shown without a name (and not logged as shown).
        parts = []
        for person in (parent, child):
            if person is None:
                continue
            if person.processing_restricted:
                parts.append(_("Käsittelyä rajoitettu"))
            else:
                parts.append(str(person))
                to_log[str(basis)][person.pk] = person
        labels[member.pk] = " – ".join(parts) if parts else str(parent)
    for basis_value, persons in to_log.items():
        record_access(request=request, subjects=persons.values(), action=action, basis=basis_value)
    return labels


def _restricted(member: Member) -> bool:
    return any(
        p is not None and p.person is not None and p.person.processing_restricted
        for p in (member.participant, member.child)
    )


def _log_persons(request: HttpRequest, persons: Iterable[Person], *, action: str) -> set[int]:
    """Log the persons the viewer has a basis for; return their ids (show only those)."""
    subjects = list(persons)
    if not subjects:
        return set()
    bases = clients.person_bases(user=_user(request), persons=subjects)
    grouped: dict[str, list[Person]] = defaultdict(list)
    for person in subjects:
        basis = bases.get(person.pk)
        if basis is not None:
            grouped[str(basis)].append(person)
    for basis_value, group in grouped.items():
        record_access(request=request, subjects=group, action=action, basis=basis_value)
    return set(bases)


def _detail(programme: GroupProgramme) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("programmes:detail", args=[programme.pk]))


# --------------------------------------------------------------------------- list and create


@object_scoped
@require_GET
def programme_list(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _form_or_404(request, slug)
    today = timezone.localdate()
    programmes = list(selectors.programmes_of_form(service_form=service_form))
    current = [
        p for p in programmes if p.ends_on is None or (p.aftercare_until or p.ends_on) >= today
    ]
    past = [p for p in programmes if p not in current]
    return render(
        request,
        "programmes/list.html",
        {"service_form": service_form, "current": current, "past": past},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _form_or_404(request, slug)
    form = ProgrammeForm(
        request.POST or None,
        service_form_id=service_form.pk,
        initial={"starts_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                programme = services.programme_create(
                    actor=_user(request),
                    service_form=service_form,
                    rules=form.rules(),
                    **form.programme_values(),
                )
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as exc:  # pragma: no cover - membership checked above
                raise Http404 from exc
            else:
                messages.success(request, _("Ryhmä tallennettu."))
                return _detail(programme)
        status = 400
    return render(
        request,
        "programmes/programme_form.html",
        {"service_form": service_form, "form": form, "title": _("Uusi ryhmä")},
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    form = ProgrammeForm(
        request.POST or None,
        service_form_id=programme.service_form_id,
        initial=ProgrammeForm.initial_for(programme),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.programme_update(
                    actor=_user(request),
                    programme=programme,
                    rules=form.rules(),
                    **form.programme_values(),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Ryhmän tiedot tallennettu."))
                return _detail(programme)
        status = 400
    return render(
        request,
        "programmes/programme_form.html",
        {
            "service_form": programme.service_form,
            "programme": programme,
            "form": form,
            "title": _("Muokkaa ryhmää"),
        },
        status=status,
    )


# --------------------------------------------------------------------------- programme page


RULE_LABELS = {
    "min_motivation_meetings": _("Motivointitapaamisia ennen aloitusta vähintään"),
    "min_hours_per_week": _("Tunteja viikossa vähintään"),
    "min_duration_months": _("Ryhmäjakson kesto vähintään (kk)"),
    "pairs_target": _("Pareja tavoite"),
    "pairs_max": _("Pareja enintään"),
    "aftercare_months": _("Jälkituki vähintään (kk)"),
    "sessions_per_month": _("Kokoontumisia kuukaudessa vähintään"),
    "invitation_years": _("Kutsulista: osallistuneet viimeisten vuosien aikana"),
}


@object_scoped
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    today = timezone.localdate()
    members = selectors.members_of(programme=programme)
    labels = _member_labels(request, members)
    facts = selectors.programme_facts(programme=programme, members=members, today=today)
    warnings = rule_checks.evaluate(programme.rules, facts)
    motivation = {m.member_id: m.motivation_meetings for m in facts.members}
    warning_rows = [(w, [labels[i] for i in w.member_ids if i in labels]) for w in warnings]
    leaders = list(Leader.objects.filter(programme=programme).select_related("user"))
    sessions = selectors.sessions_of(programme=programme)
    last = max(d for d in (programme.aftercare_until, programme.ends_on, today) if d is not None)
    stats = selectors.statistics(
        programmes=GroupProgramme.objects.filter(pk=programme.pk),
        start=programme.starts_on,
        end=max(last, programme.starts_on),
    ).total
    invitees: list[selectors.Invitee] = []
    years = programme.rules.get("invitation_years")
    if years:
        invitees = selectors.invitation_list(programme=programme, years=int(years), today=today)
        visible = _log_persons(request, [i.person for i in invitees], action=Action.LIST)
        invitees = [i for i in invitees if i.person.pk in visible]
    return render(
        request,
        "programmes/detail.html",
        {
            "service_form": programme.service_form,
            "programme": programme,
            "members": [(m, labels[m.pk], motivation.get(m.pk, 0)) for m in members],
            "show_motivation": bool(programme.rules.get("min_motivation_meetings")),
            "warnings": warning_rows,
            "leaders": leaders,
            "sessions": sessions,
            "stats": stats,
            "rules": [(RULE_LABELS[k], v) for k, v in programme.rules.items() if k in RULE_LABELS],
            "invitees": invitees,
            "invitation_years": years,
            "today": today,
        },
    )


# --------------------------------------------------------------------------- members and leaders


def _open_participants(service_form: ServiceForm) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(
            episode__service_form=service_form,
            person__isnull=False,
            person__processing_restricted=False,
            left_on__isnull=True,
        )
        .exclude(episode__status=Episode.Status.ENDED)
        .select_related("person")
        .order_by("person__last_name", "person__first_names", "pk")
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    open_rows = _open_participants(programme.service_form)
    adults = open_rows.exclude(role=Participant.Role.CHILD)
    children = open_rows.filter(role=Participant.Role.CHILD)
    form = MemberForm(request.POST or None, adults=adults, children=children)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.member_add(
                    actor=_user(request),
                    programme=programme,
                    participant=form.cleaned_data["participant"],
                    child=form.cleaned_data["child"],
                    joined_on=form.cleaned_data["joined_on"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Osallistuja lisätty ryhmään."))
                return _detail(programme)
        status = 400
    shown = [p.person for p in list(adults) + list(children) if p.person is not None]
    _log_persons(request, list({p.pk: p for p in shown}.values()), action=Action.LIST)
    return render(
        request,
        "programmes/member_form.html",
        {"service_form": programme.service_form, "programme": programme, "form": form},
        status=status,
    )


@object_scoped
@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = Member.objects.select_related("programme__service_form").filter(pk=pk).first()
    if member is None or not is_member(_user(request), member.programme.service_form_id):
        raise Http404
    try:
        day = dt.date.fromisoformat(request.POST.get("left_on", ""))
    except ValueError:
        day = timezone.localdate()
    try:
        services.member_leave(actor=_user(request), member=member, left_on=day)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Osallistujan ryhmäjakso päätetty."))
    return _detail(member.programme)


@object_scoped
@require_http_methods(["GET", "POST"])
def leader_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    users = User.objects.filter(organisation_id=programme.organisation_id, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
    form = LeaderForm(request.POST or None, users=users)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.leader_add(
                    actor=_user(request),
                    programme=programme,
                    kind=form.cleaned_data["kind"],
                    task=form.cleaned_data["task"],
                    user=form.cleaned_data["user"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Ohjaaja lisätty."))
                return _detail(programme)
        status = 400
    return render(
        request,
        "programmes/leader_form.html",
        {"service_form": programme.service_form, "programme": programme, "form": form},
        status=status,
    )


# --------------------------------------------------------------------------- sessions


@object_scoped
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    form = SessionForm(
        request.POST or None,
        service_form_id=programme.service_form_id,
        initial={"day": max(programme.starts_on, timezone.localdate()), "weeks": 1},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["weeks"] == 1 and not data["weekdays"]:
                    services.session_create(
                        actor=_user(request),
                        programme=programme,
                        starts_at=services.local_datetime(data["day"], data["start_time"]),
                        ends_at=services.local_datetime(data["day"], data["end_time"]),
                        room=data["room"],
                        topic=data["topic"],
                    )
                    count = 1
                else:
                    count = len(
                        services.sessions_create_weekly(
                            actor=_user(request),
                            programme=programme,
                            first_day=data["day"],
                            weeks=data["weeks"],
                            weekdays=data["weekdays"] or [data["day"].weekday()],
                            start_time=data["start_time"],
                            end_time=data["end_time"],
                            room=data["room"],
                            topic=data["topic"],
                        )
                    )
            except ValidationError as error:
                apply_errors(
                    form,
                    error,
                    field_map={"starts_at": "day", "first_day": "day", "ends_at": "end_time"},
                )
            else:
                messages.success(
                    request,
                    _("Kokoontumisia lisätty: %(count)d.") % {"count": count},
                )
                return _detail(programme)
        status = 400
    return render(
        request,
        "programmes/session_form.html",
        {"service_form": programme.service_form, "programme": programme, "form": form},
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = (
        Session.objects.select_related("programme__service_form", "room").filter(pk=pk).first()
    )
    if session is None or not is_member(_user(request), session.programme.service_form_id):
        raise Http404
    programme = session.programme
    day = timezone.localtime(session.starts_at).date()
    existing = {a.member_id: a.status for a in Attendance.objects.filter(session=session)}
    members = [
        m
        for m in selectors.members_of(programme=programme)
        if m.pk in existing or (m.joined_on <= day and (m.left_on is None or m.left_on >= day))
    ]
    # GDPR art. 18: a restricted member's attendance cannot be changed, so the form leaves
    # them out and their row stays as it was (services.session_record).
    members = [m for m in members if not _restricted(m)]
    labels = _member_labels(request, members)
    leaders = list(Leader.objects.filter(programme=programme).select_related("user"))
    initial: dict[str, Any] = {
        "cancelled": session.cancelled,
        "topic": session.topic,
        "anonymous_adults": session.anonymous_adults,
        "anonymous_children": session.anonymous_children,
        "leaders": [leader.pk for leader in session.leaders.all()],
    }
    for member in members:
        status = existing.get(member.pk)
        initial[f"present_{member.pk}"] = status == Attendance.Status.PRESENT or (
            status is None and session.attendance_recorded_at is None
        )
        initial[f"excused_{member.pk}"] = status == Attendance.Status.EXCUSED
    form = AttendanceForm(
        request.POST or None,
        members=[(m, labels[m.pk]) for m in members],
        leaders=leaders,
        initial=initial,
    )
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.session_record(
                    actor=_user(request),
                    session=session,
                    statuses={} if data["cancelled"] else form.statuses(),
                    anonymous_adults=data["anonymous_adults"],
                    anonymous_children=data["anonymous_children"],
                    cancelled=data["cancelled"],
                    topic=data["topic"],
                    leader_ids=data["leaders"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Kokoontumisen tiedot tallennettu."))
                return _detail(programme)
        status_code = 400
    return render(
        request,
        "programmes/attendance.html",
        {
            "service_form": programme.service_form,
            "programme": programme,
            "session": session,
            "form": form,
        },
        status=status_code,
    )


# --------------------------------------------------------------------------- statistics


@object_scoped
@require_GET
def form_statistics(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    service_form = ServiceForm.objects.filter(slug=slug).first()
    if service_form is None or not (
        is_member(user, service_form.pk)
        or policy.decide(user, "programmes.statistics.view", service_form)
    ):
        raise Http404
    today = timezone.localdate()
    bound = "start" in request.GET or "end" in request.GET
    form = PeriodForm(request.GET if bound else None, initial=default_period(today))
    result = None
    if not bound or form.is_valid():
        period = form.cleaned_data if bound else default_period(today)
        result = selectors.statistics(
            programmes=GroupProgramme.objects.filter(
                Q(ends_on__isnull=True)
                | Q(ends_on__gte=period["start"])
                | Q(aftercare_until__gte=period["start"]),
                service_form=service_form,
                starts_on__lte=period["end"],
            ),
            start=period["start"],
            end=period["end"],
        )
    return render(
        request,
        "programmes/statistics.html",
        {
            "service_form": service_form,
            "form": form,
            "result": result,
            "is_member": is_member(user, service_form.pk),
        },
    )
