"""Who may work in an open family house (:mod:`tupa.dropin`).

The drop-in services enforce these predicates (``PermissionDenied``); the views fetch the house
through :mod:`tupa.access.fetch` with them, so a refused user sees 404. The statistics pages
are the policy action ``dropin.statistics.view``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tupa.access import clients
from tupa.organisations.models import ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User


def may_use(user: User, service_form: ServiceForm) -> bool:
    """Client-work members (worker, lead, coordinator) of a drop-in form do its work."""
    return service_form.kind == ServiceForm.Kind.DROP_IN and clients.is_member(
        user, service_form.pk
    )


def may_correct(user: User, service_form: ServiceForm) -> bool:
    """Leads of a drop-in form correct a past day's figures (with a written reason)."""
    return service_form.kind == ServiceForm.Kind.DROP_IN and clients.is_lead(user, service_form.pk)


def may_identify_into(user: User, service_form: ServiceForm, target: ServiceForm) -> bool:
    """A consenting visitor becomes a client of a form where the worker works (ANO-05)."""
    return target.organisation_id == service_form.organisation_id and clients.is_member(
        user, target.pk
    )


def identify_targets(user: User) -> QuerySet[ServiceForm]:
    """The active service forms a visitor may be identified into by ``user`` (their own)."""
    return ServiceForm.objects.filter(
        pk__in=clients.user_scope(user).member_form_ids, active=True
    ).order_by("order", "name")
