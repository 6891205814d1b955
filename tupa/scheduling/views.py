"""Appointment screens: calendars, planning, outcomes and the personal iCal feed.

Access (tests in ``tests/test_views.py``):

- *My calendar* — staff doing client work (``client_work.access``); 404 for everyone else.
- *Team week*, *new appointment* — active client-work members of the service form; 404 else.
- *Appointment* (detail, change, outcome) — members of its service form and its organiser and
  co-workers (:func:`.services.may_manage`); 404 else, also for bad ids.
- *Appointments of an episode* — anyone who may see the episode (``episode_basis``); planning
  from there needs membership of the episode's form.
- Client names appear only for appointments whose episode the viewer may see; otherwise
  "Varattu". Each person shown is written to the access log (one event per person).
- *iCal feed* — public, by secret token (only its hash is stored); revoked/unknown → 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope, scopes_disabled

from tupa.access import clients, policy
from tupa.access.clients import is_member
from tupa.access.marks import object_scoped, public
from tupa.accounts.models import User
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import apply_errors
from tupa.episodes import journal
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Partner, ServiceForm

from . import ical, selectors, services
from .forms import AppointmentForm, OutcomeForm, WeekForm
from .models import Appointment, CalendarFeedToken, Outcome, Room

# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _log_page(request: HttpRequest, page: selectors.CalendarPage, *, action: str) -> None:
    for basis, subjects in page.to_log.items():
        if subjects:
            record_access(
                request=request, subjects=list(subjects.values()), action=action, basis=basis
            )


def _member_form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    service_form = ServiceForm.objects.filter(slug=slug).first()
    if service_form is None or not is_member(_user(request), service_form.pk):
        raise Http404
    return service_form


def _appointment_or_404(request: HttpRequest, pk: int) -> Appointment:
    appointment = (
        Appointment.objects.select_related(
            "service_form", "episode", "organiser", "room", "partner", "series", "journal_entry"
        )
        .prefetch_related("co_workers")
        .filter(pk=pk)
        .first()
    )
    if appointment is None or not services.may_manage(user=_user(request), appointment=appointment):
        raise Http404
    return appointment


#: Service field → form field, for showing a service's errors next to the right input.
_FIELD_MAP = {"starts_at": "date", "ends_at": "end", "repeat_until": "repeat_until"}


def _week_days(first: dt.date, days: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(days)]


def _period(request: HttpRequest) -> tuple[str, dt.date, list[dt.date]]:
    form = WeekForm(request.GET)
    today = timezone.localdate()
    day, mode = today, "viikko"
    if form.is_valid():
        day = form.cleaned_data.get("paiva") or today
        mode = form.cleaned_data.get("nakyma") or "viikko"
    else:
        # A date outside 2000–2100 (or no date at all) shows today, and says why.
        problems = " ".join(str(m) for errors in form.errors.values() for m in errors)
        messages.warning(
            request, _("%(problem)s Kalenteri näyttää tämän päivän.") % {"problem": problems}
        )
    if mode == "paiva":
        return mode, day, [day]
    return mode, day, _week_days(selectors.monday_of(day), 7)


def _navigation(mode: str, day: dt.date) -> dict[str, Any]:
    step = dt.timedelta(days=1 if mode == "paiva" else 7)
    return {
        "mode": mode,
        "day": day,
        "previous": (day - step).isoformat(),
        "next": (day + step).isoformat(),
        "today": timezone.localdate(),
    }


# --------------------------------------------------------------------------- calendars


@object_scoped
@require_GET
def my_calendar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    policy.require(user, "client_work.access")
    mode, day, days = _period(request)
    start, end = selectors.local_bounds(days[0], len(days))
    page = selectors.present(
        viewer=user,
        appointments=selectors.appointments_of_users(user_ids=[user.pk], start=start, end=end),
    )
    _log_page(request, page, action=Action.LIST)
    member_forms = ServiceForm.objects.filter(
        pk__in=clients.user_scope(user).member_form_ids
    ).order_by("name")
    return render(
        request,
        "scheduling/my_calendar.html",
        {
            "days": page.by_day(days),
            "member_forms": member_forms,
            **_navigation(mode, day),
        },
    )


@object_scoped
@require_GET
def team_week(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _member_form_or_404(request, slug)
    user = _user(request)
    _mode, day, days = _period(request)
    days = _week_days(selectors.monday_of(day), 7)
    start, end = selectors.local_bounds(days[0], 7)
    members = selectors.team_members(service_form)
    page = selectors.present(
        viewer=user,
        appointments=selectors.appointments_of_users(
            user_ids=[m.pk for m in members], start=start, end=end
        ),
    )
    _log_page(request, page, action=Action.LIST)
    # cells[day][member] = items (an appointment shows under each of its workers).
    rows = []
    for weekday, items in page.by_day(days):
        cells = []
        for member in members:
            cells.append(
                [
                    item
                    for item in items
                    if item.appointment.organiser_id == member.pk
                    or any(u.pk == member.pk for u in item.appointment.co_workers.all())
                ]
            )
        rows.append({"day": weekday, "items": items, "cells": cells})
    return render(
        request,
        "scheduling/team_week.html",
        {
            "service_form": service_form,
            "members": members,
            "rows": rows,
            **_navigation("viikko", day),
        },
    )


# --------------------------------------------------------------------------- planning


def _room_choices(service_form: ServiceForm) -> QuerySet[Room]:
    from django.db.models import Q

    return Room.objects.filter(active=True).filter(
        Q(service_form__isnull=True) | Q(service_form=service_form)
    )


def _episode_choices(service_form: ServiceForm) -> QuerySet[Episode]:
    return (
        Episode.objects.filter(service_form=service_form)
        .exclude(status=Episode.Status.ENDED)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("person", "alias").order_by("pk"),
                to_attr="listed_participants",
            )
        )
        .order_by("-opened_at", "-pk")
    )


def _log_episode_choices(request: HttpRequest, episodes: Iterable[Episode]) -> None:
    subjects = [
        p.person or p.alias
        for e in episodes
        for p in getattr(e, "listed_participants", [])
        if p.person or p.alias
    ]
    if subjects:
        record_access(request=request, subjects=subjects, action=Action.LIST, basis="membership")


def _form_kwargs(service_form: ServiceForm, *, also_ids: Iterable[int] = ()) -> dict[str, Any]:
    return {
        "partners": Partner.objects.filter(active=True).order_by("name"),
        "rooms": _room_choices(service_form).order_by("name"),
        "organisers": User.objects.filter(
            pk__in=[m.pk for m in selectors.team_members(service_form)]
        ).order_by("last_name", "first_name"),
        "co_worker_choices": journal.co_worker_candidates(
            organisation_id=service_form.organisation_id, also_ids=also_ids
        ),
    }


@object_scoped
@require_http_methods(["GET", "POST"])
def appointment_create(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _member_form_or_404(request, slug)
    user = _user(request)
    fixed_episode: Episode | None = None
    episode_pk = request.GET.get("asiakkuus", "")
    if episode_pk:
        if not episode_pk.isdigit():
            raise Http404
        fixed_episode = _episode_choices(service_form).filter(pk=int(episode_pk)).first()
        if fixed_episode is None:
            raise Http404
    episodes = (
        _episode_choices(service_form).filter(pk=fixed_episode.pk)
        if fixed_episode
        else _episode_choices(service_form)
    )
    initial: dict[str, Any] = {
        "organiser": user.pk,
        "date": timezone.localdate(),
        "start": dt.time(10, 0),
        "end": dt.time(11, 0),
    }
    if fixed_episode:
        initial["episode"] = fixed_episode.pk
    form = AppointmentForm(
        request.POST or None, initial=initial, episodes=episodes, **_form_kwargs(service_form)
    )
    conflicts: list[services.Conflict] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.appointment_create(
                    actor=user,
                    service_form=service_form,
                    episode=form.cleaned_data.get("episode"),
                    starts_at=form.starts_at(),
                    ends_at=form.ends_at(),
                    type=form.cleaned_data["type"],
                    place_kind=form.cleaned_data["place_kind"],
                    partner=form.cleaned_data.get("partner"),
                    place_note=form.cleaned_data.get("place_note", ""),
                    room=form.cleaned_data.get("room"),
                    organiser=form.cleaned_data["organiser"],
                    co_workers=form.cleaned_data.get("co_workers") or [],
                    note=form.cleaned_data.get("note", ""),
                    repeat=form.recurrence(),
                    confirm_conflicts=request.POST.get("confirm") == "1",
                )
            except services.ConflictsFound as found:
                conflicts = found.conflicts
                status = 409
            except services.AppointmentPermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                apply_errors(form, exc, field_map=_FIELD_MAP)
                status = 400
            else:
                if len(created) == 1:
                    messages.success(request, _("Tapaaminen tallennettu."))
                else:
                    messages.success(
                        request,
                        _("Tapaamissarja tallennettu: %(count)s tapaamista.")
                        % {"count": len(created)},
                    )
                first = created[0]
                target = reverse("scheduling:my_calendar") + (
                    f"?paiva={timezone.localtime(first.starts_at).date().isoformat()}"
                )
                if first.organiser_id != user.pk:
                    target = reverse("scheduling:team_week", args=[service_form.slug]) + (
                        f"?paiva={timezone.localtime(first.starts_at).date().isoformat()}"
                    )
                return HttpResponseRedirect(target)
        else:
            status = 400
    episode_field = form.fields.get("episode")
    if episode_field is not None:
        _log_episode_choices(request, episode_field.queryset)  # type: ignore[attr-defined]
    return render(
        request,
        "scheduling/appointment_form.html",
        {
            "service_form": service_form,
            "form": form,
            "conflicts": conflicts,
            "fixed_episode": fixed_episode,
            "title": _("Uusi tapaaminen"),
            "editing": False,
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk)
    user = _user(request)
    if appointment.outcome != Outcome.PLANNED:
        messages.info(request, _("Vain suunniteltua tapaamista voi muuttaa."))
        return HttpResponseRedirect(reverse("scheduling:detail", args=[appointment.pk]))
    local_start = timezone.localtime(appointment.starts_at)
    local_end = timezone.localtime(appointment.ends_at)
    current_co_workers = [u.pk for u in appointment.co_workers.all()]
    initial = {
        "date": local_start.date(),
        "start": local_start.time(),
        "end": local_end.time(),
        "type": appointment.type,
        "place_kind": appointment.place_kind,
        "partner": appointment.partner_id,
        "room": appointment.room_id,
        "place_note": appointment.place_note,
        "organiser": appointment.organiser_id,
        "co_workers": current_co_workers,
        "note": appointment.note,
        "version": appointment.version,
    }
    kwargs = _form_kwargs(appointment.service_form, also_ids=current_co_workers)
    kwargs["organisers"] = User.objects.filter(
        pk__in=[*kwargs["organisers"].values_list("pk", flat=True), appointment.organiser_id]
    )
    form = AppointmentForm(
        request.POST or None, initial=initial, episodes=None, editing=True, **kwargs
    )
    conflicts: list[services.Conflict] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.appointment_update(
                    actor=user,
                    appointment=appointment,
                    version=form.cleaned_data.get("version") or 0,
                    starts_at=form.starts_at(),
                    ends_at=form.ends_at(),
                    type=form.cleaned_data["type"],
                    place_kind=form.cleaned_data["place_kind"],
                    partner=form.cleaned_data.get("partner"),
                    place_note=form.cleaned_data.get("place_note", ""),
                    room=form.cleaned_data.get("room"),
                    organiser=form.cleaned_data["organiser"],
                    co_workers=form.cleaned_data.get("co_workers") or [],
                    note=form.cleaned_data.get("note", ""),
                    confirm_conflicts=request.POST.get("confirm") == "1",
                )
            except services.ConflictsFound as found:
                conflicts = found.conflicts
                status = 409
            except services.AppointmentPermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                apply_errors(form, exc, field_map=_FIELD_MAP)
                status = 400
            else:
                messages.success(request, _("Tapaamisen muutokset tallennettu."))
                return HttpResponseRedirect(reverse("scheduling:detail", args=[appointment.pk]))
        else:
            status = 400
    page = selectors.present(viewer=user, appointments=[appointment])
    _log_page(request, page, action=Action.VIEW)
    return render(
        request,
        "scheduling/appointment_form.html",
        {
            "service_form": appointment.service_form,
            "form": form,
            "conflicts": conflicts,
            "item": page.items[0],
            "appointment": appointment,
            "title": _("Muuta tapaamista"),
            "editing": True,
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk)
    user = _user(request)
    form = OutcomeForm(
        request.POST or None,
        initial={
            "outcome": appointment.outcome if appointment.outcome != Outcome.PLANNED else None,
            "outcome_note": appointment.outcome_note,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.appointment_record_outcome(
                    actor=user,
                    appointment=appointment,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data.get("outcome_note", ""),
                )
            except services.AppointmentPermissionDenied as exc:
                raise Http404 from exc
            except journal.JournalPermissionDenied:
                form.add_error(
                    None, _("Sinulla ei ole oikeutta kirjata tämän tapaamisen asiakkuuteen.")
                )
                status = 403
            except ValidationError as exc:
                apply_errors(form, exc, field_map=_FIELD_MAP)
                status = 400
            else:
                if appointment.episode_id:
                    messages.success(
                        request, _("Lopputulos tallennettu ja kirjattu asiakkuuden kirjauksiin.")
                    )
                else:
                    messages.success(request, _("Lopputulos tallennettu."))
                return HttpResponseRedirect(reverse("scheduling:detail", args=[appointment.pk]))
        else:
            status = 400
    page = selectors.present(viewer=user, appointments=[appointment])
    _log_page(request, page, action=Action.VIEW)
    item = page.items[0]
    series_rows: list[Appointment] = []
    if appointment.series_id:
        series_rows = list(
            Appointment.objects.filter(series_id=appointment.series_id).order_by("starts_at")
        )
    return render(
        request,
        "scheduling/appointment_detail.html",
        {
            "appointment": appointment,
            "item": item,
            "form": form,
            "series_rows": series_rows,
            "may_edit": appointment.outcome == Outcome.PLANNED,
            "can_record": item.visible,
            "journal_url": (
                reverse("episodes:journal_list", args=[appointment.episode_id])
                if appointment.episode_id and item.visible
                else ""
            ),
        },
        status=status,
    )


@object_scoped
@require_GET
def episode_appointments(request: HttpRequest, episode_pk: int) -> HttpResponse:
    user = _user(request)
    episode = Episode.objects.select_related("service_form").filter(pk=episode_pk).first()
    if episode is None:
        raise Http404
    basis = clients.episode_basis(user=user, episode=episode)
    if basis is None:
        raise Http404
    rows = list(selectors.appointments_of_episode(episode_id=episode.pk))
    persons = journal.episode_persons(episode)
    if persons:
        record_access(
            request=request,
            subjects=persons,
            action=Action.VIEW,
            basis=str(basis),
            episode_id=episode.pk,
        )
    now = timezone.now()
    return render(
        request,
        "scheduling/episode_appointments.html",
        {
            "episode": episode,
            "clients": [str(p) if hasattr(p, "first_names") else p.label for p in persons],
            "upcoming": sorted((a for a in rows if a.ends_at >= now), key=lambda a: a.starts_at),
            "past": [a for a in rows if a.ends_at < now],
            "may_plan": is_member(user, episode.service_form_id)
            and episode.status != Episode.Status.ENDED,
        },
    )


# --------------------------------------------------------------------------- iCal feed


@object_scoped
@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The user's own feed page: create, regenerate or revoke the secret address."""
    user = _user(request)
    policy.require(user, "client_work.access")
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            token = services.feed_token_regenerate(actor=user)
            new_url = request.build_absolute_uri(reverse("scheduling:feed", args=[token]))
        elif action == "revoke":
            if services.feed_token_revoke(actor=user):
                messages.success(request, _("Kalenterisyöte on poistettu käytöstä."))
            return HttpResponseRedirect(reverse("scheduling:feed_settings"))
        else:
            raise Http404
    active = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()
    return render(
        request,
        "scheduling/feed_settings.html",
        {"active": active, "new_url": new_url},
    )


@public
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > 100:
        raise Http404
    digest = services.hash_token(token)
    with scopes_disabled():
        row = (
            CalendarFeedToken.objects.select_related("user")
            .filter(token_hash=digest, revoked_at__isnull=True)
            .first()
        )
    if row is None or not row.user.is_active or row.user.organisation_id != row.organisation_id:
        raise Http404
    user = row.user
    with scope(organisation=row.organisation_id):
        if not policy.decide(user, "client_work.access"):
            raise Http404
        CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        body = ical.build_feed(
            appointments=selectors.feed_appointments(user=user),
            host=request.get_host().split(":")[0],
            language=user.preferred_language or "fi",
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="tupa.ics"'
    return response
