"""The volunteer indicators by hand (scenario: :mod:`.volunteer_scenario`, the year 2025).

Form A, 2025:
- volunteers: v1, v3, v4, v6 = 4 (v5's task ended 31.12.2024; v2 is in B only);
  status at 31.12.2025: active v1, v4, v6 = 3 (v4 paused only in 2026), ended v3 = 1;
  men v1, v4, v6 = 3, women v3 = 1.
- tasks by role: mieskaveri v1, v4, v6 = 3; childminder v3 = 1; group co-leader v6 = 1 (5).
- new: v4 (first task 15.2.2025, mieskaveri) = 1. v6's new task is not his first in A.
- ended: v3 (childminder, 30.6.2025) = 1. v6's mieskaveri task ended 28.2. but his co-leader
  task is open at the end.
- occasions: 3 (session 5.3., outing 29.3., camp 26.10.); the 31.12.2024 session is not 2025.
- hours: 150 min = 2,50 h; 10 min = 0,1667 h → 0,17 h; the camp 00.00–06.00 on the night the
  clocks go back = 7 h → 2,50 + 0,17 + 7,00 = 9,67 h (967 hundredths); March 2,67 h.
- volunteers taking part: v1, v4 = 2 (men).
- courses starting in 2025: K1 = 1 (Mieskaveri basic). Completions: v4 15.3.2025 = 1.
- matches started in 2025: c1 (15.1.), c2 (20.3.), c3 (1.6.) = 3; ended: c1 successful (30.9.),
  c2 not (31.5.) = 2; male friends in a match some day of 2025: v1, v6, v4 = 3 (c5 ended
  31.12.2024); referred families: e2 (1.2., and again 1.7.), e3 (10.4.) = 2 (e1's application
  was in 2024).
Form B, 2025: volunteers v2, v3 = 2 (active 1, ended 1; women 2); new v2 (March); ended v3
(June); occasions 1, hours 3,00; taking part v2; courses K2 = 1 (starts 20.12.2025); no
completions, no matching.
March 2025, form A: volunteers v1, v3, v4, v6 = 4; new 0; occasions 2, hours 2,67; completions 1
(v4); matches started 1 (c2); families 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_scopes import scopes_disabled

from tupa.core.tests.factories import UserFactory
from tupa.statistics.engine import run
from tupa.statistics.indicators import registry
from tupa.statistics.indicators import volunteers as ind
from tupa.statistics.indicators.base import UNKNOWN, Indicator, Params, Result
from tupa.statistics.indicators.computing import compute
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests import volunteer_scenario as scenario
from tupa.statistics.tests.properties import assert_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return scenario.build()


def _run(
    indicator: Indicator, world: dict[str, Any], form: str = "a", period: Any = None
) -> Result:
    start, end = period or (scenario.START, scenario.END)
    params = Params(world["org"].pk, start, end, (world[form].pk,))
    result = compute(indicator, params)
    assert_consistent(result)
    return result


def _names(world: dict[str, Any], result: Result) -> set[str]:
    by_id = {v.pk: name for name, v in world["volunteers"].items()}
    return {by_id[u.record_id] for u in result.units if u.record_id is not None}


def test_every_volunteer_indicator_is_registered() -> None:
    for indicator in ind.ALL:
        assert registry.get(indicator.id, indicator.version) is indicator


def test_volunteers_by_status_gender_and_role(world: dict[str, Any]) -> None:
    a = str(world["a"].pk)
    result = _run(ind.VOLUNTEERS, world)
    assert result.total == 4
    assert _names(world, result) == {"v1", "v3", "v4", "v6"}
    status = result.by("status")
    assert status[("active",)] == 3
    assert status[("ended",)] == 1
    assert status[("paused",)] == 0
    assert result.by("volunteer_gender")[("man",)] == 3
    assert result.by("volunteer_gender")[("woman",)] == 1
    assert result.by("service_form") == {(a,): 4}

    tasks = _run(ind.TASKS, world)
    assert tasks.total == 5
    role = tasks.by("role")
    assert role[("mieskaveri",)] == 3
    assert role[("childminder",)] == 1
    assert role[("group_co_leader",)] == 1

    b = _run(ind.VOLUNTEERS, world, "b")
    assert b.total == 2
    assert b.by("status")[("active",)] == 1 and b.by("status")[("ended",)] == 1
    assert b.by("volunteer_gender")[("woman",)] == 2


def test_status_is_the_one_at_the_period_end(world: dict[str, Any]) -> None:
    # On 31.3.2025 v4 was still in training; v3 still active (ended only in June).
    status = _run(ind.VOLUNTEERS, world, period=scenario.MARCH).by("status")
    assert status[("in_training",)] == 1
    assert status[("active",)] == 3
    assert status[("ended",)] == 0
    assert status[(UNKNOWN,)] == 0


def test_new_and_ended(world: dict[str, Any]) -> None:
    new = _run(ind.NEW, world)
    assert new.total == 1 and _names(world, new) == {"v4"}
    assert new.by("month")[("2025-02",)] == 1
    assert new.by("role")[("mieskaveri",)] == 1
    ended = _run(ind.ENDED, world)
    assert ended.total == 1 and _names(world, ended) == {"v3"}
    assert ended.by("role")[("childminder",)] == 1
    assert ended.by("month")[("2025-06",)] == 1

    new_b, ended_b = _run(ind.NEW, world, "b"), _run(ind.ENDED, world, "b")
    assert _names(world, new_b) == {"v2"} and new_b.by("month")[("2025-03",)] == 1
    assert _names(world, ended_b) == {"v3"} and ended_b.by("role")[("perhetupa",)] == 1

    # Over March alone v6's mieskaveri task ended before it (28.2.) and he has an open one.
    assert _run(ind.NEW, world, period=scenario.MARCH).total == 0
    assert _run(ind.ENDED, world, period=scenario.MARCH).total == 0


def test_occasions_hours_and_volunteers_taking_part(world: dict[str, Any]) -> None:
    occasions = _run(ind.OCCASIONS, world)
    assert occasions.total == 3
    kind = occasions.by("activity_kind")
    assert kind[("session",)] == 1 and kind[("outing",)] == 1 and kind[("camp",)] == 1
    hours = _run(ind.HOURS, world)
    assert hours.total == 250 + 17 + 700  # hundredths of an hour
    assert hours.by("activity_kind")[("camp",)] == 700  # the night the clocks go back: 7 h
    assert hours.by("month")[("2025-03",)] == 267
    assert hours.by("year")[("2025",)] == 967
    participants = _run(ind.PARTICIPANTS, world)
    assert participants.total == 2 and _names(world, participants) == {"v1", "v4"}
    assert participants.by("volunteer_gender")[("man",)] == 2

    assert _run(ind.OCCASIONS, world, "b").total == 1
    assert _run(ind.HOURS, world, "b").total == 300
    assert _names(world, _run(ind.PARTICIPANTS, world, "b")) == {"v2"}

    march = _run(ind.HOURS, world, period=scenario.MARCH)
    assert march.total == 267
    assert _run(ind.OCCASIONS, world, period=scenario.MARCH).total == 2


def test_hundredths_of_an_hour_round_half_up() -> None:
    assert ind.hundredths_of_an_hour(90) == 150
    assert ind.hundredths_of_an_hour(10) == 17  # 16.67
    assert ind.hundredths_of_an_hour(1) == 2  # 1.67
    assert ind.hundredths_of_an_hour(3) == 5
    assert ind.hundredths_of_an_hour(0) == 0


def test_courses_and_completions(world: dict[str, Any]) -> None:
    courses = _run(ind.COURSES, world)
    assert courses.total == 1
    assert courses.by("course_kind")[("mieskaveri_basic",)] == 1
    assert courses.by("month")[("2025-02",)] == 1
    assert all(u.record_id is None for u in courses.units)
    completions = _run(ind.COMPLETIONS, world)
    assert completions.total == 1 and _names(world, completions) == {"v4"}
    assert completions.by("month")[("2025-03",)] == 1
    courses_b = _run(ind.COURSES, world, "b")
    assert courses_b.total == 1 and courses_b.by("course_kind")[("other",)] == 1
    assert _run(ind.COMPLETIONS, world, "b").total == 0


def test_matching_rep05(world: dict[str, Any]) -> None:
    started = _run(ind.MATCHES_STARTED, world)
    assert started.total == 3
    assert _names(world, started) == {"v1", "v6", "v4"}
    months = started.by("month")
    assert months[("2025-01",)] == 1 and months[("2025-03",)] == 1 and months[("2025-06",)] == 1
    ended = _run(ind.MATCHES_ENDED, world)
    assert ended.total == 2
    assert ended.by("success") == {("yes",): 1, ("no",): 1, (UNKNOWN,): 0}
    friends = _run(ind.MALE_FRIENDS, world)
    assert friends.total == 3 and _names(world, friends) == {"v1", "v6", "v4"}
    families = _run(ind.REFERRED_FAMILIES, world)
    assert families.total == 2
    assert families.by("month")[("2025-02",)] == 1 and families.by("month")[("2025-04",)] == 1
    # The families are never records of a volunteer figure.
    assert all(u.episode_id is None and u.person_id is None for u in families.units)
    assert not ind.REFERRED_FAMILIES.records

    for indicator in (ind.MATCHES_STARTED, ind.MATCHES_ENDED, ind.MALE_FRIENDS):
        assert _run(indicator, world, "b").total == 0

    march = scenario.MARCH
    assert _run(ind.MATCHES_STARTED, world, period=march).total == 1
    assert _run(ind.REFERRED_FAMILIES, world, period=march).total == 0
    assert _run(ind.MALE_FRIENDS, world, period=march).total == 2  # v1 and v6 (c2 from 20.3.)


def test_no_volunteer_unit_leads_to_a_client(world: dict[str, Any]) -> None:
    for indicator in ind.ALL:
        for unit in _run(indicator, world).units:
            assert unit.episode_id is None and unit.person_id is None, indicator.key


def test_the_internal_report_with_every_line(world: dict[str, Any]) -> None:
    params = Params(world["org"].pk, scenario.START, scenario.END, (world["a"].pk,))
    computed = run(returns.get("internal.volunteers"), params)
    f = {(cl.indicator.id, cl.line.breakdown): cl.table for cl in computed.lines()}
    assert f[("volunteers.volunteers", ("status",))].total == 4
    assert f[("volunteers.tasks", ("role",))].cell("mieskaveri") == 3
    assert f[("volunteers.hours", ("month",))].cell("2025-10") == 700
    assert f[("volunteers.matches_ended", ("month", "success"))].cell("2025-09", "yes") == 1
    assert f[("volunteers.matches_ended", ("year", "success"))].cell("2025", "no") == 1
    assert f[("volunteers.referred_families", ("year",))].cell("2025") == 2
    assert f[("volunteers.male_friends", ())].total == 3


def test_steas_report_of_a_volunteer_form(world: dict[str, Any]) -> None:
    template = returns.get("stea.volunteer")
    assert template.applies(world["a"]) and not template.applies(world["b"])
    params = Params(world["org"].pk, scenario.START, scenario.END, (world["a"].pk,))
    f = {(cl.indicator.id, cl.line.breakdown): cl.table for cl in run(template, params).lines()}
    assert f[("volunteers.matches_started", ())].total == 3
    assert f[("volunteers.matches_ended", ("success",))].cell("yes") == 1
    assert f[("volunteers.male_friends", ())].total == 3
    assert f[("volunteers.referred_families", ())].total == 2
    assert f[("volunteers.hours", ("activity_kind",))].total == 967


# Edges: hours on the night summer time begins; the test adds only the few records its edge
# needs to the scenario.


def test_volunteer_hours_on_the_night_summer_time_begins(world: dict[str, Any]) -> None:
    """29.3.2026 00:00–06:00 lasts 5 hours (03:00 → 04:00); 28.3. 22:00–23:30 1,5 hours."""
    form, volunteer = world["a"], world["volunteers"]["v1"]
    recorder = UserFactory.create(organisation=form.organisation)
    with scopes_disabled():
        scenario.hours(
            volunteer, form, "camp", dt.date(2026, 3, 29), dt.time(0), dt.time(6), recorder
        )
        scenario.hours(
            volunteer, form, "camp", dt.date(2026, 3, 28), dt.time(22), dt.time(23, 30), recorder
        )
    hours = _run(ind.HOURS, world, period=(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert hours.total == 650  # hundredths of an hour: 5,00 + 1,50
