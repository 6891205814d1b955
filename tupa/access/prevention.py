"""Who may keep a prevention form's activity register (:mod:`tupa.prevention`).

Prevention work has no clients: its rows are events, head counts and materials, never a person.
Still they are the form's own work records, so the form's client-work members (worker, lead,
coordinator) keep them and its lead removes one recorded by mistake; the services enforce these
predicates (``PermissionDenied``) and the views fetch the form with them (404 for others).
The figures counted from the rows are STEA's results report, readable by whoever may read the
form's returns (:mod:`tupa.access.statistics`); a figure's drill-down lists its activities or
deliveries only to the form's members (:func:`recorded_rows_visible_to`), the others see counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from tupa.access import clients
from tupa.access.fetch import service_form_or_404
from tupa.organisations.models import ServiceForm
from tupa.prevention.models import Activity, Delivery

if TYPE_CHECKING:
    from tupa.accounts.models import User


def may_record(user: User, service_form: ServiceForm) -> bool:
    """Client-work members of a prevention form record and correct its activities and
    material deliveries, and keep its list of materials."""
    return (
        service_form.kind == ServiceForm.Kind.PREVENTION
        and user.organisation_id == service_form.organisation_id
        and clients.is_member(user, service_form.pk)
    )


def may_remove(user: User, service_form: ServiceForm) -> bool:
    """The form's leads remove a row recorded by mistake (with a written reason)."""
    return may_record(user, service_form) and clients.is_lead(user, service_form.pk)


def form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    """The prevention form ``slug`` for one of its members (:func:`may_record`), or 404."""
    return service_form_or_404(request, slug, rule=may_record, kind=ServiceForm.Kind.PREVENTION)


def recorded_rows_visible_to(user: User) -> Q:
    """The rows (activities, deliveries) of the prevention forms where ``user`` records
    (:func:`may_record`): what a drill-down behind a figure lists to them (others see only the
    count). A filter for ``Activity`` and ``Delivery`` querysets."""
    if user.organisation_id is None:
        return Q(pk__in=[])
    return Q(
        organisation_id=user.organisation_id,
        service_form__kind=ServiceForm.Kind.PREVENTION,
        service_form_id__in=clients.user_scope(user).member_form_ids,
    )


def activities_visible_to(user: User) -> QuerySet[Activity]:
    """The activities ``user`` may open behind a figure (:func:`recorded_rows_visible_to`)."""
    return Activity.objects.filter(recorded_rows_visible_to(user))


def deliveries_visible_to(user: User) -> QuerySet[Delivery]:
    """The deliveries ``user`` may open behind a figure (:func:`recorded_rows_visible_to`)."""
    return Delivery.objects.filter(recorded_rows_visible_to(user))
