"""The residential indicators against THL's year summary, the billing list and a small org.

**THL's own year** (``build_year`` of ``tupa/residential/tests/test_thl.py``, hand-computed in
that module's docstring and its ``HAND_2025`` / ``HAND_2024``): every shelter indicator must
give those figures for 2025 and 2024: e.g. clients 7 (adults 4, children 3), residence days
115 (adults 88, children 27).
By month (nights, dated by the evening): January A1 4 + A2 4 = 8; March C1 1; October A1 (E)
10; November D1 30; December D1 31 + B1 12 + B2 12 + B3 11 = 66 → 115.
Turn-aways for lack of room: March 1 adult + 2 children, December 1 adult (to another shelter),
June 1 adult (directed elsewhere). Line contacts: January, July (phone), December (chat).

**A small organisation** (:func:`org_world`), year 2025, Helsinki times, rule "nights":

- Shelter S1 (places p1, p2 and a room; a closed place): family F (referral police) — mother
  f1 (b. 1990, home municipality M1) and daughter f2 (b. 2020, M1) in p1 10.1. 18:00 →
  15.2. 10:00: nights 10.–31.1. (22) and 1.–14.2. (14) = 36 each. G1 (man, b. 1980, M2,
  referral self) in p2 31.12.2024 20:00 → 2.1.2025 09:00: 1 night in 2025 (the stay began in
  2024).
- Shelter S2 (place p1, and p2 in use until 30.6.2025): G1 again (referral social services)
  1.3. 12:00 → 3.3. 12:00: 2 nights.
- Ensikoti E (p1, p2; municipal payer): mother h1 and child h2 (M1) 20.1. 12:00 →
  10.2. 12:00: January 12 and February 9 nights each; commitment of payer P for 1.–31.1.
  → P 24 days, February 18 days without a commitment.
- Another organisation's shelter with a stay from 1.5.2025 (never counted).

Shelter clients 3 (f1, f2, G1 once though in two shelters and two episodes): adults 2,
children 1; M1 2, M2 1. Residence days 36 + 36 + 1 + 2 = 75: January 45, February 28,
March 2; adults 39, children 36; M1 72. Stays 3 (2 began in 2025), families 3.
Care days of every residential form: S1 73, S2 2, E 42 = 117; state 75, P 24, no commitment
18; January 69, February 46, March 2; M1 114. Family places on 31.12.2025: S1 2, S2 1, E 2 = 5
(on 30.6.2025 S2 has 2).

Care days version 2 places a day as the billing list does: a day under a payment commitment in
the commitment's *kotikunta* (P's commitment names none), the state's days and the days without
a commitment in no municipality. So the same totals (117, by form, month and payer), but M1 0.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from tupa.core.suppression import PRIMARY, SHOWN
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import rolled_back_world
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Municipality, Partner, ServiceForm
from tupa.people.models import Restriction
from tupa.people.restrictions import protected_episode_ids
from tupa.residential.commitments import selectors as billing_selectors
from tupa.residential.commitments import services as commitment_services
from tupa.residential.models import PayerCategory, Place
from tupa.residential.stays import services as stay_services
from tupa.residential.tests.support import place, t
from tupa.residential.tests.test_commitment import ensikoti_form
from tupa.residential.tests.test_thl import (
    HAND,
    NOW,
    admit,
    build_year,
    discharge,
    row,
    shelter,
)
from tupa.residential.thl import services as thl_services
from tupa.residential.thl import variables as thl
from tupa.statistics.engine import run, run_indicator
from tupa.statistics.indicators import registry
from tupa.statistics.indicators import residential as r
from tupa.statistics.indicators.base import Indicator, Params, Result
from tupa.statistics.indicators.reads import candidate_forms
from tupa.statistics.returns.avi import AVI
from tupa.statistics.returns.thl import THL_SHELTER
from tupa.statistics.services import states_for
from tupa.statistics.tests.properties import assert_consistent, nonzero
from tupa.statistics.tests.support import FAMILY_K, FAMILY_L, family_under_commitment

pytestmark = pytest.mark.django_db

D = dt.date
YEAR_2025 = (D(2025, 1, 1), D(2025, 12, 31))
SHELTER_INDICATORS = (
    r.SHELTER_CLIENTS,
    r.SHELTER_RESIDENCE_DAYS,
    r.SHELTER_STAYS,
    r.SHELTER_FAMILIES,
    r.SHELTER_VIOLENCE_FORMS,
    r.SHELTER_TURNED_AWAY,
    r.SHELTER_TURN_AWAY_REQUESTS,
    r.SHELTER_LINE_CONTACTS,
)
ALL = (*SHELTER_INDICATORS, r.FAMILY_PLACES, r.CARE_DAYS, r.CARE_DAYS_V2)


def compute(
    indicator: Indicator,
    organisation_id: int,
    period: tuple[dt.date, dt.date] = YEAR_2025,
    forms: tuple[int, ...] = (),
    municipality: int | None = None,
) -> Result:
    result = run_indicator(
        indicator,
        Params(
            organisation_id=organisation_id,
            start=period[0],
            end=period[1],
            service_form_ids=forms,
            municipality_id=municipality,
        ),
    )
    assert_consistent(result)
    return result


# --------------------------------------------------------------------------- THL's year


@pytest.fixture(scope="module")
def built_thl_year(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """THL's year, built once for the module (at NOW) and rolled back at its end."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(NOW, tick=False):
            year = build_year()
        yield year


@pytest.fixture
def thl_year(built_thl_year: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each test runs at NOW, in a savepoint of the module's transaction."""
    with time_machine.travel(NOW, tick=False):
        yield built_thl_year


@pytest.mark.parametrize("year", [2025, 2024])
def test_indicators_give_the_hand_figures(thl_year: dict[str, Any], year: int) -> None:
    """Each shelter indicator on its own gives the hand-computed year (``HAND`` of test_thl)."""
    hand = HAND[year]
    form = thl_year["form"]
    org, period, forms = form.organisation_id, (D(year, 1, 1), D(year, 12, 31)), (form.pk,)

    def of(indicator: Indicator) -> Result:
        return compute(indicator, org, period, forms)

    adults, children, everyone = hand.clients
    clients = of(r.SHELTER_CLIENTS)
    assert clients.total == everyone
    assert clients.by("adult_child") == {("adult",): adults, ("child",): children, ("unknown",): 0}
    for name in thl.PERSON_VARIABLES:
        expected = {(value, group): n for (group, value), n in hand.variables[name].items()}
        assert nonzero(clients.by(name, "adult_child")) == expected, name
    days = of(r.SHELTER_RESIDENCE_DAYS)
    assert days.total == hand.days[2]
    assert nonzero(days.by("adult_child")) == {("adult",): hand.days[0], ("child",): hand.days[1]}
    forms_by = of(r.SHELTER_VIOLENCE_FORMS).by("violence_form", "adult_child")
    assert nonzero(forms_by) == {(v, g): n for (g, v), n in hand.violence_forms.items()}
    stays = of(r.SHELTER_STAYS)
    assert (stays.total, stays.by("began")[("began",)]) == (hand.stays, hand.stays_began)
    families = of(r.SHELTER_FAMILIES)
    assert families.total == hand.families
    assert nonzero(families.by("referral_source")) == {
        (k,): v for k, v in hand.referral_sources.items()
    }
    assert of(r.FAMILY_PLACES).total == hand.family_places
    requests_n, adults_n, children_n = hand.turned_away
    persons = of(r.SHELTER_TURNED_AWAY).by("destination", "adult_child")
    assert persons[("other_shelter", "adult")] == adults_n
    assert persons[("other_shelter", "child")] == children_n
    requests = of(r.SHELTER_TURN_AWAY_REQUESTS).by("destination")
    assert requests[("other_shelter",)] == requests_n
    assert requests[("elsewhere",)] == hand.turned_away_no_place_other
    line = of(r.SHELTER_LINE_CONTACTS)
    assert line.total == hand.line_contacts
    assert nonzero(line.by("channel")) == {(k,): v for k, v in hand.line_by_channel.items()}


def test_thl_year_by_hand(thl_year: dict[str, Any]) -> None:
    form = thl_year["form"]
    org = form.organisation_id

    def compute_here(indicator: Indicator) -> Result:
        return compute(indicator, org, forms=(form.pk,))

    clients = compute_here(r.SHELTER_CLIENTS)
    assert (clients.total, clients.by("adult_child")[("adult",)]) == (7, 4)
    # B3 has no THL data: counted once as "tieto puuttuu" in every variable.
    assert clients.by("client_status")[(thl.MISSING,)] == 1
    days = compute_here(r.SHELTER_RESIDENCE_DAYS)
    assert days.total == 115
    assert nonzero(days.by("month")) == {
        ("2025-01",): 8,
        ("2025-03",): 1,
        ("2025-10",): 10,
        ("2025-11",): 30,
        ("2025-12",): 66,
    }
    assert nonzero(days.by("adult_child")) == {("adult",): 88, ("child",): 27}
    # Drill-down: A1's October nights belong to episode E, her January nights to episode A.
    episodes = thl_year["episodes"]
    a1 = thl_year["people"]["a1"].person_id
    october = [u for u in days.matching({"month": "2025-10"})]
    assert [(u.episode_id, u.person_id, u.weight) for u in october] == [(episodes["e"].pk, a1, 10)]
    assert {u.episode_id for u in days.matching({"month": "2025-01"})} == {episodes["a"].pk}
    # Violence forms: the sum is the mentions (+ one row per person without forms or data).
    forms = compute_here(r.SHELTER_VIOLENCE_FORMS)
    assert forms.total == 10
    assert forms.by("violence_form")[("physical",)] == 2
    turned = compute_here(r.SHELTER_TURNED_AWAY)
    assert nonzero(turned.by("month")) == {("2025-03",): 3, ("2025-06",): 1, ("2025-12",): 1}
    requests = compute_here(r.SHELTER_TURN_AWAY_REQUESTS)
    assert nonzero(requests.by("destination", "month")) == {
        ("other_shelter", "2025-03"): 1,
        ("other_shelter", "2025-12"): 1,
        ("elsewhere", "2025-06"): 1,
    }
    line = compute_here(r.SHELTER_LINE_CONTACTS)
    assert nonzero(line.by("month", "channel")) == {
        ("2025-01", "phone"): 1,
        ("2025-07", "phone"): 1,
        ("2025-12", "chat"): 1,
    }
    assert all(u.episode_id is None and u.municipality_id is None for u in line.units)


def test_thl_return_blocks_until_the_year_end_check_passes(thl_year: dict[str, Any]) -> None:
    form = thl_year["form"]
    params = Params(form.organisation_id, *YEAR_2025, service_form_ids=(form.pk,))
    computed = run(THL_SHELTER, params)
    assert computed.lines()[0].table.cell("adult") == 4
    assert computed.lines()[0].table.cell("child") == 3
    assert computed.lines()[1].table.total == 115
    assert len(computed.problems) == 2
    assert "vahvistettu: 1" in computed.problems[0]
    assert "tilastotiedot: 1" in computed.problems[1]
    # Confirm D's open stay and fill B3's data: nothing blocks any more.
    thl_services.stay_confirm_year_end(actor=thl_year["actor"], stay=thl_year["stay_d"], year=2025)
    thl_services.shelter_data_save(
        actor=thl_year["actor"],
        episode=thl_year["episodes"]["b"],
        rows=[row(thl_year["people"]["b3"], client_status="violent_environment", age_band="0-3")],
    )
    assert run(THL_SHELTER, params).problems == []
    # Every line's indicator and breakdown exists (the template is well-formed).
    for _index, line in THL_SHELTER.lines():
        indicator = registry.get(line.indicator, line.version)
        for key in line.breakdown:
            indicator.dimension(key)


def test_thl_gets_the_shelters_family_places_and_small_counts_of_people_hidden(
    thl_year: dict[str, Any],
) -> None:
    """THL's return leaves the association, so its small counts of people are hidden ("< 5"),
    but the shelter's family places are its capacity, no person: THL gets the number
    (``Indicator.counts_people``; the other capacities and events likewise)."""
    form = thl_year["form"]
    params = Params(form.organisation_id, *YEAR_2025, service_form_ids=(form.pk,))
    computed = run(THL_SHELTER, params)
    states = states_for(computed)
    assert states is not None
    by_indicator = {cl.indicator.id: cl for cl in computed.lines()}
    places = by_indicator["residential.family_places"]
    assert 0 < places.table.total < 5
    assert set(states[places.index].values()) == {SHOWN}
    clients = computed.lines()[0]  # adults 4, children 3: both small
    assert PRIMARY in states[clients.index].values()
    for key in (
        "dropin.opening_days",
        "programmes.sessions",
        "programmes.cancelled_sessions",
        "volunteers.courses",
        "residential.family_places",
    ):
        assert registry.get(key).counts_people is False, key


def test_the_return_reads_what_its_indicators_share_once(thl_year: dict[str, Any]) -> None:
    """THL's return counts the same records with the same figures as its indicators alone,
    with fewer queries: the period's stay members and their participants (two queries) are read
    once for clients, violence forms and residence days, whose care-day intervals are the same
    members (5 fewer), the residence chains, read with their episodes' home
    municipalities, once for stays and families (1 fewer), the turn-aways once for persons and
    requests (1 fewer); the organisation's service forms once for the engine, the residence
    days and the year-end check (2 fewer)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    form = thl_year["form"]
    params = Params(form.organisation_id, *YEAR_2025, service_form_ids=(form.pk,))
    distinct = {registry.get(line.indicator, line.version) for _i, line in THL_SHELTER.lines()}
    forms = candidate_forms(params)
    alone: dict[str, int] = {}
    queries = 0
    for indicator in distinct:
        with CaptureQueriesContext(connection) as ctx:
            alone[indicator.key] = run_indicator(indicator, params, forms).total
        queries += len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        computed = run(THL_SHELTER, params, progress=None, by_units=True)
        together = {line.indicator.key: line.result.total for line in computed.lines()}
    checks = THL_SHELTER.checks
    assert checks is not None
    with CaptureQueriesContext(connection) as check_ctx:
        checks(params)
    candidates = 1  # the run reads the organisation's service forms once
    # Alone, the residence days read the forms (1) and so does the check (1); in the run, neither.
    forms_again = 2
    assert together == alone
    assert len(ctx.captured_queries) == (
        candidates + queries - 7 + len(check_ctx.captured_queries) - forms_again
    )


# --------------------------------------------------------------------------- a small organisation


def _municipality(code: str, name: str) -> Municipality:
    municipality, _created = Municipality.objects.get_or_create(
        code=code, defaults={"name_fi": name, "name_sv": name}
    )
    return municipality


def _person(
    episode: Episode,
    *,
    role: str = "client",
    born: dt.date,
    gender: str = "female",
    municipality: Municipality | None = None,
    person: Any = None,
) -> Participant:
    if person is None:
        person = PersonFactory.create(
            organisation=episode.organisation,
            birth_date=born,
            gender=gender,
            municipality=municipality,
        )
    return ParticipantFactory.create(episode=episode, person=person, role=role)


def _episode(form: ServiceForm, referral_source: str) -> Episode:
    return EpisodeFactory.create(
        service_form=form, organisation=form.organisation, referral_source=referral_source
    )


def org_world() -> dict[str, Any]:
    """The small organisation of the module docstring (call inside the time travel)."""
    m1, m2 = _municipality("991", "Testilä"), _municipality("992", "Esimerkkilä")
    s1 = shelter(places=2)
    org = s1.organisation
    s2 = ServiceFormFactory.create(
        organisation=org,
        area=s1.area,
        team=s1.team,
        kind=ServiceForm.Kind.RESIDENTIAL,
        violence_work="victim",
        name="Toinen turvakoti",
        slug="toinen-turvakoti",
    )
    with scopes_disabled():
        Place.objects.create(organisation=org, service_form=s2, name="P1", code="p1")
        Place.objects.create(
            organisation=org,
            service_form=s2,
            name="P2",
            code="p2",
            active=False,
            active_until=D(2025, 6, 30),
        )
    e = ensikoti_form(places=2, like=s1)
    w1, w2, we = worker_in(s1, role="lead"), worker_in(s2, role="lead"), worker_in(e)

    ep_f = _episode(s1, "police")
    f1 = _person(ep_f, born=D(1990, 5, 1), municipality=m1)
    f2 = _person(ep_f, role="child", born=D(2020, 3, 1), municipality=m1)
    discharge(w1, admit(w1, ep_f, s1, "p1", t(2025, 1, 10, 18), [f1, f2]), t(2025, 2, 15, 10))
    ep_g1 = _episode(s1, "self")
    g1 = _person(ep_g1, born=D(1980, 1, 1), gender="male", municipality=m2)
    discharge(w1, admit(w1, ep_g1, s1, "p2", t(2024, 12, 31, 20), [g1]), t(2025, 1, 2, 9))
    ep_g2 = _episode(s2, "social_services")
    g1_again = _person(ep_g2, born=D(1980, 1, 1), person=g1.person)
    discharge(w2, admit(w2, ep_g2, s2, "p1", t(2025, 3, 1), [g1_again]), t(2025, 3, 3))

    ep_h = _episode(e, "child_protection")
    h1 = _person(ep_h, born=D(1999, 1, 1), municipality=m1)
    h2 = _person(ep_h, role="child", born=D(2024, 12, 1), municipality=m1)
    stay_h = stay_services.stay_admit(
        actor=we,
        episode=ep_h,
        place=place(e, "p1"),
        arrived_at=t(2025, 1, 20),
        members=[h1, h2],
        payer_category=PayerCategory.MUNICIPALITY,
    )
    discharge(we, stay_h, t(2025, 2, 10))
    with scopes_disabled():
        payer = Partner.objects.create(
            organisation=org, name="Testilän hyvinvointialue", kind=Partner.Kind.WELLBEING_SERVICES
        )
    commitment_services.commitment_add(
        actor=we, episode=ep_h, payer=payer, valid_from=D(2025, 1, 1), valid_until=D(2025, 1, 31)
    )

    other = shelter(places=1)
    wo = worker_in(other, role="lead")
    ep_x = _episode(other, "self")
    x1 = _person(ep_x, born=D(1985, 1, 1))
    admit(wo, ep_x, other, "p1", t(2025, 5, 1), [x1])
    return {
        "org": org.pk,
        "s1": s1,
        "s2": s2,
        "e": e,
        "other": other,
        "m1": m1,
        "m2": m2,
        "payer": payer,
        "g1": g1.person_id,
    }


@pytest.fixture(scope="module")
def built_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The small organisation, built once for the module (at NOW) and rolled back at its end."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(NOW, tick=False):
            built = org_world()
        yield built


@pytest.fixture
def world(built_world: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each test runs at NOW, in a savepoint of the module's transaction."""
    with time_machine.travel(NOW, tick=False):
        yield built_world


def test_shelter_clients_once_across_shelters(world: dict[str, Any]) -> None:
    org = world["org"]
    clients = compute(r.SHELTER_CLIENTS, org)
    assert clients.total == 3
    assert nonzero(clients.by("adult_child")) == {("adult",): 2, ("child",): 1}
    assert clients.by("gender")[(thl.MISSING,)] == 3
    m1, m2 = str(world["m1"].pk), str(world["m2"].pk)
    assert nonzero(clients.by("municipality")) == {(m1,): 2, (m2,): 1}
    # G1 is described by the earliest stay of the period (S1's, referral "self").
    (g1,) = [u for u in clients.units if u.person_id == world["g1"]]
    assert g1.values[clients.indicator.index_of("referral_source")] == "self"
    # One shelter at a time.
    assert compute(r.SHELTER_CLIENTS, org, forms=(world["s1"].pk,)).total == 3
    assert compute(r.SHELTER_CLIENTS, org, forms=(world["s2"].pk,)).total == 1
    # Ensikoti is not a shelter: asking for it gives nothing.
    assert compute(r.SHELTER_CLIENTS, org, forms=(world["e"].pk,)).total == 0


def test_residence_days_by_month_and_municipality(world: dict[str, Any]) -> None:
    org = world["org"]
    days = compute(r.SHELTER_RESIDENCE_DAYS, org)
    assert days.total == 75
    assert nonzero(days.by("month")) == {("2025-01",): 45, ("2025-02",): 28, ("2025-03",): 2}
    assert nonzero(days.by("adult_child")) == {("adult",): 39, ("child",): 36}
    assert compute(r.SHELTER_RESIDENCE_DAYS, org, municipality=world["m1"].pk).total == 72
    assert compute(r.SHELTER_RESIDENCE_DAYS, org, municipality=world["m2"].pk).total == 3
    assert compute(r.SHELTER_CLIENTS, org, municipality=world["m1"].pk).total == 2
    # A quarter: January–March is all of it; February alone 28.
    assert compute(r.SHELTER_RESIDENCE_DAYS, org, (D(2025, 2, 1), D(2025, 2, 28))).total == 28
    assert compute(r.SHELTER_CLIENTS, org, (D(2025, 2, 1), D(2025, 2, 28))).total == 2


def test_a_departure_at_the_periods_first_midnight_is_not_in_the_period(
    world: dict[str, Any],
) -> None:
    """K leaves S2 at 00:00 on 1.5.2025 (arrived 28.4. 18:00): nights 28., 29. and 30.4. The
    care-day read includes that member in May (the midnight ends April's last night) and
    counts nothing; the persons of May do not include K. Alone and in one run of the return,
    where both questions are answered from the same read."""
    s2, org = world["s2"], world["org"]
    w = worker_in(s2, role="lead")
    ep = _episode(s2, "self")
    k = _person(ep, born=D(1975, 1, 1))
    discharge(w, admit(w, ep, s2, "p1", t(2025, 4, 28, 18), [k]), t(2025, 5, 1, 0))
    april, may = (D(2025, 4, 1), D(2025, 4, 30)), (D(2025, 5, 1), D(2025, 5, 31))
    assert compute(r.SHELTER_CLIENTS, org, april, forms=(s2.pk,)).total == 1
    assert compute(r.SHELTER_RESIDENCE_DAYS, org, april, forms=(s2.pk,)).total == 3
    assert compute(r.SHELTER_CLIENTS, org, may, forms=(s2.pk,)).total == 0
    assert compute(r.SHELTER_RESIDENCE_DAYS, org, may, forms=(s2.pk,)).total == 0
    for period, clients, days in ((april, 1, 3), (may, 0, 0)):
        together = {
            line.indicator.key: line.result.total
            for line in run(THL_SHELTER, Params(org, *period, (s2.pk,)), by_units=True).lines()
            if line.result is not None
        }
        assert together[r.SHELTER_CLIENTS.key] == clients
        assert together[r.SHELTER_RESIDENCE_DAYS.key] == days


def test_stays_and_families(world: dict[str, Any]) -> None:
    org = world["org"]
    stays = compute(r.SHELTER_STAYS, org)
    assert stays.total == 3
    assert stays.by("began") == {("began",): 2, ("earlier",): 1}
    families = compute(r.SHELTER_FAMILIES, org)
    assert nonzero(families.by("referral_source")) == {
        ("police",): 1,
        ("self",): 1,
        ("social_services",): 1,
    }
    # A family's unit has the home municipality of its client.
    m1 = world["m1"].pk
    assert compute(r.SHELTER_FAMILIES, org, municipality=m1).total == 1


def test_care_days_follow_the_billing_list(world: dict[str, Any]) -> None:
    org = world["org"]
    days = compute(r.CARE_DAYS, org)
    assert days.total == 117
    s1, s2, e = (str(world[k].pk) for k in ("s1", "s2", "e"))
    assert nonzero(days.by("service_form")) == {(s1,): 73, (s2,): 2, (e,): 42}
    payer = str(world["payer"].pk)
    assert days.by("payer") == {("state",): 75, (payer,): 24, ("missing",): 18}
    assert nonzero(days.by("month")) == {("2025-01",): 69, ("2025-02",): 46, ("2025-03",): 2}
    assert compute(r.CARE_DAYS, org, municipality=world["m1"].pk).total == 114
    assert all(u.episode_id is not None for u in days.units)
    # The same figures as the billing page of each form.
    for key in ("s1", "s2", "e"):
        form = world[key]
        with scope(organisation=org):
            billing = billing_selectors.billable_days(
                service_form=form, period_start=YEAR_2025[0], period_end=YEAR_2025[1]
            )
        assert days.by("service_form")[(str(form.pk),)] == billing.total_days
        by_payer: Counter[str] = Counter()
        for group in billing.groups:
            name = str(group.payer.pk) if group.payer else group.kind
            by_payer[name] += group.days
        mine = compute(r.CARE_DAYS, org, forms=(form.pk,)).by("payer")
        assert nonzero(mine) == {(k,): v for k, v in by_payer.items() if v}
    # Version 2 counts the same days, by form, month and payer …
    days_v2 = compute(r.CARE_DAYS_V2, org)
    assert days_v2.total == 117
    for key in ("service_form", "month", "payer"):
        assert days_v2.by(key) == days.by(key)
    # … but places them as the billing list does: P's commitment names no kotikunta, and the
    # state's 75 and the 18 without a commitment are nobody's, so M1's residents buy none.
    assert compute(r.CARE_DAYS_V2, org, municipality=world["m1"].pk).total == 0
    assert all(u.municipality_id is None for u in days_v2.units)


MARCH_2025 = (D(2025, 3, 1), D(2025, 3, 31))


def _family_under_commitment(world: dict[str, Any], **family: Any) -> Episode:
    """A mother and her child in Ensikoti E under a commitment of payer P
    (:func:`~tupa.statistics.tests.support.family_under_commitment`)."""
    return family_under_commitment(world["e"], world["payer"], **family)


def _billed_to(org: int, form: ServiceForm, municipality: Municipality) -> int:
    """The days of the billing list of ``form`` (March 2025) whose commitment names
    ``municipality`` as the kotikunta, left out the lines of a protected family (the list's
    CSV shows "Suojattu tieto" as their kotikunta)."""
    with scope(organisation=org):
        billing = billing_selectors.billable_days(
            service_form=form, period_start=MARCH_2025[0], period_end=MARCH_2025[1]
        )
        protected = protected_episode_ids(billing.episode_ids)
    return sum(
        line.days
        for group in billing.payers
        for line in group.lines
        if line.commitment is not None
        and line.commitment.municipality_id == municipality.pk
        and line.episode_id not in protected
    )


def test_care_days_v2_are_the_commitments_kotikunnan(world: dict[str, Any]) -> None:
    """Family K (mother and child, both living in Hollola) stays in E's p1 1.3. 12:00 →
    11.3.2025 12:00: nights 1.–10.3. = 10 each, 20 in all. Its commitment (payer P, kotikunta
    Lahti) covers 1.–5.3.: 5 nights each = 10 days billed to Lahti; 6.–10.3. are 10 days
    without a commitment.

    Version 2: Lahti's report 10 (= the billing list's Lahti days), Hollola's 0: the days
    without a commitment are nobody's, as on the billing list. Version 1, unchanged: Hollola
    20 (the persons' home), Lahti 0."""
    org, e = world["org"], world["e"]
    lahti, hollola = _municipality("994", "Testilahti"), _municipality("995", "Testihollola")
    _family_under_commitment(world, home=hollola, kotikunta=lahti, **FAMILY_K)
    payer = str(world["payer"].pk)
    v2 = compute(r.CARE_DAYS_V2, org, MARCH_2025)
    assert v2.total == 20 + 2  # and G1's two nights in S2 (1.–2.3., the state's)
    assert nonzero(v2.by("payer")) == {(payer,): 10, ("missing",): 10, ("state",): 2}
    assert compute(r.CARE_DAYS_V2, org, MARCH_2025, municipality=lahti.pk).total == 10
    assert compute(r.CARE_DAYS_V2, org, MARCH_2025, municipality=hollola.pk).total == 0
    assert _billed_to(org, e, lahti) == 10
    assert _billed_to(org, e, hollola) == 0
    # The whole year: the same (K's days are March's; the other families name no kotikunta).
    assert compute(r.CARE_DAYS_V2, org, municipality=lahti.pk).total == 10
    # Version 1 stays as it was: by the persons' home.
    v1 = compute(r.CARE_DAYS, org, MARCH_2025)
    assert v1.total == 22 and v1.by("payer") == v2.by("payer")
    assert compute(r.CARE_DAYS, org, MARCH_2025, municipality=hollola.pk).total == 20
    assert compute(r.CARE_DAYS, org, MARCH_2025, municipality=lahti.pk).total == 0


def test_a_protected_familys_care_days_leave_the_kotikunnan_report(world: dict[str, Any]) -> None:
    """Family K as above (10 days to Lahti in March), and family L, whose mother is under
    turvakielto, in E's p2 2.3. 12:00 → 5.3.2025 12:00: nights 2.–4.3. = 3 each, 6 in all,
    all under a commitment with kotikunta Lahti (1.–31.3.).

    L's 6 days stay in the totals (28 = K 20 + L 6 + G1 2) and in P's 16, but not in Lahti's
    report, which stays 10 — as many as the billing list's CSV names Lahti (L's lines read
    "Suojattu tieto")."""
    org, e = world["org"], world["e"]
    lahti, hollola = _municipality("994", "Testilahti"), _municipality("995", "Testihollola")
    _family_under_commitment(world, home=hollola, kotikunta=lahti, **FAMILY_K)
    protected = _family_under_commitment(world, home=lahti, kotikunta=lahti, **FAMILY_L)
    with scopes_disabled():
        mother = protected.participants.get(role="client").person
        Restriction.objects.create(
            person=mother,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=D(2024, 1, 1),
            created_by=protected.created_by,
        )
    payer = str(world["payer"].pk)
    v2 = compute(r.CARE_DAYS_V2, org, MARCH_2025)
    assert v2.total == 28
    assert v2.by("payer")[(payer,)] == 16
    assert all(u.municipality_id is None for u in v2.units if u.episode_id == protected.pk)
    assert compute(r.CARE_DAYS_V2, org, MARCH_2025, municipality=lahti.pk).total == 10
    assert _billed_to(org, e, lahti) == 10
    # Unprotected, L's days would be Lahti's: the rule, not the data, keeps them out.
    with scopes_disabled():
        Restriction.objects.filter(person=mother).delete()
    assert compute(r.CARE_DAYS_V2, org, MARCH_2025, municipality=lahti.pk).total == 16


def test_family_places_at_the_period_end(world: dict[str, Any]) -> None:
    org = world["org"]
    s1, s2, e = (str(world[k].pk) for k in ("s1", "s2", "e"))
    places = compute(r.FAMILY_PLACES, org)
    assert nonzero(places.by("service_form")) == {(s1,): 2, (s2,): 1, (e,): 2}
    half = compute(r.FAMILY_PLACES, org, (D(2025, 1, 1), D(2025, 6, 30)))
    assert half.by("service_form")[(s2,)] == 2


def test_other_organisation_is_separate(world: dict[str, Any]) -> None:
    other = world["other"].organisation_id
    assert compute(r.SHELTER_CLIENTS, other).total == 1
    # The stay is open: counted to the end of the year (NOW is in 2026).
    assert compute(r.SHELTER_RESIDENCE_DAYS, other).total == 245
    assert compute(r.CARE_DAYS, other).by("payer")[("state",)] == 245


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.key)
def test_every_indicator_is_consistent(world: dict[str, Any], indicator: Indicator) -> None:
    """Property check (inside :func:`compute`) on the small organisation and an empty one."""
    compute(indicator, world["org"])
    compute(indicator, world["org"], (D(2025, 1, 15), D(2025, 3, 2)))
    compute(indicator, world["org"], (D(2030, 1, 1), D(2030, 12, 31)))


def test_care_days_are_never_drilled_by_their_payer(world: dict[str, Any]) -> None:
    """The payer of a commitment is the family's county (or the city that organises its own
    services): beside the list of records it would say where a listed family lives (ADR 0020,
    addendum). The director sees AVI's care days by form and their records, but the drill-down
    offers no breakdown by payer, and a payer typed into the address is 404."""
    from django.test import Client
    from django.urls import reverse

    from tupa.accounts.models import Role
    from tupa.core.tests.factories import org_role_user
    from tupa.core.tests.helpers import login_verified

    with scopes_disabled():
        organisation = ServiceForm.objects.get(pk=world["s1"].pk).organisation
    director = org_role_user(organisation, Role.EXECUTIVE_DIRECTOR)
    client = Client()
    login_verified(client, director)
    line = next(i for i, line in AVI.lines() if line.indicator == "residential.care_days")
    drill = reverse("statistics:drill", args=["avi.supervision", 2025, "yhdistys", line])
    page = client.get(drill)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="drill-total">117<' in body  # 73 + 2 + 42, as the billing lists
    assert "Testilän hyvinvointialue" not in body and "?payer=" not in body
    assert client.get(drill, {"payer": str(world["payer"].pk)}).status_code == 404
    assert client.get(drill, {"payer": "state"}).status_code == 404
