"""Who may see which episode and person, and on what basis (ARCHITECTURE.md §6, Act 703/2023).

The single source of truth for client-data visibility. Everything that shows a person or an
episode — pages, lists, search, exports, the API — goes through these functions, and each
result carries the *basis* that the access log records.

Bases, in order of preference:

1. ``membership`` — an active worker/lead/coordinator membership in the episode's service form
   (the work task).
2. ``assignment`` — an active co-worker assignment to the episode.
3. ``consent`` — a consent in force that shares the episode with a service form the user works in.
4. ``break_the_glass`` — an unexpired emergency access with a written reason (reviewed by the lead).

**The wall.** A service form marked ``violence_work="perpetrator"`` (e.g. Jussi-työ) never gets
access to an episode of a victim-side form (``"victim"``) by consent or break-the-glass, whatever
the household: only an explicit assignment by the victim-side staff (e.g. a couple session,
CLI-16) or a membership of the viewer in that form opens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from tupa.accounts.models import SERVICE_FORM_ROLES
from tupa.core import policy
from tupa.core.policy import Basis

from .models import Assignment, BreakGlass, Episode

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.people.models import Person

CLIENT_WORK_ROLES = frozenset(str(r) for r in SERVICE_FORM_ROLES)


@dataclass(frozen=True)
class UserScope:
    """What one user's client-data access rests on, computed once per request."""

    member_form_ids: frozenset[int]
    lead_form_ids: frozenset[int]
    perpetrator_only: bool

    @property
    def has_client_work(self) -> bool:
        return bool(self.member_form_ids)


def user_scope(user: User) -> UserScope:
    cached = getattr(user, "_tupa_user_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    memberships = [m for m in policy.active_memberships(user) if m.role in CLIENT_WORK_ROLES]
    member = frozenset(m.service_form_id for m in memberships if m.service_form_id)
    lead = frozenset(
        m.service_form_id for m in memberships if m.service_form_id and m.role == "lead"
    )
    sides = {m.service_form.violence_work for m in memberships if m.service_form is not None}
    scope = UserScope(
        member_form_ids=member,
        lead_form_ids=lead,
        perpetrator_only=bool(memberships) and sides == {"perpetrator"},
    )
    user._tupa_user_scope = scope  # type: ignore[attr-defined]
    return scope


def _active_assignments(user: User) -> Q:
    today = timezone.localdate()
    return Q(
        assignments__user=user,
        assignments__valid_from__lte=today,
    ) & (Q(assignments__valid_until__isnull=True) | Q(assignments__valid_until__gte=today))


def _consent_shared(scope: UserScope) -> Q:
    today = timezone.localdate()
    q = (
        Q(consents__purpose="sharing", consents__recipient_service_form__in=scope.member_form_ids)
        & Q(consents__given_on__lte=today)
        & (Q(consents__valid_until__isnull=True) | Q(consents__valid_until__gte=today))
        & (Q(consents__withdrawn_on__isnull=True) | Q(consents__withdrawn_on__gt=today))
    )
    if scope.perpetrator_only:
        q &= ~Q(service_form__violence_work="victim")
    return q


def _break_glass(user: User, scope: UserScope) -> Q:
    q = Q(break_glass__user=user, break_glass__expires_at__gt=timezone.now())
    if scope.perpetrator_only:
        q &= ~Q(service_form__violence_work="victim")
    return q


def episodes_visible_to(*, user: User) -> QuerySet[Episode]:
    """Every episode the user may see today (runs inside the organisation scope)."""
    if (
        not getattr(user, "is_authenticated", False)
        or not user.is_active
        or user.organisation_id is None
    ):
        return Episode.objects.none()
    scope = user_scope(user)
    q = (
        Q(service_form__in=scope.member_form_ids)
        | _active_assignments(user)
        | _break_glass(user, scope)
    )
    if scope.has_client_work:
        q |= _consent_shared(scope)
    ids = Episode.objects.filter(q).values("pk")
    return Episode.objects.filter(pk__in=ids, organisation_id=user.organisation_id)


def episode_basis(*, user: User, episode: Episode) -> Basis | None:
    """The basis on which ``user`` may see ``episode``, or None (→ 404)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if episode.organisation_id != user.organisation_id:
        return None
    scope = user_scope(user)
    if episode.service_form_id in scope.member_form_ids:
        return Basis.MEMBERSHIP
    today = timezone.localdate()
    if (
        Assignment.objects.filter(episode=episode, user=user, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exists()
    ):
        return Basis.ASSIGNMENT
    walled = scope.perpetrator_only and episode.service_form.violence_work == "victim"
    if walled:
        return None
    if (
        scope.has_client_work
        and Episode.objects.filter(pk=episode.pk).filter(_consent_shared(scope)).exists()
    ):
        return Basis.CONSENT
    if BreakGlass.objects.filter(
        episode=episode, user=user, expires_at__gt=timezone.now()
    ).exists():
        return Basis.BREAK_THE_GLASS
    return None


def may_break_glass(*, user: User, episode: Episode) -> bool:
    """Only staff doing client work may ask for emergency access, never across the wall."""
    scope = user_scope(user)
    if not scope.has_client_work or episode.organisation_id != user.organisation_id:
        return False
    return not (scope.perpetrator_only and episode.service_form.violence_work == "victim")


def persons_visible_to(*, user: User) -> QuerySet[Person]:
    """Persons taking part in an episode the user may see (search never reveals anyone else)."""
    from tupa.people.models import Person

    from .models import Participant

    visible = episodes_visible_to(user=user).values("pk")
    # ``pk IN (participants' person ids)`` rather than a join + DISTINCT: the same rows, but
    # SQLite planned the join as (persons × visible episodes) lookups — 10 s for 10 000
    # persons — while this form takes milliseconds (and needs no DISTINCT).
    participating = Participant.objects.filter(episode__in=visible, person__isnull=False)
    return Person.objects.filter(pk__in=participating.values("person_id"), merged_into__isnull=True)


#: Strongest first: the basis recorded for a person seen through several episodes.
_BASIS_ORDER = (Basis.MEMBERSHIP, Basis.ASSIGNMENT, Basis.CONSENT, Basis.BREAK_THE_GLASS)


def episode_bases(*, user: User, episode_ids: Iterable[int]) -> dict[int, Basis]:
    """The basis of each visible episode among ``episode_ids`` (a constant number of queries)."""
    ids = list(episode_ids)
    org_id = user.organisation_id if getattr(user, "is_authenticated", False) else None
    if not ids or org_id is None:
        return {}
    scope = user_scope(user)
    base = Episode.objects.filter(pk__in=ids, organisation_id=org_id)
    result: dict[int, Basis] = {}

    def grant(queryset: QuerySet[Episode], basis: Basis) -> None:
        for pk in queryset.values_list("pk", flat=True):
            result.setdefault(pk, basis)

    grant(base.filter(service_form__in=scope.member_form_ids), Basis.MEMBERSHIP)
    grant(base.filter(_active_assignments(user)), Basis.ASSIGNMENT)
    if scope.has_client_work:
        grant(base.filter(_consent_shared(scope)), Basis.CONSENT)
    grant(base.filter(_break_glass(user, scope)), Basis.BREAK_THE_GLASS)
    return result


def person_bases(*, user: User, persons: Iterable[Person]) -> dict[int, Basis]:
    """For each visible person, the strongest basis among the episodes that make it visible."""
    from .models import Participant

    ids = [p.pk for p in persons]
    if not ids:
        return {}
    visible = episodes_visible_to(user=user)
    rows = list(
        Participant.objects.filter(person_id__in=ids, episode__in=visible.values("pk")).values_list(
            "person_id", "episode_id"
        )
    )
    bases = episode_bases(user=user, episode_ids={episode_id for _p, episode_id in rows})
    result: dict[int, Basis] = {}
    for person_id, episode_id in rows:
        basis = bases.get(episode_id)
        if basis is None:
            continue
        current = result.get(person_id)
        if current is None or _BASIS_ORDER.index(basis) < _BASIS_ORDER.index(current):
            result[person_id] = basis
    return result
