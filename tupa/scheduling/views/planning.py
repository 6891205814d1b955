"""Planning an appointment, changing it, recording its outcome, and an episode's list."""

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

from tupa.access.fetch import episode_access, service_form_access
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.access.scheduling import appointment_or_404, may_plan
from tupa.accounts.models import User
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import apply_errors
from tupa.episodes import journal
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Partner, ServiceForm
from tupa.scheduling import selectors, services
from tupa.scheduling.forms import AppointmentForm, OutcomeForm
from tupa.scheduling.models import Appointment, Outcome, Room
from tupa.scheduling.views.common import log_page

#: Service field → form field, for showing a service's errors next to the right input.
_FIELD_MAP = {"starts_at": "date", "ends_at": "end", "repeat_until": "repeat_until"}


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


def _log_episode_choices(
    request: HttpRequest, episodes: Iterable[Episode], *, basis: Basis
) -> None:
    subjects = [
        p.person or p.alias
        for e in episodes
        for p in getattr(e, "listed_participants", [])
        if p.person or p.alias
    ]
    if subjects:
        record_access(request=request, subjects=subjects, action=Action.LIST, basis=basis)


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
    granted = service_form_access(request, slug, rule=may_plan)
    service_form = granted.obj
    user = user_of(request)
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
        _log_episode_choices(
            request,
            episode_field.queryset,  # type: ignore[attr-defined]
            basis=granted.basis,
        )
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
    appointment = appointment_or_404(request, pk)
    user = user_of(request)
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
    log_page(request, page, action=Action.VIEW)
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
    appointment = appointment_or_404(request, pk)
    user = user_of(request)
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
    log_page(request, page, action=Action.VIEW)
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
    user = user_of(request)
    granted = episode_access(request, episode_pk)
    episode, basis = granted.obj, granted.basis
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
            "may_plan": may_plan(user, episode.service_form)
            and episode.status != Episode.Status.ENDED,
        },
    )
