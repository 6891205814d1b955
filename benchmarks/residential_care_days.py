"""Care days and occupancy of residential units at scale (issue 4, Performance).

Generates 30 residential units (half shelter-like with stays of days to weeks, half
mother-and-baby-home-like with stays of months), each with 5–8 family places and 10 years of
back-to-back stays of families of realistic size (one or two adults, 0–4 children, a child
now and then arriving a day later), written with ``bulk_create`` into a throw-away database.
Then it measures, for one unit and one calendar year:

- the care-day ledger (``selectors.ledger_for_service_form``),
- the occupancy figures (``selectors.occupancy_period``),
- the occupancy page (a Django test client GET as a member of the unit, the whole page),

and prints the median and the slowest of ``--repeat`` runs, the number of SQL queries, and how
much of the time was spent in the database. Nothing is asserted: a measurement, not a test.

Databases::

    .venv/bin/python benchmarks/residential_care_days.py               # temporary SQLite file
    .venv/bin/python benchmarks/residential_care_days.py --postgres    # throw-away PostgreSQL
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/residential_care_days.py --keep-db

``--postgres`` starts a private cluster with ``scripts/pg_cluster.py`` (Unix socket only,
deleted afterwards; as root it runs as the ``postgres`` user). ``--keep-db`` uses the
``DATABASE_URL`` you give as is: it must be an empty database you may write to.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from _common import add_database_options, migrate, run_with_database, time_runs, vacuum_analyze

SEED = 30_10
UNITS = 30
YEARS = 10


# --------------------------------------------------------------------------- data


def generate(*, units: int, years: int, today: dt.date) -> dict[str, Any]:
    """The units, places and stays (bulk). Returns the first unit of each kind and a member."""
    from django_scopes import scopes_disabled

    from tupa.core.tests.factories import (
        AreaFactory,
        OrganisationFactory,
        TeamFactory,
        UserFactory,
        worker_in,
    )
    from tupa.core.wallclock import HELSINKI
    from tupa.episodes.models import Episode, Participant
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Person
    from tupa.residential.models import PayerCategory, Place, Stay, StayMember

    rng = random.Random(SEED)
    now = dt.datetime.now(tz=dt.UTC)
    start_day = today - dt.timedelta(days=365 * years)
    with scopes_disabled():
        org = OrganisationFactory.create(name="Suorituskykytesti ry", slug="suorituskyky")
        area = AreaFactory.create(organisation=org)
        team = TeamFactory.create(area=area, organisation=org)
        creator = UserFactory.create(organisation=org)
        forms = ServiceForm.objects.bulk_create(
            ServiceForm(
                organisation=org,
                area=area,
                team=team,
                name=f"Asumisyksikkö {i + 1}",
                slug=f"yksikko-{i + 1}",
                kind=ServiceForm.Kind.RESIDENTIAL,
                register=ServiceForm.Register.SOCIAL_WELFARE,
            )
            for i in range(units)
        )
        places: list[Place] = []
        for form in forms:
            for p in range(rng.randint(5, 8)):
                places.append(
                    Place(
                        organisation=org,
                        service_form=form,
                        name=f"Perhepaikka {p + 1}",
                        code=f"p{p + 1}",
                        order=p + 1,
                    )
                )
        places = Place.objects.bulk_create(places)
        # Per place: back-to-back stays with gaps, ~80 % occupancy.
        plans: list[tuple[Place, dt.datetime, dt.datetime | None, int, int, bool]] = []
        shelter_like = {f.pk for f in forms[: units // 2]}
        for place in places:
            shelter = place.service_form_id in shelter_like
            median, sigma, gap = (16.0, 0.75, 4.0) if shelter else (95.0, 0.45, 24.0)
            cursor = dt.datetime.combine(start_day, dt.time(12), tzinfo=HELSINKI)
            while True:
                cursor += dt.timedelta(days=rng.expovariate(1 / gap), hours=rng.randint(2, 12))
                if cursor >= now:
                    break
                length = max(1, round(rng.lognormvariate(math.log(median), sigma)))
                arrive = cursor
                depart: dt.datetime | None = arrive + dt.timedelta(
                    days=length, hours=rng.randint(-6, 6)
                )
                if depart is not None and depart >= now:
                    depart = None
                adults = 2 if rng.random() < 0.1 else 1
                children = rng.choices((0, 1, 2, 3, 4), (30, 30, 22, 12, 6))[0]
                if not shelter:
                    children = max(children, 1) if rng.random() < 0.8 else 0
                    children = min(children, 2)
                plans.append((place, arrive, depart, adults, children, rng.random() < 0.1))
                if depart is None:
                    break
                cursor = depart
        started = time.perf_counter()
        episodes = Episode.objects.bulk_create(
            (
                Episode(
                    organisation=org,
                    service_form_id=place.service_form_id,
                    status=Episode.Status.ACTIVE if depart is None else Episode.Status.ENDED,
                    opened_at=arrive,
                    start_date=arrive.date(),
                    end_date=depart.date() if depart else None,
                    end_reason=Episode.EndReason.MOVED_ON if depart else "",
                    service_task="child_family",
                    created_by=creator,
                )
                for place, arrive, depart, *_rest in plans
            ),
            batch_size=2000,
        )
        persons = Person.objects.bulk_create(
            (
                Person(
                    organisation=org,
                    first_names=f"Asiakas{i}",
                    last_name="Keksitty",
                    temporary_id=f"T-B{i:09d}",  # save() would draw one; bulk_create does not
                )
                for i in range(sum(a + c for _p, _a, _d, a, c, _l in plans))
            ),
            batch_size=2000,
        )
        participants: list[Participant] = []
        it = iter(persons)
        for episode, (_place, _arrive, _depart, adults, children, _late) in zip(
            episodes, plans, strict=True
        ):
            for i in range(adults + children):
                participants.append(
                    Participant(
                        episode=episode,
                        person=next(it),
                        role=Participant.Role.CLIENT if i < adults else Participant.Role.CHILD,
                        joined_on=episode.start_date,
                    )
                )
        participants = Participant.objects.bulk_create(participants, batch_size=2000)
        stays = Stay.objects.bulk_create(
            (
                Stay(
                    organisation=org,
                    episode=episode,
                    place=place,
                    arrived_at=arrive,
                    departed_at=depart,
                    payer_category=PayerCategory.STATE
                    if place.service_form_id in shelter_like
                    else PayerCategory.MUNICIPALITY,
                    created_by=creator,
                )
                for episode, (place, arrive, depart, *_rest) in zip(episodes, plans, strict=True)
            ),
            batch_size=2000,
        )
        members: list[StayMember] = []
        by_episode: dict[int, list[Participant]] = {}
        for participant in participants:
            by_episode.setdefault(participant.episode_id, []).append(participant)
        for stay, (_place, arrive, depart, _a, _c, late) in zip(stays, plans, strict=True):
            family = by_episode[stay.episode_id]
            for i, participant in enumerate(family):
                member_arrive = arrive
                if late and i == len(family) - 1 and i > 0:
                    later = arrive + dt.timedelta(hours=20)
                    if depart is None or later < depart - dt.timedelta(hours=1):
                        member_arrive = later
                members.append(
                    StayMember(
                        stay=stay,
                        participant=participant,
                        arrived_at=member_arrive,
                        departed_at=depart,
                    )
                )
        StayMember.objects.bulk_create(members, batch_size=5000)
        member = worker_in(forms[0])
    print(
        f"generated {len(forms)} units, {len(places)} places, {len(stays)} stays, "
        f"{len(members)} stay members over {years} years in {time.perf_counter() - started:.1f} s"
    )
    return {
        "organisation": org,
        "shelter_like": forms[0],
        "home_like": forms[units // 2] if units > 1 else forms[0],
        "member": member,
    }


# --------------------------------------------------------------------------- measuring


def measure(label: str, repeat: int, fn: Callable[[], Any]) -> tuple[str, float, float, float, int]:
    runs = time_runs(repeat, fn)
    return (
        label,
        statistics.median(runs.totals),
        max(runs.totals),
        statistics.median(runs.sql),
        runs.queries,
    )


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from django_scopes import scope

    from tupa.residential.stays import selectors

    migrate()
    today = timezone.localdate()
    data = generate(units=args.units, years=args.years, today=today)
    vacuum_analyze()
    year = today.year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    org = data["organisation"]
    client = Client()
    client.force_login(data["member"])
    rows = []
    with scope(organisation=org.pk):
        for kind in ("shelter_like", "home_like"):
            form = data[kind]
            ledger = selectors.ledger_for_service_form(
                service_form=form, period_start=start, period_end=end
            )
            name = f"{form.name} ({'shelter' if kind == 'shelter_like' else 'ensikoti'}-like)"
            print(f"{name}, {year}: {ledger.total} care days, {len(ledger.by_person)} persons")

            def ledger_year(f: Any = form) -> None:
                selectors.ledger_for_service_form(
                    service_form=f, period_start=start, period_end=end
                )

            def occupancy_year(f: Any = form) -> None:
                selectors.occupancy_period(service_form=f, start=start, end=end)

            rows.append(measure(f"ledger, unit-year [{kind}]", args.repeat, ledger_year))
            rows.append(
                measure(f"occupancy_period, unit-year [{kind}]", args.repeat, occupancy_year)
            )
        form = data["shelter_like"]

        def ledger_all() -> None:
            selectors.ledger_for_service_form(
                service_form=form,
                period_start=today.replace(year=today.year - args.years),
                period_end=today,
            )

        rows.append(measure("ledger, unit, all 10 years", max(3, args.repeat // 3), ledger_all))
    url = reverse("residential:occupancy", args=[data["shelter_like"].slug])

    def page() -> None:
        response = client.get(url, {"start": start.isoformat(), "end": end.isoformat()})
        assert response.status_code == 200, response.status_code

    rows.append(measure("occupancy page (GET), unit-year", args.repeat, page))
    print()
    print(f"{connection.vendor}, {args.units} units, {args.years} years, {args.repeat} runs each")
    print(f"{'measurement':42} {'median ms':>10} {'max ms':>8} {'SQL ms':>8} {'queries':>8}")
    for label, median, slowest, sql_ms, queries in rows:
        print(f"{label:42} {median:10.1f} {slowest:8.1f} {sql_ms:8.1f} {queries:8d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=UNITS)
    parser.add_argument("--years", type=int, default=YEARS)
    parser.add_argument("--repeat", type=int, default=9, help="runs per measurement")
    add_database_options(parser)
    return run_with_database(parser.parse_args(), run, "residential-bench.sqlite3")


if __name__ == "__main__":
    sys.exit(main())
