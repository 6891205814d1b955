"""Pages of who is asked and when: a form's schedules, its due list, making an invitation (the
link is shown once) and the open invitations with the reminder list.

Every page gets its form or object through :mod:`tupa.access.surveys` (404 otherwise) and logs
each person and volunteer it shows (a *list* read, with the basis of each row's episode).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import clients
from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import form_page, saved_redirect, submit
from tupa.organisations.models import ServiceForm
from tupa.surveys import navigation
from tupa.surveys.models import Schedule
from tupa.surveys.schedules import selectors, services
from tupa.surveys.schedules.forms import (
    ActiveForm,
    InvitationCreateForm,
    ScheduleForm,
    schedule_initial,
)


def _log_list(request: HttpRequest, shown: Iterable[tuple[Any, Any]]) -> None:
    """One LIST event per basis, naming every person or volunteer shown with it (``shown``:
    pairs of basis and subject, in the order of the page)."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for basis, subject in shown:
        grouped[str(basis)].append(subject)
    for basis, subjects in grouped.items():
        record_access(request=request, subjects=subjects, action=Action.LIST, basis=basis)


def _log_rows(
    request: HttpRequest,
    rows: Iterable[Any],
    *,
    form_basis: Basis,
) -> None:
    """One LIST event per person (with the basis of its episode) and per volunteer shown."""
    shown: list[tuple[Any, Any]] = []
    for row in rows:
        if row.person is not None and row.basis is not None:
            shown.append((row.basis, row.person))
        if row.volunteer is not None:
            shown.append((form_basis, row.volunteer))
    _log_list(request, shown)


def _questionnaires(request: HttpRequest, service_form: ServiceForm) -> Any:
    """The form's own questionnaires and the organisation-wide ones."""
    return (
        access.questionnaires_visible_to(user_of(request), access.MANAGE)
        .filter(Q(service_form=service_form) | Q(service_form__isnull=True), archived=False)
        .order_by("name", "pk")
    )


def _schedules_url(service_form: ServiceForm) -> str:
    return reverse("surveys:schedules", args=[service_form.slug])


@object_scoped
@require_GET
def schedule_list(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = access.form_access(request, slug, action=access.MANAGE).obj
    return render(
        request,
        "surveys/schedules/list.html",
        {
            "service_form": service_form,
            "schedules": list(selectors.schedules_of(service_form)),
            "thl_form": access.is_thl_feedback_form(service_form),
            "schedule_pages": navigation.schedule_pages(user_of(request), service_form),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def schedule_create(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = access.form_access(request, slug, action=access.MANAGE).obj
    return _schedule_form(
        request,
        service_form,
        None,
        lambda data: services.schedule_create(
            actor=user_of(request), service_form=service_form, **data
        ),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = access.schedule_access(request, pk).obj
    return _schedule_form(
        request,
        schedule.service_form,
        schedule,
        lambda data: services.schedule_update(actor=user_of(request), schedule=schedule, **data),
    )


def _schedule_form(
    request: HttpRequest,
    service_form: ServiceForm,
    schedule: Schedule | None,
    write: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """The schedule form (a new one when ``schedule`` is None); saved: back to the list."""
    form = ScheduleForm(
        request.POST or None,
        initial=schedule_initial(schedule),
        questionnaires=_questionnaires(request, service_form),
    )
    saved = saved_redirect(
        request,
        form,
        write,
        next_url=_schedules_url(service_form),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "surveys/schedules/form.html",
        form,
        {"service_form": service_form, "schedule": schedule},
    )


@object_scoped
@require_POST
def schedule_active(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = access.schedule_access(request, pk).obj
    form = ActiveForm(request.POST)
    done = submit(
        form,
        lambda data: services.schedule_set_active(
            actor=user_of(request), schedule=schedule, active=data["active"]
        ),
        denied_as_404=True,
    )
    if done.ok:
        return HttpResponseRedirect(_schedules_url(schedule.service_form))
    return render(
        request,
        "surveys/schedules/list.html",
        {
            "service_form": schedule.service_form,
            "schedules": list(selectors.schedules_of(schedule.service_form)),
            "form": form,
        },
        status=400,
    )


@object_scoped
@require_GET
def due(request: HttpRequest, slug: str) -> HttpResponse:
    granted = access.form_access(request, slug, action=access.INVITE)
    service_form = granted.obj
    today = timezone.localdate()
    due_list = selectors.due_list(user=user_of(request), service_form=service_form, today=today)
    _log_rows(request, due_list.rows, form_basis=granted.basis)
    return render(
        request,
        "surveys/schedules/due.html",
        {
            "service_form": service_form,
            "due": due_list,
            "today": today,
            "schedule_pages": navigation.schedule_pages(user_of(request), service_form),
        },
    )


@object_scoped
@require_POST
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    granted = access.form_access(request, slug, action=access.INVITE)
    service_form = granted.obj
    user = user_of(request)
    form = InvitationCreateForm(
        request.POST,
        schedules=selectors.schedules_of(service_form, active_only=True),
        episodes=clients.form_episodes_visible_to(user=user, service_form=service_form),
        organisation_id=service_form.organisation_id,
        service_form_id=service_form.pk,
    )
    if not form.is_valid():
        raise Http404  # a forged or stale row: another form's schedule, an invisible episode
    data = form.cleaned_data
    schedule = data["schedule"]
    if data.get("person") is not None and data.get("episode") is None:
        raise Http404  # a person is always invited through one of their episodes
    done = submit(
        form,
        lambda data: services.invitation_create(
            actor=user,
            service_form=service_form,
            schedule=schedule,
            target=schedule.target,
            **{k: v for k, v in data.items() if k != "schedule"},
        ),
        denied_as_404=True,
    )
    person = data.get("person")
    if person is not None:
        basis = clients.episode_basis(user=user, episode=data["episode"])
        record_access(
            request=request,
            subjects=[person],
            action=Action.VIEW,
            basis=str(basis or granted.basis),
            episode_id=data["episode"].pk,
        )
    elif data.get("volunteer") is not None:
        record_access(
            request=request, subjects=[data["volunteer"]], action=Action.VIEW, basis=granted.basis
        )
    if not done.ok:
        return render(
            request,
            "surveys/schedules/invitation_refused.html",
            {"service_form": service_form, "form": form, "recipient": _recipient(data)},
            status=400,
        )
    assert done.value is not None
    invitation, token = done.value
    return render(
        request,
        "surveys/schedules/invitation_created.html",
        {
            "service_form": service_form,
            "invitation": invitation,
            "recipient": _recipient(data),
            "link": request.build_absolute_uri(reverse("answer:invitation", args=[token])),
        },
    )


def _recipient(data: dict[str, Any]) -> str:
    person = data.get("person")
    volunteer = data.get("volunteer")
    if person is not None:
        return f"{person.last_name}, {person.first_names}"
    if volunteer is not None:
        return f"{volunteer.last_name}, {volunteer.first_names}"
    return str(data.get("recipient_label") or data.get("partner") or "")


@object_scoped
@require_GET
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    granted = access.form_access(request, slug, action=access.INVITE)
    service_form = granted.obj
    user = user_of(request)
    today = timezone.localdate()
    overview = selectors.invitation_overview(user=user, service_form=service_form, today=today)
    invitations = [row.invitation for row in overview.open]
    bases = clients.episode_bases(
        user=user, episode_ids={i.episode_id for i in invitations if i.episode_id}
    )
    shown: list[tuple[Any, Any]] = []
    for inv in invitations:
        if inv.person is not None and inv.episode_id in bases:
            shown.append((bases[inv.episode_id], inv.person))
        if inv.volunteer is not None:
            shown.append((granted.basis, inv.volunteer))
    _log_list(request, shown)
    return render(
        request,
        "surveys/schedules/invitations.html",
        {
            "service_form": service_form,
            "overview": overview,
            "remind_after": selectors.REMIND_AFTER_DAYS,
            "max_reminders": selectors.MAX_REMINDERS,
            "schedule_pages": navigation.schedule_pages(user, service_form),
        },
    )


@object_scoped
@require_POST
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_step(request, pk, services.invitation_cancel, active="0")


@object_scoped
@require_POST
def invitation_remind(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_step(request, pk, services.invitation_remind, active="1")


def _invitation_step(
    request: HttpRequest, pk: int, step: Callable[..., object], *, active: str
) -> HttpResponse:
    """Cancel or remind one invitation (``step(actor=, invitation=)``); done, back to the open
    invitations; refused, the refusal page (400). Not form_page(): the refusal is another page."""
    invitation = access.invitation_access(request, pk).obj
    form = ActiveForm({"active": active})
    done = submit(
        form,
        lambda _data: step(actor=user_of(request), invitation=invitation),
        denied_as_404=True,
    )
    service_form = invitation.service_form
    if done.ok:
        return HttpResponseRedirect(reverse("surveys:invitations", args=[service_form.slug]))
    return render(
        request,
        "surveys/schedules/invitation_refused.html",
        {"service_form": service_form, "form": form, "recipient": ""},
        status=400,
    )
