"""The checks every write of the volunteer app starts with (shared by the sub-packages'
``services``): who may write, no future dates, one writer per volunteer at a time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tupa.access import volunteers as access
from tupa.organisations.models import ServiceForm
from tupa.volunteers.models import Volunteer

if TYPE_CHECKING:
    from tupa.accounts.models import User


def require_form(actor: User, service_form: ServiceForm) -> None:
    """Only a volunteer coordinator of ``service_form`` (or one held organisation-wide)."""
    if service_form.organisation_id != actor.organisation_id or not access.may_manage_form(
        actor, service_form
    ):
        raise PermissionDenied


def require_volunteer(actor: User, volunteer: Volunteer) -> None:
    """Only a volunteer coordinator of one of the volunteer's forms (or organisation-wide)."""
    if not access.may_manage(actor, volunteer):
        raise PermissionDenied


def require_own(actor: User, volunteer: Volunteer) -> None:
    """Only the volunteer's own portal login, while its access is in force (the portal)."""
    own = access.portal_volunteer_of(actor)
    if own is None or own.pk != volunteer.pk:
        raise PermissionDenied


def not_future(field: str, value: dt.date | None, message: str) -> None:
    """Refuse a day after today, with ``message`` under ``field``."""
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: message})


def lock_volunteer(volunteer: Volunteer) -> Volunteer:
    """Serialise the writes that check a volunteer's other rows (status, hours)."""
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)
