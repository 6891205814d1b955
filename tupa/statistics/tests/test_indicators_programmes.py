"""The group-programme indicators by hand and against the group statistics page and selector.

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
Anonymous: adults 2, children 4 + 2 = 6.
February: sessions 1 (s5), attendances 1, participants 1 (p3, open), anonymous adults 4.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Participant
from tupa.organisations.models import Municipality, ServiceForm
from tupa.people.models import Person
from tupa.programmes import selectors
from tupa.programmes.models import GroupProgramme
from tupa.programmes.tests.support import add_member, add_session, programme, record, t
from tupa.statistics.engine import run_indicator
from tupa.statistics.indicators import programmes, registry
from tupa.statistics.indicators.base import UNKNOWN, Indicator, Params, Result
from tupa.statistics.tests.properties import assert_consistent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
FEBRUARY = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
P, A, E = "present", "absent", "excused"
ALL = (
    programmes.PARTICIPANTS,
    programmes.SESSIONS,
    programmes.ATTENDANCES,
    programmes.ANONYMOUS,
)


def _family(
    form: ServiceForm, parent: Person, child: Person | None = None
) -> tuple[Participant, Participant | None]:
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    p = ParticipantFactory.create(episode=episode, person=parent, role="client")
    c = ParticipantFactory.create(episode=episode, person=child, role="child") if child else None
    return p, c


@pytest.fixture
def world() -> dict[str, Any]:
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
            add_session(prog_c, o_worker, t(2026, 3, 3)), o_worker, {mc: P}, anonymous_children=2
        )
        x = ServiceFormFactory.create(kind=ServiceForm.Kind.GROUP, name="X")
        x_worker = worker_in(x)
        prog_x = programme(x, x_worker, name="X")
        with scopes_disabled():
            px = PersonFactory.create(organisation=x.organisation, municipality=lahti)
        mx = add_member(prog_x, x_worker, *_family(x, px))
        record(add_session(prog_x, x_worker, t(2026, 3, 3)), x_worker, {mx: P})
    return {"org": org, "g": g, "o": o, "worker": worker, "lahti": lahti}


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


def _page_figures(form: ServiceForm, start: dt.date, end: dt.date) -> selectors.Stats:
    """The total of the statistics page, queried exactly as its view does."""
    with scope(organisation=form.organisation_id), time_machine.travel(NOW, tick=False):
        return selectors.statistics(
            programmes=GroupProgramme.objects.filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=start) | Q(aftercare_until__gte=start),
                service_form=form,
                starts_on__lte=end,
            ),
            start=start,
            end=end,
        ).total


@pytest.mark.parametrize(
    "period",
    [MARCH, FEBRUARY, (dt.date(2026, 1, 1), dt.date(2026, 12, 31)), (dt.date(2026, 3, 2),) * 2],
    ids=["march", "february", "year", "one-day"],
)
def test_same_numbers_as_the_group_statistics_selector(
    world: dict[str, Any], period: tuple[dt.date, dt.date]
) -> None:
    results = {indicator.id: _run(world, indicator, period) for indicator in ALL}

    def of(indicator: Indicator, form: ServiceForm, **selection: str) -> int:
        units = results[indicator.id].matching({"service_form": str(form.pk), **selection})
        return sum(u.weight for u in units)

    for form in (world["g"], world["o"]):
        page = _page_figures(form, *period)
        assert of(programmes.SESSIONS, form) == page.sessions_held
        assert of(programmes.ATTENDANCES, form) == page.visits
        assert of(programmes.PARTICIPANTS, form) == page.persons
        assert of(programmes.ANONYMOUS, form, adult_child="adult") == page.anonymous_adults
        assert of(programmes.ANONYMOUS, form, adult_child="child") == page.anonymous_children


def test_same_numbers_as_the_statistics_page(world: dict[str, Any], client: Client) -> None:
    login_verified(client, world["worker"])
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("programmes:statistics", args=[world["g"].slug]),
            {"start": "2026-03-01", "end": "2026-03-31"},
        )
    assert response.status_code == 200
    page = response.context["result"].total
    assert (page.sessions_held, page.visits, page.persons) == (3, 5, 5)
    g = str(world["g"].pk)
    for indicator, figure in (
        (programmes.SESSIONS, page.sessions_held),
        (programmes.ATTENDANCES, page.visits),
        (programmes.PARTICIPANTS, page.persons),
    ):
        assert _run(world, indicator, MARCH).by("service_form")[(g,)] == figure


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_consistent(world: dict[str, Any], indicator: Indicator) -> None:
    assert_consistent(_run(world, indicator, MARCH))
    assert_consistent(_run(world, indicator, (dt.date(2026, 1, 1), dt.date(2026, 12, 31))))


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_query_count_is_flat(world: dict[str, Any], indicator: Indicator) -> None:
    with CaptureQueriesContext(connection) as ctx:
        _run(world, indicator, MARCH)
    assert len(ctx.captured_queries) <= 2  # resolving the forms + one read
