"""Rule 'no_relationship' (and the night rule) judge a read by what was *recorded* at its moment.

An administrator can add a membership or an assignment afterwards with a back-dated start, or
move an existing one's start back: the earlier unjustified read must stay a finding (the audit
cannot be laundered). Nor can an end or a removal recorded afterwards make a read that was
backed at its moment look unjustified: a past period's findings do not move with later edits.
The moment a row was recorded is its django-simple-history version, which the admin cannot
edit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django_scopes import scopes_disabled

from tupa.access.policy import Basis
from tupa.accounts.models import Membership, Role
from tupa.audit.models import AnomalyRule
from tupa.core.tests.factories import MembershipFactory
from tupa.episodes.models import Assignment

from .test_anomalies import RECORDED, at, build_world, findings, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    with time_machine.travel(RECORDED, tick=False):
        return build_world()


#: The administrator's edits, well after the week read (2.–8.3.2026).
LATER = dt.datetime(2026, 3, 12, 10, 0, tzinfo=at(1, 0).tzinfo)


def _no_relationship(world: dict[str, Any]) -> list[tuple[int, dt.datetime]]:
    return [(f.user_id, f.first_at) for f in findings(world["org"], AnomalyRule.NO_RELATIONSHIP)]


def test_a_membership_added_afterwards_with_a_back_dated_start_does_not_back_a_read(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    read(worker, world["resident"], at(3, 10), episode=world["stay"])
    assert _no_relationship(world) == [(worker.pk, at(3, 10))]
    with time_machine.travel(LATER, tick=False), scopes_disabled():
        MembershipFactory(
            user=worker,
            organisation=world["org"],
            service_form=world["shelter"],
            valid_from=dt.date(2026, 3, 1),
        )
    assert _no_relationship(world) == [(worker.pk, at(3, 10))]


def test_a_membership_whose_start_is_moved_back_afterwards_does_not_back_a_read(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    with time_machine.travel(at(1, 9), tick=False), scopes_disabled():
        membership = MembershipFactory(
            user=worker,
            organisation=world["org"],
            service_form=world["shelter"],
            valid_from=dt.date(2026, 3, 10),
        )
    read(worker, world["resident"], at(3, 10), episode=world["stay"])
    with time_machine.travel(LATER, tick=False), scopes_disabled():
        membership.valid_from = dt.date(2026, 3, 1)
        membership.save()
    assert _no_relationship(world) == [(worker.pk, at(3, 10))]


def test_an_assignment_added_afterwards_with_a_back_dated_start_does_not_back_a_read(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    read(worker, world["resident"], at(3, 10), basis=Basis.ASSIGNMENT, episode=world["stay"])
    with time_machine.travel(LATER, tick=False), scopes_disabled():
        Assignment.objects.create(
            episode=world["stay"],
            user=worker,
            valid_from=dt.date(2026, 3, 1),
            assigned_by=world["shelter_worker"],
        )
    assert _no_relationship(world) == [(worker.pk, at(3, 10))]


def test_an_assignment_recorded_before_the_read_backs_it(world: dict[str, Any]) -> None:
    worker = world["day_worker"]
    with time_machine.travel(at(3, 9), tick=False), scopes_disabled():
        Assignment.objects.create(
            episode=world["stay"],
            user=worker,
            valid_from=dt.date(2026, 3, 3),
            assigned_by=world["shelter_worker"],
        )
    read(worker, world["resident"], at(3, 8), basis=Basis.ASSIGNMENT, episode=world["stay"])
    read(worker, world["resident"], at(3, 10), basis=Basis.ASSIGNMENT, episode=world["stay"])
    # 8.00 came before the assignment was recorded at 9.00 the same day
    assert _no_relationship(world) == [(worker.pk, at(3, 8))]


def test_an_end_recorded_afterwards_does_not_make_a_backed_read_a_finding(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    read(worker, world["client"], at(4, 10), episode=world["episode"])
    assert _no_relationship(world) == []
    with time_machine.travel(LATER, tick=False), scopes_disabled():
        membership = Membership.objects.get(user=worker)
        membership.valid_until = dt.date(2026, 3, 2)
        membership.save()
    assert _no_relationship(world) == []


def test_a_membership_removed_afterwards_still_backs_the_reads_made_while_it_held(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    read(worker, world["client"], at(4, 10), episode=world["episode"])
    with time_machine.travel(LATER, tick=False), scopes_disabled():
        Membership.objects.get(user=worker).delete()
    assert _no_relationship(world) == []


def test_night_work_added_afterwards_does_not_excuse_a_night_read(world: dict[str, Any]) -> None:
    worker = world["day_worker"]
    read(worker, world["client"], at(4, 2), episode=world["episode"])
    with time_machine.travel(LATER, tick=False), scopes_disabled():
        MembershipFactory(
            user=worker,
            organisation=world["org"],
            service_form=world["shelter"],
            role=Role.WORKER,
            valid_from=dt.date(2026, 3, 1),
        )
    (found,) = findings(world["org"], AnomalyRule.NIGHT_READ)
    assert found.user_id == worker.pk
