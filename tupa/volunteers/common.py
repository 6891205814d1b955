"""Helpers shared by the volunteer screens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access


def log_volunteers(
    request: HttpRequest, volunteers: Iterable[Any], *, basis: Basis, action: str = Action.VIEW
) -> None:
    """One access-log row per volunteer shown (fail closed, like client data)."""
    subjects = list(volunteers)
    if subjects:
        record_access(request=request, subjects=subjects, action=action, basis=basis)


def volunteer_url(pk: int) -> str:
    return reverse("volunteers:detail", args=[pk])


def course_url(pk: int) -> str:
    return reverse("volunteers:course_detail", args=[pk])
