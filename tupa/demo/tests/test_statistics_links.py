"""Every statistics page, link and export the demo's users reach answers (issue 11).

A crawl of ``/tilastot/`` over the whole demo, from the catalogue of last year and this year, the
overview, the annual report pack and the Federation's page, as the executive director, two unit
leads and the Federation's analyst: each page linked, each export downloaded (the CSV directly,
a workbook and a PDF prepared as background jobs, which the test suite runs at once) must
answer 200 or redirect. It found that no export of a sent outgoing return worked. Pages of one
kind (a return, a drill-down, a sent return) are visited a few times each, not all.

The partner municipalities' reports of last year count their own residents (the demo's homes,
:mod:`tupa.demo.homes`): Lahti's has clients and care days, the three together no more than the
association's, and no protected family is counted or listed in any of them (ADR 0020).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import User
from tupa.core.suppression import number_text
from tupa.core.tests.helpers import login_verified
from tupa.demo.homes import LAHTI
from tupa.episodes.models import Participant
from tupa.organisations.models import Municipality
from tupa.people.restrictions import protected_episode_ids
from tupa.statistics import engine
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns import registry as returns

from .conftest import NOW, WholeDemo

pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]

#: Pages of one kind visited per user, and background exports prepared per format.
PER_KIND = 3
PREPARED = {"xlsx": 3, "pdf": 1}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.prepare: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "form" and (found.get("method") or "").lower() == "post":
            action = found.get("action") or ""
            if "/valmistele" in action:
                self.prepare.append(action)


def _kind(url: str) -> str:
    """A page's kind: its address with the return's year and subject and every number taken
    out (``/tilastot/ilmoitus/thl.shelter/Y/K/luku/N/``)."""
    path = url.split("?")[0]
    path = re.sub(r"/ilmoitus/([^/]+)/\d+/[^/]+/", r"/ilmoitus/\1/Y/K/", path)
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "U", path)
    return re.sub(r"\d+", "N", path)


def _crawl(client: Client, seeds: list[str]) -> tuple[list[str], int]:
    """The addresses that did not answer 200 or a redirect, and how many were asked."""
    failed: list[str] = []
    queue = deque(seeds)
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    prepared: Counter[str] = Counter()
    asked = 0
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        kinds[_kind(url)] += 1
        if kinds[_kind(url)] > PER_KIND:
            continue
        response = client.get(url)
        asked += 1
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            failed.append(f"GET {url}: {response.status_code}")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        queue.extend(h.replace("&amp;", "&") for h in page.links if h.startswith("/tilastot/"))
        for action in page.prepare:
            fmt = action.rstrip("/").rsplit(".", 1)[-1]
            if action in seen or prepared[fmt] >= PREPARED.get(fmt, 0):
                continue
            seen.add(action)
            prepared[fmt] += 1
            response = client.post(action)
            asked += 1
            if response.status_code != 302:
                failed.append(f"POST {action}: {response.status_code}")
            else:  # the job's page, and from there its download
                queue.append(response["Location"])
    return failed, asked


@pytest.mark.parametrize(
    "username", ["johtaja", "turvakoti.esihenkilo", "ensikoti.esihenkilo", "liitto"]
)
def test_every_statistics_link_answers(
    demo_at_now: WholeDemo, client: Client, username: str
) -> None:
    with scopes_disabled():
        user = User.objects.get(username=username)
    login_verified(client, user)
    year = NOW.year
    seeds = [f"/tilastot/?vuosi={year - 1}", f"/tilastot/?vuosi={year}", "/tilastot/yleiskuva/"]
    if username == "johtaja":  # the annual report pack is the director's
        seeds.append(f"/tilastot/toimintakertomus/{year - 1}/")
    if username == "liitto":  # the members' returns side by side; nothing of a member's own
        seeds = ["/tilastot/liitto/"]
    failed, asked = _crawl(client, seeds)
    assert not failed, "\n".join(failed)
    assert asked >= (3 if username == "liitto" else 20)


#: The partner municipalities (the reports the catalogue offers): Lahti, Hollola, Heinola.
PARTNERS = (LAHTI, "098", "111")
#: The municipality report's lines that count the municipality's residents' clients and days.
RESIDENT_LINES = ("outpatient.clients", "ensikoti.clients", "residential.care_days")


def test_the_municipality_reports_count_only_their_unprotected_residents(
    demo_at_now: WholeDemo, client: Client
) -> None:
    """Last year's reports of Lahti, Hollola and Heinola (the demo's homes, tupa.demo.homes)."""
    organisation = demo_at_now.organisation
    year = NOW.year - 1
    template = returns.get("municipality.yearly")
    index = {line.indicator: i for i, line in template.lines()}
    with scopes_disabled():
        partners = {m.code: m for m in Municipality.objects.filter(code__in=PARTNERS)}

    def report(municipality: Municipality | None) -> engine.Computed:
        params = Params(
            organisation.pk,
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            municipality_id=municipality.pk if municipality else None,
        )
        return engine.run(template, params, by_units=True)

    def episodes(computed: engine.Computed, key: str) -> set[int | None]:
        result = computed.line(index[key]).result
        assert result is not None
        return {unit.episode_id for unit in result.units}

    with scope(organisation=organisation.pk):
        whole = report(None)
        reports = {code: report(partners[code]) for code in PARTNERS}
        counted = set().union(*(episodes(whole, key) for key in index)) - {None}
        withheld = protected_episode_ids(counted)
        # A protected client who lives in Lahti (the register holds her home) is among last
        # year's clients of the association ...
        assert Participant.objects.filter(
            episode_id__in=withheld & episodes(whole, "outpatient.clients"),
            person__municipality=partners[LAHTI],
        ).exists()
        # ... and in no municipality's report.
        for computed in reports.values():
            for key in index:
                assert not episodes(computed, key) & withheld, key
    totals = {
        code: {key: c.line(i).table.total for key, i in index.items()}
        for code, c in (("", whole), *reports.items())
    }
    assert totals[LAHTI]["outpatient.clients"] > 0
    assert totals[LAHTI]["ensikoti.clients"] > 0
    assert totals[LAHTI]["residential.care_days"] > 0
    for key in RESIDENT_LINES:
        assert sum(totals[code][key] for code in PARTNERS) <= totals[""][key], key
    # Some clients live elsewhere in Päijät-Häme, and the protected one is nobody's resident.
    assert (
        sum(totals[code]["outpatient.clients"] for code in PARTNERS)
        < totals[""]["outpatient.clients"]
    )

    # The director's drill-downs of Lahti's figures: the same count, no protected family listed.
    with scopes_disabled():
        director = User.objects.get(username="johtaja")
    login_verified(client, director)
    for key in RESIDENT_LINES:
        url = reverse("statistics:drill", args=[template.id, year, LAHTI, index[key]])
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["total"] == number_text(totals[LAHTI][key])
        listed = {row["episode"].pk for row in response.context["records"]}
        assert not listed & withheld, key
        assert len(listed) + response.context["hidden"] == len(episodes(reports[LAHTI], key))
