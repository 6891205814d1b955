"""THL's shelter data and year return: the numbers of a constructed year checked by hand
against THL's return (``thl.shelter``, computed by ``tupa.statistics.engine.run``), the
year-end check (``tupa.residential.thl.year_end``), the proposed defaults and the validation
of the capture service. The hand figures are :data:`HAND_2025` and :data:`HAND_2024`; the
statistics indicators' tests and the views' tests use them too.

The year 2025 of one shelter (places p1–p3 are family places, plus a room and an inactive place):

- **A** (referral police): mother A1 (b. 1.5.1990, woman) and daughter A2 (b. 1.3.2020) in p1
  28.12.2024 18:00 → 5.1.2025 10:00 — nights 1.–4.1.2025 = 4 days each in 2025 (the chain began
  in 2024).
- **B** (social services): mother B1 (b. 1.7.1985) and son B2 (b. 1.6.2015) in p2 from
  20.12.2025 21:00; son B3 (b. 1.1.2023) comes a day later 21.12. 15:00; the family moves to p3
  27.12. 10:00 and leaves 3.1.2026 10:00 → B1 and B2 12 days (20.–31.12.), B3 11 days; one stay
  (the move does not start a new one). **B3 has no THL data.**
- **C** (self): an anonymous woman (alias, birth year 2000) in p1 on the spring DST day
  30.3.2025 01:00 → 20:00 — a same-day stay, 1 day.
- **D** (hospital): a man D1 (b. 1.1.1970) in p1 from 1.11.2025 12:00, **still open** →
  61 days (1.11.–31.12.) counted to the year end, and the stay blocks "ready".
- **E** (child protection): A1 again, in a new episode, p3 20.10.2025 12:00 → 30.10. 12:00
  across the autumn DST change → 10 days; A1 is one client (14 days), with the data of her
  first stay of the year (A).

Clients 7 (adults A1 B1 C1 D1 = 4, children A2 B2 B3 = 3); days adults 14+12+1+61 = 88,
children 4+12+11 = 27, total 115; average 115/7 = 16.4 (adults 22.0, children 9.0).
Stays 5 (A B C D E), 4 began in 2025; families 5 (referral sources one each); family places 3.
Turn-aways for lack of room to another shelter: 2 requests, 2 adults, 2 children (4 persons);
1 more directed elsewhere. Line contacts 3: phone 2, chat 1 (see ``noise``).
Excluded: another shelter of the organisation, another organisation, other years.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from tupa.core.conflicts import VersionConflict
from tupa.core.tables import Table
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import refetched, rolled_back_world
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.people.models import Alias
from tupa.residential.models import (
    Destination,
    LineContact,
    PayerCategory,
    Place,
    ShelterClientData,
    TurnAway,
)
from tupa.residential.stays import services
from tupa.residential.thl import services as thl_services
from tupa.residential.thl import variables as thl
from tupa.residential.thl.year_end import YearEndCounts, year_end_check, year_end_counts
from tupa.statistics.engine import DATABASE, Computed, run
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns.thl import THL_SHELTER
from tupa.statistics.tests.properties import assert_consistent, counted_both_ways

from .support import place, residential_form, t

pytestmark = pytest.mark.django_db

Data = ShelterClientData
NOW = dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)
#: Queries of THL's whole return (every line and the year-end check), whatever the year's size:
#: the engine's run, whose shared reads are made once, with one query asking whom turvakielto
#: protects (nobody in this scenario).
RETURN_QUERIES = 9


# --------------------------------------------------------------------------- scenario helpers


def shelter(*, places: int = 3) -> ServiceForm:
    form = residential_form(places=places, room_capacity=2)
    with scopes_disabled():
        ServiceForm.objects.filter(pk=form.pk).update(violence_work="victim")
        form.refresh_from_db()
        Place.objects.create(
            organisation=form.organisation,
            service_form=form,
            name="Suljettu paikka",
            code="closed",
            active=False,
            order=98,
        )
    return form


def person_in(
    episode: Episode, *, role: str = "client", born: dt.date | None = None, gender: str = "female"
) -> Participant:
    person = PersonFactory.create(organisation=episode.organisation, birth_date=born, gender=gender)
    return ParticipantFactory.create(episode=episode, person=person, role=role)


def episode_of(form: ServiceForm, referral_source: str = "self") -> Episode:
    return EpisodeFactory.create(
        service_form=form, organisation=form.organisation, referral_source=referral_source
    )


def row(participant: Participant, **values: Any) -> dict[str, Any]:
    base = {
        "participant": participant,
        "client_status": Data.ClientStatus.VICTIM,
        "gender": Data.Gender.FEMALE,
        "age_band": Data.AgeBand.AGE_25_34,
        "violence_forms": [],
        "relationship": Data.Relationship.UNKNOWN,
        "stay_order": Data.StayOrder.UNKNOWN,
        "violence_duration": Data.ViolenceDuration.UNKNOWN,
    }
    return {**base, **values}


def admit(
    actor: Any,
    episode: Episode,
    form: ServiceForm,
    code: str,
    at: dt.datetime,
    members: list[Participant],
) -> Any:
    return services.stay_admit(
        actor=actor,
        episode=episode,
        place=place(form, code),
        arrived_at=at,
        members=members,
        payer_category=PayerCategory.STATE,
    )


def discharge(actor: Any, stay: Any, at: dt.datetime) -> None:
    services.stay_discharge(actor=actor, stay=stay, departed_at=at, destination=Destination.HOME)


def noise(form: ServiceForm, actor: Any) -> None:
    """Turn-aways and line contacts of 2025 and around it (the counted ones and the excluded)."""
    org = form.organisation

    def turn_away(sf: ServiceForm, at: dt.datetime, **kw: Any) -> None:
        defaults = {
            "reason": "no_place",
            "directed_to": "other_shelter",
            "adults": 1,
            "children": 0,
        }
        TurnAway.objects.create(
            organisation=sf.organisation,
            service_form=sf,
            occurred_at=at,
            recorded_by=actor,
            **{**defaults, **kw},
        )

    def contact(sf: ServiceForm, at: dt.datetime, channel: str = "phone") -> None:
        LineContact.objects.create(
            organisation=sf.organisation,
            service_form=sf,
            occurred_at=at,
            channel=channel,
            caller="victim",
            outcome="advice",
            recorded_by=actor,
        )

    other_unit = ServiceFormFactory.create(
        organisation=org, kind=ServiceForm.Kind.RESIDENTIAL, violence_work="victim"
    )
    other_org = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, violence_work="victim")
    with scopes_disabled():
        # Counted: two to another shelter for lack of room (2 adults, 2 children), one no-place
        # request directed elsewhere.
        turn_away(form, t(2025, 3, 3), adults=1, children=2)
        turn_away(form, t(2025, 12, 31, 23, 30))
        turn_away(form, t(2025, 6, 6), directed_to="social_services")
        # Not counted: another reason, other years, another unit, another organisation.
        turn_away(form, t(2025, 6, 7), reason="safety")
        turn_away(form, t(2024, 12, 31, 23, 30), children=3)
        turn_away(form, t(2026, 1, 1, 0, 10), children=3)
        turn_away(other_unit, t(2025, 5, 5), children=4)
        turn_away(other_org, t(2025, 5, 5), children=5)
        contact(form, t(2025, 1, 1, 0, 5))
        contact(form, t(2025, 7, 1))
        contact(form, t(2025, 12, 31, 23, 55), channel="chat")
        contact(form, t(2024, 12, 31, 23, 55))
        contact(other_unit, t(2025, 7, 1))
        contact(other_org, t(2025, 7, 1))


def build_year() -> dict[str, Any]:
    """The scenario of the module docstring (call inside ``time_machine.travel(NOW)``)."""
    form = shelter()
    actor = worker_in(form, role="lead")
    ep_a = episode_of(form, "police")
    a1 = person_in(ep_a, born=dt.date(1990, 5, 1))
    a2 = person_in(ep_a, role="child", born=dt.date(2020, 3, 1))
    discharge(
        actor, admit(actor, ep_a, form, "p1", t(2024, 12, 28, 18), [a1, a2]), t(2025, 1, 5, 10)
    )

    ep_c = episode_of(form, "self")
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=form.organisation,
            label="Kanerva",
            service_form=form,
            birth_year=2000,
            created_by=actor,
        )
    c1 = ParticipantFactory.create(episode=ep_c, person=None, alias=alias)
    discharge(
        actor,
        admit(actor, ep_c, form, "p1", dt.datetime(2025, 3, 30, 1, 0, tzinfo=HELSINKI), [c1]),
        dt.datetime(2025, 3, 30, 20, 0, tzinfo=HELSINKI),
    )

    ep_e = episode_of(form, "child_protection")
    with scopes_disabled():
        e1 = ParticipantFactory.create(episode=ep_e, person=a1.person, role="client")
    discharge(actor, admit(actor, ep_e, form, "p3", t(2025, 10, 20), [e1]), t(2025, 10, 30))

    ep_d = episode_of(form, "hospital")
    d1 = person_in(ep_d, born=dt.date(1970, 1, 1), gender="male")
    stay_d = admit(actor, ep_d, form, "p1", t(2025, 11, 1), [d1])

    ep_b = episode_of(form, "social_services")
    b1 = person_in(ep_b, born=dt.date(1985, 7, 1))
    b2 = person_in(ep_b, role="child", born=dt.date(2015, 6, 1), gender="male")
    b3 = person_in(ep_b, role="child", born=dt.date(2023, 1, 1), gender="male")
    stay_b = admit(actor, ep_b, form, "p2", t(2025, 12, 20, 21), [b1, b2])
    services.stay_member_add(
        actor=actor, stay=stay_b, participant=b3, arrived_at=t(2025, 12, 21, 15)
    )
    moved = services.stay_move(
        actor=actor, stay=stay_b, to_place=place(form, "p3"), at=t(2025, 12, 27, 10)
    )
    discharge(actor, moved, t(2026, 1, 3, 10))

    save = thl_services.shelter_data_save
    P = Data.ViolenceForm
    save(
        actor=actor,
        episode=ep_a,
        rows=[
            row(
                a1,
                violence_forms=[P.PHYSICAL, P.PSYCHOLOGICAL],
                relationship="current_partner",
                stay_order="first",
                violence_duration="1_5y",
            ),
            row(
                a2,
                client_status="violent_environment",
                age_band="4-6",
                relationship="parent",
                stay_order="first",
            ),
        ],
    )
    save(
        actor=actor,
        episode=ep_b,
        rows=[
            row(
                b1,
                age_band="35-44",
                violence_forms=[P.PHYSICAL, P.THREAT, P.DIGITAL, P.THREAT],
                relationship="former_partner",
                stay_order="repeat",
                violence_duration="gt_5y",
            ),
            row(
                b2,
                client_status="violent_environment",
                gender="male",
                age_band="7-12",
                violence_forms=[P.PSYCHOLOGICAL],
                relationship="parent",
                violence_duration="1_5y",
            ),
        ],
    )
    save(
        actor=actor,
        episode=ep_c,
        rows=[
            row(
                c1,
                gender="unknown",
                violence_forms=[P.SEXUAL],
                relationship="other",
                violence_duration="lt_1m",
            )
        ],
    )
    save(
        actor=actor,
        episode=ep_d,
        rows=[
            row(
                d1,
                gender="male",
                age_band="55-64",
                violence_forms=[P.ECONOMIC],
                relationship="former_partner",
                stay_order="first",
                violence_duration="6_12m",
            )
        ],
    )
    save(
        actor=actor, episode=ep_e, rows=[row(e1, violence_forms=[P.STALKING], stay_order="repeat")]
    )
    noise(form, actor)
    # Another shelter of the same organisation: its family never counts here.
    other = shelter(places=1)
    other_actor = worker_in(other)
    ep_x = episode_of(other)
    x1 = person_in(ep_x, born=dt.date(1980, 1, 1))
    admit(other_actor, ep_x, other, "p1", t(2025, 5, 1), [x1])
    return {
        "form": form,
        "actor": actor,
        "episodes": {"a": ep_a, "b": ep_b, "c": ep_c, "d": ep_d, "e": ep_e},
        "people": {"a1": a1, "a2": a2, "b1": b1, "b2": b2, "b3": b3, "c1": c1, "d1": d1},
        "stay_d": stay_d,
        "other": other,
    }


@pytest.fixture(scope="module")
def built_year(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """``build_year`` once for the module, rolled back after its last test (each test runs in a
    savepoint inside this transaction)."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(NOW, tick=False):
            data = build_year()
        yield data


@pytest.fixture
def year(built_year: dict[str, Any]) -> Any:
    with time_machine.travel(NOW, tick=False):
        yield refetched(built_year)


# --------------------------------------------------------------------------- the hand figures

A, C, M = thl.ADULT, thl.CHILD, thl.MISSING


@dataclass(frozen=True)
class Hand:
    """A year of one shelter counted by hand: the figures THL's return must give.

    Pairs and triples are (adults, children, all); counters of a variable are persons by
    (adult or child, value).
    """

    clients: tuple[int, int, int]
    days: tuple[int, int, int]
    averages: tuple[Decimal, Decimal, Decimal]
    variables: dict[str, Counter[tuple[str, str]]]
    violence_forms: Counter[tuple[str, str]]
    stays: int
    stays_began: int
    families: int
    referral_sources: Counter[str]
    family_places: int
    #: For lack of room and sent to another shelter: requests (families), adults, children.
    turned_away: tuple[int, int, int]
    #: For lack of room, directed elsewhere (requests).
    turned_away_no_place_other: int
    line_contacts: int
    line_by_channel: Counter[str]


HAND_2025 = Hand(
    clients=(4, 3, 7),
    days=(88, 27, 115),
    averages=(Decimal("22.0"), Decimal("9.0"), Decimal("16.4")),
    variables={
        "gender": Counter(
            {
                (A, "female"): 2,
                (A, "male"): 1,
                (A, "unknown"): 1,
                (C, "female"): 1,
                (C, "male"): 1,
                (C, M): 1,
            }
        ),
        "age_band": Counter(
            {
                (A, "25-34"): 2,
                (A, "35-44"): 1,
                (A, "55-64"): 1,
                (C, "4-6"): 1,
                (C, "7-12"): 1,
                (C, M): 1,
            }
        ),
        "stay_order": Counter(
            {
                (A, "first"): 2,
                (A, "repeat"): 1,
                (A, "unknown"): 1,
                (C, "first"): 1,
                (C, "unknown"): 1,
                (C, M): 1,
            }
        ),
        "client_status": Counter({(A, "victim"): 4, (C, "violent_environment"): 2, (C, M): 1}),
        "relationship": Counter(
            {
                (A, "current_partner"): 1,
                (A, "former_partner"): 2,
                (A, "other"): 1,
                (C, "parent"): 2,
                (C, M): 1,
            }
        ),
        "violence_duration": Counter(
            {
                (A, "1_5y"): 1,
                (A, "gt_5y"): 1,
                (A, "lt_1m"): 1,
                (A, "6_12m"): 1,
                (C, "unknown"): 1,
                (C, "1_5y"): 1,
                (C, M): 1,
            }
        ),
    },
    # Multi-select: persons per form; A1 counts with episode A's forms (not E's stalking);
    # B1's duplicate "threat" was de-duplicated on save.
    violence_forms=Counter(
        {
            (A, "physical"): 2,
            (A, "psychological"): 1,
            (A, "threat"): 1,
            (A, "digital"): 1,
            (A, "sexual"): 1,
            (A, "economic"): 1,
            (C, thl.NO_FORMS): 1,
            (C, "psychological"): 1,
            (C, M): 1,
        }
    ),
    stays=5,
    stays_began=4,
    families=5,
    referral_sources=Counter(
        {"police": 1, "social_services": 1, "self": 1, "hospital": 1, "child_protection": 1}
    ),
    family_places=3,
    turned_away=(2, 2, 2),
    turned_away_no_place_other=1,
    line_contacts=3,
    line_by_channel=Counter({"phone": 2, "chat": 1}),
)

#: 2024: A1 and A2 from 28.12.2024 (nights 28.–31.12. = 4 days each), with episode A's data;
#: the turn-away of 31.12.2024 23:30 (1 adult, 3 children) and the contact of 23:55.
HAND_2024 = Hand(
    clients=(1, 1, 2),
    days=(4, 4, 8),
    averages=(Decimal("4.0"), Decimal("4.0"), Decimal("4.0")),
    variables={
        "gender": Counter({(A, "female"): 1, (C, "female"): 1}),
        "age_band": Counter({(A, "25-34"): 1, (C, "4-6"): 1}),
        "stay_order": Counter({(A, "first"): 1, (C, "first"): 1}),
        "client_status": Counter({(A, "victim"): 1, (C, "violent_environment"): 1}),
        "relationship": Counter({(A, "current_partner"): 1, (C, "parent"): 1}),
        "violence_duration": Counter({(A, "1_5y"): 1, (C, "unknown"): 1}),
    },
    violence_forms=Counter({(A, "physical"): 1, (A, "psychological"): 1, (C, thl.NO_FORMS): 1}),
    stays=1,
    stays_began=1,
    families=1,
    referral_sources=Counter({"police": 1}),
    family_places=3,
    turned_away=(1, 1, 3),
    turned_away_no_place_other=0,
    line_contacts=1,
    line_by_channel=Counter({"phone": 1}),
)

HAND = {2025: HAND_2025, 2024: HAND_2024}


# --------------------------------------------------------------------------- THL's return


def thl_return(form: ServiceForm, year: int = 2025) -> Computed:
    """THL's return of ``form`` for ``year`` through the statistics engine (as every page):
    counted by the database on PostgreSQL (ADR 0027), and always by the units, which must give
    every table the same and each of which sums to its totals."""
    params = Params(form.organisation_id, dt.date(year, 1, 1), dt.date(year, 12, 31), (form.pk,))
    computed, by_units = counted_both_ways(THL_SHELTER, params)
    for check in by_units.lines():
        assert check.result is not None
        assert_consistent(check.result)
    return computed


def table(computed: Computed, indicator: str, *breakdown: str) -> Table:
    """The table of the return's line counting ``indicator`` by ``breakdown``."""
    for line in computed.lines():
        if line.line.indicator == indicator and line.line.breakdown == breakdown:
            return line.table
    raise KeyError((indicator, breakdown))


def by_group(tb: Table) -> Counter[tuple[str, str]]:
    """A variable × adult/child table as persons by (group, value), zero cells left out."""
    return Counter(
        {
            (col, row): tb.cell(row, col)
            for row, _ in tb.rows
            for col, _ in tb.cols
            if tb.cell(row, col)
        }
    )


def by_row(tb: Table) -> Counter[str]:
    """A one-way table as a counter of its non-zero rows."""
    return Counter({row: tb.cell(row) for row, _ in tb.rows if tb.cell(row)})


def groups(tb: Table) -> tuple[int, int, int]:
    """(adults, children, all) of a table by adult/child."""
    return (tb.cell(A), tb.cell(C), tb.total)


def averages(computed: Computed) -> tuple[Decimal, Decimal, Decimal]:
    """Residence days per client (the return's note), one decimal, for adults, children, all."""
    days = groups(table(computed, "shelter.residence_days", "adult_child"))
    clients = groups(table(computed, "shelter.clients", "adult_child"))
    adults, children, everyone = (
        (Decimal(d) / Decimal(c)).quantize(Decimal("0.1"), ROUND_HALF_UP) if c else Decimal("0.0")
        for d, c in zip(days, clients, strict=True)
    )
    return adults, children, everyone


def figures(computed: Computed) -> Hand:
    """The return's lines read back in the shape of :class:`Hand`."""
    turned = table(computed, "shelter.turned_away", "destination", "adult_child")
    requests = table(computed, "shelter.turn_away_requests", "destination")
    stays = table(computed, "shelter.stays", "began")
    families = table(computed, "shelter.families", "referral_source")
    line = table(computed, "shelter.line_contacts", "channel")
    return Hand(
        clients=groups(table(computed, "shelter.clients", "adult_child")),
        days=groups(table(computed, "shelter.residence_days", "adult_child")),
        averages=averages(computed),
        variables={
            name: by_group(table(computed, "shelter.clients", name, "adult_child"))
            for name in thl.PERSON_VARIABLES
        },
        violence_forms=by_group(
            table(computed, "shelter.violence_forms", "violence_form", "adult_child")
        ),
        stays=stays.total,
        stays_began=stays.cell("began"),
        families=families.total,
        referral_sources=by_row(families),
        family_places=table(computed, "residential.family_places").total,
        turned_away=(
            requests.cell("other_shelter"),
            turned.cell("other_shelter", A),
            turned.cell("other_shelter", C),
        ),
        turned_away_no_place_other=requests.cell("elsewhere"),
        line_contacts=line.total,
        line_by_channel=by_row(line),
    )


# --------------------------------------------------------------------------- the return by hand


def test_clients_days_and_averages(year: dict[str, Any]) -> None:
    computed = thl_return(year["form"])
    assert groups(table(computed, "shelter.clients", "adult_child")) == (4, 3, 7)
    assert groups(table(computed, "shelter.residence_days", "adult_child")) == (88, 27, 115)
    assert averages(computed) == (Decimal("22.0"), Decimal("9.0"), Decimal("16.4"))
    # The first two lines of the return are these (what the page shows at the top).
    assert [line.title for line in computed.lines()[:2]] == [
        "Asiakkaita vuoden aikana",
        "Asumisvuorokaudet",
    ]


def test_person_variables_with_missing_rows(year: dict[str, Any]) -> None:
    computed = thl_return(year["form"])
    got = figures(computed)
    for name in thl.PERSON_VARIABLES:
        assert got.variables[name] == HAND_2025.variables[name], name
    assert got.violence_forms == HAND_2025.violence_forms
    # B3 has no THL data: "tieto puuttuu" once in every variable, a child.
    for name in thl.PERSON_VARIABLES:
        tb = table(computed, "shelter.clients", name, "adult_child")
        assert tb.cell(M, C) == 1, name
        # Every single-choice table adds up to the clients (nobody dropped).
        assert sum(tb.cell(row, col) for row, _ in tb.rows for col, _ in tb.cols) == 7, name
        assert tb.total == 7, name
        assert (tb.values[("col", A)], tb.values[("col", C)]) == (4, 3), name


def test_stays_families_referrals_places(year: dict[str, Any]) -> None:
    got = figures(thl_return(year["form"]))
    assert (got.stays, got.stays_began, got.families) == (5, 4, 5)
    assert got.referral_sources == Counter(
        {"police": 1, "social_services": 1, "self": 1, "hospital": 1, "child_protection": 1}
    )
    assert got.family_places == 3


def test_turn_aways_and_line_contacts(year: dict[str, Any]) -> None:
    computed = thl_return(year["form"])
    got = figures(computed)
    assert got.turned_away == (2, 2, 2)  # families, adults, children
    turned = table(computed, "shelter.turned_away", "destination", "adult_child")
    assert turned.values[("row", "other_shelter")] == 4  # persons
    assert got.turned_away_no_place_other == 1
    assert got.line_contacts == 3
    assert got.line_by_channel == Counter({"phone": 2, "chat": 1})


def test_the_whole_year_is_the_hand_count(year: dict[str, Any]) -> None:
    assert figures(thl_return(year["form"])) == HAND_2025
    assert figures(thl_return(year["form"], 2024)) == HAND_2024


def test_year_end_check_and_ready(year: dict[str, Any]) -> None:
    form = year["form"]
    with scope(organisation=form.organisation_id):
        check = year_end_check(service_form=form, year=2025)
    assert [i.stay_id for i in check.open_stays] == [year["stay_d"].pk]
    assert [i.episode.pk for i in check.open_stays] == [year["episodes"]["d"].pk]
    assert [p.pk for p in check.open_stays[0].participants] == [year["people"]["d1"].pk]
    assert [i.episode.pk for i in check.missing_data] == [year["episodes"]["b"].pk]
    assert [p.pk for p in check.missing_data[0].participants] == [year["people"]["b3"].pk]
    assert not check.ready
    with scope(organisation=form.organisation_id):
        # What the return reads: D's stay, B's episode.
        assert year_end_counts(service_form=form, year=2025) == YearEndCounts(1, 1)
    assert {p.pk for p in check.persons()} == {
        year["people"]["d1"].person_id,
        year["people"]["b3"].person_id,
    }
    problems = thl_return(form).problems
    assert len(problems) == 2
    assert "vahvistettu: 1" in problems[0]
    assert "tilastotiedot: 1" in problems[1]
    # Fill B3's data and record D's departure: the year is ready.
    with time_machine.travel(NOW, tick=False):
        thl_services.shelter_data_save(
            actor=year["actor"],
            episode=year["episodes"]["b"],
            rows=[row(year["people"]["b3"], client_status="violent_environment", age_band="0-3")],
        )
        discharge(year["actor"], year["stay_d"], t(2026, 1, 10))
    with scope(organisation=form.organisation_id):
        check = year_end_check(service_form=form, year=2025)
    assert check.ready
    assert (check.open_stays, check.missing_data) == ([], [])
    with scope(organisation=form.organisation_id):
        assert year_end_counts(service_form=form, year=2025) == YearEndCounts(0, 0)
    computed = thl_return(form)
    assert computed.problems == []
    assert table(computed, "shelter.clients", "client_status", "adult_child").cell(M, C) == 0
    # D's days in 2025 do not change when the departure is recorded.
    assert table(computed, "shelter.residence_days", "adult_child").total == 115


def test_other_years_and_units(year: dict[str, Any]) -> None:
    s2024 = figures(thl_return(year["form"], 2024))
    # A1 and A2 from 28.12.2024: nights 28.–31.12. = 4 days each.
    assert (s2024.clients[0], s2024.clients[1], s2024.days[2]) == (1, 1, 8)
    assert (s2024.stays, s2024.stays_began) == (1, 1)
    assert s2024.line_contacts == 1
    assert s2024.turned_away[2] == 3
    # The other shelter: X1 from 1.5.2025, still open: 245 nights to 31.12.; no turn-aways.
    s_other = figures(thl_return(year["other"]))
    assert (s_other.clients[2], s_other.stays, s_other.turned_away[0]) == (1, 1, 0)
    assert s_other.days[2] == 245


def family_places(form: ServiceForm, year: int) -> int:
    return table(thl_return(form, year), "residential.family_places").total


def test_year_end_check_is_three_queries_and_its_counts_one(
    year: dict[str, Any], django_assert_num_queries: Any
) -> None:
    """Open stays, their confirmations, the members lacking data; the counts (what the return
    asks on every request of its page) one query with the same conditions."""
    form = year["form"]
    with scope(organisation=form.organisation_id), django_assert_num_queries(3):
        year_end_check(service_form=form, year=2025)
    with scope(organisation=form.organisation_id), django_assert_num_queries(1):
        year_end_counts(service_form=form, year=2025)


def test_return_query_count_is_bounded(
    year: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    """The engine's run of the return (what a page computes); the consistency checks of
    ``thl_return`` read the dimensions' choices afresh and are not counted. Counted by the
    database (PostgreSQL, ADR 0027): the organisation's forms and the statement, which counts
    the year-end check as well."""
    form = year["form"]
    params = Params(form.organisation_id, dt.date(2025, 1, 1), dt.date(2025, 12, 31), (form.pk,))
    with django_assert_max_num_queries(RETURN_QUERIES):
        run(THL_SHELTER, params, by_units=True)
    with CaptureQueriesContext(connection) as counted:
        computed = run(THL_SHELTER, params)
    if computed.counted_by == DATABASE:
        assert len(counted.captured_queries) == 2
        assert len(computed.problems) == 2  # D's open stay, B3's missing data
    else:
        assert len(counted.captured_queries) <= RETURN_QUERIES


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, "unknown"),
        (0, "0-3"),
        (3, "0-3"),
        (4, "4-6"),
        (12, "7-12"),
        (17, "13-17"),
        (18, "18-24"),
        (34, "25-34"),
        (64, "55-64"),
        (65, "65-"),
        (99, "65-"),
    ],
)
def test_age_bands(age: int | None, band: str) -> None:
    assert thl.age_band_for(age) == band


def test_age_at_birthday_and_alias_year() -> None:
    day = dt.date(2025, 3, 1)
    assert thl.age_at(birth_date=dt.date(2007, 3, 1), birth_year=None, on=day) == 18
    assert thl.age_at(birth_date=dt.date(2007, 3, 2), birth_year=None, on=day) == 17
    assert thl.age_at(birth_date=None, birth_year=2000, on=day) == 25
    assert thl.age_at(birth_date=None, birth_year=None, on=day) is None


# --------------------------------------------------------------------------- defaults


def test_proposed_defaults(year: dict[str, Any]) -> None:
    form = year["form"]
    with time_machine.travel(NOW, tick=False), scope(organisation=form.organisation_id):
        infos = {
            i.participant.pk: i for i in thl_services.episode_participants(year["episodes"]["b"])
        }
        e_infos = thl_services.episode_participants(year["episodes"]["e"])
    b = year["people"]
    b3 = infos[b["b3"].pk]
    assert b3.data is None and b3.stayed
    assert b3.proposed["client_status"] == "violent_environment"
    assert b3.proposed["gender"] == "male"
    assert b3.proposed["age_band"] == "0-3"  # 2 years at the arrival 21.12.2025
    assert b3.first_arrival == t(2025, 12, 21, 15)
    b1 = infos[b["b1"].pk]
    assert b1.proposed["client_status"] == "victim"
    assert b1.proposed["age_band"] == "35-44"
    assert b1.proposed["gender"] == "female"
    # Clients first, then children.
    assert [i.participant.role for i in infos.values()] == ["client", "child", "child"]
    # A1 stayed in episode A before E: "repeat" is proposed for E.
    assert e_infos[0].proposed["stay_order"] == "repeat"
    assert b1.proposed["stay_order"] == "unknown"


def test_alias_defaults(year: dict[str, Any]) -> None:
    form = year["form"]
    with scope(organisation=form.organisation_id):
        (info,) = thl_services.episode_participants(year["episodes"]["c"])
    assert info.proposed["gender"] == "unknown"
    assert info.proposed["age_band"] == "25-34"
    assert info.data is not None and info.values["violence_forms"] == ["sexual"]


# --------------------------------------------------------------------------- validation


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_victim_adult_needs_a_violence_form(year: dict[str, Any]) -> None:
    b3 = year["people"]["b3"]
    b1 = year["people"]["b1"]
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        thl_services.shelter_data_save(
            actor=year["actor"],
            episode=year["episodes"]["b"],
            rows=[row(b1, violence_forms=[]), row(b3, client_status="victim", age_band="0-3")],
        )
    errors = _errors(exc)
    assert list(errors) == [f"{b1.pk}:violence_forms"]
    assert "Valitse vähintään yksi väkivallan muoto" in errors[f"{b1.pk}:violence_forms"][0]
    # Nothing was written (B1's earlier forms stay, B3 still has no data).
    with scopes_disabled():
        assert Data.objects.get(participant=b1).violence_forms == ["physical", "threat", "digital"]
        assert not Data.objects.filter(participant=b3).exists()


def test_unknown_band_uses_the_role(year: dict[str, Any]) -> None:
    b3 = year["people"]["b3"]
    with time_machine.travel(NOW, tick=False):
        # A child (role "lapsi") who is a victim needs no form even without an age band...
        thl_services.shelter_data_save(
            actor=year["actor"],
            episode=year["episodes"]["b"],
            rows=[row(b3, client_status="victim", age_band="unknown")],
        )
        # ...but a client with an unknown band is treated as an adult.
        with pytest.raises(ValidationError) as exc:
            thl_services.shelter_data_save(
                actor=year["actor"],
                episode=year["episodes"]["d"],
                rows=[row(year["people"]["d1"], age_band="unknown", violence_forms=[])],
            )
    assert list(_errors(exc)) == [f"{year['people']['d1'].pk}:violence_forms"]


def test_bad_choices_and_foreign_participants(year: dict[str, Any]) -> None:
    d1 = year["people"]["d1"]
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        thl_services.shelter_data_save(
            actor=year["actor"],
            episode=year["episodes"]["d"],
            rows=[
                row(d1, gender="x", violence_forms=["kicking"], relationship=""),
                row(year["people"]["b1"], violence_forms=["physical"]),
            ],
        )
    errors = _errors(exc)
    assert errors[f"{d1.pk}:gender"] == ["Valitse jokin vaihtoehdoista."]
    assert errors[f"{d1.pk}:relationship"] == ["Valitse jokin vaihtoehdoista."]
    assert errors[f"{d1.pk}:violence_forms"] == ["Valitse väkivallan muodot luettelosta."]
    assert errors["participant"] == ["Henkilö ei ole tämän asiakkuuden osallistuja."]


def test_participant_without_a_stay_may_be_left_empty(year: dict[str, Any]) -> None:
    ep_d = year["episodes"]["d"]
    partner = person_in(ep_d, role="partner", gender="female")
    with time_machine.travel(NOW, tick=False):
        thl_services.shelter_data_save(
            actor=year["actor"], episode=ep_d, rows=[row(partner, client_status="")]
        )
        with pytest.raises(ValidationError) as exc:
            thl_services.shelter_data_save(
                actor=year["actor"],
                episode=ep_d,
                rows=[row(year["people"]["d1"], client_status="")],
            )
    assert _errors(exc) == {
        f"{year['people']['d1'].pk}:client_status": ["Valitse asiakkaan asema."]
    }
    with scopes_disabled():
        assert not Data.objects.filter(participant=partner).exists()


def test_only_members_of_a_shelter_may_save(year: dict[str, Any]) -> None:
    outsider = worker_in(year["other"])
    with pytest.raises(PermissionDenied):
        thl_services.shelter_data_save(
            actor=outsider, episode=year["episodes"]["d"], rows=[row(year["people"]["d1"])]
        )
    ensikoti = residential_form(places=1, room_capacity=None)
    worker = worker_in(ensikoti)
    episode = episode_of(ensikoti)
    mother = person_in(episode)
    with pytest.raises(ValidationError):
        thl_services.shelter_data_save(actor=worker, episode=episode, rows=[row(mother)])


def test_stale_stamp_is_a_conflict(year: dict[str, Any]) -> None:
    ep_b = year["episodes"]["b"]
    form = year["form"]
    with scope(organisation=form.organisation_id):
        stamp = thl_services.data_stamp(thl_services.episode_participants(ep_b))
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        thl_services.shelter_data_save(
            actor=year["actor"],
            episode=ep_b,
            rows=[row(year["people"]["b1"], violence_forms=["physical"])],
            stamp=stamp,
        )
        with pytest.raises(VersionConflict):
            thl_services.shelter_data_save(
                actor=year["actor"],
                episode=ep_b,
                rows=[row(year["people"]["b1"], violence_forms=["sexual"])],
                stamp=stamp,
            )
    with scopes_disabled():
        assert Data.objects.get(participant=year["people"]["b1"]).violence_forms == ["physical"]


def test_family_places_are_those_in_use_on_the_last_day_of_the_year(year: dict[str, Any]) -> None:
    """Issue 10: THL's "family places at year end" counts the places in use on 31.12. of the
    reported year, not today's configuration. One of the three places closes on 15.1.2026 (after
    the year) and a new one opens on 1.2.2026: 2025 still had 3, 2026 has 3 again but not the
    same ones, and a year that ended before a place existed does not count it."""
    form = year["form"]
    with scopes_disabled():
        first = Place.objects.filter(service_form=form, active=True).order_by("order").first()
        assert first is not None
        Place.objects.filter(pk=first.pk).update(active=False, active_until=dt.date(2026, 1, 15))
        Place.objects.create(
            organisation=form.organisation,
            service_form=form,
            name="Uusi paikka",
            code="new",
            active=True,
            active_from=dt.date(2026, 2, 1),
            order=50,
        )
    assert family_places(year["form"], 2025) == 3
    assert family_places(year["form"], 2024) == 3
    with scopes_disabled():
        Place.objects.filter(code="new").update(active_from=dt.date(2024, 6, 1))
    assert family_places(year["form"], 2023) == 3
    assert family_places(year["form"], 2024) == 4
