"""Who may work with supervised meetings (:mod:`tupa.visitation`, the Tapaamispaikka).

The visitation services enforce :func:`may_work` (``PermissionDenied``); the views fetch the
form, the episode, the order or the meeting here, so a refused user sees 404 and the access log
gets the basis of the decision. Billing and statistics are the policy actions
``visitation.billing.view`` / ``visitation.statistics.view``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

from tupa.access import clients
from tupa.access.fetch import Granted
from tupa.access.marks import user_of
from tupa.access.policy import Basis
from tupa.organisations.models import ServiceForm
from tupa.visitation import selectors
from tupa.visitation.models import Meeting, MeetingOrder

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.episodes.models import Episode


def may_work(user: User, service_form: ServiceForm) -> bool:
    """Client-work members of a visitation form handle its orders, meetings and contacts."""
    return (
        service_form.kind == ServiceForm.Kind.VISITATION
        and user.organisation_id == service_form.organisation_id
        and clients.is_member(user, service_form.pk)
    )


def order_basis_of(user: User, episode: Episode) -> Basis | None:
    """A visitation episode's orders and meetings are shown on membership only (no consent)."""
    if episode.service_form.kind != ServiceForm.Kind.VISITATION:
        return None
    basis = clients.episode_basis(user=user, episode=episode)
    return basis if basis is Basis.MEMBERSHIP else None


def order_episode_access(request: HttpRequest, episode: Episode | None) -> Granted[Episode]:
    """The (already fetched) visitation ``episode`` with the basis of :func:`order_basis_of`."""
    if episode is None:
        raise Http404
    basis = order_basis_of(user_of(request), episode)
    if basis is None:
        raise Http404
    return Granted(episode, basis)


def order_access(request: HttpRequest, pk: int) -> Granted[MeetingOrder]:
    """The meeting order ``pk`` (with its parties) for a member of its form, or 404."""
    order = selectors.order_detail(pk=pk)
    if order is None:
        raise Http404
    return Granted(order, order_episode_access(request, order.episode).basis)


def meeting_access(request: HttpRequest, pk: int) -> tuple[Meeting, Granted[MeetingOrder]]:
    """The meeting ``pk`` and its order (granted as by :func:`order_access`), or 404."""
    meeting = Meeting.objects.filter(pk=pk).select_related("record_entry").first()
    if meeting is None:
        raise Http404
    granted = order_access(request, meeting.order_id)
    meeting.order = granted.obj
    return meeting, granted
