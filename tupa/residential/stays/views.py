"""Residential screens: occupancy, admission, move and discharge (RES-01..03).

Thin views over :mod:`.selectors` and :mod:`.services`. Only client-work members of the
residential service form reach them (404 for everyone else, also for bad ids); who is in which
place is shown only for episodes the user may see (:mod:`tupa.access.clients`), and every
person shown is written to the access log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import clients
from tupa.access.fetch import Granted, episode_in_form_access, member_of, service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.access.residential import stay_access
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import (
    PeriodForm,
    form_status,
    month_period,
    saved_redirect,
    show_conflict,
    submit,
)
from tupa.episodes.models import Episode, Participant, Referral
from tupa.organisations.models import ServiceForm
from tupa.people.models import Alias, Person
from tupa.people.processing import restricted_ids
from tupa.residential.members.services import is_mother_and_baby_home
from tupa.residential.models import PayerCategory, Place, Stay, StayMember
from tupa.residential.stays import selectors, services
from tupa.residential.stays.forms import (
    AdmitForm,
    DischargeForm,
    MoveForm,
)

# --------------------------------------------------------------------------- helpers


def subject_of(participant: Participant) -> Person | Alias | None:
    """Whose data a participant row shows, for the access log: the person, or the anonymous
    alias — logged too, so that her log extract covers the anonymous phase once the alias is
    linked to her (as the episode page does, ``EpisodeDetail.persons``)."""
    return participant.person or participant.alias


def subjects_of(participants: Iterable[Participant]) -> list[Person | Alias]:
    return [s for s in (subject_of(p) for p in participants) if s is not None]


def log_shown(
    request: HttpRequest,
    persons: Iterable[Person | Alias],
    *,
    basis: str,
    action: str = Action.VIEW,
    episode_id: int | None = None,
) -> None:
    """Access log for ``persons`` shown on the page, on the basis the access decision gave."""
    subjects = list(persons)
    if subjects:
        record_access(
            request=request, subjects=subjects, action=action, basis=basis, episode_id=episode_id
        )


def _active_places(service_form: ServiceForm) -> QuerySet[Place]:
    return Place.objects.filter(service_form=service_form, active=True).order_by("order", "name")


def _taken_now(service_form: ServiceForm) -> frozenset[int]:
    """Places with somebody in them right now (a room counts as taken when anyone is in)."""
    return frozenset(
        StayMember.objects.filter(
            selectors.members_present_at(timezone.now()), stay__place__service_form=service_form
        ).values_list("stay__place_id", flat=True)
    )


def _detail_url(episode_id: int) -> str:
    return reverse("episodes:detail", args=[episode_id])


# --------------------------------------------------------------------------- occupancy


def _person_id(participant: Participant) -> int | None:
    """The person behind a participant (a linked alias's person), if any."""
    if participant.person_id is not None:
        return int(participant.person_id)
    if participant.alias is not None and participant.alias.person_id is not None:
        return int(participant.alias.person_id)
    return None


@object_scoped
@require_GET
def occupancy(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = service_form_or_404(request, slug, kind=ServiceForm.Kind.RESIDENTIAL)
    user = user_of(request)
    now = timezone.now()

    places = list(_active_places(service_form))
    present = list(
        StayMember.objects.filter(
            selectors.members_present_at(now), stay__place__service_form=service_form
        )
        .select_related("stay", "participant__person", "participant__alias")
        .order_by("stay__place_id", "arrived_at", "pk")
    )
    # GDPR art. 18: a restricted resident is listed without a name (and not logged as shown);
    # the stay still takes the place and counts in the figures.
    person_ids = {m.pk: _person_id(m.participant) for m in present}
    restricted = restricted_ids(person_ids.values())
    restricted_members = {pk for pk, person_id in person_ids.items() if person_id in restricted}
    bases = clients.episode_bases(user=user, episode_ids={m.stay.episode_id for m in present})
    by_place: dict[int, list[StayMember]] = defaultdict(list)
    stays_by_place: dict[int, dict[int, Stay]] = defaultdict(dict)
    to_log: dict[str, list[Participant]] = defaultdict(list)
    for member in present:
        basis = bases.get(member.stay.episode_id)
        stays_by_place[member.stay.place_id][member.stay_id] = member.stay
        if basis is None:
            continue
        by_place[member.stay.place_id].append(member)
        if member.pk not in restricted_members:
            to_log[str(basis)].append(member.participant)
    rows = []
    for place in places:
        stays = list(stays_by_place.get(place.pk, {}).values())
        rows.append(
            {
                "place": place,
                "members": by_place.get(place.pk, []),
                "stays": [s for s in stays if s.episode_id in bases],
                "hidden_stays": sum(1 for s in stays if s.episode_id not in bases),
            }
        )
    for basis_value, participants in to_log.items():
        log_shown(request, subjects_of(participants), basis=basis_value, action=Action.LIST)

    # The figures from the places and residents read above (occupancy_now would read them again).
    now_figures = selectors.occupancy_of(
        active_places=(place.pk for place in places),
        present_in=(member.stay.place_id for member in present),
    )

    data = request.GET if ("start" in request.GET or "end" in request.GET) else None
    period_form = PeriodForm(data, initial=month_period(timezone.localdate()))
    period = ledger = None
    months: list[dict[str, Any]] = []
    if data is None or period_form.is_valid():
        if data is None:
            start, end = month_period(timezone.localdate()).values()
        else:
            start, end = period_form.cleaned_data["start"], period_form.cleaned_data["end"]
        period = selectors.occupancy_period(service_form=service_form, start=start, end=end)
        ledger = selectors.ledger_for_service_form(
            service_form=service_form, period_start=start, period_end=end
        )
        for month in sorted(ledger.by_month):
            months.append(
                {
                    "month": month,
                    "cells": [
                        ledger.by_month_payer[(month, code)] for code in PayerCategory.values
                    ],
                    "total": ledger.by_month[month],
                }
            )
    return render(
        request,
        "residential/occupancy.html",
        {
            "service_form": service_form,
            "now_figures": now_figures,
            "rows": rows,
            "restricted_members": restricted_members,
            "period_form": period_form,
            "period": period,
            "ledger": ledger,
            "period_end": ledger.period_end if ledger else None,
            "months": months,
            "payer_labels": PayerCategory.labels,
            "payer_totals": [ledger.by_payer[c] for c in PayerCategory.values] if ledger else [],
            "open_stays": len(ledger.open_stay_ids) if ledger else 0,
        },
    )


# --------------------------------------------------------------------------- admission


def _current_participants(episode: Episode) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(episode=episode, left_on__isnull=True)
        .select_related("person", "alias")
        .order_by("pk")
    )


def _render_form(
    request: HttpRequest,
    episode: Episode,
    template: str,
    context: dict[str, Any],
    *,
    persons: Iterable[Person | Alias],
    basis: Basis,
    status: int = 200,
) -> HttpResponse:
    log_shown(request, persons, basis=basis, episode_id=episode.pk)
    return render(request, template, {"episode": episode, **context}, status=status)


@object_scoped
@require_http_methods(["GET", "POST"])
def admit(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = episode_in_form_access(
        request, episode_pk, kind=ServiceForm.Kind.RESIDENTIAL, rule=member_of
    )
    episode = granted.obj
    service_form = episode.service_form
    participants = list(_current_participants(episode))
    places = _active_places(service_form)
    form = AdmitForm(
        request.POST or None,
        places=places,
        participants=_current_participants(episode),
        taken=_taken_now(service_form),
        bookings=selectors.place_bookings(service_form=service_form),
        mother_and_baby_home=is_mother_and_baby_home(service_form),
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.stay_admit(
            actor=user_of(request),
            episode=episode,
            place=data["place"],
            arrived_at=form.moment(),
            members=list(data["members"]),
            payer_category=data["payer_category"],
            started_in_pregnancy=data.get("started_in_pregnancy", False),
        ),
        next_url=_detail_url(episode.pk),
        field_map={"arrived_at": "arrival_date"},
        denied_as_404=True,
    )
    if saved is not None:
        return saved
    return _render_form(
        request,
        episode,
        "residential/admit.html",
        {"form": form, "title": _("Tulo asumaan"), "service_form": service_form},
        persons=subjects_of(participants),
        basis=granted.basis,
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- move and discharge


def _stay_persons(stay: Stay) -> list[StayMember]:
    return list(
        StayMember.objects.filter(stay=stay, departed_at__isnull=True)
        .select_related("participant__person", "participant__alias")
        .order_by("pk")
    )


def _stay_change(
    request: HttpRequest,
    granted: Granted[Stay],
    form: BaseForm,
    save: Callable[[dict[str, Any]], object],
    *,
    rebind: Callable[[QueryDict], BaseForm],
    field_map: dict[str, str],
    title: str,
    submit_label: str,
) -> HttpResponse:
    """The step of a change to a stay under optimistic locking (move, discharge).

    On a POST, ``save``; when done, the episode's page. When somebody else saved the stay after
    the form was loaded (:class:`~tupa.core.conflicts.VersionConflict`), the form comes again
    with what was typed, built on the stay as saved now (``rebind``), with the conflict shown
    (:func:`~tupa.core.forms.show_conflict`, 409); a refused form comes again with its errors
    (400).
    """
    stay = granted.obj
    if request.method == "POST":
        done = submit(form, save, field_map=field_map)
        if done.ok:
            return HttpResponseRedirect(_detail_url(stay.episode_id))
        if done.conflict is not None:
            stay = done.conflict.current
            form = rebind(cast(QueryDict, form.data))
            show_conflict(form, done.conflict)
    members = _stay_persons(stay)
    return _render_form(
        request,
        stay.episode,
        "residential/stay_form.html",
        {
            "form": form,
            "stay": stay,
            "members": members,
            "title": title,
            "submit": submit_label,
        },
        persons=subjects_of(m.participant for m in members),
        basis=granted.basis,
        status=form_status(form),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    granted = stay_access(request, pk)
    stay = granted.obj
    referrals = (
        Referral.objects.filter(from_episode=stay.episode)
        .select_related("to_service_form")
        .order_by("-pk")
    )
    form = DischargeForm(
        request.POST or None, referrals=referrals, initial={"version": stay.version}
    )
    return _stay_change(
        request,
        granted,
        form,
        lambda data: services.stay_discharge(
            actor=user_of(request),
            stay=stay,
            departed_at=form.moment(),
            destination=data["destination"],
            destination_note=data["destination_note"],
            follow_on_referral=data["follow_on_referral"],
            version=data["version"],
        ),
        rebind=lambda data: DischargeForm(data, referrals=referrals),
        field_map={"departed_at": "departure_date"},
        title=_("Lähtö asumasta"),
        submit_label=_("Kirjaa lähtö"),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    granted = stay_access(request, pk)
    stay = granted.obj
    service_form = stay.episode.service_form
    places = _active_places(service_form).exclude(pk=stay.place_id)
    taken = _taken_now(service_form)
    bookings = selectors.place_bookings(service_form=service_form)
    form = MoveForm(
        request.POST or None,
        places=places,
        taken=taken,
        bookings=bookings,
        initial={"version": stay.version},
    )
    return _stay_change(
        request,
        granted,
        form,
        lambda data: services.stay_move(
            actor=user_of(request),
            stay=stay,
            to_place=data["to_place"],
            at=form.moment(),
            version=data["version"],
        ),
        rebind=lambda data: MoveForm(data, places=places, taken=taken, bookings=bookings),
        field_map={"place": "to_place", "departed_at": "move_date"},
        title=_("Siirto toiselle paikalle"),
        submit_label=_("Siirrä"),
    )
