"""GDPR art. 18 in the remaining write services: drop-in identification, referral decisions,
group attendance (only the restricted member's own row) and a household's family types."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import PersonFactory, worker_in
from tupa.dropin import services as dropin_services
from tupa.dropin.tests.support import house
from tupa.episodes import services as episode_services
from tupa.episodes.tests.test_services import build_world
from tupa.people import services as people_services
from tupa.programmes.models import Attendance
from tupa.programmes.tests import support as group_support

from .test_processing_restriction import restrict

pytestmark = pytest.mark.django_db

P, A = Attendance.Status.PRESENT, Attendance.Status.ABSENT


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(group_support.t(2026, 3, 10, 12), tick=False):
        yield


def assert_restricted(write: Callable[[], Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        write()
    assert [e.code for e in exc.value.error_list] == ["processing_restricted"]


def refused_then_allowed(person: Any, write: Callable[[], Any]) -> Any:
    restrict(person)
    with scope(organisation=person.organisation_id):
        assert_restricted(write)
    restrict(person, restricted=False)
    with scope(organisation=person.organisation_id):
        return write()


def test_dropin_identification_of_a_restricted_returning_visitor() -> None:
    form = house()
    worker = worker_in(form)
    known = PersonFactory.create(
        organisation=form.organisation, first_names="Saara", last_name="Keksitty"
    )
    with scopes_disabled():
        known.hetu = "131052-308T"
        known.save()

    def identify() -> Any:
        return dropin_services.visitor_identify(
            actor=worker,
            service_form=form,
            target_service_form=form,
            first_names="Saara",
            last_name="Keksitty",
            hetu="131052-308T",
            consent=True,
        )

    # The worker does not see her (no episode of hers is visible): the refusal is the neutral
    # "code and name do not match", never her restriction (test_intake_privacy.py).
    restrict(known)
    with scope(organisation=known.organisation_id), pytest.raises(ValidationError) as exc:
        identify()
    assert exc.value.message_dict == {"hetu": [people_services.HETU_TAKEN_MESSAGE]}
    restrict(known, restricted=False)
    with scope(organisation=known.organisation_id):
        record = identify()
    assert record.person_id == known.pk


def _referral() -> tuple[Any, Any]:
    world = build_world()
    with scope(organisation=world.org.pk):
        referral = episode_services.referral_create(
            actor=world.member,
            from_episode=world.episode,
            to_service_form=world.avokriisi,
            person=world.mother,
            reason="Jatkotyöskentely",
            consent_given=True,
        )
    return world, referral


def test_referral_accept() -> None:
    world, referral = _referral()
    episode = refused_then_allowed(
        world.mother,
        lambda: episode_services.referral_accept(actor=world.other_form, referral=referral),
    )
    assert episode.service_form == world.avokriisi


def test_referral_decline() -> None:
    world, referral = _referral()
    declined = refused_then_allowed(
        world.mother,
        lambda: episode_services.referral_decline(
            actor=world.other_form, referral=referral, reason="Ei tilaa"
        ),
    )
    assert declined.status == "declined"


def test_group_attendance_refuses_only_the_restricted_members_own_row() -> None:
    form = group_support.group_form()
    worker = worker_in(form)
    prog = group_support.programme(form, worker)
    parent, kid = group_support.pair(form)
    other, _none = group_support.pair(form, child=False)
    member = group_support.add_member(prog, worker, parent, kid)
    fellow = group_support.add_member(prog, worker, other)
    session = group_support.add_session(prog, worker, group_support.t(2026, 3, 9))
    group_support.record(session, worker, {member: P, fellow: P})
    restrict(parent.person)
    # The session, its head counts and the other members' rows can still be recorded, and
    # the restricted member's unchanged row may be sent along.
    group_support.record(session, worker, {fellow: A}, anonymous_adults=3)
    group_support.record(session, worker, {member: P, fellow: P}, anonymous_adults=4)
    # Changing her own row is refused, and so is deleting it by cancelling the session.
    assert_restricted(lambda: group_support.record(session, worker, {member: A, fellow: A}))
    assert_restricted(lambda: group_support.record(session, worker, {}, cancelled=True))
    with scopes_disabled():
        rows = dict(Attendance.objects.filter(session=session).values_list("member", "status"))
    assert rows == {member.pk: P, fellow.pk: P}
    # A restricted child of the pair counts too (the row is about both).
    restrict(parent.person, restricted=False)
    restrict(kid.person)  # type: ignore[union-attr]
    assert_restricted(lambda: group_support.record(session, worker, {member: A}))
    restrict(kid.person, restricted=False)  # type: ignore[union-attr]
    group_support.record(session, worker, {member: A})
    with scopes_disabled():
        assert Attendance.objects.get(session=session, member=member).status == A


def test_household_family_types() -> None:
    world = build_world()
    worker = world.member
    other = PersonFactory.create(organisation=world.org)
    with scope(organisation=world.org.pk):
        household = people_services.household_create(
            actor=worker, name="Keksitty", members=[world.mother, other]
        )
    refused_then_allowed(
        world.mother,
        lambda: people_services.household_set_family_types(
            actor=worker, household=household, family_types=["single_parent"]
        ),
    )
    with scopes_disabled():
        household.refresh_from_db()
    assert household.family_types == ["single_parent"]
