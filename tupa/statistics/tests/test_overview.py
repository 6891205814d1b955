"""The overview (``/tilastot/yleiskuva/``) and its summary on the dashboard: every figure links
to the page that lists what it counts, where the viewer may open that page, and the summary's
chart has its numbers beside it in a table, each bar naming its year."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import EpisodeFactory, ServiceFormFactory, client_in, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Episode, Referral
from tupa.organisations.models import ServiceForm
from tupa.residential.models import Place
from tupa.statistics.models import Submission
from tupa.statistics.tests.support import YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

OVERVIEW = reverse("statistics:overview")


def _table(page: str, name: str) -> str:
    table = re.search(rf'data-table="{name}".*?</table>', page, re.S)
    assert table is not None, f"no table {name}"
    return table.group(0)


def _hrefs(markup: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', markup)]


def _home(world: dict[str, Any]) -> ServiceForm:
    """A residential unit of the world's organisation with two family places, nobody in. It is
    neither a shelter nor a mother-and-baby home, so it has no clients' figure (Ensikoti's would
    link to a drill-down that refuses the unit), only its care days."""
    org = world["org"]
    home = ServiceFormFactory.create(
        kind=ServiceForm.Kind.RESIDENTIAL,
        name="Ensikoti",
        slug="ensikoti",
        organisation=org,
        area__organisation=org,
    )
    with scopes_disabled():
        for i in (1, 2):
            Place.objects.create(
                organisation=org, service_form=home, name=f"Perhepaikka {i}", code=f"p{i}", order=i
            )
    return home


def _queues(world: dict[str, Any]) -> None:
    """Crisis work: one client waiting, one referral from Jussi-työ proposed to it."""
    crisis, jussi = world["crisis"], world["jussi"]
    EpisodeFactory.create(
        service_form=crisis, organisation=world["org"], status=Episode.Status.WAITING
    )
    person, episode = client_in(jussi)
    with scopes_disabled():
        Referral.objects.create(
            organisation=world["org"],
            from_episode=episode,
            to_service_form=crisis,
            person=person,
            reason="Kriisiapu",
            consent_given=True,
            created_by=world["jussi_worker"],
        )


def test_a_leads_overview_links_the_queues_occupancy_and_a_sent_return(
    client: Client, world: dict[str, Any]
) -> None:
    """Crisis work's lead sends its STEA report: on the overview the waiting queue links to the
    form's waiting clients, the referrals to the referral inbox and "Lähetetty" to the sent
    copy; the lead of a residential unit finds its occupancy linked to the occupancy page.
    Every link of the tables answers 200 to the viewer."""
    _queues(world)
    home = _home(world)
    home_lead = worker_in(home, role=Role.LEAD)
    lead = world["lead"]
    login_verified(client, lead)
    send = reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"])
    assert client.post(send).status_code == 302
    with scopes_disabled():
        sent = Submission.objects.get()
    page = client.get(OVERVIEW).content.decode()
    forms = _table(page, "overview")
    waiting = reverse("episodes:client_list", args=["avokriisityo"]) + "?status=waiting"
    inbox = reverse("episodes:referral_inbox")
    assert f'<a href="{html.escape(waiting)}">1</a>' in forms
    assert f'<a href="{inbox}">1</a>' in forms
    submission = reverse("statistics:submission", args=[sent.pk])
    assert f'<a href="{submission}">Lähetetty ' in _table(page, "deadlines")
    links = _hrefs(forms) + _hrefs(_table(page, "deadlines"))
    assert waiting in links and inbox in links and submission in links
    for url in links:
        assert client.get(url).status_code == 200, url

    login_verified(client, home_lead)
    occupancy = reverse("residential:occupancy", args=["ensikoti"])
    page = client.get(OVERVIEW).content.decode()
    assert f'<a href="{occupancy}">Nyt 0/2 paikkaa käytössä, 0 henkilöä</a>' in page
    summary = client.get(OVERVIEW, HTTP_HX_REQUEST="true").content.decode()
    assert f'<a href="{occupancy}">Nyt 0/2 paikkaa käytössä, 0 henkilöä</a>' in summary
    for url in [*_hrefs(_table(page, "overview")), occupancy]:
        assert client.get(url).status_code == 200, url


def test_the_director_gets_no_link_to_a_list_the_director_may_not_open(
    client: Client, world: dict[str, Any]
) -> None:
    """The director is no member of the forms: the client list, the referral inbox and the
    occupancy page are not the director's, so the queues and occupancy are plain numbers,
    while the figures link to their drill-downs — each answering 200."""
    _queues(world)
    home = _home(world)
    login_verified(client, world["director"])
    page = client.get(OVERVIEW).content.decode()
    forms = _table(page, "overview")
    assert reverse("episodes:referral_inbox") not in forms
    assert reverse("episodes:client_list", args=["avokriisityo"]) not in forms
    assert reverse("residential:occupancy", args=[home.slug]) not in page
    assert "Nyt 0/2 paikkaa käytössä, 0 henkilöä" in forms
    links = _hrefs(forms)
    assert links and all("/tilastot/" in url for url in links)
    for url in links:
        assert client.get(url).status_code == 200, url


def _chart_values(chart: str) -> list[str]:
    """The numbers the chart writes beside its bars, in order (this year's, last year's …)."""
    return re.findall(r"</title></rect><text [^>]*>([^<]*)</text>", chart)


def test_the_dashboard_panel_gives_its_chart_as_a_table_of_linked_figures(
    client: Client, world: dict[str, Any]
) -> None:
    """The summary's chart is hidden from screen readers and its numbers are in a table beside
    it, each linking to its drill-down (200 for the director); each bar names its year, so the
    years are told apart without colour. The returns' states link to the overview's table of
    them, which has the id they point to."""
    login_verified(client, world["director"])
    summary = client.get(OVERVIEW, HTTP_HX_REQUEST="true").content.decode()
    chart = re.search(r'<div class="overview-chart" aria-hidden="true">(.*?)</svg>', summary, re.S)
    assert chart is not None, "the chart is not hidden from screen readers"
    table = _table(summary, "overview-summary")
    assert '<th scope="col" class="num">2026</th><th scope="col" class="num">2025</th>' in table
    rows = re.findall(r'<th scope="row">(.*?)</tr>', table, re.S)
    assert [re.sub(r"<[^>]+>", " ", r).split()[0] for r in rows] == ["Avokriisityö", "Jussi-työ"]
    numbers = [re.sub(r"<[^>]+>", "", n) for n in re.findall(r'<td class="num">(.*?)</td>', table)]
    assert numbers == _chart_values(chart.group(1))
    # Both years are named by each pair of bars (and once in the legend).
    assert chart.group(1).count(">2026</text>") == 1 + len(rows)
    assert chart.group(1).count(">2025</text>") == 1 + len(rows)
    links = _hrefs(table)
    assert len(links) == 2 * len(rows)
    for url in links:
        assert url.startswith("/tilastot/") and client.get(url).status_code == 200, url
    # "3 myöhässä" and "2 lähettämättä" open the overview's table of the year's returns.
    tags = re.findall(r'<a href="([^"]+)"><span class="tag[^"]*">([^<]*)</span></a>', summary)
    assert tags == [
        (f"{OVERVIEW}#ilmoitukset", "3 myöhässä"),
        (f"{OVERVIEW}#ilmoitukset", "2 lähettämättä"),
    ]
    page = client.get(OVERVIEW).content.decode()
    assert '<section id="ilmoitukset"' in page
