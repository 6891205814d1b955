"""Ensikoti's care days as invoicing items (source ``residential.care_days``).

The scenario of ``test_commitment.py`` (period 1.1.–28.2.2026, every night counts):

- Family A (mother + child), nights 28.1.–9.2.: commitment C1 (payer P1, reference
  "PHHYKY/123/2026") 1.1.–3.2. — it ends mid-month —, no commitment on 4.2., C2 (payer P2, no
  reference) from 5.2. Per person: January 28.–31.1. = 4 on C1, February 1.–3.2. = 3 on C1,
  5.–9.2. = 5 on C2; 4.2. is "no commitment" and is no item.
- Family B (open stay from 20.2.): its only commitment is cancelled → no item.
- Family C: the stay's payer category is state → no item, although C has a commitment.

Items are one per person and care day; merged per commitment, month and person: C1 January
mother 4 + child 4 (28.–31.1.), C1 February 3 + 3 (1.–3.2.), C2 February 5 + 5 (5.–9.2.) → P1 14
days and P2 10 days, the billing page's figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope, scopes_disabled

from tupa.core import registry
from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import assert_collect_narrows_to_forms
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Participant
from tupa.people.models import Person
from tupa.residential.commitments import billable, services

from .support import family, t
from .test_commitment import admit, build_scenario, ensikoti_form, partner

pytestmark = pytest.mark.django_db

D = dt.date
#: The run's moment: after the scenario's months, so that no night is still ahead.
AS_OF = dt.datetime(2027, 1, 15, 12, tzinfo=HELSINKI)


def _collect(form: Any, start: dt.date, end: dt.date, **narrowed: Any) -> list[Any]:
    with scope(organisation=form.organisation_id):
        return billable.collect(
            organisation_id=form.organisation_id, start=start, end=end, as_of=AS_OF, **narrowed
        )


def _rows(items: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (i.group_key, i.day, i.item, i.quantity, i.payer_id, i.case_reference, i.records)
        for i in items
    ]


def _merge(items: list[Any]) -> list[Any]:
    """The items merged per commitment, month and person: (first day, last day, summed
    quantity) in place of one item per day."""
    merged: dict[tuple[Any, ...], Any] = {}
    for i in items:
        key = (
            i.group_key,
            i.day.year,
            i.day.month,
            i.item,
            i.payer_id,
            i.case_reference,
            i.records,
        )
        found = merged.get(key)
        if found is None:
            merged[key] = dataclasses.replace(i, description=f"{i.day:%d.%m.}–{i.day:%d.%m.%Y}")
        else:
            last = i.day if i.day > found.day else found.day
            merged[key] = dataclasses.replace(
                found,
                quantity=found.quantity + i.quantity,
                description=f"{found.day:%d.%m.}–{last:%d.%m.%Y}",
            )
    return list(merged.values())


def test_the_hand_computed_scenario() -> None:
    s = build_scenario()
    form, c1, c2 = s["form"], s["c1"], s["c2"]
    _a, (mother, child) = s["a"]
    items = _collect(form, D(2026, 1, 1), D(2026, 2, 28))
    assert len(items) == 24 and {i.quantity for i in items} == {Decimal(1)}
    items = _merge(items)
    p1, p2 = s["p1"].pk, s["p2"].pk

    def rec(commitment: Any, participant: Participant) -> tuple[tuple[str, int], ...]:
        return (
            ("residential.paymentcommitment", commitment.pk),
            ("episodes.participant", participant.pk),
        )

    k1, k2 = f"commitment:{c1.pk}", f"commitment:{c2.pk}"
    ref1, ref2 = "PHHYKY/123/2026", "maksusitoumus 05.02.2026"
    mom, kid = "care_day_mother", "care_day_child"
    assert _rows(items) == [
        (k1, D(2026, 1, 28), mom, Decimal(4), p1, ref1, rec(c1, mother)),
        (k1, D(2026, 1, 28), kid, Decimal(4), p1, ref1, rec(c1, child)),
        (k1, D(2026, 2, 1), mom, Decimal(3), p1, ref1, rec(c1, mother)),
        (k1, D(2026, 2, 1), kid, Decimal(3), p1, ref1, rec(c1, child)),
        (k2, D(2026, 2, 5), mom, Decimal(5), p2, ref2, rec(c2, mother)),
        (k2, D(2026, 2, 5), kid, Decimal(5), p2, ref2, rec(c2, child)),
    ]
    # P1: 4 + 4 + 3 + 3 = 14 days; P2: 5 + 5 = 10 (the billing page's figures).
    assert sum(i.quantity for i in items if i.payer_id == p1) == 14
    assert sum(i.quantity for i in items if i.payer_id == p2) == 10
    for item in items:
        assert item.source == "residential.care_days"
        assert item.service_form_id == form.pk
        assert item.municipality_id is None and item.buyer_name == ""
        assert item.unit_price is None and item.meeting_type == ""
    assert [i.description for i in items[::2]] == [
        "28.01.–31.01.2026",
        "01.02.–03.02.2026",
        "05.02.–09.02.2026",
    ]


def test_a_price_change_on_1_july_splits_the_stay() -> None:
    """25.6. 18:00 → 5.7. 10:00: nights 25.–30.6. (6) and 1.–4.7. (4), on a commitment from
    1.6.: each night is its own item, so the price valid on 1.7. prices July's nights."""
    form = ensikoti_form()
    worker = worker_in(form)
    payer = partner(form, "Hyvinvointialue")
    episode, (mother,) = family(form, children=0)
    admit(form, worker, episode, [mother], "p1", t(2026, 6, 25, 18), t(2026, 7, 5, 10))
    services.commitment_add(
        actor=worker, episode=episode, payer=payer, valid_from=D(2026, 6, 1), reference="R-1"
    )
    items = _collect(form, D(2026, 6, 1), D(2026, 7, 31))
    assert [(i.day, i.quantity) for i in _merge(items)] == [
        (D(2026, 6, 25), Decimal(6)),
        (D(2026, 7, 1), Decimal(4)),
    ]
    assert [i.day for i in items] == [D(2026, 6, 25) + dt.timedelta(days=n) for n in range(10)]


def test_roles_give_the_priced_item() -> None:
    assert billable.care_day_item("child", "male") == "care_day_child"
    assert billable.care_day_item("client", "female") == "care_day_mother"
    assert billable.care_day_item("partner", "male") == "care_day_father"
    assert billable.care_day_item("client", "male") == "care_day_father"
    # Another adult, gender other or unknown: the adult (mother's) price.
    assert billable.care_day_item("close_person", "unknown") == "care_day_mother"
    assert billable.care_day_item("expectant_parent", "other") == "care_day_mother"


def test_a_father_in_the_family_room() -> None:
    s = build_scenario()
    _a, (mother, _child) = s["a"]
    with scopes_disabled():
        Person.objects.filter(pk=mother.person_id).update(gender=Person.Gender.MALE)
    items = _collect(s["form"], D(2026, 1, 1), D(2026, 1, 31))
    assert [(i.item, i.quantity) for i in _merge(items)] == [
        ("care_day_father", Decimal(4)),
        ("care_day_child", Decimal(4)),
    ]


def test_other_organisations_and_forms_without_commitments() -> None:
    s = build_scenario()
    other = build_scenario()  # another organisation, the same scenario
    items = _collect(s["form"], D(2026, 1, 1), D(2026, 2, 28))
    assert {i.service_form_id for i in items} == {s["form"].pk}
    assert len(_merge(items)) == 6
    other_items = _collect(other["form"], D(2026, 1, 1), D(2026, 2, 28))
    assert {i.service_form_id for i in other_items} == {other["form"].pk}
    assert {i.group_key for i in items}.isdisjoint({i.group_key for i in other_items})


def test_no_names_in_the_items() -> None:
    s = build_scenario()
    with scopes_disabled():
        names = [
            n
            for first, last in Person.objects.filter(
                organisation=s["form"].organisation
            ).values_list("first_names", "last_name")
            for n in (first, last)
        ]
    assert names
    for item in _collect(s["form"], D(2026, 1, 1), D(2026, 2, 28)):
        text = repr(dataclasses.astuple(item))
        assert not [n for n in names if n in text]


def test_constant_queries(django_assert_max_num_queries: Any) -> None:
    """Forms (1) + billable_days of the form (2) + the participants (1), for one family or
    three; a residential form of the organisation without commitments (a shelter's state-paid
    stay) is not read at all."""
    form = ensikoti_form()
    worker = worker_in(form)
    payer = partner(form, "Hyvinvointialue")
    shelter = ensikoti_form(slug="turvakoti-testi", like=form, places=1)
    shelter_worker = worker_in(shelter)
    episode, members = family(shelter, children=1)
    admit(shelter, shelter_worker, episode, members, "p1", t(2026, 3, 2, 18), t(2026, 3, 9, 10))

    def add(code: str) -> None:
        episode, members = family(form, children=1)
        admit(form, worker, episode, members, code, t(2026, 3, 2, 18), t(2026, 3, 9, 10))
        services.commitment_add(
            actor=worker, episode=episode, payer=payer, valid_from=D(2026, 3, 1)
        )

    add("p1")
    with django_assert_max_num_queries(4):
        assert len(_merge(_collect(form, D(2026, 3, 1), D(2026, 3, 31)))) == 2
    add("p2")
    add("p3")
    with django_assert_max_num_queries(4):
        assert len(_merge(_collect(form, D(2026, 3, 1), D(2026, 3, 31)))) == 6


def test_registered() -> None:
    source = next(s for s in registry.billable_sources if s.key == "residential.care_days")
    assert source.collect is billable.collect


def test_narrowed_to_some_forms() -> None:
    form = build_scenario()["form"]
    assert_collect_narrows_to_forms(
        lambda **narrowed: _collect(form, D(2026, 1, 1), D(2026, 2, 28), **narrowed), form
    )
