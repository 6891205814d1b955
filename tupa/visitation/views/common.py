"""Helpers shared by the Tapaamispaikka screens: the access log and the order's people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Partner
from tupa.visitation.models import MeetingOrder


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
