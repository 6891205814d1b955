"""Rule 'no_relationship' (and the night rule) judge a read by what was *recorded* at its moment.

An administrator can add a membership or an assignment afterwards with a back-dated start, or
move an existing one's start back: the earlier unjustified read must stay a finding (the audit
cannot be laundered). Nor can an end or a removal recorded afterwards make a read that was
backed at its moment look unjustified: a past period's findings do not move with later edits.
The moment a row was recorded is its django-simple-history version, which the admin cannot
edit. The same holds for sharing consents (a consent added with a back-dated ``given_on``, its
validity extended or its withdrawal cleared afterwards) and for a form's ``open_24h`` in the
night rule (a form made 24 h afterwards).
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
from tupa.people.models import Consent

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


# --- sharing consents ('consent' basis) ---------------------------------------------------------


def _sharing_consent(world: dict[str, Any], **fields: Any) -> Consent:
    """The resident's consent to share her shelter stay with the day worker's form."""
    fields.setdefault("purpose", Consent.Purpose.SHARING)
    with scopes_disabled():
        return Consent.objects.create(
            person=world["resident"],
            recipient_service_form=world["avokriisi"],
            episode=world["stay"],
            recorded_by=world["shelter_worker"],
            **fields,
        )


def _edit(instance: Any, when: dt.datetime, **fields: Any) -> None:
    with time_machine.travel(when, tick=False), scopes_disabled():
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.save()


def test_a_consent_added_afterwards_with_a_back_dated_given_on_does_not_back_a_read(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    read(worker, world["resident"], at(3, 10), basis=Basis.CONSENT)
    assert _no_relationship(world) == [(worker.pk, at(3, 10))]
    with time_machine.travel(LATER, tick=False):
        _sharing_consent(world, given_on=dt.date(2026, 3, 1))
    assert _no_relationship(world) == [(worker.pk, at(3, 10))]


def test_a_consents_validity_extended_or_withdrawal_cleared_afterwards_does_not_back_a_read(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    with time_machine.travel(RECORDED, tick=False):
        lapsed = _sharing_consent(
            world, given_on=dt.date(2026, 2, 1), valid_until=dt.date(2026, 3, 3)
        )
    read(worker, world["resident"], at(4, 10), basis=Basis.CONSENT)
    _edit(lapsed, LATER, valid_until=None)
    assert _no_relationship(world) == [(worker.pk, at(4, 10))]
    _edit(lapsed, LATER + dt.timedelta(hours=1), valid_until=dt.date(2026, 3, 3))
    with time_machine.travel(at(5, 8), tick=False):
        withdrawn = _sharing_consent(
            world, given_on=dt.date(2026, 2, 1), withdrawn_on=dt.date(2026, 3, 5)
        )
    read(worker, world["resident"], at(5, 10), basis=Basis.CONSENT)
    _edit(withdrawn, LATER + dt.timedelta(hours=2), withdrawn_on=None)
    assert _no_relationship(world) == [(worker.pk, at(4, 10)), (worker.pk, at(5, 10))]


def test_a_consent_becomes_a_sharing_consent_only_when_so_recorded(world: dict[str, Any]) -> None:
    worker = world["day_worker"]
    with time_machine.travel(RECORDED, tick=False):
        consent = _sharing_consent(
            world, purpose=Consent.Purpose.FOLLOW_UP, given_on=dt.date(2026, 2, 1)
        )
    read(worker, world["resident"], at(3, 10), basis=Basis.CONSENT)
    _edit(consent, at(4, 9), purpose=Consent.Purpose.SHARING)
    read(worker, world["resident"], at(4, 10), basis=Basis.CONSENT)  # backed from 9.00
    _edit(consent, at(5, 9), purpose=Consent.Purpose.FOLLOW_UP)
    read(worker, world["resident"], at(5, 10), basis=Basis.CONSENT)  # no longer
    assert _no_relationship(world) == [(worker.pk, at(3, 10)), (worker.pk, at(5, 10))]


def test_a_withdrawal_recorded_afterwards_does_not_make_a_backed_read_a_finding(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    with time_machine.travel(RECORDED, tick=False):
        consent = _sharing_consent(world, given_on=dt.date(2026, 2, 1))
    read(worker, world["resident"], at(4, 10), basis=Basis.CONSENT)
    assert _no_relationship(world) == []
    _edit(consent, LATER, withdrawn_on=dt.date(2026, 3, 2))
    assert _no_relationship(world) == []
    with time_machine.travel(LATER, tick=False), scopes_disabled():
        consent.delete()
    assert _no_relationship(world) == []


# --- a form's open_24h (the night rule) ---------------------------------------------------------


def _night_reads(world: dict[str, Any]) -> list[tuple[int, dt.datetime]]:
    return [(f.user_id, f.first_at) for f in findings(world["org"], AnomalyRule.NIGHT_READ)]


def test_a_form_made_24_h_afterwards_does_not_excuse_earlier_night_reads(
    world: dict[str, Any],
) -> None:
    worker = world["day_worker"]
    read(worker, world["client"], at(4, 2), episode=world["episode"])
    assert _night_reads(world) == [(worker.pk, at(4, 2))]
    _edit(world["avokriisi"], LATER, open_24h=True)
    assert _night_reads(world) == [(worker.pk, at(4, 2))]


def test_a_form_is_24_h_from_when_that_is_recorded(world: dict[str, Any]) -> None:
    worker, shelter_worker = world["day_worker"], world["shelter_worker"]
    read(worker, world["client"], at(3, 2), episode=world["episode"])
    _edit(world["avokriisi"], at(3, 12), open_24h=True)
    read(worker, world["client"], at(4, 2), episode=world["episode"])  # 24 h by then
    # the shelter stops being 24 h afterwards: its earlier night reads stay excused
    read(shelter_worker, world["resident"], at(5, 2), episode=world["stay"])
    _edit(world["shelter"], LATER, open_24h=False)
    assert _night_reads(world) == [(worker.pk, at(3, 2))]
