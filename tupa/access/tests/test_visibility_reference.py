"""The visibility query against a straightforward reference, for many combinations of grants.

:func:`~tupa.access.clients.episodes_visible_to` reads the grants other than membership
(assignments, consents, break-the-glass) first and filters the episodes by a list of ids (or,
above ``GRANT_LIST_LIMIT``, by one ``IN`` subquery per grant) instead of one ``OR`` over left
joins of all of them (issue 11, item 10: the ``OR`` could not use an index). The rules did not
change, so these tests decide every episode in plain Python from the rows themselves — the
rules of ARCHITECTURE.md §6 and the module docstring of :mod:`tupa.access.clients`, written out
once more — and check that both forms of the query, the same condition put on a participation's
episode (``EpisodeVisibility.through``), the former ``OR`` query and
:func:`~tupa.access.clients.episode_bases` select exactly the same episodes, for memberships on
both sides of the wall (and none, ended ones and other roles), assignments, consents and
emergency accesses of every validity (past, today, future, withdrawn, expired), other users'
grants, episodes of another organisation and inactive accounts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tupa.access import clients
from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    AreaFactory,
    EpisodeFactory,
    MembershipFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    UserFactory,
)
from tupa.episodes.models import Assignment, BreakGlass, Episode, Participant
from tupa.people.models import Consent

pytestmark = pytest.mark.django_db

#: The forms of the organisation: (slug, side of the wall).
FORMS = (("turvakoti", "victim"), ("avokriisi", "victim"), ("jussi", "perpetrator"), ("alvari", ""))
EPISODES_PER_FORM = 2
#: Day offsets from today for dates of grants (None: open-ended where allowed).
OFFSETS = (-30, -1, 0, 1, 30)


@dataclass
class World:
    forms: dict[str, Any]
    episodes: list[Episode]  # the organisation's, EPISODES_PER_FORM per form
    foreign: Episode  # another organisation's (its consent names one of our forms)
    person: Any
    other_user: Any
    recorder: Any


@pytest.fixture
def world() -> World:
    shelter = ServiceFormFactory(slug="turvakoti", violence_work="victim")
    org = shelter.organisation
    forms = {"turvakoti": shelter}
    for slug, side in FORMS[1:]:
        forms[slug] = ServiceFormFactory(
            organisation=org, area=AreaFactory(organisation=org), slug=slug, violence_work=side
        )
    episodes = [
        EpisodeFactory(service_form=forms[slug], organisation=org)
        for slug, _side in FORMS
        for _n in range(EPISODES_PER_FORM)
    ]
    foreign_form = ServiceFormFactory(slug="turvakoti", violence_work="victim")
    person = PersonFactory(organisation=org)
    for episode in episodes:  # the person behind every episode (person_bases_where_shown)
        ParticipantFactory(episode=episode, person=person)
    return World(
        forms=forms,
        episodes=episodes,
        foreign=EpisodeFactory(service_form=foreign_form, organisation=foreign_form.organisation),
        person=person,
        other_user=UserFactory(organisation=org),
        recorder=UserFactory(organisation=org),
    )


# --------------------------------------------------------------------------- the plan

form_slugs = st.sampled_from([slug for slug, _side in FORMS])
offsets = st.sampled_from(OFFSETS)
maybe_offsets = st.one_of(st.none(), offsets)

memberships = st.lists(
    st.tuples(
        form_slugs,
        st.sampled_from([Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.FINANCE]),
        maybe_offsets,  # valid_until
    ),
    max_size=3,
)
assignments = st.lists(
    st.tuples(st.integers(0, 7), offsets, maybe_offsets, st.booleans()),  # …, mine?
    max_size=4,
)
consents = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 8)),  # episode (8: the foreign one)
        st.sampled_from(["sharing", "contact"]),
        st.one_of(st.none(), form_slugs),  # recipient form
        offsets,  # given_on
        maybe_offsets,  # valid_until
        maybe_offsets,  # withdrawn_on
    ),
    max_size=5,
)
glass = st.lists(
    st.tuples(st.integers(0, 8), st.sampled_from([-2, 2]), st.booleans()),  # hours, mine?
    max_size=3,
)


@dataclass(frozen=True)
class Plan:
    memberships: list[tuple[str, str, int | None]]
    assignments: list[tuple[int, int, int | None, bool]]
    consents: list[tuple[int | None, str, str | None, int, int | None, int | None]]
    glass: list[tuple[int, int, bool]]
    active: bool


plans = st.builds(
    Plan,
    memberships=memberships,
    assignments=assignments,
    consents=consents,
    glass=glass,
    active=st.sampled_from([True, True, True, False]),
)


def _day(offset: int | None) -> dt.date | None:
    return None if offset is None else timezone.localdate() + dt.timedelta(days=offset)


def _apply(world: World, plan: Plan) -> Any:
    """Write the plan's rows; returns the user (fresh: nothing cached on it)."""
    org = world.person.organisation
    all_episodes = [*world.episodes, world.foreign]
    with scopes_disabled():
        user = UserFactory(organisation=org, is_active=plan.active)
        for slug, role, until in plan.memberships:
            MembershipFactory(
                user=user,
                organisation=org,
                # an organisation-wide role has no form (a constraint)
                service_form=world.forms[slug] if role != Role.FINANCE else None,
                role=role,
                valid_until=_day(until),
            )
        for index, start, until, mine in plan.assignments:
            if until is not None and start > until:
                start, until = until, start
            Assignment.objects.create(
                episode=world.episodes[index],
                user=user if mine else world.other_user,
                valid_from=_day(start),
                valid_until=_day(until),
                assigned_by=world.recorder,
            )
        for consented, purpose, recipient, given, until, withdrawn in plan.consents:
            Consent.objects.create(
                person=world.person,
                purpose=purpose,
                recipient_service_form=world.forms[recipient] if recipient else None,
                episode=None if consented is None else all_episodes[consented],
                given_on=_day(given),
                valid_until=_day(until),
                withdrawn_on=_day(withdrawn),
                recorded_by=world.recorder,
            )
        now = timezone.now()
        for index, hours, mine in plan.glass:
            BreakGlass.objects.create(
                user=user if mine else world.other_user,
                episode=all_episodes[index],
                reason="hätä",
                started_at=now - dt.timedelta(hours=3),
                expires_at=now + dt.timedelta(hours=hours),
            )
    return type(user).objects.get(pk=user.pk)


# --------------------------------------------------------------------------- the references


def reference_visible(user: Any) -> set[int]:
    """Decide every episode in Python from the rows, by the rules as written."""
    if not user.is_active or user.organisation_id is None:
        return set()
    today = timezone.localdate()
    now = timezone.now()
    with scopes_disabled():
        member_sides = {
            m.service_form_id: m.service_form.violence_work
            for m in user.memberships.select_related("service_form")
            if m.role in {Role.WORKER, Role.LEAD, Role.COORDINATOR}
            and m.service_form_id is not None
            and m.valid_from <= today
            and (m.valid_until is None or m.valid_until >= today)
        }
        perpetrator_work = "perpetrator" in member_sides.values()
        visible = set()
        for episode in Episode.objects.select_related("service_form"):
            if episode.organisation_id != user.organisation_id:
                continue
            victim_side = episode.service_form.violence_work == "victim"
            membership = episode.service_form_id in member_sides
            assignment = any(
                a.user_id == user.pk
                and a.valid_from <= today
                and (a.valid_until is None or a.valid_until >= today)
                for a in episode.assignments.all()
            )
            consent = any(
                c.purpose == "sharing"
                and c.recipient_service_form_id in member_sides
                and c.in_force_on(today)
                # a consent to a perpetrator-side form never opens victim-side work
                and not (member_sides[c.recipient_service_form_id] == "perpetrator" and victim_side)
                for c in episode.consents.all()
            )
            glass = (
                bool(member_sides)  # only while doing client work
                and any(
                    g.user_id == user.pk and g.expires_at > now for g in episode.break_glass.all()
                )
                # never into victim-side work from a user doing any perpetrator work
                and not (perpetrator_work and victim_side)
            )
            if membership or assignment or consent or glass:
                visible.add(episode.pk)
    return visible


def former_or_query(user: Any) -> set[int]:
    """The visibility query as it was before the grants were read first: one ``OR``."""
    if not user.is_active or user.organisation_id is None:
        return set()
    scope_ = clients.user_scope(user)
    q = Q(service_form__in=scope_.member_form_ids) | clients._active_assignments(user)
    if scope_.has_client_work:
        q |= clients._consent_shared(scope_) | clients._break_glass(user, scope_)
    ids = Episode.objects.filter(q).values("pk")
    return set(
        Episode.objects.filter(pk__in=ids, organisation_id=user.organisation_id).values_list(
            "pk", flat=True
        )
    )


def _visible(user: Any) -> set[int]:
    return set(clients.episodes_visible_to(user=user).values_list("pk", flat=True))


def _visible_through_participations(user: Any) -> set[int]:
    """The episodes of the participations that the same condition selects when it is put on
    the participation's episode (``EpisodeVisibility.through``): the person takes part in
    every episode, so these are the visible episodes again."""
    condition = clients.episode_visibility(user=user).through("episode")
    return set(Participant.objects.filter(condition).values_list("episode_id", flat=True))


#: GRANT_LIST_LIMIT values that give the list of ids (the default), the subqueries for any
#: grant at all (0) and the switch between them (1).
LIMITS = (clients.GRANT_LIST_LIMIT, 1, 0)


def _check(world: World, plan: Plan) -> None:
    all_ids = [e.pk for e in world.episodes] + [world.foreign.pk]
    with transaction.atomic():
        user = _apply(world, plan)
        expected = reference_visible(user)
        with scope(organisation=user.organisation_id):
            for limit in LIMITS:
                with patch.object(clients, "GRANT_LIST_LIMIT", limit):
                    assert _visible(user) == expected, limit
                    assert _visible_through_participations(user) == expected, limit
            assert former_or_query(user) == expected
            _check_form_episodes(world, user, expected)
            assert set(clients.episode_bases(user=user, episode_ids=all_ids)) == expected
            if user.is_active:
                _check_shown_person(world, user, expected)
        transaction.set_rollback(True)


def _check_form_episodes(world: World, user: Any, visible: set[int]) -> None:
    """``form_episodes_visible_to``, the one form's query (without the grants for a member of
    the form), selects the visible episodes of each form, the other organisation's too."""
    for form in [*world.forms.values(), world.foreign.service_form]:
        found = set(
            clients.form_episodes_visible_to(user=user, service_form=form).values_list(
                "pk", flat=True
            )
        )
        own = {e.pk for e in [*world.episodes, world.foreign] if e.service_form_id == form.pk}
        assert found == own & visible, form.slug


def _check_shown_person(world: World, user: Any, visible: set[int]) -> None:
    """The person, a participant of every episode, shown through any one visible episode: the
    basis decided from that episode's form is the strongest of all her episodes', as
    person_bases decides it — without a query when the form is one of the user's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = world.person
    strongest = clients.person_bases(user=user, persons=[person]).get(person.pk)
    member_forms = clients.user_scope(user).member_form_ids
    for episode in world.episodes:
        if episode.pk not in visible:
            continue
        with CaptureQueriesContext(connection) as ctx:
            shown = clients.person_bases_where_shown(
                user=user, shown=[(person, (episode.service_form_id,))]
            )
        assert shown == {person.pk: strongest}, episode.service_form_id
        assert (len(ctx.captured_queries) == 0) == (episode.service_form_id in member_forms)


MIXED_WALL = Plan(
    memberships=[("jussi", Role.WORKER, None), ("turvakoti", Role.WORKER, 30)],
    assignments=[(6, -1, None, True)],
    consents=[(2, "sharing", "jussi", -1, None, None), (3, "sharing", "jussi", 0, 0, 1)],
    glass=[(0, 2, True), (6, 2, True), (4, -2, True)],
    active=True,
)
PERPETRATOR_ONLY = Plan(
    memberships=[("jussi", Role.LEAD, None)],
    assignments=[(1, -30, None, True)],
    consents=[(0, "sharing", "jussi", -30, None, None), (7, "sharing", "jussi", -1, 1, None)],
    glass=[(2, 2, True), (6, 2, True), (8, 2, True)],
    active=True,
)


#: Found by Hypothesis: two assignments to one episode filled the limit of the list of ids with
#: one episode twice and pushed the other out (the grants were a UNION ALL).
DUPLICATE_ASSIGNMENTS = Plan(
    memberships=[],
    assignments=[(1, -30, None, True), (1, -30, None, True), (0, -30, None, True)],
    consents=[],
    glass=[],
    active=True,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(MIXED_WALL)
@example(PERPETRATOR_ONLY)
@example(DUPLICATE_ASSIGNMENTS)
@example(dataclasses.replace(MIXED_WALL, active=False))
@example(dataclasses.replace(PERPETRATOR_ONLY, memberships=[]))
@given(plan=plans)
def test_visible_episodes_equal_the_reference(world: World, plan: Plan) -> None:
    _check(world, plan)


@pytest.mark.parametrize("limit", LIMITS)
def test_the_grants_are_one_query(world: World, limit: int, django_assert_num_queries: Any) -> None:
    """Building the visibility queryset reads the grants once (the list or not), nothing else."""
    plan = dataclasses.replace(MIXED_WALL, active=True)
    user = _apply(world, plan)
    clients.user_scope(user)  # the memberships: read once per request anyway
    with (
        scope(organisation=user.organisation_id),
        patch.object(clients, "GRANT_LIST_LIMIT", limit),
        django_assert_num_queries(1),
    ):
        clients.episodes_visible_to(user=user)


def test_a_members_form_episodes_read_no_grants(
    world: World, django_assert_num_queries: Any
) -> None:
    """For a member of the form the query is the form's own: building it reads nothing (the
    memberships are read once per request anyway); for another form, the grants once."""
    user = _apply(world, dataclasses.replace(MIXED_WALL, active=True))
    clients.user_scope(user)
    with scope(organisation=user.organisation_id):
        with django_assert_num_queries(0):
            clients.form_episodes_visible_to(user=user, service_form=world.forms["jussi"])
        with django_assert_num_queries(1):
            clients.form_episodes_visible_to(user=user, service_form=world.forms["alvari"])
