"""Planning an appointment, changing it, recording its outcome, and an episode's list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import contact
from tupa.access.fetch import episode_access, service_form_access
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.access.scheduling import appointment_or_404, may_plan
from tupa.accounts.models import User
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import form_status, submit
from tupa.core.params import plain_int
from tupa.episodes import journal
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Partner, ServiceForm
from tupa.people.processing import exclude_restricted_episodes
from tupa.scheduling import selectors, services
from tupa.scheduling.forms import AppointmentForm, OutcomeForm
from tupa.scheduling.models import Appointment, Outcome, Room
from tupa.scheduling.views.common import log_page

#: Service field → form field, for showing a service's errors next to the right input.
_FIELD_MAP = {"starts_at": "date", "ends_at": "end", "repeat_until": "repeat_until"}

#: The free texts of an appointment that may place a protected family (an address, a door
#: code): shown and edited only by who may reveal the family (``contact.may_reveal_family``).
FAMILY_TEXTS = ("place_note", "note")


# --------------------------------------------------------------------------- planning


def _room_choices(service_form: ServiceForm) -> QuerySet[Room]:
    from django.db.models import Q

    return Room.objects.filter(active=True).filter(
        Q(service_form__isnull=True) | Q(service_form=service_form)
    )


def _episode_choices(service_form: ServiceForm) -> QuerySet[Episode]:
    """The form's open episodes, without those of a restricted participant (GDPR art. 18: no
    new appointments, and left out of every list that names clients)."""
    return (
        exclude_restricted_episodes(
            Episode.objects.filter(service_form=service_form),
            organisation_id=service_form.organisation_id,
        )
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


def _planned_values(request: HttpRequest, form: AppointmentForm) -> dict[str, Any]:
    """What planning and changing an appointment both pass from the form to the service."""
    data = form.cleaned_data
    return {
        "starts_at": form.starts_at(),
        "ends_at": form.ends_at(),
        "type": data["type"],
        "place_kind": data["place_kind"],
        "partner": data.get("partner"),
        "place_note": data.get("place_note", ""),
        "room": data.get("room"),
        "organiser": data["organiser"],
        "co_workers": data.get("co_workers") or [],
        "note": data.get("note", ""),
        "confirm_conflicts": request.POST.get("confirm") == "1",
    }


@dataclass(frozen=True)
class _Posted:
    """What the POST of an appointment form came to: ``saved`` (and what the service returned),
    or the status of the form shown again — 200 on a GET, 400 refused, 409 with the clashing
    bookings (``conflicts``) for the user to confirm or after somebody else saved in between."""

    saved: bool = False
    value: Any = None
    status: int = 200
    conflicts: list[services.Conflict] = field(default_factory=list)


def _post(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Any]) -> _Posted:
    """The POST step of the appointment forms: ``save`` through :func:`submit` (the service's
    errors next to their inputs); clashes (only planning finds them) answer 409, and an
    appointment the user may not touch answers 404 like one that does not exist."""
    if request.method != "POST":
        return _Posted()
    try:
        done = submit(form, save, field_map=_FIELD_MAP)
    except services.ConflictsFound as found:
        return _Posted(status=409, conflicts=found.conflicts)
    except services.AppointmentPermissionDenied as exc:
        raise Http404 from exc
    return _Posted(saved=done.ok, value=done.value, status=200 if done.ok else form_status(form))


@object_scoped
@require_http_methods(["GET", "POST"])
def appointment_create(request: HttpRequest, slug: str) -> HttpResponse:
    granted = service_form_access(request, slug, rule=may_plan)
    service_form = granted.obj
    user = user_of(request)
    fixed_episode: Episode | None = None
    episode_pk = request.GET.get("asiakkuus", "")
    if episode_pk:
        wanted = plain_int(episode_pk)
        if wanted is None:
            raise Http404
        fixed_episode = _episode_choices(service_form).filter(pk=wanted).first()
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
    posted = _post(
        request,
        form,
        lambda data: services.appointment_create(
            actor=user,
            service_form=service_form,
            episode=data.get("episode"),
            repeat=form.recurrence(),
            **_planned_values(request, form),
        ),
    )
    if posted.saved:
        created = posted.value
        if len(created) == 1:
            messages.success(request, _("Tapaaminen tallennettu."))
        else:
            messages.success(
                request,
                _("Tapaamissarja tallennettu: %(count)s tapaamista.") % {"count": len(created)},
            )
        first = created[0]
        day = f"?paiva={timezone.localtime(first.starts_at).date().isoformat()}"
        if first.organiser_id != user.pk:
            return HttpResponseRedirect(
                reverse("scheduling:team_week", args=[service_form.slug]) + day
            )
        return HttpResponseRedirect(reverse("scheduling:my_calendar") + day)
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
            "conflicts": posted.conflicts,
            "fixed_episode": fixed_episode,
            "title": _("Uusi tapaaminen"),
            "editing": False,
        },
        status=posted.status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_or_404(request, pk)
    user = user_of(request)
    page = selectors.present(viewer=user, appointments=[appointment], listed=False)
    if not page.items[0].visible:
        # A co-worker who cannot see the episode sees the appointment only as "Varattu" and
        # may not read (or overwrite) its note and place note here either.
        raise Http404
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
    family_texts_hidden = not contact.may_reveal_family(
        user=user, episode_id=appointment.episode_id
    )
    if family_texts_hidden:
        # A protected family's place note and note (an address, a door code): neither shown in
        # the inputs nor overwritten.
        for name in FAMILY_TEXTS:
            del form.fields[name]

    def save(data: dict[str, Any]) -> Any:
        values = _planned_values(request, form)
        if family_texts_hidden:
            values.update({name: getattr(appointment, name) for name in FAMILY_TEXTS})
        return services.appointment_update(
            actor=user, appointment=appointment, version=data["version"], **values
        )

    posted = _post(request, form, save)
    if posted.saved:
        messages.success(request, _("Tapaamisen muutokset tallennettu."))
        return HttpResponseRedirect(reverse("scheduling:detail", args=[appointment.pk]))
    log_page(request, page, action=Action.VIEW)
    return render(
        request,
        "scheduling/appointment_form.html",
        {
            "service_form": appointment.service_form,
            "form": form,
            "conflicts": posted.conflicts,
            "item": page.items[0],
            "appointment": appointment,
            "title": _("Muuta tapaamista"),
            "editing": True,
            "family_texts_hidden": family_texts_hidden,
        },
        status=posted.status,
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
    try:
        posted = _post(
            request,
            form,
            lambda data: services.appointment_record_outcome(
                actor=user,
                appointment=appointment,
                outcome=data["outcome"],
                note=data.get("outcome_note", ""),
            ),
        )
    except journal.JournalPermissionDenied:
        form.add_error(None, _("Sinulla ei ole oikeutta kirjata tämän tapaamisen asiakkuuteen."))
        posted = _Posted(status=403)
    if posted.saved:
        if appointment.episode_id:
            messages.success(
                request, _("Lopputulos tallennettu ja kirjattu asiakkuuden kirjauksiin.")
            )
        else:
            messages.success(request, _("Lopputulos tallennettu."))
        return HttpResponseRedirect(reverse("scheduling:detail", args=[appointment.pk]))
    page = selectors.present(viewer=user, appointments=[appointment], listed=False)
    log_page(request, page, action=Action.VIEW)
    item = page.items[0]
    series_rows: list[Appointment] = []
    if appointment.series_id and item.visible:
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
            "family_texts_hidden": item.visible
            and not contact.may_reveal_family(user=user, episode_id=appointment.episode_id),
            "can_record": item.visible,
            "journal_url": (
                reverse("episodes:journal_list", args=[appointment.episode_id])
                if appointment.episode_id and item.visible
                else ""
            ),
        },
        status=posted.status,
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
