"""Who may do what in residential work (shelters, mother-and-baby homes, the 24 h line).

The residential services enforce these predicates (they raise ``PermissionDenied`` when one says
no); the views fetch their unit with :func:`tupa.access.fetch.service_form_access` and one of
these as the ``rule``, so a unit the user may not use answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest
from django.utils import timezone

from tupa.access import clients, policy
from tupa.access.fetch import Granted, episode_access, service_form_access
from tupa.access.marks import user_of
from tupa.access.policy import Basis
from tupa.episodes.models import Episode
from tupa.organisations.models import ServiceForm
from tupa.residential.models import ShiftNote, Stay, TurnAway, is_shelter

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: The policy actions of the residential reports (see ``tupa.access.policy.RULES``).
TURNAWAY_STATS_ACTION = "residential.turnaway.stats"
BILLING_ACTION = "residential.billing.view"
THL_SUMMARY_ACTION = "residential.thl_summary.view"


def may_keep_stays(user: User, service_form_id: int) -> bool:
    """Client-work staff (worker, lead, coordinator) of a residential unit may admit, move and
    discharge clients, keep stay members, payment commitments and THL data of its stays."""
    return clients.is_member(user, service_form_id)


def may_record_line_contact(user: User, service_form: ServiceForm) -> bool:
    """Client-work staff of a residential unit may record and count its anonymous line
    contacts (the 24 h line is the units', as the turn-aways are)."""
    return (
        service_form.kind == ServiceForm.Kind.RESIDENTIAL
        and user.organisation_id == service_form.organisation_id
        and clients.is_member(user, service_form.pk)
    )


def may_record_turn_away(user: User, service_form: ServiceForm) -> bool:
    """Client-work staff of a residential unit may record and list its anonymous turn-aways."""
    return (
        service_form.kind == ServiceForm.Kind.RESIDENTIAL
        and user.organisation_id == service_form.organisation_id
        and clients.is_member(user, service_form.pk)
    )


def may_correct_turn_away(user: User, turn_away: TurnAway) -> bool:
    """The recorder of a turn-away, still a member, may correct or delete it on the same day."""
    return (
        turn_away.recorded_by_id == user.pk
        and timezone.localdate(turn_away.created_at) == timezone.localdate()
        and may_record_turn_away(user, turn_away.service_form)
    )


def may_view_turnaway_stats(user: User, service_form: ServiceForm) -> bool:
    """Whoever the policy action ``residential.turnaway.stats`` allows sees turn-away counts."""
    return bool(policy.decide(user, TURNAWAY_STATS_ACTION, service_form))


def may_use_shift_log(user: User, service_form: ServiceForm) -> bool:
    """Client-work staff of a residential unit may read and write its shift log."""
    return (
        service_form.kind == ServiceForm.Kind.RESIDENTIAL
        and user.organisation_id == service_form.organisation_id
        and clients.is_member(user, service_form.pk)
    )


def may_correct_shift_note(user: User, note: ShiftNote) -> bool:
    """The author of a shift note, still a member, may correct its latest version."""
    return (
        note.author_id == user.pk
        and may_use_shift_log(user, note.service_form)
        and not ShiftNote.objects.filter(supersedes=note).exists()
    )


def may_see_all_billing_names(user: User, service_form: ServiceForm) -> bool:
    """Members of the unit see names on every billing line; others (finance) only on the lines
    billed to a payer under a payment commitment."""
    return clients.is_member(user, service_form.pk)


def never_names_victims_to(user: User, service_form: ServiceForm) -> bool:
    """A user who does perpetrator work sees no client of a victim-work unit named through an
    organisation-wide role (finance): the role belongs to no form, so, like break-the-glass, it
    never crosses the wall (the wall is decided by the side of the work, docs/security.md).
    Her billing list of such a unit has counts only."""
    return (
        service_form.violence_work == clients.VICTIM
        and clients.user_scope(user).does_perpetrator_work
    )


# --------------------------------------------------------------------------- fetch helpers


def _member_of_stay(request: HttpRequest, stay: Stay) -> Granted[Stay]:
    basis = clients.episode_basis(user=user_of(request), episode=stay.episode)
    if basis is not Basis.MEMBERSHIP:
        raise Http404
    return Granted(stay, basis)


def stay_access(request: HttpRequest, pk: int) -> Granted[Stay]:
    """A stay in a residential unit of which the user is a member (writes need membership)."""
    stay = Stay.objects.select_related("episode__service_form", "place").filter(pk=pk).first()
    if stay is None or stay.episode.service_form.kind != ServiceForm.Kind.RESIDENTIAL:
        raise Http404
    return _member_of_stay(request, stay)


def shelter_episode_access(request: HttpRequest, pk: int) -> Granted[Episode]:
    """An episode of a shelter of which the user is a member (its THL data), or 404."""
    granted = episode_access(request, pk)
    if not is_shelter(granted.obj.service_form) or granted.basis is not Basis.MEMBERSHIP:
        raise Http404
    return granted


def shelter_stay_access(request: HttpRequest, pk: int) -> Granted[Stay]:
    """A stay in a shelter of which the user is a member (the THL year-end check), or 404."""
    stay = Stay.objects.select_related("place__service_form", "episode").filter(pk=pk).first()
    if stay is None or not is_shelter(stay.place.service_form):
        raise Http404
    return _member_of_stay(request, stay)


def billing_access(request: HttpRequest, slug: str) -> Granted[ServiceForm]:
    """Billing of a residential unit: whoever ``residential.billing.view`` allows, or 404.

    The basis is membership for the unit's members (they see every name), else the policy's.
    """
    granted = service_form_access(
        request, slug, kind=ServiceForm.Kind.RESIDENTIAL, rule=BILLING_ACTION
    )
    if may_see_all_billing_names(user_of(request), granted.obj):
        return Granted(granted.obj, Basis.MEMBERSHIP)
    return granted


def thl_summary_access(request: HttpRequest, slug: str) -> Granted[ServiceForm]:
    """THL's year summary of a shelter: whoever ``residential.thl_summary.view`` allows, or 404."""
    granted = service_form_access(
        request, slug, kind=ServiceForm.Kind.RESIDENTIAL, rule=THL_SUMMARY_ACTION
    )
    if not is_shelter(granted.obj):
        raise Http404
    return granted
