"""Helpers shared by the Tapaamispaikka screens: the access log, the order's people and the
form pages of one order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import posted_status
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Partner
from tupa.visitation import selectors
from tupa.visitation.models import MeetingOrder, OrderParty


def log_access(
    request: HttpRequest,
    subjects: Iterable[Any],
    *,
    basis: Basis,
    action: str = Action.VIEW,
    episode_id: int | None = None,
) -> None:
    subjects = list(subjects)
    if subjects:
        record_access(
            request=request,
            subjects=subjects,
            action=action,
            basis=basis,
            episode_id=episode_id,
        )


def partners_of(organisation_id: int) -> QuerySet[Partner]:
    return Partner.objects.filter(organisation_id=organisation_id, active=True).order_by("name")


def order_url(order_id: int) -> str:
    return reverse("visitation:order_detail", args=[order_id])


def current_participants(episode: Episode) -> list[Participant]:
    return list(
        Participant.objects.filter(episode=episode, left_on__isnull=True)
        .select_related("person", "alias")
        .order_by("pk")
    )


def subjects_of(participants: Iterable[Participant]) -> list[Any]:
    return [p.person or p.alias for p in participants if p.person or p.alias]


def roles_of(order: MeetingOrder) -> list[str]:
    return list(dict.fromkeys(p.role for p in order.parties.all()))


def order_form_page(
    request: HttpRequest,
    order: MeetingOrder,
    parties: list[OrderParty],
    *,
    basis: Basis,
    template: str,
    form: Any,
    **context: Any,
) -> HttpResponse:
    """A form page of one order (schedule, change or close a meeting, log a contact), shown on
    a GET and again after a refused POST (400, also for a POST that bound no form). The page is
    about the order's ``parties`` (in its context as such), so they are logged first; a saved
    form redirects and logs nothing."""
    log_access(
        request,
        selectors.persons_of_parties(parties),
        basis=basis,
        episode_id=order.episode_id,
    )
    return render(
        request,
        template,
        {
            "order": order,
            "parties": parties,
            "form": form,
            "service_form": order.episode.service_form,
            **context,
        },
        status=posted_status(request, form),
    )
