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

**The wall.** Work with people who used violence (a service form marked
``violence_work="perpetrator"``, e.g. Jussi-työ) never reaches the work with people who experienced
it (``"victim"``). The wall is decided by **the side of the work the access comes from**, never by
the user as a whole, so it holds for a user with any mix of memberships:

- a *membership* grants only its own form's episodes — no crossing;
- an *assignment* is made by the victim-side staff themselves (e.g. a couple session, CLI-16) and
  is the one deliberate opening;
- a *consent* grants through the form it names: a consent to a perpetrator-side form never opens
  a victim-side episode, even for a user who also works on the victim side;
- *break-the-glass* is not tied to one form, so a user who does any perpetrator work at all never
  breaks the glass into a victim-side episode (an emergency there is for the victim-side staff);
- a person who takes part in victim-side work (in any role but the one who used violence) is never
  attached to perpetrator-side work (intake match, new participant, alias identification —
  :func:`person_behind_wall`), and perpetrator-side work never reveals her restricted data
  (:func:`tupa.access.contact.may_reveal_person`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_scopes import scope as organisation_scope

from tupa.access import policy
from tupa.access.policy import Basis
from tupa.accounts.models import SERVICE_FORM_ROLES
from tupa.episodes.models import Assignment, BreakGlass, Episode
from tupa.people.models import Consent
from tupa.people.processing import restricted_episode_ids

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.episodes.models import Participant
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Alias, Person

CLIENT_WORK_ROLES = frozenset(str(r) for r in SERVICE_FORM_ROLES)

#: The two sides of the wall (``ServiceForm.violence_work``).
PERPETRATOR = "perpetrator"
VICTIM = "victim"

#: The refusal when a person would be attached across the wall. Neutral on purpose: it does not
#: say where the person is known (the user reached the person by a path they may see).
WALL_MESSAGE = gettext_lazy(
    "Tätä henkilöä ei voi liittää tämän työmuodon asiakkuuteen. Ota yhteys esihenkilöösi."
)


@dataclass(frozen=True)
class UserScope:
    """What one user's client-data access rests on, computed once per request."""

    member_form_ids: frozenset[int]
    lead_form_ids: frozenset[int]
    #: The member forms on the perpetrator side of the wall (a subset of ``member_form_ids``).
    perpetrator_form_ids: frozenset[int] = frozenset()

    @property
    def has_client_work(self) -> bool:
        return bool(self.member_form_ids)

    @property
    def does_perpetrator_work(self) -> bool:
        """Any perpetrator-side membership at all, whatever else the user belongs to."""
        return bool(self.perpetrator_form_ids)

    @property
    def non_perpetrator_form_ids(self) -> frozenset[int]:
        return self.member_form_ids - self.perpetrator_form_ids


def user_scope(user: User) -> UserScope:
    cached = getattr(user, "_tupa_user_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    memberships = [m for m in policy.active_memberships(user) if m.role in CLIENT_WORK_ROLES]
    member = frozenset(m.service_form_id for m in memberships if m.service_form_id)
    lead = frozenset(
        m.service_form_id for m in memberships if m.service_form_id and m.role == "lead"
    )
    perpetrator = frozenset(
        m.service_form.pk
        for m in memberships
        if m.service_form is not None and m.service_form.violence_work == PERPETRATOR
    )
    scope = UserScope(member_form_ids=member, lead_form_ids=lead, perpetrator_form_ids=perpetrator)
    user._tupa_user_scope = scope  # type: ignore[attr-defined]
    return scope


def _active_assignments(user: User) -> Q:
    today = timezone.localdate()
    return Q(
        assignments__user=user,
        assignments__valid_from__lte=today,
    ) & (Q(assignments__valid_until__isnull=True) | Q(assignments__valid_until__gte=today))


def crosses_wall(*, source_side: str, target_side: str) -> bool:
    """Would access *from* work on ``source_side`` *to* work on ``target_side`` cross the wall?"""
    return source_side == PERPETRATOR and target_side == VICTIM


_NOT_VICTIM_SIDE = ~Q(service_form__violence_work=VICTIM)


def _consent_to(form_ids: frozenset[int]) -> Q:
    today = timezone.localdate()
    return (
        Q(consents__purpose="sharing", consents__recipient_service_form__in=form_ids)
        & Q(consents__given_on__lte=today)
        & (Q(consents__valid_until__isnull=True) | Q(consents__valid_until__gte=today))
        & (Q(consents__withdrawn_on__isnull=True) | Q(consents__withdrawn_on__gt=today))
    )


def _consent_shared(scope: UserScope) -> Q:
    """A sharing consent in force to one of the user's forms; the wall is decided by the form
    the consent names (its side), not by what else the user belongs to."""
    q = _consent_to(scope.non_perpetrator_form_ids)
    if scope.perpetrator_form_ids:
        q |= _consent_to(scope.perpetrator_form_ids) & _NOT_VICTIM_SIDE
    return q


def _break_glass(user: User, scope: UserScope) -> Q:
    """An unexpired break-the-glass; only while the user does client work (an ended membership
    ends it on the next request), and never into victim-side work from perpetrator work."""
    q = Q(break_glass__user=user, break_glass__expires_at__gt=timezone.now())
    if scope.does_perpetrator_work:
        q &= _NOT_VICTIM_SIDE
    return q


#: Above this many episodes granted by assignment, consent or break-the-glass, the grants stay
#: ``IN`` subqueries in the SQL instead of a list of ids (a worker normally has a handful).
GRANT_LIST_LIMIT = 500


def _in_force_consents(form_ids: frozenset[int], today: date) -> QuerySet[Consent]:
    """Sharing consents in force today to one of ``form_ids``: the conditions of
    :func:`_consent_to`, met by one consent row."""
    return (
        Consent._base_manager.filter(  # the outer episode query is the scoped one
            episode__isnull=False,
            purpose="sharing",
            recipient_service_form__in=form_ids,
            given_on__lte=today,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
    )


def _grants(user: User, scope: UserScope) -> list[QuerySet[Any]]:
    """The ids of the episodes each grant but membership opens to ``user``, one queryset per
    grant, the wall applied: exactly the assignment, consent and break-the-glass terms of the
    former single ``OR`` (:func:`_active_assignments`, :func:`_consent_shared`,
    :func:`_break_glass`), each as a query of its own table that its indexes answer."""
    today = timezone.localdate()
    assigned = Assignment._base_manager.filter(user=user, valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    grants: list[QuerySet[Any]] = [assigned]
    if scope.has_client_work:
        if scope.non_perpetrator_form_ids:
            grants.append(_in_force_consents(scope.non_perpetrator_form_ids, today))
        if scope.perpetrator_form_ids:
            # A consent to a perpetrator-side form never opens a victim-side episode.
            grants.append(
                _in_force_consents(scope.perpetrator_form_ids, today).exclude(
                    episode__service_form__violence_work=VICTIM
                )
            )
        glass = BreakGlass._base_manager.filter(user=user, expires_at__gt=timezone.now())
        if scope.does_perpetrator_work:
            glass = glass.exclude(episode__service_form__violence_work=VICTIM)
        grants.append(glass)
    return [grant.order_by().values_list("episode_id", flat=True) for grant in grants]


def _granted(user: User, scope: UserScope) -> Q:
    """``pk IN (…)`` of the episodes the grants other than membership open.

    The grants are few (a worker's assignments, the consents to her forms in force, her
    unexpired emergency accesses), so they are read first — one ``UNION`` query — and the
    visibility query gets a list of ids: ``service_form_id IN (…) OR id IN (…)``, which
    PostgreSQL answers with two index scans. (The former single ``OR`` over left joins of
    assignments, consents and break-the-glass could not use an index: every episode of the
    organisation was joined and filtered, on every page.) Above :data:`GRANT_LIST_LIMIT` each
    grant stays an ``IN`` subquery of its own table."""
    grants = _grants(user, scope)
    # UNION (not UNION ALL) and DISTINCT: the limit counts episodes, not rows — two
    # assignments to one episode must not push another episode out of the list.
    rows = grants[0].union(*grants[1:]) if len(grants) > 1 else grants[0].distinct()
    ids = set(rows[: GRANT_LIST_LIMIT + 1])
    if len(ids) <= GRANT_LIST_LIMIT:
        return Q(pk__in=sorted(ids))
    q = Q(pk__in=grants[0])
    for grant in grants[1:]:
        q |= Q(pk__in=grant)
    return q


def _through(q: Q, relation: str) -> Q:
    """``q`` (lookups on an episode's own fields) as lookups on the episode ``relation`` leads
    to: ``service_form__in`` becomes ``episode__service_form__in``."""
    moved = Q()
    moved.connector, moved.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            moved.children.append(_through(child, relation))
        elif isinstance(child, tuple):
            lookup, value = child
            moved.children.append((f"{relation}__{lookup}", value))
        else:  # an expression has no lookup to move: never built by episode_visibility()
            raise TypeError(f"cannot move {child!r} through {relation!r}")
    return moved


@dataclass(frozen=True)
class EpisodeVisibility:
    """The episodes a user may see today, decided once (the grants are read when it is made):
    as the episodes' query, or as the same condition on an episode joined from another table
    (a participation's, an entry's …) — which PostgreSQL plans from the other table's own
    filter (a person's participations) instead of from a subquery of visible episodes."""

    #: Lookups on the episode's own fields: its service form, id and organisation.
    condition: Q

    def episodes(self) -> QuerySet[Episode]:
        return Episode.objects.filter(self.condition)

    def through(self, relation: str) -> Q:
        """The condition on the episode that ``relation`` leads to (e.g. ``"episode"``)."""
        return _through(self.condition, relation)


def _client_data_organisation(user: User) -> int | None:
    """The organisation whose client data ``user`` may see at all: an active signed-in account's
    own, the only kind that sees client data; None for any other."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.organisation_id


def episode_visibility(*, user: User) -> EpisodeVisibility:
    """What :func:`episodes_visible_to` selects, for a caller that also needs the condition
    itself (one small query for the grants, as there)."""
    org_id = _client_data_organisation(user)
    if org_id is None:
        return EpisodeVisibility(Q(pk__in=[]))
    scope = user_scope(user)
    q = Q(service_form__in=scope.member_form_ids) | _granted(user, scope)
    return EpisodeVisibility(q & Q(organisation_id=org_id))


def episodes_visible_to(*, user: User) -> QuerySet[Episode]:
    """Every episode the user may see today (runs inside the organisation scope).

    A membership in the episode's form, or an assignment, a consent or a break-the-glass
    (:func:`_granted`; one small query when called)."""
    return episode_visibility(user=user).episodes()


def form_episodes_visible_to(*, user: User, service_form: ServiceForm) -> QuerySet[Episode]:
    """The episodes of ``service_form`` the user may see today.

    A member of the form sees every episode of it, so for a member the grants are not read
    and the query is the form's own (``organisation_id = … AND service_form_id = …``). That
    is :func:`episodes_visible_to` filtered to the form: its ``OR`` of the grants adds nothing
    within a form the user belongs to. A user outside the form sees what her grants open, as
    there."""
    org_id = _client_data_organisation(user)
    if (
        org_id is not None
        and service_form.organisation_id == org_id
        and is_member(user, service_form.pk)
    ):
        return Episode.objects.filter(organisation_id=org_id, service_form_id=service_form.pk)
    return episodes_visible_to(user=user).filter(service_form=service_form)


def episode_basis(*, user: User, episode: Episode) -> Basis | None:
    """The basis on which ``user`` may see ``episode``, or None (→ 404)."""
    org_id = _client_data_organisation(user)
    if org_id is None or episode.organisation_id != org_id:
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
    if (
        scope.has_client_work
        and Episode.objects.filter(pk=episode.pk).filter(_consent_shared(scope)).exists()
    ):
        return Basis.CONSENT
    if (
        may_break_glass(user=user, episode=episode)
        and BreakGlass.objects.filter(
            episode=episode, user=user, expires_at__gt=timezone.now()
        ).exists()
    ):
        return Basis.BREAK_THE_GLASS
    return None


def may_break_glass(*, user: User, episode: Episode) -> bool:
    """Only staff doing client work may ask for emergency access, and never across the wall:
    a user who does any perpetrator-side work never breaks into a victim-side episode."""
    scope = user_scope(user)
    if not scope.has_client_work or episode.organisation_id != user.organisation_id:
        return False
    return not (scope.does_perpetrator_work and episode.service_form.violence_work == VICTIM)


def wall_protected(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """The participations that put a person on the victim side of the wall: taking part in
    victim-side work in any role but that of the one who used violence."""
    return participants.filter(episode__service_form__violence_work=VICTIM).exclude(
        violence_role="used"
    )


def person_behind_wall(*, person: Person, service_form: ServiceForm) -> bool:
    """Would attaching ``person`` to work in ``service_form`` cross the wall?

    Attaching a victim-side client's record to perpetrator-side work would show its workers her
    name, contact data and relationships; callers refuse it with the same neutral message as any
    other mismatch, so nothing tells where the person is known.
    """
    from tupa.episodes.models import Participant

    if service_form.violence_work != PERPETRATOR:
        return False
    with organisation_scope(organisation=person.organisation_id):
        return wall_protected(Participant.objects.filter(person_id=person.pk)).exists()


def persons_visible_to(
    *, user: User, episodes: QuerySet[Episode] | None = None
) -> QuerySet[Person]:
    """Persons taking part in an episode the user may see (search never reveals anyone else).

    ``episodes``: :func:`episodes_visible_to` of the same user, when the caller has it already
    (it reads the user's grants when called)."""
    from tupa.episodes.models import Participant
    from tupa.people.models import Person

    if episodes is None:
        episodes = episodes_visible_to(user=user)
    visible = episodes.values("pk")
    # ``pk IN (participants' person ids)`` rather than a join + DISTINCT: the same rows, but
    # SQLite planned the join as (persons × visible episodes) lookups — 10 s for 10 000
    # persons — while this form takes milliseconds (and needs no DISTINCT).
    # The base manager: ``visible`` is the scoped episode query, so the scope's own join from
    # the participants back to their episodes would only repeat it, once per participation.
    participating = Participant._base_manager.filter(episode__in=visible, person__isnull=False)
    return Person.objects.filter(pk__in=participating.values("person_id"), merged_into__isnull=True)


#: Strongest first: the basis recorded for a person seen through several episodes.
_BASIS_ORDER = (Basis.MEMBERSHIP, Basis.ASSIGNMENT, Basis.CONSENT, Basis.BREAK_THE_GLASS)


def listed_bases(bases: dict[int, Basis]) -> dict[int, Basis]:
    """``bases`` (:func:`episode_bases`) without the episodes a list may not name: those with
    a participant whose processing is restricted (GDPR art. 18), which the client lists leave
    out too (:func:`~tupa.people.processing.exclude_restricted_episodes`). One query; none when
    ``bases`` is empty."""
    restricted = restricted_episode_ids(bases)
    return {pk: basis for pk, basis in bases.items() if pk not in restricted}


def strongest(bases: Iterable[Basis]) -> Basis:
    """The strongest of ``bases`` (:data:`_BASIS_ORDER`): the basis logged for a person or an
    alias shown through several episodes, one event each."""
    return min(bases, key=_BASIS_ORDER.index)


_S = TypeVar("_S")


def once_each(shown: Iterable[tuple[Basis, Hashable, _S]]) -> dict[str, list[_S]]:
    """The subjects a page shows — ``(basis, key, subject)``, a subject possibly through several
    episodes on different bases — each once, under its strongest basis (:func:`strongest`):
    basis value → subjects, for one access event per subject and view."""
    best: dict[Hashable, tuple[Basis, _S]] = {}
    for basis, key, subject in shown:
        held = best.get(key)
        if held is None or _BASIS_ORDER.index(basis) < _BASIS_ORDER.index(held[0]):
            best[key] = (basis, subject)
    grouped: dict[str, list[_S]] = defaultdict(list)
    for basis, subject in best.values():
        grouped[str(basis)].append(subject)
    return dict(grouped)


def _consent_exists(form_ids: frozenset[int], today: date) -> Exists:
    """A sharing consent in force to one of ``form_ids`` on the outer episode: the same
    conditions as :func:`_consent_to`, met by one consent row."""
    consents = Consent._base_manager.filter(  # the outer episode query is the scoped one
        episode=OuterRef("pk"),
        purpose="sharing",
        recipient_service_form__in=form_ids,
        given_on__lte=today,
    )
    consents = consents.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today)).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today)
    )
    return Exists(consents)


def episode_bases(*, user: User, episode_ids: Iterable[int]) -> dict[int, Basis]:
    """The basis of each visible episode among ``episode_ids`` (one query).

    The same four grants as :func:`episodes_visible_to`, in the order of preference: the
    membership from the episode's form, the others as ``EXISTS`` subqueries of one row each (the
    same conditions as the ``Q`` objects above, which the visibility querysets use), and the side
    of the wall from the episode's form."""
    ids = list(episode_ids)
    org_id = _client_data_organisation(user)
    if not ids or org_id is None:
        return {}  # as episodes_visible_to: nothing for an inactive or unattached account
    scope = user_scope(user)
    today = timezone.localdate()
    # The outer query is scoped (Episode.objects); the subqueries are tied to its rows.
    assigned = Assignment._base_manager.filter(
        episode=OuterRef("pk"), user=user, valid_from__lte=today
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    checks: dict[str, Exists] = {"assigned": Exists(assigned)}
    if scope.has_client_work:
        if scope.non_perpetrator_form_ids:
            checks["shared"] = _consent_exists(scope.non_perpetrator_form_ids, today)
        if scope.perpetrator_form_ids:
            checks["shared_perpetrator"] = _consent_exists(scope.perpetrator_form_ids, today)
        checks["glass"] = Exists(
            BreakGlass._base_manager.filter(
                episode=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
            )
        )
    rows = (
        Episode.objects.filter(pk__in=ids, organisation_id=org_id)
        .annotate(**checks)
        .values("pk", "service_form_id", "service_form__violence_work", *checks)
    )
    result: dict[int, Basis] = {}
    for row in rows:
        victim_side = row["service_form__violence_work"] == VICTIM
        if row["service_form_id"] in scope.member_form_ids:
            result[row["pk"]] = Basis.MEMBERSHIP
        elif row["assigned"]:
            result[row["pk"]] = Basis.ASSIGNMENT
        elif row.get("shared") or (row.get("shared_perpetrator") and not victim_side):
            # A consent to a perpetrator-side form never opens a victim-side episode.
            result[row["pk"]] = Basis.CONSENT
        elif row.get("glass") and not (scope.does_perpetrator_work and victim_side):
            result[row["pk"]] = Basis.BREAK_THE_GLASS
    return result


def person_bases(*, user: User, persons: Iterable[Person]) -> dict[int, Basis]:
    """For each visible person, the strongest basis among the episodes that make it visible.

    The episodes with a basis are exactly the visible ones (:func:`episode_bases` grants what
    :func:`episodes_visible_to` lets through), so the persons' participations are read without
    the visibility subquery and kept where their episode has a basis. Two queries."""
    from tupa.episodes.models import Participant

    ids = [p.pk for p in persons]
    org_id = _client_data_organisation(user)
    if not ids or org_id is None:
        return {}  # as episodes_visible_to: nothing for an inactive or unattached account
    rows = list(
        Participant.objects.filter(person_id__in=ids, episode__organisation_id=org_id).values_list(
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
        result[person_id] = basis if current is None else strongest((current, basis))
    return result


def person_bases_where_shown(
    *, user: User, shown: Iterable[tuple[Person, Collection[int]]]
) -> dict[int, Basis]:
    """:func:`person_bases` for persons a page shows through visible episodes whose service
    forms it knows (``shown``: each person with those forms).

    Membership is the strongest basis, and a visible episode of a form the user is a member of
    grants it, so a person shown through such a form has it without a query (a unit's client
    list, a search for the unit's clients); only the others are decided by :func:`person_bases`.
    """
    member_forms = user_scope(user).member_form_ids
    result: dict[int, Basis] = {}
    others: dict[int, Person] = {}
    for person, form_ids in shown:
        if any(form_id in member_forms for form_id in form_ids):
            result[person.pk] = Basis.MEMBERSHIP
            others.pop(person.pk, None)
        elif person.pk not in result:
            others[person.pk] = person
    if others:
        result.update(person_bases(user=user, persons=others.values()))
    return result


def is_member(user: User, service_form_id: int) -> bool:
    """An active client-work membership (worker, lead, coordinator) in the service form."""
    return service_form_id in user_scope(user).member_form_ids


def is_lead(user: User, service_form_id: int) -> bool:
    """An active lead membership in the service form."""
    return service_form_id in user_scope(user).lead_form_ids


def may_edit(user: User, episode: Episode) -> bool:
    """Members of the form and assigned co-workers may change an episode; others only read."""
    return episode_basis(user=user, episode=episode) in {
        Basis.MEMBERSHIP,
        Basis.ASSIGNMENT,
    }


def alias_basis(*, user: User, alias: Alias) -> Basis | None:
    """The best basis on which ``user`` sees an anonymous client (alias), or None.

    Decided like :func:`person_bases`: from the bases of the episodes the alias takes part in,
    so an alias seen only through a consent or an emergency access is logged (and refused
    changes) as such. Uses the alias's prefetched ``visible_participations`` when present.
    """
    return alias_bases(user=user, aliases=[alias]).get(alias.pk)


def alias_bases(*, user: User, aliases: Iterable[Alias]) -> dict[int, Basis]:
    """:func:`alias_basis` of many aliases at once (at most two queries), by alias id; an alias
    without a basis is left out."""
    from tupa.episodes.models import Participant

    episodes_of: dict[int, set[int]] = {}
    unread: list[int] = []
    for alias in aliases:
        parts = getattr(alias, "visible_participations", None)
        if parts is None:
            unread.append(alias.pk)
            episodes_of[alias.pk] = set()
        else:
            episodes_of[alias.pk] = {p.episode_id for p in parts}
    if unread:
        for alias_id, episode_id in Participant.objects.filter(alias_id__in=unread).values_list(
            "alias_id", "episode_id"
        ):
            episodes_of[alias_id].add(episode_id)
    bases = episode_bases(user=user, episode_ids={pk for ids in episodes_of.values() for pk in ids})
    result: dict[int, Basis] = {}
    for alias_id, episode_ids in episodes_of.items():
        found = [bases[pk] for pk in episode_ids if pk in bases]
        if found:
            result[alias_id] = strongest(found)
    return result
