"""The group-programme indicators by hand, and the figures the programme page and the old group
statistics page showed (their selector is gone: the indicators are the one way to count).

Scenario (the programmes app's own statistics scenario, plus an outpatient form; now is
8.3.2026 12:00 UTC, periods in Helsinki time):

Group form G:
- Programme A (closed): m1 = parent p1 (female, Lahti) + child c1 (male), m2 = p2 (female) +
  c2 (female), m3 = adult p3 (male) alone.
  s1 2.3.: m1 present, m2 present, m3 absent; 2 anonymous adults, 1 child.
  s2 4.3.: m1 present, m2 excused, m3 present; 3 anonymous children.
  s3 6.3.: cancelled.  s4 9.3.: in the future (m1 marked present, 9 adults): not held.
- Programme B (open): m4 = the same p3. s5 28.2. 23:30 local (February; 4 anonymous adults),
  s6 1.3. 00:30 local (March; UTC still 28.2.): m4 present in both.
Outpatient form O: programme C (peer): mc = p1 again (through her episode of O); s7 3.3.:
mc present, 2 anonymous children.
Another organisation: a programme with a present mark on 3.3. — never counted.

March: sessions G 3 (s1, s2, s6), O 1 → 4. Attendances G 5 (closed 4, open 1), O 1 (peer) → 6.
Participants G 5 (p1, c1, p2, c2 in A; p3 first in B on 1.3. 00:30), O 1 (p1 once more) → 6:
closed 4, open 1, peer 1; adults 4, children 2; female 4, male 2; Lahti 2.
Anonymous: adults 2, children 4 + 2 = 6. Persons per programme: A 5, B 1 (p3), C 1 (p1).
February: sessions 1 (s5), attendances 1, participants 1 (p3, open), anonymous adults 4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tupa.core.tables import Table
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import rolled_back_world
from tupa.episodes.models import Participant
from tupa.organisations.models import Municipality, ServiceForm
from tupa.people.models import Person
from tupa.programmes.models import GroupProgramme
from tupa.programmes.tests.support import add_member, add_session, programme, record, t
from tupa.statistics.engine import run, run_indicator
from tupa.statistics.indicators import programmes, registry
from tupa.statistics.indicators.base import UNKNOWN, Indicator, Params, Result
from tupa.statistics.indicators.reads import one_run
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.properties import assert_consistent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
FEBRUARY = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
P, A, E = "present", "absent", "excused"
ALL = (
    programmes.PARTICIPANTS,
    programmes.SESSIONS,
    programmes.CANCELLED_SESSIONS,
    programmes.ATTENDANCES,
    programmes.ABSENCES,
    programmes.MEMBERS_PRESENT,
    programmes.PERSONS,
    programmes.ANONYMOUS,
)


def _family(
    form: ServiceForm, parent: Person, child: Person | None = None
) -> tuple[Participant, Participant | None]:
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    p = ParticipantFactory.create(episode=episode, person=parent, role="client")
    c = ParticipantFactory.create(episode=episode, person=child, role="child") if child else None
    return p, c


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Built once for the module, rolled back at its end; each test runs in a savepoint."""
    with rolled_back_world(django_db_blocker):
        g = ServiceFormFactory.create(kind=ServiceForm.Kind.GROUP, name="G (ryhmät)")
        org = g.organisation
        o = ServiceFormFactory.create(organisation=org, name="O (avotyö)")
        worker = worker_in(g)
        o_worker = worker_in(o)
        with scopes_disabled():
            lahti, _created = Municipality.objects.get_or_create(
                code="398", defaults={"name_fi": "Lahti", "name_sv": "Lahtis"}
            )

            def person(gender: str, born: dt.date, home: Municipality | None = None) -> Person:
                return PersonFactory.create(  # type: ignore[no-any-return]
                    organisation=org, gender=gender, birth_date=born, municipality=home
                )

            p1 = person("female", dt.date(1990, 1, 1), lahti)
            c1 = person("male", dt.date(2025, 6, 1))
            p2 = person("female", dt.date(1992, 2, 2))
            c2 = person("female", dt.date(2025, 8, 1))
            p3 = person("male", dt.date(1988, 3, 3))
        with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC), tick=False):
            prog_a = programme(g, worker, name="A")
            prog_b = programme(
                g,
                worker,
                name="B",
                type=GroupProgramme.Type.OPEN,
                target_group=GroupProgramme.TargetGroup.ADULTS,
                starts_on=dt.date(2026, 2, 1),
            )
            m1 = add_member(prog_a, worker, *_family(g, p1, c1))
            m2 = add_member(prog_a, worker, *_family(g, p2, c2))
            p3_in_g, _none = _family(g, p3)
            m3 = add_member(prog_a, worker, p3_in_g)
            m4 = add_member(prog_b, worker, p3_in_g)
            s1 = add_session(prog_a, worker, t(2026, 3, 2))
            s2 = add_session(prog_a, worker, t(2026, 3, 4))
            s3 = add_session(prog_a, worker, t(2026, 3, 6))
            s4 = add_session(prog_a, worker, t(2026, 3, 9))
            s5 = add_session(prog_b, worker, t(2026, 2, 28, 23, 30), hours=1)
            s6 = add_session(prog_b, worker, t(2026, 3, 1, 0, 30), hours=1)
            record(s1, worker, {m1: P, m2: P, m3: A}, anonymous_adults=2, anonymous_children=1)
            record(s2, worker, {m1: P, m2: E, m3: P}, anonymous_children=3)
            record(s3, worker, {}, cancelled=True)
            record(s4, worker, {m1: P}, anonymous_adults=9)
            record(s5, worker, {m4: P}, anonymous_adults=4)
            record(s6, worker, {m4: P})
            prog_c = programme(
                o,
                o_worker,
                name="C",
                type=GroupProgramme.Type.PEER,
                target_group=GroupProgramme.TargetGroup.ADULTS,
                starts_on=dt.date(2026, 2, 1),
            )
            mc = add_member(prog_c, o_worker, *_family(o, p1))
            record(
                add_session(prog_c, o_worker, t(2026, 3, 3)),
                o_worker,
                {mc: P},
                anonymous_children=2,
            )
            x = ServiceFormFactory.create(kind=ServiceForm.Kind.GROUP, name="X")
            x_worker = worker_in(x)
            prog_x = programme(x, x_worker, name="X")
            with scopes_disabled():
                px = PersonFactory.create(organisation=x.organisation, municipality=lahti)
            mx = add_member(prog_x, x_worker, *_family(x, px))
            record(add_session(prog_x, x_worker, t(2026, 3, 3)), x_worker, {mx: P})
        yield {
            "org": org,
            "g": g,
            "o": o,
            "worker": worker,
            "lahti": lahti,
            "a": prog_a,
            "b": prog_b,
            "c": prog_c,
        }


def _run(world: dict[str, Any], indicator: Indicator, period: tuple[dt.date, dt.date]) -> Result:
    with time_machine.travel(NOW, tick=False):
        return run_indicator(indicator, Params(world["org"].pk, *period))


def _by(result: Result, *keys: str) -> dict[tuple[str, ...], int]:
    return {k: v for k, v in result.by(*keys).items() if v}


def test_registered_and_applies_to_the_forms_that_have_programmes(world: dict[str, Any]) -> None:
    with scopes_disabled():
        visitation = ServiceFormFactory.create(kind=ServiceForm.Kind.VISITATION)
    for indicator in ALL:
        assert registry.get(indicator.id) is indicator
        assert indicator.applies(world["g"]) and indicator.applies(world["o"])
        assert not indicator.applies(visitation)


def test_march_by_hand(world: dict[str, Any]) -> None:
    g, o = str(world["g"].pk), str(world["o"].pk)
    sessions = _run(world, programmes.SESSIONS, MARCH)
    assert sessions.total == 4
    assert _by(sessions, "service_form") == {(g,): 3, (o,): 1}
    assert _by(sessions, "month") == {("2026-03",): 4}
    attendances = _run(world, programmes.ATTENDANCES, MARCH)
    assert attendances.total == 6
    assert _by(attendances, "programme_type") == {("closed",): 4, ("open",): 1, ("peer",): 1}
    participants = _run(world, programmes.PARTICIPANTS, MARCH)
    assert participants.total == 6
    assert _by(participants, "service_form") == {(g,): 5, (o,): 1}
    assert _by(participants, "programme_type") == {("closed",): 4, ("open",): 1, ("peer",): 1}
    assert _by(participants, "adult_child") == {("adult",): 4, ("child",): 2}
    assert _by(participants, "gender") == {("female",): 4, ("male",): 2}
    assert _by(participants, "municipality") == {(str(world["lahti"].pk),): 2, (UNKNOWN,): 4}
    assert all(u.episode_id and u.person_id for u in participants.units)
    anonymous = _run(world, programmes.ANONYMOUS, MARCH)
    assert anonymous.total == 8
    assert _by(anonymous, "service_form", "adult_child") == {
        (g, "adult"): 2,
        (g, "child"): 4,
        (o, "child"): 2,
    }


def test_february_counts_the_late_evening_session_locally(world: dict[str, Any]) -> None:
    assert _run(world, programmes.SESSIONS, FEBRUARY).total == 1
    assert _run(world, programmes.ATTENDANCES, FEBRUARY).total == 1
    participants = _run(world, programmes.PARTICIPANTS, FEBRUARY)
    assert _by(participants, "programme_type", "adult_child") == {("open", "adult"): 1}
    assert _by(_run(world, programmes.ANONYMOUS, FEBRUARY), "adult_child") == {("adult",): 4}


def test_municipality_filter(world: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        params = Params(world["org"].pk, *MARCH, municipality_id=world["lahti"].pk)
        # p1 in G and in O; her pair's marks (s1, s2) and hers in O (s7).
        assert run_indicator(programmes.PARTICIPANTS, params).total == 2
        assert run_indicator(programmes.ATTENDANCES, params).total == 3
        # Anonymous head counts and sessions belong to no municipality.
        assert run_indicator(programmes.ANONYMOUS, params).total == 0


# ------------------------------------------- the programme page's figures, now the report's
#
# The programme page's figures box and the group statistics page counted with a selector of
# their own (``programmes.selectors.statistics``); the page now links to the report
# ``internal.programmes``. Every figure those pages' tests computed by hand is asserted here on
# the indicators, for G alone (March; now 8.3.2026 12:00 UTC):
#
#                   held  cancelled  visits  absent  excused  members  persons  adults  children
#   A                  2          1       4       1        1        3        5       2         4
#   B                  1          0       1       0        0        1        1       0         0
#   G (total)          3          1       5       1        1        4        5       2         4
#
# Persons of G are 5, not 5 + 1: p3 is in A and in B (``programmes.participants`` counts a
# person once per service form; ``programmes.persons`` once per programme, so its rows add up
# to 6). Attendance rate = visits / (visits + absent + excused): A 4/6 = 66.7 %, B 1/1 =
# 100.0 %, G 5/7 = 71.4 %; the report shows the three counts it is read from.


def _report(world: dict[str, Any], period: tuple[dt.date, dt.date]) -> dict[Any, Table]:
    """G's group statistics report: each line's table by (indicator id, breakdown)."""
    g = world["g"]
    with time_machine.travel(NOW, tick=False):
        computed = run(
            returns.get("internal.programmes"), Params(g.organisation_id, *period, (g.pk,))
        )
    return {(cl.indicator.id, cl.line.breakdown): cl.table for cl in computed.lines()}


def _rate(visits: int, absent: int, excused: int) -> Decimal | None:
    """The attendance rate as the programme page showed it: per cent, one decimal, half up."""
    marks = visits + absent + excused
    if not marks:
        return None
    return (Decimal(100 * visits) / Decimal(marks)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _per_programme(f: dict[Any, Table], key: str) -> dict[str, Any]:
    absences = f[("programmes.absences", ("programme", "absence"))]
    anonymous = f[("programmes.anonymous", ("programme", "adult_child"))]
    figures: dict[str, Any] = {
        "held": f[("programmes.sessions", ("programme",))].cell(key),
        "cancelled": f[("programmes.cancelled_sessions", ("programme",))].cell(key),
        "visits": f[("programmes.attendances", ("programme",))].cell(key),
        "absent": absences.cell(key, "absent"),
        "excused": absences.cell(key, "excused"),
        "members": f[("programmes.members_present", ("programme",))].cell(key),
        "persons": f[("programmes.persons", ("programme",))].cell(key),
        "adults": anonymous.cell(key, "adult"),
        "children": anonymous.cell(key, "child"),
    }
    figures["rate"] = _rate(figures["visits"], figures["absent"], figures["excused"])
    return figures


def test_programme_figures_by_hand(world: dict[str, Any]) -> None:
    """Ported from the programmes app's ``test_statistics_by_hand`` (the selector's figures)."""
    f = _report(world, MARCH)
    a = _per_programme(f, str(world["a"].pk))
    b = _per_programme(f, str(world["b"].pk))
    assert (a["held"], a["cancelled"], a["visits"], a["absent"], a["excused"]) == (2, 1, 4, 1, 1)
    assert (a["members"], a["persons"], a["adults"], a["children"]) == (3, 5, 2, 4)
    assert a["rate"] == Decimal("66.7")
    assert (b["held"], b["visits"], b["members"], b["persons"], b["adults"]) == (1, 1, 1, 1, 0)
    assert b["rate"] == Decimal("100.0")
    # The totals of G.
    assert f[("programmes.sessions", ("programme_type",))].total == 3
    assert f[("programmes.cancelled_sessions", ())].total == 1
    assert f[("programmes.attendances", ("month",))].total == 5
    absences = f[("programmes.absences", ("absence",))]
    assert (absences.cell("absent"), absences.cell("excused")) == (1, 1)
    assert f[("programmes.members_present", ())].total == 4
    assert f[("programmes.participants", ("adult_child", "gender"))].total == 5  # p3 once
    anonymous = f[("programmes.anonymous", ("adult_child",))]
    assert (anonymous.cell("adult"), anonymous.cell("child")) == (2, 4)
    assert _rate(5, absences.cell("absent"), absences.cell("excused")) == Decimal("71.4")
    # Per programme a person counts in each programme: the rows' sum is no distinct count.
    assert f[("programmes.persons", ("programme",))].total == 6
    # Programme C (service form O) is not among G's programmes.
    programme_rows = f[("programmes.sessions", ("programme",))].rows
    assert {label for _value, label in programme_rows} == {"A", "B"}
    assert str(world["c"].pk) not in {value for value, _label in programme_rows}


def test_programme_figures_february_count_the_late_evening_session_locally(
    world: dict[str, Any],
) -> None:
    """Ported from ``test_statistics_february_counts_the_late_evening_session_locally``."""
    f = _report(world, FEBRUARY)
    b = _per_programme(f, str(world["b"].pk))
    assert (b["held"], b["visits"], b["adults"]) == (1, 1, 4)
    assert f[("programmes.attendances", ("month",))].total == 1
    # A starts on 2.3.: not a programme of February, nothing of it is held or marked.
    a = str(world["a"].pk)
    assert a not in {value for value, _label in f[("programmes.sessions", ("programme",))].rows}

    def of_a(indicator: Indicator, **selection: str) -> int:
        result = _run(world, indicator, FEBRUARY)
        return sum(u.weight for u in result.matching({"programme": a, **selection}))

    assert of_a(programmes.SESSIONS) == 0
    visits = of_a(programmes.ATTENDANCES)
    absent = of_a(programmes.ABSENCES, absence="absent")
    excused = of_a(programmes.ABSENCES, absence="excused")
    assert _rate(visits, absent, excused) is None  # nothing marked


def test_programme_persons_by_hand(world: dict[str, Any]) -> None:
    """``programmes.persons``: one unit per (programme, person) present in the period."""
    g, o = str(world["g"].pk), str(world["o"].pk)
    a, b, c = (str(world[k].pk) for k in ("a", "b", "c"))
    persons = _run(world, programmes.PERSONS, MARCH)
    assert _by(persons, "programme") == {(a,): 5, (b,): 1, (c,): 1}
    assert _by(persons, "service_form") == {(g,): 6, (o,): 1}
    # A: p1, p2 adults, c1, c2 children; B: p3; C: p1.
    assert _by(persons, "programme", "adult_child") == {
        (a, "adult"): 3,
        (a, "child"): 2,
        (b, "adult"): 1,
        (c, "adult"): 1,
    }
    assert all(u.episode_id and u.person_id for u in persons.units)
    assert _by(_run(world, programmes.PERSONS, FEBRUARY), "programme") == {(b,): 1}


#: The old pages' figures per service form and period, by hand (sessions held, cancelled,
#: visits, members, persons, anonymous adults, anonymous children). Year: s4 (9.3.) is not
#: held yet; one day 2.3.: s1 only (m1, m2 present: p1, c1, p2, c2).
PAGE_FIGURES = {
    "march": {"g": (3, 1, 5, 4, 5, 2, 4), "o": (1, 0, 1, 1, 1, 0, 2)},
    "february": {"g": (1, 0, 1, 1, 1, 4, 0), "o": (0, 0, 0, 0, 0, 0, 0)},
    "year": {"g": (4, 1, 6, 4, 5, 6, 4), "o": (1, 0, 1, 1, 1, 0, 2)},
    "one-day": {"g": (1, 0, 2, 2, 4, 2, 1), "o": (0, 0, 0, 0, 0, 0, 0)},
}


@pytest.mark.parametrize(
    ("name", "period"),
    [
        ("march", MARCH),
        ("february", FEBRUARY),
        ("year", (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
        ("one-day", (dt.date(2026, 3, 2),) * 2),
    ],
)
def test_the_old_pages_figures_per_service_form_and_period(
    world: dict[str, Any], name: str, period: tuple[dt.date, dt.date]
) -> None:
    """Ported from the comparison with the group statistics selector (now deleted): the same
    periods, the selector's figures computed by hand, counted once for both forms."""
    indicators = (
        programmes.SESSIONS,
        programmes.CANCELLED_SESSIONS,
        programmes.ATTENDANCES,
        programmes.MEMBERS_PRESENT,
        programmes.PARTICIPANTS,
    )
    results = {indicator.id: _run(world, indicator, period) for indicator in indicators}
    anonymous = _run(world, programmes.ANONYMOUS, period).by("service_form", "adult_child")
    for key in ("g", "o"):
        form = str(world[key].pk)
        counts = tuple(results[i.id].by("service_form")[(form,)] for i in indicators)
        counts += (anonymous[(form, "adult")], anonymous[(form, "child")])
        assert counts == PAGE_FIGURES[name][key], key


def test_programme_figures_query_count_is_flat(world: dict[str, Any]) -> None:
    """Ported from ``test_statistics_query_count_is_flat``: the report's queries do not grow
    with the programmes, sessions and marks."""
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with CaptureQueriesContext(connection) as before:
        _report(world, year)
    g, worker = world["g"], world["worker"]
    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC), tick=False):
        for i in range(3):
            prog = programme(g, worker, name=f"Lisä {i}", starts_on=dt.date(2026, 2, 1))
            with scopes_disabled():
                person = PersonFactory.create(organisation=g.organisation)
            member = add_member(prog, worker, *_family(g, person))
            for day in (2, 3, 4):
                session = add_session(prog, worker, t(2026, 3, day))
                record(session, worker, {member: P}, anonymous_adults=1)
    with CaptureQueriesContext(connection) as after:
        f = _report(world, year)
    assert f[("programmes.attendances", ("month",))].total == 6 + 9
    assert len(after.captured_queries) == len(before.captured_queries)


def test_hand_computed_numbers_of_the_group_statistics_report(world: dict[str, Any]) -> None:
    """The figures the old statistics page showed for March (sessions 3, visits 5, persons 5)
    are the report's (``internal.programmes``)."""
    g = world["g"]
    with time_machine.travel(NOW, tick=False):
        computed = run(
            returns.get("internal.programmes"), Params(g.organisation_id, *MARCH, (g.pk,))
        )
    totals = {cl.indicator.id: cl.table.total for cl in computed.lines()}
    assert totals["programmes.sessions"] == 3
    assert totals["programmes.attendances"] == 5
    assert totals["programmes.participants"] == 5


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_consistent(world: dict[str, Any], indicator: Indicator) -> None:
    assert_consistent(_run(world, indicator, MARCH))
    assert_consistent(_run(world, indicator, (dt.date(2026, 1, 1), dt.date(2026, 12, 31))))


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_query_count_is_flat(world: dict[str, Any], indicator: Indicator) -> None:
    with CaptureQueriesContext(connection) as ctx:
        _run(world, indicator, MARCH)
    # resolving the forms + one read + the turvakielto read (protection.py; nobody protected)
    assert len(ctx.captured_queries) <= 3


def test_persons_of_the_forms_and_of_the_programmes_read_the_marks_once(
    world: dict[str, Any],
) -> None:
    """In one run (a return), the second of the two person counts reads no marks again."""
    with time_machine.travel(NOW, tick=False), one_run():
        params = Params(world["org"].pk, *MARCH)
        run_indicator(programmes.PARTICIPANTS, params)
        with CaptureQueriesContext(connection) as second:
            persons = run_indicator(programmes.PERSONS, params)
    assert [q["sql"] for q in second.captured_queries if "programmes_attendance" in q["sql"]] == []
    assert persons.total == _run(world, programmes.PERSONS, MARCH).total > 0
