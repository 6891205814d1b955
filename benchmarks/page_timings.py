"""Server-side timings of the main pages on the demo organisation (plus optional extra tenants).

Builds a fresh database (a temporary SQLite file unless DATABASE_URL is set), runs the whole demo
builder (``build_everything``), optionally clones the structure into N more organisations, then
requests each page repeatedly with Django's test client as a demo user and prints median / p95
milliseconds and the number of SQL queries. Nothing is asserted: this is a measurement, not a
test. docs/performance.md has the figures and how to read them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from _common import local_database, request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=0, help="extra generated organisations")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    parser.add_argument("--keep-db", action="store_true", help="use DATABASE_URL as is")
    args = parser.parse_args()
    with local_database(args.keep_db, "bench.sqlite3"):
        run(args)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from tupa.accounts.models import User
    from tupa.demo.build import build_everything

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    # The whole demo (clients and every domain's data: stays, THL data, meetings …), so that
    # the occupancy and THL pages have something to count. Idempotent on a kept database.
    built = build_everything(password="benchmark-salasana-pitka")
    if built.clients is not None:
        print(f"demo clients: {built.clients.summary()}")
    print(f"database built in {time.perf_counter() - started:.1f} s ({connection.vendor})")

    if args.tenants:
        from tupa.core.tests.factories import MembershipFactory, ServiceFormFactory, UserFactory

        t0 = time.perf_counter()
        for _ in range(args.tenants):
            first = ServiceFormFactory()
            for _ in range(15):
                ServiceFormFactory(
                    organisation=first.organisation, area=first.area, team=first.team
                )
            for _ in range(20):
                MembershipFactory(
                    user=UserFactory(organisation=first.organisation),
                    organisation=first.organisation,
                    service_form=first,
                )
        print(f"{args.tenants} extra organisations in {time.perf_counter() - t0:.1f} s")

    from django.utils import timezone

    from tupa.episodes.models import Episode
    from tupa.people.models import Person

    with scopes_disabled():
        shelter_episode = (
            Episode.objects.filter(service_form__slug="turvakoti").order_by("pk").first()
        )
        shelter_person = (
            Person.objects.filter(participations__episode=shelter_episode).order_by("pk").first()
        )
    assert shelter_episode is not None and shelter_person is not None, "demo clients missing"
    pages = [
        ("turvakoti.esihenkilo", "/", "dashboard"),
        ("turvakoti", "/asiakkuudet/", "caseload"),
        ("turvakoti", "/asiakkuudet/tyomuoto/turvakoti/", "client list (Turvakoti)"),
        ("turvakoti", f"/asiakkuudet/{shelter_episode.pk}/", "episode page"),
        ("turvakoti", f"/henkilot/{shelter_person.pk}/", "person page"),
        ("turvakoti", ("POST", "/henkilot/haku/", {"q": "ka"}), "person search 'ka'"),
        (
            "turvakoti",
            ("POST", "/henkilot/haku/", {"q": shelter_person.last_name}),
            "person search surname",
        ),
        ("turvakoti", "/asuminen/tyomuoto/turvakoti/", "occupancy (Turvakoti)"),
        (
            "turvakoti",
            f"/tilastot/ilmoitus/thl.shelter/{timezone.localdate().year - 1}/turvakoti/",
            "THL return, last year",
        ),
        ("turvakoti.esihenkilo", "/organisaatio/", "organisation structure"),
        ("turvakoti.esihenkilo", "/organisaatio/tyomuodot/turvakoti/", "service form (lead)"),
        ("johtaja", "/talous/talousarvio/?vuosi=2018", "budget"),
        ("tietosuoja", "/lokit/", "access log (DPO)"),
        ("tietosuoja", "/lokit/muutokset/", "change history"),
    ]
    print(f"{'page':28} {'user':22} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for username, url, label in pages:
        client = Client()
        with scopes_disabled():
            user = User.objects.get(username=username)
        client.force_login(user)
        timings = []
        status = None

        def fetch(target: Any = url, c: Any = client) -> Any:
            return request(c, target)

        with CaptureQueriesContext(connection) as ctx:
            response = fetch()
        status = response.status_code
        queries = len(ctx.captured_queries)
        for _ in range(args.repeat):
            t = time.perf_counter()
            fetch()
            timings.append((time.perf_counter() - t) * 1000)
            reset_queries()
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        note = "" if status == 200 else f"  (HTTP {status})"
        print(
            f"{label:28} {username:22} {statistics.median(timings):10.1f} {p95:8.1f} {queries:8d}{note}"
        )


if __name__ == "__main__":
    main()
