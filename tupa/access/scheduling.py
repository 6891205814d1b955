"""Who may plan, see and change appointments (:mod:`tupa.scheduling`).

The scheduling services enforce these predicates (``AppointmentPermissionDenied``); the views
fetch through :mod:`tupa.access.fetch` with them, so a refused user sees 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

from tupa.access import clients
from tupa.access.marks import user_of
from tupa.scheduling.models import Appointment

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm


def may_plan(user: User, service_form: ServiceForm) -> bool:
    """Client-work members (worker, lead, coordinator) of a service form plan its appointments."""
    return user.organisation_id == service_form.organisation_id and clients.is_member(
        user, service_form.pk
    )


def may_organise(user: User, service_form: ServiceForm) -> bool:
    """Only an active client-work member of the service form may be an appointment's organiser."""
    return user.is_active and clients.is_member(user, service_form.pk)


def may_manage(*, user: User, appointment: Appointment) -> bool:
    """Members of the appointment's service form, its organiser and co-workers see and change it."""
    if user.organisation_id != appointment.organisation_id or not user.is_active:
        return False
    if clients.is_member(user, appointment.service_form_id):
        return True
    if appointment.organiser_id == user.pk:
        return True
    return appointment.co_workers.filter(pk=user.pk).exists()


def appointment_or_404(request: HttpRequest, pk: int) -> Appointment:
    """The appointment ``pk`` for whoever :func:`may_manage` it, or 404 (also for bad ids).

    The persons it shows are logged by the calendar presenter, each with its own basis.
    """
    appointment = (
        Appointment.objects.select_related(
            "service_form", "episode", "organiser", "room", "partner", "series", "journal_entry"
        )
        .prefetch_related("co_workers")
        .filter(pk=pk)
        .first()
    )
    if appointment is None or not may_manage(user=user_of(request), appointment=appointment):
        raise Http404
    return appointment
