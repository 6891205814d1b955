"""Turvakielto in the figures (indicators/protection.py): a protected family keeps its place in
every total but never counts as the resident of a municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, PersonFactory
from tupa.organisations.models import Municipality
from tupa.people.models import Household, HouseholdMember, Relationship, Restriction
from tupa.statistics.indicators.base import UNKNOWN, Params, Unit
from tupa.statistics.indicators.computing import compute
from tupa.statistics.indicators.dimensions import MONTH, MUNICIPALITY
from tupa.statistics.indicators.reads import one_run
from tupa.statistics.tests.properties import assert_consistent, toy_indicator

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def world() -> dict[str, Any]:
    """In Testikylä: a protected mother and her son (covered as a household child) in one
    shelter episode, and an unprotected client in another; in Toinenkylä, only the mother's
    sister, who is protected by her own restriction."""
    with scopes_disabled():
        kyla = Municipality.objects.create(code="981", name_fi="Testikylä", name_sv="T")
        toinen = Municipality.objects.create(code="982", name_fi="Toinenkylä", name_sv="T2")
    mother = PersonFactory.create(municipality=kyla, birth_date=dt.date(1990, 1, 1))
    org = mother.organisation
    son = PersonFactory.create(organisation=org, municipality=kyla, birth_date=dt.date(2015, 1, 1))
    other = PersonFactory.create(organisation=org, municipality=kyla)
    sister = PersonFactory.create(organisation=org, municipality=toinen)
    shelter = EpisodeFactory.create(organisation=org)
    elsewhere = EpisodeFactory.create(organisation=org, service_form=shelter.service_form)
    ParticipantFactory.create(episode=shelter, person=mother, role="client")
    ParticipantFactory.create(episode=shelter, person=son, role="child")
    ParticipantFactory.create(episode=elsewhere, person=other, role="client")
    with scopes_disabled():
        author = shelter.created_by
        Restriction.objects.create(
            person=mother,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2024, 1, 1),
            covers_household_children=True,
            created_by=author,
        )
        Restriction.objects.create(
            person=sister,
            kind=Restriction.Kind.OWN_SAFETY,
            valid_from=dt.date(2024, 1, 1),
            created_by=author,
        )
        household = Household.objects.create(organisation=org, name="Perhe")
        HouseholdMember.objects.create(household=household, person=mother)
        HouseholdMember.objects.create(household=household, person=son)
        Relationship.objects.create(person=mother, relative=son, kind="parent")
    return {
        "org": org,
        "kyla": kyla,
        "toinen": toinen,
        "mother": mother,
        "son": son,
        "other": other,
        "sister": sister,
        "shelter": shelter,
        "elsewhere": elsewhere,
    }


def _params(world: dict[str, Any], municipality: Municipality | None = None) -> Params:
    return Params(
        world["org"].pk,
        dt.date(YEAR, 1, 1),
        dt.date(YEAR, 12, 31),
        (world["shelter"].service_form_id,),
        municipality_id=municipality.pk if municipality else None,
    )


def _home_units(world: dict[str, Any]) -> list[Unit]:
    """One unit per person placed by home, plus a family unit of the shelter episode that
    names no person (as a stay or a family is counted)."""
    kyla = world["kyla"]
    units = [
        Unit(("2025-03", str(kyla.pk)), 1, world[name + "_episode"], world[name].pk, kyla.pk)
        for name in ("mother", "son", "other")
    ]
    units.append(Unit(("2025-04", str(kyla.pk)), 3, world["shelter"].pk, None, kyla.pk))
    return units


@pytest.fixture
def units(world: dict[str, Any]) -> list[Unit]:
    world["mother_episode"] = world["son_episode"] = world["shelter"].pk
    world["other_episode"] = world["elsewhere"].pk
    return _home_units(world)


def test_a_protected_family_counts_in_the_total_but_not_by_home(
    world: dict[str, Any], units: list[Unit]
) -> None:
    indicator = toy_indicator(units, MONTH, MUNICIPALITY)
    result = compute(indicator, _params(world))
    kyla = str(world["kyla"].pk)
    # 1 + 1 + 1 + 3 = 6 in all; only the unprotected client (1) lives in Testikylä: the mother,
    # her son (covered as a household child) and their family unit (3) are unknown.
    assert result.total == 6
    assert result.by("municipality") == {(kyla,): 1, (UNKNOWN,): 5}
    assert result.by("month") == {("2025-03",): 3, ("2025-04",): 3} | {
        (m,): 0 for m, _label in MONTH.values(_params(world)) if m not in {"2025-03", "2025-04"}
    }
    assert_consistent(result)


def test_a_municipalitys_report_leaves_the_protected_family_out(
    world: dict[str, Any], units: list[Unit]
) -> None:
    result = compute(toy_indicator(units, MONTH, MUNICIPALITY), _params(world, world["kyla"]))
    assert result.total == 1
    assert [u.person_id for u in result.units] == [world["other"].pk]


def test_no_column_names_a_home_known_only_from_protected_persons(world: dict[str, Any]) -> None:
    """Toinenkylä is the home of the protected sister only: not even an empty column names it.
    Testikylä is an unprotected client's home too, so it stays."""
    shown = {value for value, _label in MUNICIPALITY.values(_params(world))}
    assert str(world["kyla"].pk) in shown
    assert str(world["toinen"].pk) not in shown
    assert UNKNOWN in shown


def test_no_column_names_the_home_of_a_protected_persons_family(world: dict[str, Any]) -> None:
    """The father in the protected mother's episode has no restriction of his own, but the
    family shares the home: Kolmaskylä, known only from him, names no column either."""
    with scopes_disabled():
        third = Municipality.objects.create(code="983", name_fi="Kolmaskylä", name_sv="T3")
    father = PersonFactory.create(organisation=world["org"], municipality=third)
    ParticipantFactory.create(episode=world["shelter"], person=father, role="parent")
    with one_run():
        shown = {value for value, _label in MUNICIPALITY.values(_params(world))}
    assert str(third.pk) not in shown
    assert str(world["kyla"].pk) in shown  # the unprotected client's home
    # Another episode of his, unprotected, does not bring the home back: he is in the family.
    ParticipantFactory.create(
        episode=EpisodeFactory.create(organisation=world["org"]), person=father, role="client"
    )
    assert str(third.pk) not in {v for v, _label in MUNICIPALITY.values(_params(world))}


def test_a_lifted_restriction_gives_the_home_back(world: dict[str, Any], units: list[Unit]) -> None:
    with scopes_disabled():
        Restriction.objects.filter(person=world["mother"]).update(lifted_on=dt.date(2025, 6, 1))
    result = compute(toy_indicator(units, MONTH, MUNICIPALITY), _params(world))
    assert result.by("municipality") == {(str(world["kyla"].pk),): 6, (UNKNOWN,): 0}


def test_the_protection_is_read_once_per_run_and_not_at_all_without_homes(
    world: dict[str, Any], units: list[Unit]
) -> None:
    placed = toy_indicator(units, MONTH, MUNICIPALITY)
    unplaced = [Unit(("2025-03",), 1, world["shelter"].pk, world["mother"].pk)]
    with CaptureQueriesContext(connection) as nothing_placed:
        compute(toy_indicator(unplaced, MONTH), _params(world))
    assert len(nothing_placed) == 0
    with CaptureQueriesContext(connection) as once, one_run():
        compute(placed, _params(world))
        compute(placed, _params(world, world["kyla"]))
    with CaptureQueriesContext(connection) as single:
        compute(placed, _params(world))
    assert len(once) == len(single) > 0
