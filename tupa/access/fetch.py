"""Fetch an object for the requesting user, or answer 404 — and say on what basis.

Every view gets its object and its access decision here, in the manner of Zulip's
``access_stream_by_id``: one call resolves the URL argument, asks the access rules and either
returns the object with the :class:`~tupa.access.policy.Basis` the access log records, or raises
:class:`~django.http.Http404` ("exists but not yours" looks exactly like "does not exist").

Views never compare memberships themselves and never write a basis as a literal; the basis comes
from the decision returned here (:class:`Granted`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from tupa.access import clients, policy
from tupa.access.marks import organisation_id_of, user_of
from tupa.access.policy import Basis
from tupa.core.models import OrganisationScopedModel
from tupa.core.shapes import Shape, Slots
from tupa.episodes.models import Episode
from tupa.organisations.models import ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

T = TypeVar("T")
M = TypeVar("M", bound=OrganisationScopedModel)

#: A rule about a service form: a policy action name (``"dropin.statistics.view"``) or a
#: predicate ``(user, service_form) -> bool`` defined in this package.
FormRule = str | Callable[["User", ServiceForm], bool]


@dataclass(frozen=True)
class Granted(Generic[T]):
    """An object the user may see, and the basis on which the access log records it."""

    obj: T
    basis: Basis


class _OfServiceForm(Protocol):
    """A row that belongs to one service form (a kiosk, a course, a volunteer group …)."""

    service_form: ServiceForm


def member_of(user: User, service_form: ServiceForm) -> bool:
    """A client-work membership (worker, lead, coordinator) in the service form."""
    return clients.is_member(user, service_form.pk)


def lead_of(user: User, service_form: ServiceForm) -> bool:
    """A lead membership in the service form."""
    return clients.is_lead(user, service_form.pk)


def _basis_for(user: User, service_form: ServiceForm, rule: FormRule) -> Basis | None:
    if isinstance(rule, str):
        decision = policy.decide(user, rule, service_form)
        return decision.basis if decision else None
    if not rule(user, service_form):
        return None
    return Basis.MEMBERSHIP if clients.is_member(user, service_form.pk) else Basis.ORGANISATION_ROLE


@functools.cache
def _form_read(by_kind: bool) -> Shape:
    """:func:`service_form_access`'s read: a shape compiled once per connection (ADR 0026, second
    addendum). A slug names at most one form of an organisation, so no ordering."""

    def build(s: Slots) -> QuerySet[ServiceForm]:
        forms = ServiceForm.objects.filter(slug=s.slug, organisation_id=s.organisation)
        if by_kind:
            forms = forms.filter(kind=s.kind)
        return forms.select_related("organisation").order_by()

    return Shape(build, name=f"service form access (kind: {by_kind})")


def service_form_access(
    request: HttpRequest,
    slug: str,
    *,
    rule: FormRule = member_of,
    kind: str | None = None,
    queryset: QuerySet[ServiceForm] | None = None,
) -> Granted[ServiceForm]:
    """The service form ``slug`` of the user's organisation with the basis of ``rule``, or 404.

    ``kind`` narrows to one kind (a shelter page answers 404 for a group service's slug);
    ``queryset`` lets the page fetch the form with the related rows it shows, in the same query.
    """
    user = user_of(request)
    if user.organisation_id is None:
        raise Http404
    service_form: ServiceForm | None
    if queryset is None:
        values: dict[str, Any] = {"slug": slug, "organisation": user.organisation_id}
        if kind is not None:
            values["kind"] = str(kind)
        found = _form_read(kind is not None).instances(**values)
        service_form = found[0] if found else None
    else:
        rows = queryset.filter(slug=slug, organisation_id=user.organisation_id)
        if kind is not None:
            rows = rows.filter(kind=kind)
        service_form = rows.select_related("organisation").first()
    if service_form is None:
        raise Http404
    basis = _basis_for(user, service_form, rule)
    if basis is None:
        raise Http404
    return Granted(service_form, basis)


def service_form_or_404(
    request: HttpRequest,
    slug: str,
    *,
    rule: FormRule = member_of,
    kind: str | None = None,
    queryset: QuerySet[ServiceForm] | None = None,
) -> ServiceForm:
    """:func:`service_form_access` for pages that show no person (nothing to log)."""
    return service_form_access(request, slug, rule=rule, kind=kind, queryset=queryset).obj


@functools.cache
def _episode_read(related: tuple[str, ...]) -> Shape:
    """:func:`episode_access`'s read with ``related`` selected: a shape compiled once per
    connection (ADR 0026, second addendum), one for each tuple the views ask for. It filters by
    the user's organisation itself, as the organisation scope would."""
    return Shape(
        lambda s: Episode.objects.filter(pk=s.pk, organisation_id=s.organisation).select_related(
            "service_form", *related
        ),
        name=f"episode access {related}",
    )


def episode_access(
    request: HttpRequest, pk: int, *, related: tuple[str, ...] = ()
) -> Granted[Episode]:
    """The episode ``pk`` with the user's basis (membership, assignment, consent, emergency).

    ``related`` lets the page fetch the episode with the related rows it shows, in the same
    query (its service form is always selected)."""
    user = user_of(request)
    found = _episode_read(related).instances(pk=int(pk), organisation=organisation_id_of(request))
    if not found:
        raise Http404
    (episode,) = found
    basis = clients.episode_basis(user=user, episode=episode)
    if basis is None:
        raise Http404
    return Granted(episode, basis)


def episode_in_form_access(
    request: HttpRequest, pk: int, *, kind: str | None = None, rule: FormRule | None = None
) -> Granted[Episode]:
    """Like :func:`episode_access`, narrowed to a service-form kind and an extra form rule."""
    granted = episode_access(request, pk)
    service_form = granted.obj.service_form
    if kind is not None and service_form.kind != kind:
        raise Http404
    if rule is not None and _basis_for(user_of(request), service_form, rule) is None:
        raise Http404
    return granted


def form_record_access(
    request: HttpRequest,
    model: type[M],
    pk: int,
    *,
    action: str,
    related: tuple[str, ...] = (),
) -> Granted[M]:
    """Row ``pk`` of ``model`` in the user's organisation if the policy allows ``action`` on the
    row's own service form, with the basis of that decision; or 404.

    For the rows that belong to one service form (a kiosk, a schedule, a course, a volunteer
    group …) and whose rule is a policy row. ``related`` names the related rows the page shows,
    fetched in the same query (the service form is always selected).
    """
    user = user_of(request)
    record = (
        model.objects.filter(pk=pk, organisation_id=organisation_id_of(request))
        .select_related("service_form", *related)
        .first()
    )
    if record is None:
        raise Http404
    decision = policy.decide(user, action, cast("_OfServiceForm", record).service_form)
    if not decision:
        raise Http404
    return Granted(record, decision.basis)
