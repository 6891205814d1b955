"""THL's return counted by the database (ADR 0027) against the same return counted by the units.

The hand-computed THL years of ``tupa/residential/tests/test_thl.py`` run both ways there
(``thl_return``); the tiny federation of ``tupa/demo/tests/test_federation_scale.py`` too.
Here: the statement's lines are the template's, the statement is used only where it applies,
and, on PostgreSQL, generated shelters — persons and aliases with and without THL data and
birth dates, moves, open stays, late arrivals, stays across the year's and the clocks' changes,
turn-aways and line contacts — give every figure the same both ways, for a year, a quarter, the
weeks between the clocks' changes and the current year. Sending refuses when the two differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tupa.core.tests.factories import (
    EpisodeFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.episodes.models import Participant, ReferralSource
from tupa.organisations.models import ServiceForm
from tupa.people.models import Alias
from tupa.residential.models import LineContact, PayerCategory, Place, Stay, StayMember, TurnAway
from tupa.residential.models import ShelterClientData as Data
from tupa.residential.tests.test_thl import row, shelter
from tupa.statistics import engine, services
from tupa.statistics.indicators.base import Params
from tupa.statistics.models import Submission
from tupa.statistics.returns import thl_database
from tupa.statistics.returns.thl import THL_SHELTER
from tupa.statistics.tests.properties import counted_both_ways

pytestmark = pytest.mark.django_db

D = dt.date
UTC = dt.UTC
#: "Now" of the generated shelters: late in 2025, so the year's open stays count to yesterday.
NOW = dt.datetime(2025, 11, 20, 10, 0, tzinfo=UTC)
#: Helsinki's midnights where the counting turns (UTC): the years' first, and the clocks' days.
MIDNIGHTS = (
    dt.datetime(2024, 12, 31, 22, 0, tzinfo=UTC),  # 1.1.2025 00:00 EET
    dt.datetime(2025, 3, 29, 22, 0, tzinfo=UTC),  # 30.3.2025 00:00 EET, clocks forward at 3
    dt.datetime(2025, 3, 31, 21, 0, tzinfo=UTC),  # 1.4.2025 00:00 EEST
    dt.datetime(2025, 10, 25, 21, 0, tzinfo=UTC),  # 26.10.2025 00:00 EEST, clocks back at 4
    dt.datetime(2025, 11, 19, 22, 0, tzinfo=UTC),  # 20.11.2025 00:00 EET: today
)
PERIODS = (
    (D(2025, 1, 1), D(2025, 12, 31)),
    (D(2025, 1, 1), D(2025, 3, 31)),
    (D(2025, 3, 30), D(2025, 10, 26)),
    (D(2024, 1, 1), D(2024, 12, 31)),
)


def assert_both_ways_agree(params: Params) -> None:
    """Every line's table is the same counted by the database and by the units (on SQLite both
    are the units)."""
    counted, _by_units = counted_both_ways(THL_SHELTER, params)
    expected = engine.DATABASE if connection.vendor == "postgresql" else engine.UNITS
    assert counted.counted_by == expected


# --------------------------------------------------------------------------- where it applies


def test_the_statement_counts_the_returns_lines() -> None:
    assert thl_database.template_lines(THL_SHELTER) == thl_database.LINES


def test_the_database_counts_one_shelter_and_nothing_else() -> None:
    """PostgreSQL counts one shelter's return; SQLite, a municipality's figures, several forms
    or a form that is no shelter are counted by the units."""
    form = shelter()
    org = form.organisation
    ensikoti = ServiceFormFactory.create(organisation=org, kind=ServiceForm.Kind.RESIDENTIAL)
    year = (D(2025, 1, 1), D(2025, 12, 31))
    on_postgres = connection.vendor == "postgresql"
    assert (thl_database.counts(Params(org.pk, *year, (form.pk,))) is not None) == on_postgres
    assert thl_database.counts(Params(org.pk, *year, (form.pk,), municipality_id=1)) is None
    assert thl_database.counts(Params(org.pk, *year)) is None  # the shelter and the Ensikoti
    assert thl_database.counts(Params(org.pk, *year, (ensikoti.pk,))) is None
    assert thl_database.counts(Params(org.pk, *year, (form.pk, ensikoti.pk))) is None


# --------------------------------------------------------------------------- generated shelters

_MOMENTS = st.one_of(
    st.sampled_from(MIDNIGHTS),
    st.datetimes(
        min_value=dt.datetime(2024, 12, 1),
        max_value=dt.datetime(2026, 1, 10),
        timezones=st.just(UTC),
    ),
)
_DATA = st.fixed_dictionaries(
    {
        "age_band": st.sampled_from(Data.AgeBand.values),
        "gender": st.sampled_from(Data.Gender.values),
        "client_status": st.sampled_from(Data.ClientStatus.values),
        "relationship": st.sampled_from(Data.Relationship.values),
        "stay_order": st.sampled_from(Data.StayOrder.values),
        "violence_duration": st.sampled_from(Data.ViolenceDuration.values),
        "violence_forms": st.lists(st.sampled_from(Data.ViolenceForm.values), max_size=3),
    }
)
_PERSON = st.fixed_dictionaries(
    {
        # an index into the shelter's persons (two families can share one), or an alias
        "who": st.one_of(st.integers(0, 3), st.none()),
        "born": st.one_of(st.none(), st.dates(D(1950, 1, 1), D(2025, 12, 31))),
        "role": st.sampled_from([Participant.Role.CLIENT, Participant.Role.CHILD]),
        "data": st.one_of(st.none(), _DATA),
        "late_hours": st.integers(0, 30),
    }
)
_FAMILY = st.fixed_dictionaries(
    {
        "source": st.sampled_from(ReferralSource.values),
        "people": st.lists(_PERSON, min_size=1, max_size=3),
        "arrival": _MOMENTS,
        # each stay: its length in hours (None: open, only the last), moved from the one before
        "stays": st.lists(
            st.tuples(st.one_of(st.none(), st.integers(1, 24 * 70)), st.booleans()),
            min_size=1,
            max_size=3,
        ),
    }
)
_NOISE = st.lists(
    st.tuples(
        _MOMENTS,
        st.sampled_from(["turn_away", "turn_away_elsewhere", "turn_away_safety", "phone", "chat"]),
        st.integers(0, 3),
        st.integers(1, 3),
    ),
    max_size=6,
)


class _RolledBack(Exception):
    pass


def _build(families: list[dict[str, Any]], noise: list[Any]) -> Params:
    form = shelter(places=1)
    org = form.organisation
    actor = worker_in(form, role="lead")
    persons = [PersonFactory.create(organisation=org, birth_date=None) for _ in range(4)]
    places = itertools.count(1)
    used: set[tuple[int, int]] = set()
    with scopes_disabled():
        for family in families:
            episode = EpisodeFactory.create(
                service_form=form, organisation=org, referral_source=family["source"]
            )
            members: list[tuple[Participant, int]] = []
            for spec in family["people"]:
                if spec["who"] is None:
                    alias = Alias.objects.create(
                        organisation=org,
                        service_form=form,
                        label="Nimetön",
                        birth_year=spec["born"].year if spec["born"] else None,
                        created_by=actor,
                    )
                    participant = Participant.objects.create(
                        episode=episode, alias=alias, role=spec["role"]
                    )
                else:
                    if (episode.pk, spec["who"]) in used:
                        continue
                    used.add((episode.pk, spec["who"]))
                    person = persons[spec["who"]]
                    if spec["born"] and person.birth_date is None:
                        person.birth_date = spec["born"]
                        person.save(update_fields=["birth_date"])
                    participant = Participant.objects.create(
                        episode=episode, person=person, role=spec["role"]
                    )
                if spec["data"] is not None:
                    Data.objects.create(**row(participant, **spec["data"]), updated_by=actor)
                members.append((participant, spec["late_hours"]))
            arrival = family["arrival"]
            previous: Stay | None = None
            for i, (hours, moved) in enumerate(family["stays"]):
                last = i == len(family["stays"]) - 1
                departure = (
                    None if hours is None and last else arrival + dt.timedelta(hours=hours or 24)
                )
                number = next(places)
                place = Place.objects.create(
                    organisation=org,
                    service_form=form,
                    code=f"g{number}",
                    name=f"Generoitu paikka {number}",
                    kind=Place.Kind.FAMILY_PLACE,
                )
                stay = Stay.objects.create(
                    organisation=org,
                    episode=episode,
                    place=place,
                    arrived_at=arrival,
                    departed_at=departure,
                    payer_category=PayerCategory.STATE,
                    moved_from=previous if moved else None,
                    created_by=actor,
                )
                for participant, late in members:
                    came = arrival + dt.timedelta(hours=late if i == 0 else 0)
                    if departure is not None and came >= departure:
                        came = arrival
                    if (
                        departure is None
                        and StayMember.objects.filter(
                            participant=participant, departed_at__isnull=True
                        ).exists()
                    ):
                        continue  # one open period a participant
                    StayMember.objects.create(
                        stay=stay, participant=participant, arrived_at=came, departed_at=departure
                    )
                previous = stay
                if departure is None:
                    break
                arrival = departure if moved else departure + dt.timedelta(days=3)
        for at, kind, adults, children in noise:
            if kind.startswith("turn_away"):
                TurnAway.objects.create(
                    organisation=org,
                    service_form=form,
                    occurred_at=at,
                    recorded_by=actor,
                    reason="safety" if kind == "turn_away_safety" else "no_place",
                    directed_to="social_services"
                    if kind == "turn_away_elsewhere"
                    else "other_shelter",
                    adults=adults,
                    children=children,
                )
            else:
                LineContact.objects.create(
                    organisation=org,
                    service_form=form,
                    occurred_at=at,
                    channel=kind,
                    caller="victim",
                    outcome="advice",
                    recorded_by=actor,
                )
    return Params(org.pk, D(2025, 1, 1), D(2025, 12, 31), (form.pk,))


@pytest.mark.heavy
@pytest.mark.postgres_only
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(families=st.lists(_FAMILY, min_size=1, max_size=4), noise=_NOISE)
def test_generated_shelters_give_every_figure_the_same_both_ways(
    families: list[dict[str, Any]], noise: list[Any]
) -> None:
    with time_machine.travel(NOW, tick=False):
        try:
            with transaction.atomic():
                params = _build(families, noise)
                for start, end in (*PERIODS, (D(2025, 11, 1), D(2026, 12, 31))):
                    assert_both_ways_agree(
                        Params(params.organisation_id, start, end, params.service_form_ids)
                    )
                raise _RolledBack
        except _RolledBack:
            pass


# --------------------------------------------------------------------------- sending


def test_sending_refuses_figures_the_units_count_otherwise() -> None:
    """A return counted by the database is counted by the units too when it is sent; one
    figure that differs stops it, with a message, and nothing is frozen."""
    after_the_year = dt.datetime(2026, 2, 10, 10, 0, tzinfo=UTC)
    with time_machine.travel(after_the_year, tick=False):
        person = {
            "who": 0,
            "born": D(1990, 1, 1),
            "role": Participant.Role.CLIENT,
            "data": {"age_band": Data.AgeBand.AGE_25_34},
            "late_hours": 0,
        }
        family = {
            "source": ReferralSource.SELF,
            "people": [person],
            "arrival": MIDNIGHTS[1],
            "stays": [(24 * 10, False)],
        }
        params = _build([family], [])
        with scopes_disabled():
            form = ServiceForm.objects.get(pk=params.service_form_ids[0])
        sender = worker_in(form, role="lead")
        computed = engine.run(THL_SHELTER, params)
        assert computed.problems == []
        assert services.units_check(computed) == []
        if computed.counted_by != engine.DATABASE:
            assert connection.vendor != "postgresql"  # SQLite counts by the units alone
            return
        real = thl_database.counts

        def one_night_more(p: Params) -> Any:
            found = real(p)
            assert found is not None
            sums, total = found[1]
            found[1] = ({key: n + 1 for key, n in sums.items()}, total + 1)
            return found

        wrong = engine.run(
            dataclasses.replace(THL_SHELTER, counted_in_database=one_night_more), params
        )
        assert wrong.lines()[1].table.total == 11
        with pytest.raises(services.NotReady) as refused:
            services.submit(
                user=sender, computed=wrong, service_form=form, municipality=None, title="THL"
            )
        assert "rivit 2" in refused.value.problems[0]
        with scopes_disabled():
            assert not Submission.objects.exists()
        sent = services.submit(
            user=sender, computed=computed, service_form=form, municipality=None, title="THL"
        )
        assert sent.content_hash == computed.content_hash()
