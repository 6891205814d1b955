"""The demo's annual plan (:mod:`tupa.demo.planning`): last year's and this year's goals of the
service forms, of KAVA and of the association, written through the planning services by the
forms' leads and the executive director, mostly assessed last year, the unfinished ones carried
over, filed under T1–T5 when the strategy period covers the year, idempotent, and naming no
person of the demo."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from django_scopes import scopes_disabled

from tupa.demo import datafiles, planning
from tupa.demo.organisations import ACCOUNTS, build_demo
from tupa.demo.tests.conftest import NOW, WholeDemo
from tupa.organisations.models import Organisation, StrategicTheme
from tupa.people.models import Person
from tupa.planning.models import CLOSED_STATUSES, AnnualGoal, GoalStatus

pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]

THIS_YEAR = NOW.year
LAST_YEAR = THIS_YEAR - 1
FORMS = (
    "ensikoti",
    "turvakoti",
    "avokriisityo",
    "jussi-tyo",
    "lapsityo",
    "perhetupa",
    "alvari",
    "tapaamispaikka",
    "baby-blues",
    "ero-lapsiperheessa",
    "tpph",
)
#: The lead who keeps each form's goals in the demo (tupa/demo/data/organisation.json).
LEADS = {
    "ensikoti": "ensikoti.esihenkilo",
    "baby-blues": "ensikoti.esihenkilo",
    "perhetupa": "ensikoti.esihenkilo",
    "turvakoti": "turvakoti.esihenkilo",
    "avokriisityo": "avokriisi",
    "jussi-tyo": "jussi",
    "tpph": "jussi",
    "lapsityo": "lapsityo",
    "alvari": "ero.esihenkilo",
    "tapaamispaikka": "ero.esihenkilo",
    "ero-lapsiperheessa": "ero.esihenkilo",
}
#: Each goal text of the demo's table and its theme code.
CODES = {row[2]: row[1] for row in (*planning.LAST_YEAR, *planning.THIS_YEAR)}


def _goals(organisation: Organisation) -> list[AnnualGoal]:
    with scopes_disabled():
        return list(
            AnnualGoal.objects.filter(organisation=organisation).select_related(
                "service_form", "working_group", "theme", "created_by", "assessed_by"
            )
        )


def _check_the_plan(organisation: Organisation, *, themed: bool) -> None:
    goals = _goals(organisation)
    by_year = {year: [g for g in goals if g.year == year] for year in (LAST_YEAR, THIS_YEAR)}
    assert len(goals) == sum(map(len, by_year.values()))
    for slug in FORMS:
        for year, of_year in by_year.items():
            mine = [g for g in of_year if g.service_form and g.service_form.slug == slug]
            assert 1 <= len(mine) <= 5, (slug, year)
            assert {g.created_by.username for g in mine} == {LEADS[slug]}, slug
    # Last year: most assessed and closed, a few left in progress; each assessed one says how.
    last = by_year[LAST_YEAR]
    closed = [g for g in last if g.status in CLOSED_STATUSES]
    unfinished = [g for g in last if g.status == GoalStatus.IN_PROGRESS]
    assert len(closed) >= 0.8 * len(last)
    assert 2 <= len(unfinished) <= 4
    assert not [g for g in last if g.status == GoalStatus.PLANNED]
    assert {g.status for g in closed} == set(CLOSED_STATUSES)
    assert all(g.assessment and g.assessed_at and g.assessed_by for g in last)
    assert any(str(LAST_YEAR) in g.evidence for g in closed)
    # This year: the unfinished goals were carried over (planned again), a few are under way.
    this = by_year[THIS_YEAR]
    carried = {(g.service_form_id, g.text) for g in unfinished}
    assert carried <= {(g.service_form_id, g.text) for g in this}
    statuses = [g.status for g in this]
    assert set(statuses) == {GoalStatus.PLANNED, GoalStatus.IN_PROGRESS}
    assert statuses.count(GoalStatus.PLANNED) > len(this) / 2
    assert all(g.assessment for g in this if g.status == GoalStatus.IN_PROGRESS)
    # The association's and KAVA's goals are the executive director's.
    others = [g for g in goals if g.service_form is None]
    assert {g.created_by.username for g in others} == {planning.DIRECTOR}
    assert {g.working_group.short_name for g in others if g.working_group} == {"KAVA"}
    assert {g.year for g in others if g.working_group is None} == {LAST_YEAR, THIS_YEAR}
    # A goal is under its theme when the theme's strategy period covers the year.
    for goal in goals:
        theme = goal.theme
        if themed:
            assert (theme.code if theme else "") == CODES[goal.text], goal.text
        elif theme is not None:
            assert theme.code == CODES[goal.text]
            assert (theme.start_year or 0) <= goal.year <= (theme.end_year or 9999)
    if themed:
        assert {g.theme.code for g in goals if g.theme} == {"T1", "T2", "T3", "T4", "T5"}


def _check_no_names(organisation: Organisation) -> None:
    with scopes_disabled():
        clients = set(
            Person.objects.filter(organisation=organisation).values_list("last_name", flat=True)
        )
    # The accounts' names, the clients' names and the pools the clients' names are drawn from.
    drawn = datafiles.load("names")
    pool = {a.last_name for a in ACCOUNTS} | {a.first_name for a in ACCOUNTS}
    pool |= {n for key in ("surnames", "women", "men", "girls", "boys") for n in drawn[key]}
    names = {n.lower() for n in clients | pool if len(n) >= 4}
    # Whole words: some made-up surnames are also Finnish words ("kokeiluna" is no name).
    for goal in _goals(organisation):
        words = set(re.findall(r"[\w-]+", f"{goal.text} {goal.assessment} {goal.evidence}".lower()))
        assert not words & names, goal.text


# --------------------------------------------------------------------------- the organisation alone


@pytest.fixture
def organisation_only() -> Iterator[Organisation]:
    """The demo organisation without clients or other domains, at the demo's moment."""
    with time_machine.travel(NOW, tick=False):
        yield build_demo(municipalities_csv=None).organisation


def test_the_plan_is_filed_under_t1_t5_of_the_strategy_that_covers_the_years(
    organisation_only: Organisation,
) -> None:
    with scopes_disabled():
        periods = set(
            StrategicTheme.objects.filter(organisation=organisation_only).values_list(
                "start_year", "end_year"
            )
        )
    # The plan's "Rohkeasti ajassa" and the demo's (fictional) following period.
    assert periods == {(2016, 2019), (2020, 2028)}
    summary = planning.build(organisation=organisation_only)
    assert summary is not None and summary.startswith("Toimintasuunnitelma: ")
    _check_the_plan(organisation_only, themed=True)
    goals = _goals(organisation_only)
    assert all(g.theme is None or g.theme.start_year == 2020 for g in goals)
    assert f"{len(goals)} tavoitetta vuosille {LAST_YEAR}–{THIS_YEAR}" in summary
    assert f"{sum(g.theme is not None for g in goals)} painopisteen alla" in summary
    # Built again, nothing changes.
    assert planning.build(organisation=organisation_only) is None
    assert len(_goals(organisation_only)) == len(goals)
    _check_no_names(organisation_only)


def test_outside_the_strategy_period_the_goals_have_no_theme(
    organisation_only: Organisation,
) -> None:
    with scopes_disabled():
        # Had the following period ended before last year, no theme would cover the plan.
        StrategicTheme.objects.filter(organisation=organisation_only, start_year=2020).update(
            end_year=LAST_YEAR - 1
        )
    assert planning.build(organisation=organisation_only) is not None
    goals = _goals(organisation_only)
    assert goals and all(g.theme is None for g in goals)
    _check_the_plan(organisation_only, themed=False)


# --------------------------------------------------------------------------- the whole demo


@pytest.fixture
def built(demo_at_now: WholeDemo) -> Organisation:
    return demo_at_now.organisation


def test_make_demo_builds_the_plan(demo_at_now: WholeDemo, built: Organisation) -> None:
    summary = demo_at_now.summary("Toimintasuunnitelma: ")
    assert f"vuosille {LAST_YEAR}–{THIS_YEAR}" in summary
    _check_the_plan(built, themed=True)


def test_no_goal_names_a_person_of_the_demo(built: Organisation) -> None:
    _check_no_names(built)


def test_building_the_plan_again_changes_nothing(built: Organisation) -> None:
    before = len(_goals(built))
    assert planning.build(organisation=built) is None
    assert len(_goals(built)) == before
