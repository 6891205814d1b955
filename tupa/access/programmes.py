"""Who may run group programmes and read their statistics (:mod:`tupa.programmes`).

The programme services enforce :func:`may_run` (``PermissionDenied``); the views fetch the
service form, programme, member or session with these rules, so a refused user sees 404.
Participants' names are shown per episode basis (:mod:`tupa.access.clients`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

from tupa.access import clients, policy
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import user_of
from tupa.programmes.models import GroupProgramme, Member, Session

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm

STATISTICS_ACTION = "programmes.statistics.view"


def may_run(user: User, service_form: ServiceForm) -> bool:
    """Client-work members of a service form run its programmes, members, sessions, attendance."""
    return user.organisation_id == service_form.organisation_id and clients.is_member(
        user, service_form.pk
    )


def may_view_statistics(user: User, service_form: ServiceForm) -> bool:
    """Members of the form, and holders of ``programmes.statistics.view``, read its counts."""
    return may_run(user, service_form) or bool(policy.decide(user, STATISTICS_ACTION, service_form))


def form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    """The service form ``slug`` for one of its client-work members (:func:`may_run`), or 404."""
    return service_form_or_404(request, slug, rule=may_run)


def programme_or_404(request: HttpRequest, pk: int) -> GroupProgramme:
    """The programme ``pk`` for a member of its service form, or 404 (also for bad ids)."""
    programme = GroupProgramme.objects.select_related("service_form", "room").filter(pk=pk).first()
    if programme is None or not may_run(user_of(request), programme.service_form):
        raise Http404
    return programme


def member_or_404(request: HttpRequest, pk: int) -> Member:
    """The programme member ``pk`` for a member of the programme's service form, or 404."""
    member = Member.objects.select_related("programme__service_form").filter(pk=pk).first()
    if member is None or not may_run(user_of(request), member.programme.service_form):
        raise Http404
    return member


def session_or_404(request: HttpRequest, pk: int) -> Session:
    """The session ``pk`` for a member of the programme's service form, or 404."""
    session = (
        Session.objects.select_related("programme__service_form", "room").filter(pk=pk).first()
    )
    if session is None or not may_run(user_of(request), session.programme.service_form):
        raise Http404
    return session
