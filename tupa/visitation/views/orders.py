"""The front page and the meeting orders: list, create, change, detail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access.fetch import service_form_access
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.access.visitation import may_work, order_access, order_episode_access
from tupa.audit.models import Action
from tupa.core.forms import posted_status, saved_redirect
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.visitation import rules, selectors, services
from tupa.visitation.forms import OrderForm
from tupa.visitation.models import MeetingOrder, MeetingType, PartyRole
from tupa.visitation.views.common import (
    current_participants,
    log_access,
    order_url,
    partners_of,
    roles_of,
    subjects_of,
)

#: How far ahead the front page lists meetings.
UPCOMING_DAYS = 14


# --------------------------------------------------------------------------- front page


@object_scoped
@require_GET
def order_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Orders in force (or all), the next two weeks' meetings and episodes without an order."""
    granted = service_form_access(request, slug, kind=ServiceForm.Kind.VISITATION, rule=may_work)
    service_form = granted.obj
    today = timezone.localdate()
    show_all = request.GET.get("kaikki") == "1"
    orders = list(
        selectors.orders_for_form(service_form=service_form, on=None if show_all else today)
    )
    start = rules.local_moment(today, dt.time(0, 0))
    upcoming = list(
        selectors.upcoming_meetings(
            service_form=service_form,
            start=start,
            end=rules.local_moment(today + dt.timedelta(days=UPCOMING_DAYS), dt.time(0, 0)),
        )
    )
    with_order = set(
        MeetingOrder.objects.filter(episode__service_form=service_form)
        .filter(valid_from__lte=today)
        .exclude(valid_until__lt=today)
        .values_list("episode_id", flat=True)
    )
    without = list(
        selectors.listed_episodes(service_form=service_form)
        .filter(status=Episode.Status.ACTIVE)
        .exclude(pk__in=with_order)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(left_on__isnull=True)
                .select_related("person", "alias")
                .order_by("pk"),
            )
        )
        .order_by("-start_date", "-pk")
    )
    subjects: list[Any] = []
    for order in orders:
        subjects += selectors.persons_of_parties(order.parties.all())
    for meeting in upcoming:
        subjects += selectors.persons_of_parties(meeting.order.parties.all())
    for episode in without:
        subjects += subjects_of(episode.participants.all())
    log_access(request, subjects, basis=granted.basis, action=Action.LIST)
    return render(
        request,
        "visitation/order_list.html",
        {
            "service_form": service_form,
            "orders": orders,
            "upcoming": upcoming,
            "without": without,
            "show_all": show_all,
            "upcoming_days": UPCOMING_DAYS,
            "may_stats": bool(
                policy.decide(user_of(request), "visitation.statistics.view", service_form)
            ),
        },
    )


# --------------------------------------------------------------------------- orders


#: The services' errors about the parties as a whole go to the top of the form.
_PARTY_ERRORS = {"parties": "__all__"}


def _render_order_form(
    request: HttpRequest,
    *,
    episode: Episode,
    form: OrderForm,
    order: MeetingOrder | None,
    basis: Basis,
) -> HttpResponse:
    """The order form, on a GET and again after a refused POST (400, also for a POST that bound
    no form); it lists the episode's participants, so they are logged."""
    log_access(request, subjects_of(form.participants), basis=basis, episode_id=episode.pk)
    return render(
        request,
        "visitation/order_form.html",
        {
            "episode": episode,
            "service_form": episode.service_form,
            "form": form,
            "order": order,
            "title": _("Muokkaa tapaamismääräystä") if order else _("Uusi tapaamismääräys"),
        },
        status=posted_status(request, form),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = order_episode_access(
        request, Episode.objects.select_related("service_form").filter(pk=episode_pk).first()
    )
    episode = granted.obj
    if episode.status == Episode.Status.ENDED:
        raise Http404
    participants = current_participants(episode)
    initial: dict[str, Any] = {"valid_from": timezone.localdate()}
    for p in participants:
        if p.role == Participant.Role.CHILD:
            initial[f"party_{p.pk}"] = PartyRole.CHILD
    form = OrderForm(
        request.POST or None,
        partners=partners_of(episode.organisation_id),
        participants=participants,
        initial=initial,
    )
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.order_create(
            actor=user_of(request),
            episode=episode,
            parties=form.parties(),
            **form.order_values(),
        ),
        next_url=lambda created: order_url(created.pk),
        field_map=_PARTY_ERRORS,
        denied_as_404=True,  # the access check above already made the episode visible
    )
    return saved or _render_order_form(
        request, episode=episode, form=form, order=None, basis=granted.basis
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    granted = order_access(request, pk)
    order = granted.obj
    episode = order.episode
    participants = current_participants(episode)
    # Parties who have since left the episode stay choosable, so that saving keeps them.
    known = {p.pk for p in participants}
    participants += [
        party.participant for party in order.parties.all() if party.participant_id not in known
    ]
    form = OrderForm(
        request.POST or None,
        partners=partners_of(episode.organisation_id),
        participants=participants,
        initial=OrderForm.initial_for(order),
        hide_payer=selectors.order_protected(order),
        editing=True,
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.order_update(
            actor=user_of(request),
            order=order,
            version=data.get("version"),
            parties=form.parties(),
            **form.order_values(),
        ),
        next_url=order_url(order.pk),
        field_map=_PARTY_ERRORS,
    )
    return saved or _render_order_form(
        request, episode=episode, form=form, order=order, basis=granted.basis
    )


@object_scoped
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = order_access(request, pk)
    order = granted.obj
    parties = list(order.parties.all())
    roles = roles_of(order)
    meetings = list(selectors.meetings_of(order))
    now = timezone.now()
    rows = [
        {
            "meeting": m,
            "times": selectors.party_times_for(m, order, roles),
            "past": m.starts_at <= now,
        }
        for m in meetings
    ]
    restricted = selectors.order_protected(order)
    contacts = list(selectors.contacts_of(order))
    log_access(
        request,
        selectors.persons_of_parties(parties),
        basis=granted.basis,
        episode_id=order.episode_id,
    )
    next_start = None
    if meetings:
        last = meetings[-1]
        local = timezone.localtime(last.starts_at, HELSINKI)
        next_start = local + dt.timedelta(weeks=order.interval_weeks)
    return render(
        request,
        "visitation/order_detail.html",
        {
            "order": order,
            "episode": order.episode,
            "service_form": order.episode.service_form,
            "parties": parties,
            "rows": rows,
            "contacts": contacts,
            "has_restriction": restricted,
            "next_start": next_start,
            "is_exchange": order.meeting_type == MeetingType.EXCHANGE,
        },
    )
