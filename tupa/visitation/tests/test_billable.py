"""The billable meetings as invoicing items (source ``visitation.meetings``), against the
hand-computed scenario of ``scenario.py`` (period 1.1.–31.3.2026, Helsinki time):

billable are 10.1. (took place), 1.2. 00:30 (no-show; 31.1. in UTC, so February's), 7.2.
(interrupted) and 21.2. (late cancellation by the resident parent) of order A (Lahti,
supervised), and 15.1. and 31.3. 23:30 (took place) of order B (Hollola, exchange) — 6 items;
not billable: 24.1. (timely cancellation), 7.3. (cancelled by us), 21.3. (no outcome), 1.4.
00:30 (outside the period).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from tupa.core import registry
from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import assert_collect_narrows_to_forms, refetched, rolled_back_world
from tupa.organisations.models import Partner
from tupa.people.models import Person
from tupa.visitation import billable
from tupa.visitation.models import Meeting, MeetingOrder

from . import scenario
from .scenario import _meeting, _outcome
from .support import family, make_order, municipality, t, visitation_form

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
D = dt.date


@pytest.fixture(scope="module")
def built_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The scenario, built once for the module and rolled back after its last test (each test
    runs in a savepoint inside this transaction)."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(t(2026, 6, 15, 12), tick=False):
            form = visitation_form()
            member = worker_in(form)
            built = scenario.build(form, member)
            # Another organisation with the same scenario: never collected for the first.
            other_form = visitation_form()
            scenario.build(other_form, worker_in(other_form))
        yield {"form": form, "member": member, "other_form": other_form, **built}


@pytest.fixture
def world(built_world: dict[str, Any]) -> dict[str, Any]:
    """The module's objects read afresh: a test may have changed a shared one in memory."""
    return refetched(built_world)  # type: ignore[no-any-return]


def _collect(form: Any, start: dt.date = START, end: dt.date = END, **narrowed: Any) -> list[Any]:
    with scope(organisation=form.organisation_id):
        return billable.collect(
            organisation_id=form.organisation_id, start=start, end=end, **narrowed
        )


def _meeting_ids(order: MeetingOrder) -> dict[dt.datetime, int]:
    with scopes_disabled():
        return dict(Meeting.objects.filter(order=order).values_list("starts_at", "pk"))


def test_the_billable_meetings_of_the_scenario(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    items = _collect(world["form"])
    a_ids, b_ids = _meeting_ids(a), _meeting_ids(b)
    lahti, hollola = municipality("398", "Lahti").pk, municipality("098", "Hollola").pk
    expected = [
        # (day, meeting type, municipality, group, meeting)
        (D(2026, 1, 10), "supervised", lahti, a, a_ids[t(2026, 1, 10, 17)]),
        (D(2026, 1, 15), "exchange", hollola, b, b_ids[t(2026, 1, 15, 16)]),
        # 1.2. 00:30 local is 31.1. 22:30 UTC: dated by the local date.
        (D(2026, 2, 1), "supervised", lahti, a, a_ids[t(2026, 2, 1, 0, 30)]),
        (D(2026, 2, 7), "supervised", lahti, a, a_ids[t(2026, 2, 7, 17)]),
        # The late cancellation by the resident parent is billable by the default rule.
        (D(2026, 2, 21), "supervised", lahti, a, a_ids[t(2026, 2, 21, 17)]),
        (D(2026, 3, 31), "exchange", hollola, b, b_ids[t(2026, 3, 31, 23, 30)]),
    ]
    assert [(i.day, i.meeting_type, i.municipality_id, i.group_key, i.records) for i in items] == [
        (day, kind, muni, f"order:{order.pk}", (("visitation.meeting", pk),))
        for day, kind, muni, order, pk in expected
    ]
    for item in items:
        assert item.source == "visitation.meetings"
        assert item.service_form_id == world["form"].pk
        assert item.item == "meeting"
        assert item.quantity == Decimal(1)
        assert item.payer_id is None
        assert item.case_reference == "H 26/1234"
        assert item.buyer_name == "" and item.unit_price is None


def test_other_organisation(world: dict[str, Any]) -> None:
    """The other organisation's identical scenario: its own 6 meetings, none of the first's."""
    ours = {i.records for i in _collect(world["form"])}
    theirs = _collect(world["other_form"])
    assert len(theirs) == 6
    assert {i.service_form_id for i in theirs} == {world["other_form"].pk}
    assert ours.isdisjoint({i.records for i in theirs})


def test_narrowed_to_some_forms(world: dict[str, Any]) -> None:
    assert_collect_narrows_to_forms(
        lambda **narrowed: _collect(world["form"], **narrowed), world["form"]
    )


def test_late_cancellation_alone_is_an_item(world: dict[str, Any]) -> None:
    """21.2. only: the resident parent's late cancellation, billed (1 item, 1 meeting)."""
    items = _collect(world["form"], D(2026, 2, 21), D(2026, 2, 21))
    assert [(i.day, i.quantity) for i in items] == [(D(2026, 2, 21), Decimal(1))]


def test_the_configured_rule_decides(world: dict[str, Any], settings: Any) -> None:
    settings.TUPA_VISITATION_BILLING = {"outcomes": ["took_place"], "late_cancellations": False}
    # Only the three that took place: 10.1., 15.1., 31.3.
    assert [i.day for i in _collect(world["form"])] == [
        D(2026, 1, 10),
        D(2026, 1, 15),
        D(2026, 3, 31),
    ]


def test_reference_and_invoiced_partner_come_from_the_order(world: dict[str, Any]) -> None:
    with scopes_disabled():
        partner = Partner.objects.create(
            organisation=world["form"].organisation, name="Testin perhepalvelut"
        )
        MeetingOrder.objects.filter(pk=world["a"].pk).update(payer_partner=partner)
        MeetingOrder.objects.filter(pk=world["b"].pk).update(basis_reference="  ")
    items = _collect(world["form"])
    by_group = {i.group_key: (i.payer_id, i.case_reference) for i in items}
    assert by_group == {
        f"order:{world['a'].pk}": (partner.pk, "H 26/1234"),
        f"order:{world['b'].pk}": (None, f"tapaamisjärjestely {world['b'].pk}"),
    }


def test_no_names_in_the_items(world: dict[str, Any]) -> None:
    with scopes_disabled():
        names = [
            n
            for first, last in Person.objects.filter(
                organisation=world["form"].organisation
            ).values_list("first_names", "last_name")
            for n in (first, last)
        ]
    assert "Aino" in names and "Bertil" in names
    for item in _collect(world["form"]):
        text = repr(dataclasses.astuple(item))
        assert not [n for n in names if n in text]


def test_constant_queries(django_assert_max_num_queries: Any) -> None:
    """One query for one billable meeting and for three."""
    with time_machine.travel(t(2026, 6, 15, 12), tick=False):
        form = visitation_form()
        member = worker_in(form)
        episode, people = family(form)
        order = make_order(member, episode, people)
        with scopes_disabled():
            meeting = _meeting(member, order, D(2026, 1, 10), dt.time(17))
            _outcome(member, meeting, "took_place")
    with django_assert_max_num_queries(1):
        assert len(_collect(form)) == 1
    with time_machine.travel(t(2026, 6, 15, 12), tick=False), scopes_disabled():
        for day in (D(2026, 1, 24), D(2026, 2, 7)):
            meeting = _meeting(member, order, day, dt.time(17))
            _outcome(member, meeting, "took_place")
    with django_assert_max_num_queries(1):
        assert len(_collect(form)) == 3


def test_registered() -> None:
    source = next(s for s in registry.billable_sources if s.key == "visitation.meetings")
    assert source.collect is billable.collect
