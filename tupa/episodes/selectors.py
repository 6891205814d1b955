"""Reads of client episodes, permission-aware by construction.

Every selector starts from :mod:`tupa.access.clients` (``episodes_visible_to``,
``episode_basis``, ``user_scope``) — never from ``Episode.objects`` alone — and prefetches
what its page shows so that the number of queries does not grow with the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.db.models import (
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import Lower
from django.utils import timezone

from tupa.access import clients
from tupa.access.policy import Basis
from tupa.accounts.models import Membership, User
from tupa.core.shapes import Shape
from tupa.organisations.models import ServiceForm
from tupa.people.models import Consent
from tupa.people.processing import exclude_restricted_episodes

from .models import (
    Assignment,
    BreakGlass,
    Episode,
    ExternalReferral,
    Goal,
    NetworkMeeting,
    Participant,
    Referral,
)

if TYPE_CHECKING:
    from tupa.people.models import Alias, Person

#: Role order on every page: the client first, then the rest.
ROLE_ORDER = {role: index for index, role in enumerate(Participant.Role.values)}


def _active_assignment_q(user: User, prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}user": user, f"{prefix}valid_from__lte": today}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
    )


def participant_rows() -> QuerySet[Participant]:
    """Participants as the pages show them: persons and aliases joined, in the order added."""
    return Participant.objects.select_related("person", "alias").order_by("pk")


#: Every participant of an episode, as :func:`participant_rows`: several sections of the episode
#: page show them, so a shape compiled once per connection (ADR 0026, second addendum). It
#: filters by the organisation itself, as the organisation scope would.
_PARTICIPANTS: Final = Shape(
    lambda s: participant_rows().filter(
        episode_id=s.episode, episode__organisation_id=s.organisation
    ),
    name="episode participants",
)


def participants_of(episode: Episode) -> list[Participant]:
    """Every participant of ``episode`` (current and former), as :func:`participant_rows`:
    read once per episode object, so the page's sections that show them (the participant
    table, the journal, the panels) share one query."""
    found: list[Participant] | None = episode.__dict__.get("_tupa_participants")
    if found is None:
        found = _PARTICIPANTS.instances(episode=episode.pk, organisation=episode.organisation_id)
        for participant in found:
            participant.episode = episode  # as the episode's related manager would
        episode.__dict__["_tupa_participants"] = found
    return list(found)


def current_participants_prefetch() -> Prefetch:
    """Participants still in the episode, persons and aliases joined, as ``current_participants``."""
    return Prefetch(
        "participants",
        queryset=Participant.objects.filter(left_on__isnull=True)
        .select_related("person", "alias")
        .order_by("pk"),
        to_attr="current_participants",
    )


def _with_list_data(episodes: QuerySet[Episode], user: User) -> QuerySet[Episode]:
    mine = Assignment.objects.filter(episode=OuterRef("pk")).filter(_active_assignment_q(user))
    return (
        episodes.select_related("service_form")
        .prefetch_related(current_participants_prefetch())
        .annotate(assigned_to_me=Exists(mine))
    )


def caseload(*, user: User) -> QuerySet[Episode]:
    """Ongoing (active or waiting) episodes of the user's own forms or assigned to the user."""
    scope = clients.user_scope(user)
    # The user's few assignments as a list of ids, not a subquery: ``service_form_id IN (…) OR
    # id IN (…)`` is answered by two index scans, while an ``IN (subquery)`` inside the ``OR``
    # made PostgreSQL read every episode of the organisation to find the ongoing ones.
    assigned = list(
        Assignment.objects.filter(_active_assignment_q(user)).values_list("episode_id", flat=True)
    )
    episodes = (
        clients.episodes_visible_to(user=user)
        .filter(status__in=[Episode.Status.ACTIVE, Episode.Status.WAITING])
        .filter(Q(service_form_id__in=scope.member_form_ids) | Q(pk__in=assigned))
    )
    episodes = exclude_restricted_episodes(  # GDPR art. 18: hidden from lists
        episodes, organisation_id=user.organisation_id
    )
    return _with_list_data(episodes, user).order_by("service_form__name", "-opened_at", "-pk")


def client_list(
    *,
    user: User,
    service_form: ServiceForm,
    status: str | None = None,
    q: str | None = None,
    referral_source: str | None = None,
    opened_from: dt.date | None = None,
    opened_to: dt.date | None = None,
) -> QuerySet[Episode]:
    """A service form's episodes as the user may see them, filtered.

    ``q`` matches every word against the first names, last name or alias label of a current or
    former participant. ``opened_from``/``opened_to`` are local dates, both inclusive.
    """
    episodes = clients.form_episodes_visible_to(user=user, service_form=service_form)
    episodes = exclude_restricted_episodes(  # GDPR art. 18: hidden from lists
        episodes, organisation_id=user.organisation_id
    )
    if status:
        episodes = episodes.filter(status=status)
    if referral_source:
        episodes = episodes.filter(referral_source=referral_source)
    if opened_from:
        episodes = episodes.filter(opened_at__gte=_day_start(opened_from))
    if opened_to:
        episodes = episodes.filter(opened_at__lt=_day_start(opened_to + dt.timedelta(days=1)))
    for word in (q or "").split()[:5]:
        matching = Participant.objects.filter(
            Q(person__first_names__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(alias__label__icontains=word)
        ).values("episode_id")
        episodes = episodes.filter(pk__in=matching)
    return _with_list_data(episodes, user).order_by("-opened_at", "-pk")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class EpisodeDetail:
    """What the episode page shows besides the episode, each list in the page's order."""

    episode: Episode
    basis: Basis
    participants: list[Participant]
    former_participants: list[Participant]
    assignments: list[Assignment]
    goals: list[Goal]
    network_meetings: list[NetworkMeeting]
    referrals_in: list[Referral]
    referrals_out: list[Referral]
    external_referrals: list[ExternalReferral]
    consents: list[Consent]

    def persons(self) -> list[Person | Alias]:
        """Every person (and anonymous alias) the episode page shows, for the access log.

        Aliases are logged too: once an alias is linked to a person, the client's log extract
        includes who read her data while she was anonymous.
        """
        seen: dict[tuple[str, int], Person | Alias] = {}
        for participant in [*self.participants, *self.former_participants]:
            if participant.person is not None:
                seen[("person", participant.person.pk)] = participant.person
            elif participant.alias is not None:
                seen[("alias", participant.alias.pk)] = participant.alias
        for referral in [*self.referrals_out, *self.referrals_in]:
            seen[("person", referral.person.pk)] = referral.person
        return list(seen.values())


#: The rows the episode page shows with the episode itself (one join each).
EPISODE_PAGE_RELATED: Final = ("service_form", "referral_partner", "payer", "created_by")


#: The page's lists that an episode often has no rows of: the model and its link to the episode.
_OPTIONAL_LISTS: Final[dict[str, tuple[type[Model], str]]] = {
    "assignments": (Assignment, "episode"),
    "goals": (Goal, "episode"),
    "network_meetings": (NetworkMeeting, "episode"),
    "referrals_in": (Referral, "to_episode"),
    "referrals_out": (Referral, "from_episode"),
    "external_referrals": (ExternalReferral, "episode"),
    "consents": (Consent, "episode"),
}


#: Whether each of the episode's optional lists has a row at all: :func:`episode_detail` reads
#: only the lists that have (an episode has no network meetings, referrals or consents more
#: often than it has, and each read is a query). A fixed shape compiled once per connection
#: (ADR 0026): as annotations of the episode's own query its seven subqueries took 1.5 ms to
#: compile on every page, more than this query takes to run. The base managers: it is asked
#: only for an episode the user was granted, and filters by its organisation itself.
_LISTS_PRESENT: Final = Shape(
    lambda s: (
        Episode._base_manager.filter(pk=s.episode, organisation_id=s.organisation)
        .order_by()
        .values_list(
            *(
                Exists(model._base_manager.filter(**{link: OuterRef("pk")}))
                for model, link in _OPTIONAL_LISTS.values()
            )
        )
    ),
    name="episode page lists",
)


def _lists_present(episode: Episode) -> dict[str, bool]:
    (flags,) = _LISTS_PRESENT.rows(episode=episode.pk, organisation=episode.organisation_id)
    return dict(zip(_OPTIONAL_LISTS, map(bool, flags), strict=True))


#: Each list's order and the rows it joins (what its section shows), by the list's name in
#: :data:`_OPTIONAL_LISTS`.
_LIST_READS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "assignments": (("-valid_from", "pk"), ("user",)),
    "goals": (("created_at", "pk"), ()),
    "network_meetings": (("-held_on", "-pk"), ()),  # the partners: prefetched after
    "referrals_in": (("-created_at", "pk"), ("from_episode__service_form", "person")),
    "referrals_out": (("-created_at", "pk"), ("to_service_form", "person")),
    "external_referrals": (("-referred_on", "-pk"), ("partner",)),
    "consents": (("-given_on", "-pk"), ("person", "recipient_service_form")),
}


def _list_shape(name: str) -> Shape:
    """The list ``name`` of the page as a shape compiled once per connection (ADR 0026): the
    select of a list joined to two or three tables took up to 1.5 ms to compile, on every page
    that shows it, against 0.3 ms to run. The base manager, as :data:`_LISTS_PRESENT`: read
    only for an episode the user was granted; a row that names its organisation (a referral)
    is filtered by it too."""
    model, link = _OPTIONAL_LISTS[name]
    order, related = _LIST_READS[name]
    own_organisation = any(f.name == "organisation" for f in model._meta.concrete_fields)

    def build(s: Any) -> QuerySet[Any]:
        rows = model._base_manager.filter(**{f"{link}_id": s.episode})
        if own_organisation:
            rows = rows.filter(organisation_id=s.organisation)
        if related:
            rows = rows.select_related(*related)
        return rows.order_by(*order)

    return Shape(build, name=f"episode page {name}")


_LISTS: Final[dict[str, Shape]] = {name: _list_shape(name) for name in _OPTIONAL_LISTS}


def episode_detail(*, episode: Episode, basis: Basis) -> EpisodeDetail:
    """Everything the episode page shows (and nothing it does not: each list joins only the
    rows its section names), for an episode the user may see on ``basis``, fetched
    with :data:`EPISODE_PAGE_RELATED` (:func:`tupa.access.fetch.episode_access`): the episode is
    not read again, and a list the episode has no rows of is not read at all
    (:data:`_LISTS_PRESENT`)."""
    participants = sorted(
        participants_of(episode), key=lambda p: (ROLE_ORDER.get(p.role, 99), p.pk)
    )
    present = _lists_present(episode)

    def rows(name: str) -> list[Any]:
        if not present[name]:
            return []
        return _LISTS[name].instances(episode=episode.pk, organisation=episode.organisation_id)

    network_meetings = rows("network_meetings")
    prefetch_related_objects(network_meetings, "partners")
    return EpisodeDetail(
        episode=episode,
        basis=basis,
        participants=[p for p in participants if p.left_on is None],
        former_participants=[p for p in participants if p.left_on is not None],
        assignments=rows("assignments"),
        goals=rows("goals"),
        network_meetings=network_meetings,
        referrals_in=rows("referrals_in"),
        referrals_out=rows("referrals_out"),
        external_referrals=rows("external_referrals"),
        consents=rows("consents"),
    )


def referral_inbox(*, user: User) -> QuerySet[Referral]:
    """Proposed referrals to the service forms where the user does client work.

    Only the referral itself (person, reason, sending form, date) — never the sending episode.
    """
    scope = clients.user_scope(user)
    return (
        Referral.objects.filter(
            status=Referral.Status.PROPOSED, to_service_form_id__in=scope.member_form_ids
        )
        .select_related("person", "to_service_form", "from_episode__service_form", "created_by")
        .order_by("created_at", "pk")
    )


def referral_for_receiver(*, user: User, pk: int) -> Referral | None:
    """A referral to one of the user's forms (any status), or None → 404."""
    return (
        Referral.objects.filter(
            pk=pk, to_service_form_id__in=clients.user_scope(user).member_form_ids
        )
        .select_related("person", "to_service_form", "from_episode__service_form")
        .first()
    )


def break_glass_review_queue(*, user: User) -> QuerySet[BreakGlass]:
    """Unreviewed emergency accesses to episodes of the forms the user leads."""
    scope = clients.user_scope(user)
    return (
        BreakGlass.objects.filter(
            episode__service_form_id__in=scope.lead_form_ids, reviewed_at__isnull=True
        )
        .exclude(user=user)
        .select_related("user", "episode__service_form")
        .order_by("started_at", "pk")
    )


def break_glass_reviewed(*, user: User, limit: int = 20) -> list[BreakGlass]:
    """The latest reviewed emergency accesses of the forms the user leads."""
    scope = clients.user_scope(user)
    return list(
        BreakGlass.objects.filter(
            episode__service_form_id__in=scope.lead_form_ids, reviewed_at__isnull=False
        )
        .select_related("user", "episode__service_form", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


def member_service_forms(*, user: User) -> QuerySet[ServiceForm]:
    """Service forms where the user does client work (for links and the dashboard panel)."""
    return ServiceForm.objects.filter(pk__in=clients.user_scope(user).member_form_ids).order_by(
        "area__order", "order", "name"
    )


def referral_targets(*, episode: Episode) -> QuerySet[ServiceForm]:
    """Service forms a client of ``episode`` can be referred to: the others that keep clients."""
    return (
        ServiceForm.objects.filter(active=True)
        .exclude(pk=episode.service_form_id)
        .exclude(register=ServiceForm.Register.NONE)
        .order_by("area__order", "order", "name")
    )


def assignable_users(*, episode: Episode) -> QuerySet[User]:
    """Active client-work staff of the organisation not yet assigned to the episode."""
    today = timezone.localdate()
    workers = Membership.objects.active().client_work().values("user_id")
    already = Assignment.objects.filter(episode=episode).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return (
        User.objects.filter(organisation_id=episode.organisation_id, is_active=True, pk__in=workers)
        .exclude(pk__in=already.values("user_id"))
        .order_by(Lower("last_name"), Lower("first_name"), "username")
    )


def dashboard_panel(*, user: User) -> dict[str, object]:
    """Context for ``episodes/_dashboard_panel.html``: what waits for the user (counts only)."""
    scope = clients.user_scope(user)
    return {
        "has_client_work": scope.has_client_work,
        "is_lead": bool(scope.lead_form_ids),
        "referrals": referral_inbox(user=user).count() if scope.has_client_work else 0,
        "break_glass": (break_glass_review_queue(user=user).count() if scope.lead_form_ids else 0),
        "holds": (_holds_waiting(user) if scope.lead_form_ids else 0),
    }


def _holds_waiting(user: User) -> int:
    """Reused records waiting for the lead's confirmation (:mod:`tupa.access.contact`)."""
    from tupa.people.selectors import hold_queue

    return hold_queue(user=user).count()
