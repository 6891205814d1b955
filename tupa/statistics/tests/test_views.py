"""The statistics pages: who sees which return, drill-down logging, sending, exports, federation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.pdf import html_to_pdf
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified, pdf_structure, pdf_text
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode
from tupa.organisations.models import Municipality, ServiceForm
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind
from tupa.statistics import charts, engine
from tupa.statistics.indicators import registry as indicators
from tupa.statistics.indicators.base import UNKNOWN, Params
from tupa.statistics.models import Federation, FederationMembership, Submission
from tupa.statistics.returns import registry as returns
from tupa.statistics.returns.base import with_grants
from tupa.statistics.tests.support import YEAR, client_since, stea_url, turvakielto
from tupa.statistics.tests.test_charts import SPAN, bars
from tupa.statistics.views import annual as annual_views

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]


def _events() -> int:
    with scopes_disabled():
        return AccessEvent.objects.count()


def _clients_line() -> int:
    template = returns.get("stea.outpatient")
    return next(i for i, line in template.lines() if line.indicator == "outpatient.clients")


def test_catalogue_lists_only_the_returns_the_user_may_see(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert stea_url() in page
    assert stea_url("jussi") not in page
    assert "municipality.yearly" not in page
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert stea_url() in page and stea_url("jussi") in page
    assert reverse("statistics:return", args=["municipality.yearly", YEAR, "991"]) in page


def test_catalogue_gives_a_send_state_only_to_returns_that_can_be_sent(
    client: Client, world: dict[str, Any]
) -> None:
    """A report over a range of one's choosing is never frozen, so its row has no state; a
    yearly return with a deadline has one."""
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    states = {}  # each row's link → the text of its last cell (the state)
    for url, row in re.findall(r'<tr>\s*<td><a href="([^"]+)">(.*?)</tr>', page, flags=re.S):
        states[url] = re.sub(r"<[^>]+>", " ", re.findall(r"<td>(.*?)</td>", row)[-1]).split()
    ranged = reverse("statistics:return", args=["internal.programmes", YEAR, "avokriisityo"])
    assert states[ranged] == ["–", "ei", "lähetetä", "(raportti", "valittavalta", "ajalta)"]
    assert states[stea_url()] in (["Myöhässä"], ["Lähettämättä"])


def test_access_matrix_of_a_form_return(client: Client, world: dict[str, Any]) -> None:
    url = stea_url()
    expected = {
        "worker": 200,
        "lead": 200,
        "director": 200,
        "jussi_worker": 404,
        "finance": 404,
        "dpo": 404,
    }
    for who, status in expected.items():
        login_verified(client, world[who])
        assert client.get(url).status_code == status, who
    other = worker_in(ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT))
    login_verified(client, other)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_figures_are_suppressed_and_drill_down_shows_only_visible_records_logged(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    page = client.get(stea_url()).content.decode()
    assert "&lt; 5" in page  # e.g. the two Hollola clients' cells
    drill = reverse(
        "statistics:drill", args=["stea.outpatient", YEAR, "avokriisityo", _clients_line()]
    )
    before = _events()
    response = client.get(drill)
    body = response.content.decode()
    assert response.status_code == 200
    with scopes_disabled():
        for person in world["people"]:
            assert person.last_name in body
    # One access-log event per person shown (8 clients of crisis work).
    assert _events() - before == 8
    # The director sees the figure and its breakdowns but no record (no client relationship).
    login_verified(client, world["director"])
    before = _events()
    body = client.get(drill).content.decode()
    assert "Asiakas" not in body or "8 asiakkuutta" in body
    assert _events() == before


def test_a_drill_down_logs_the_aliases_it_shows(client: Client, world: dict[str, Any]) -> None:
    from tupa.core.tests.factories import ParticipantFactory
    from tupa.people.models import Alias

    worker = world["worker"]
    with scopes_disabled():
        _person, episode = client_since(world["crisis"], dt.date(YEAR, 2, 1))
        alias = Alias.objects.create(
            organisation=episode.organisation,
            label="Kanerva-peitenimi",
            service_form=world["crisis"],
            birth_year=1990,
            created_by=worker,
        )
    ParticipantFactory.create(episode=episode, person=None, alias=alias)
    login_verified(client, worker)
    drill = reverse(
        "statistics:drill", args=["stea.outpatient", YEAR, "avokriisityo", _clients_line()]
    )
    body = client.get(drill).content.decode()
    assert "Kanerva-peitenimi" in body
    with scopes_disabled():
        logged = AccessEvent.objects.filter(
            user=worker, subject_id=alias.pk, subject_type__model="alias", action="list"
        )
        assert logged.count() == 1


def test_drill_down_by_a_dimension_value_and_unknown_values_are_404(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    drill = reverse(
        "statistics:drill", args=["stea.outpatient", YEAR, "avokriisityo", _clients_line()]
    )
    response = client.get(drill, {"new_or_continuing": "nonsense"})
    assert response.status_code == 404
    assert client.get(drill + "?adult_child=adult").status_code == 200


def test_municipality_report_holds_only_its_own_residents(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["finance"])
    url = reverse("statistics:return", args=["municipality.yearly", YEAR, "992"])
    response = client.get(url)
    assert response.status_code == 200
    template = returns.get("municipality.yearly")
    line = next(i for i, ln in template.lines() if ln.indicator == "outpatient.clients")
    xlsx = client.get(
        reverse("statistics:export", args=["municipality.yearly", YEAR, "992", "xlsx"])
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    values = [c for row in book["Luvut"].iter_rows(values_only=True) for c in row if c is not None]
    # Two Hollola residents: shown only as "< 5"; no Lahti figure (6 or 7) appears anywhere.
    assert "< 5" in values
    assert 6 not in values and 7 not in values and 9 not in values
    assert line >= 0


def test_a_municipality_report_exists_only_for_a_partner_municipality(
    client: Client, world: dict[str, Any]
) -> None:
    """Not for any municipality code typed in the address: a report of a municipality the
    association does not work with would only tell whether a client lives there."""
    with scopes_disabled():
        Municipality.objects.create(code="993", name_fi="Testiasikkala", name_sv="A")
    login_verified(client, world["finance"])
    for fmt in ("", "vienti.csv"):
        url = reverse("statistics:return", args=["municipality.yearly", YEAR, "993"]) + fmt
        assert client.get(url).status_code == 404
    partner = reverse("statistics:return", args=["municipality.yearly", YEAR, "991"])
    assert client.get(partner).status_code == 200


def test_send_freezes_and_only_a_lead_may_send(client: Client, world: dict[str, Any]) -> None:
    send = reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"])
    login_verified(client, world["worker"])
    assert client.post(send).status_code == 404
    with scopes_disabled():
        assert not Submission.objects.exists()
    login_verified(client, world["lead"])
    response = client.post(send, {"note": "STEA:n asiointipalvelu"})
    with scopes_disabled():
        sent = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "statistics:submission", args=[sent.pk]
    )
    assert sent.note == "STEA:n asiointipalvelu" and sent.submitted_by == world["lead"]
    page = client.get(reverse("statistics:submission", args=[sent.pk])).content.decode()
    assert sent.content_hash in page
    assert "Tiedot ovat muuttuneet" not in page
    client_since(world["crisis"], dt.date(YEAR, 12, 1), municipality=world["lahti"])
    page = client.get(reverse("statistics:submission", args=[sent.pk])).content.decode()
    assert "Tiedot ovat muuttuneet" in page
    login_verified(client, world["jussi_worker"])
    assert client.get(reverse("statistics:submission", args=[sent.pk])).status_code == 404


def test_csv_export_is_finnish_excel(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    response = client.get(
        reverse("statistics:export", args=["stea.outpatient", YEAR, "avokriisityo", "csv"])
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert any("outpatient.clients@1" in row for row in rows)


def test_federation_sees_shared_suppressed_returns_and_nothing_else(
    client: Client, world: dict[str, Any]
) -> None:
    office = OrganisationFactory.create(name="Testiliitto ry")
    analyst = org_role_user(office, Role.FEDERATION_ANALYST)
    with scopes_disabled():
        federation = Federation.objects.create(name="Testiliitto", office=office)
        FederationMembership.objects.create(
            federation=federation, organisation=world["org"], joined_on=dt.date(2020, 1, 1)
        )
    login_verified(client, world["director"])
    send = reverse("statistics:send", args=["federation.members", YEAR, "yhdistys"])
    assert client.post(send).status_code == 302
    assert client.get(reverse("statistics:federation")).status_code == 404
    login_verified(client, analyst)
    index = client.get(reverse("statistics:federation"))
    assert index.status_code == 200
    page = client.get(
        reverse("statistics:federation_return", args=["federation.members", YEAR])
    ).content.decode()
    assert world["org"].name in page
    with scopes_disabled():
        for person in world["people"]:
            assert person.last_name not in page
        sent = Submission.objects.get()
    # The federation cannot open the member's return, drill-down or submission.
    assert client.get(reverse("statistics:submission", args=[sent.pk])).status_code == 404
    assert client.get(stea_url()).status_code == 404


def test_return_page_query_count_does_not_grow_with_clients(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    login_verified(client, world["worker"])
    client.get(stea_url())
    for i in range(10):
        client_since(world["crisis"], dt.date(YEAR, 7, i + 1), municipality=world["lahti"])
    with django_assert_max_num_queries(40):
        assert client.get(stea_url()).status_code == 200


def test_a_return_reads_its_form_with_its_grants_in_two_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    """Whether a STEA return exists for a form in a year reads the form's grants: one query
    beside the form's, whatever the years asked."""
    template = returns.get("stea.outpatient")
    with scopes_disabled(), django_assert_num_queries(2):
        (form,) = with_grants(ServiceForm.objects.filter(pk=world["crisis"].pk))
        assert template.available_for(form, YEAR)
        assert not template.available_for(form, YEAR + 1)
        assert template.available_for(form)


def test_only_a_granted_return_reads_its_forms_grants(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    """A return page reads its form through the template's :meth:`forms`: the grants come
    along for a return that exists only for a grant's forms (STEA), not for the others."""
    unfunded, funded = returns.get("internal.work_done"), returns.get("stea.outpatient")
    with scopes_disabled():
        forms = ServiceForm.objects.filter(pk=world["crisis"].pk)
        with django_assert_num_queries(1):
            (form,) = unfunded.forms(forms)
            assert unfunded.available_for(form)
        with django_assert_num_queries(2):
            (form,) = funded.forms(forms)
            assert funded.available_for(form, YEAR)


def test_overview_for_the_director_links_figures_to_their_drill_down(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    assert client.get(reverse("statistics:overview")).status_code == 404
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:overview")).content.decode()
    assert "<svg" in page
    url = reverse("statistics:indicator", args=["outpatient.clients", "avokriisityo", 2026])
    assert url in page
    assert client.get(url).status_code == 200


def test_overview_chart_draws_each_form_to_its_own_scale(
    client: Client, world: dict[str, Any]
) -> None:
    """The forms count different things (care days, visits), so each form's larger bar fills
    the chart, and the page says so; the legend names the years."""
    with scopes_disabled():  # a visit per client: crisis work 8 in the year, Jussi-työ 1
        for episode in Episode.objects.filter(service_form__in=[world["crisis"], world["jussi"]]):
            start = dt.datetime.combine(episode.start_date, dt.time(12), tzinfo=HELSINKI)
            Appointment.objects.create(
                organisation=world["org"],
                service_form=episode.service_form,
                episode=episode,
                type=AppointmentType.OFFICE_MEETING,
                place_kind=PlaceKind.OWN_PREMISES,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                organiser=world["worker"],
                created_by=world["worker"],
                outcome=Outcome.HAPPENED,
            )
    login_verified(client, world["director"])
    with time_machine.travel(dt.datetime(YEAR, 12, 31, 12, 0, tzinfo=HELSINKI), tick=False):
        page = client.get(reverse("statistics:overview")).content.decode()
    chart = page.split('<div class="overview-chart" aria-hidden="true">', 1)[1].split("</svg>")[0]
    widths = [w for w, _fill in bars(chart)]
    pairs = list(zip(widths[::2], widths[1::2], strict=True))
    # 8 visits and 1 (none the year before): both fill the chart; on one scale, 1 would be 34.
    # Each bar begins with its year, so the bars are the years' room shorter.
    span = SPAN - charts.NAME_ROOM
    assert (span, 0) in pairs and pairs.count((span, 0)) == 2
    assert all(max(pair) in (0, span) for pair in pairs)
    assert ">8</text>" in chart and ">1</text>" in chart
    # The legend and each of the four bars name their year.
    assert chart.count(">2025</text>") == 3 and chart.count(">2024</text>") == 3
    assert "oman suuremman luvun mittakaavaan" in page
    # A lead of crisis work alone: one form, one scale, no note on scales.
    login_verified(client, world["lead"])
    with time_machine.travel(dt.datetime(YEAR, 12, 31, 12, 0, tzinfo=HELSINKI), tick=False):
        lead_page = client.get(reverse("statistics:overview")).content.decode()
    assert "Avokriisityö · " in lead_page and "Jussi-työ · " not in lead_page
    assert "oman suuremman luvun mittakaavaan" not in lead_page


def test_overview_reads_do_not_grow_with_the_forms(client: Client, world: dict[str, Any]) -> None:
    """Forms of one kind are counted in one run per indicator and period, and the reads that do
    not depend on them (the organisation's forms, its protected persons, the forms' names) are
    made once for the whole page: a third outpatient form with a client adds no query."""
    login_verified(client, world["director"])
    url = reverse("statistics:overview")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    third = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT,
        name="Lapsityö",
        slug="lapsityo",
        organisation=world["org"],
        area__organisation=world["org"],
    )
    client_since(third, dt.date(2026, 1, 5), municipality=world["lahti"])
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "Lapsityö" in page
    assert len(after.captured_queries) == len(before.captured_queries)
    protected_reads = [q for q in after.captured_queries if "people_restriction" in q["sql"]]
    assert len(protected_reads) == 1


def test_dashboard_opens_with_the_overview_for_the_director_and_the_leads(
    client: Client, world: dict[str, Any]
) -> None:
    """The dashboard asks for the overview's summary with htmx after loading (a link without
    JavaScript); a worker's dashboard has no such panel, and the summary answers them 404."""
    overview = reverse("statistics:overview")
    panel = f'hx-get="{overview}" hx-trigger="load"'
    for user in ("director", "lead"):
        login_verified(client, world[user])
        assert panel in client.get(reverse("core:dashboard")).content.decode()
    login_verified(client, world["worker"])
    assert panel not in client.get(reverse("core:dashboard")).content.decode()
    assert client.get(overview, HTTP_HX_REQUEST="true").status_code == 404


def test_overview_summary_counts_last_years_returns_by_state(
    client: Client, world: dict[str, Any]
) -> None:
    """On 2.3.2026 the director's 2025 returns with a deadline are the Federation's (15.2.),
    two municipalities' (28.2.) and two STEA reports (31.3.). The lead sends crisis work's STEA
    report: 1 sent, 3 late, 1 still to send."""
    login_verified(client, world["lead"])
    send = reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"])
    assert client.post(send).status_code == 302
    login_verified(client, world["director"])
    response = client.get(reverse("statistics:overview"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    summary = response.content.decode()
    assert "<html" not in summary and "<svg" in summary
    assert re.findall(r'<span class="tag[^"]*">([^<]*)</span>', summary) == [
        "1 lähetetty",
        "3 myöhässä",
        "1 lähettämättä",
    ]
    assert summary.count('data-table="deadlines"') == 0  # the table is on the page
    page = client.get(reverse("statistics:overview")).content.decode()
    assert page.count("Myöhässä") == 3 and page.count("Lähettämättä") == 1
    # The summary counts only what it shows: no clients, no queues (fewer reads than the page).
    with CaptureQueriesContext(connection) as for_page:
        client.get(reverse("statistics:overview"))
    with CaptureQueriesContext(connection) as for_summary:
        client.get(reverse("statistics:overview"), HTTP_HX_REQUEST="true")
    assert len(for_summary.captured_queries) < len(for_page.captured_queries)
    assert not any("episodes_referral" in q["sql"] for q in for_summary.captured_queries)


def test_half_yearly_review_is_opened_by_part_of_the_year(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    base = reverse("statistics:return", args=["internal.work_done", YEAR, "avokriisityo"])
    first = client.get(base, {"jakso": 1}).content.decode()
    assert "1. vuosipuolisko 2025" in first
    assert "Lähettäminen" not in first  # an internal report is never sent: no empty section
    # Clients starting January–June are in the first half, none of July–December's.
    template = returns.get("internal.work_done")
    line = next(i for i, ln in template.lines() if ln.indicator == "outpatient.clients")
    drill = reverse("statistics:drill", args=["internal.work_done", YEAR, "avokriisityo", line])
    assert f"{drill}?jakso=1" in first
    assert client.get(base, {"jakso": 3}).status_code == 404
    assert client.get(base, {"jakso": "x"}).status_code == 404
    # A past year opens at its last part by default.
    assert "2. vuosipuolisko 2025" in client.get(base).content.decode()


def test_annual_report_pack_shows_this_year_beside_last_suppressed(
    client: Client, world: dict[str, Any]
) -> None:
    org = world["org"]
    for name, active in (("Alvari-perhetyö", True), ("Lakkautettu avotyö", False)):
        ServiceFormFactory.create(
            kind=ServiceForm.Kind.OUTPATIENT,
            name=name,
            active=active,
            organisation=org,
            area__organisation=org,
        )
    url = reverse("statistics:annual_report", args=[YEAR])
    login_verified(client, world["lead"])
    assert client.get(url).status_code == 404
    login_verified(client, world["director"])
    page = client.get(url).content.decode()
    # Crisis work: 8 clients in 2025, none in 2024; Jussi-työ: one client, shown as "< 5".
    assert 'data-figure="outpatient.clients:avokriisityo">8<' in page
    assert 'data-figure="outpatient.clients:jussi">&lt; 5<' in page
    assert "+8" in page and "<svg" in page
    # A form with nothing in either year is named under the figure, not drawn as 0 and 0; a
    # form no longer active is left out.
    without = re.search(r'data-without="outpatient.clients">(.*?)</p>', page)
    assert (
        without and without.group(1) == f"Ei lukuja vuosina {YEAR - 1} ja {YEAR}: Alvari-perhetyö."
    )
    assert "Alvari-perhetyö</th>" not in page and "Lakkautettu" not in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"muoto": "xlsx"}).content))
    rows = [r for r in book["Luvut"].iter_rows(values_only=True) if r[2] == "Jussi-työ"]
    assert rows and all(
        r[4] == "< 5" and r[5] is None for r in rows if r[1] == "Avopalvelujen asiakkaat"
    )
    sheet = list(book["Luvut"].iter_rows(values_only=True))
    assert ("Avopalvelujen asiakkaat", "Alvari-perhetyö", 0, 0, 0) in [r[1:6] for r in sheet]
    assert not any(r[2] == "Lakkautettu avotyö" for r in sheet)
    assert client.get(url, {"muoto": "pdf"}).content.startswith(b"%PDF")
    assert client.get(url, {"muoto": "doc"}).status_code == 404


def test_the_annual_packs_pdf_is_tagged_and_draws_each_figures_chart(
    client: Client, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11's pack "with charts": the PDF draws each figure's chart above its table, as the
    page does, in a tagged PDF/UA where the chart is a figure with its title as the text
    alternative; the chart's own text does not break the table's rows."""
    given: list[str] = []

    def recording(html: str) -> bytes:
        given.append(html)
        return html_to_pdf(html)

    monkeypatch.setattr(annual_views, "html_to_pdf", recording)
    login_verified(client, world["director"])
    url = reverse("statistics:annual_report", args=[YEAR])
    page = client.get(url).content.decode()
    response = client.get(url, {"muoto": "pdf"})
    assert response.status_code == 200
    (html,) = given
    assert '<html lang="fi">' in html
    # This world's pack has one figure (outpatient clients): its chart is the page's own.
    chart = r'<div class="overview-chart" aria-hidden="true">(<svg .*?</svg>)</div>'
    charts = re.findall(chart, html)
    assert len(charts) == html.count('<figure class="figure"') == 1
    assert charts[0] in page
    assert "<title>Avopalvelujen asiakkaat: 2025 / 2024</title>" in charts[0]
    # Jussi-työ's one client is hidden in the chart as in the table: no bar, "< 5", never "0".
    assert "<title>Jussi-työ, 2025: &lt; 5</title>" in charts[0]
    assert "Jussi-työ, 2025: 0" not in charts[0]
    structure = pdf_structure(response.content)
    assert structure.tagged and structure.lang == "fi"
    assert structure.figures == ["Avopalvelujen asiakkaat: 2025 / 2024"]
    # The hand-counted figures: crisis work's 8 clients in 2025, none in 2024; Jussi-työ's one.
    text = pdf_text(response.content)
    assert (
        "Avopalvelujen asiakkaat (henkilöä) Työmuoto 2024 2025 Muutos "
        "Avokriisityö 0 8 +8 Jussi-työ 0 < 5 –"
    ) in text


def test_a_protected_persons_home_is_neither_counted_nor_shown(
    client: Client, world: dict[str, Any]
) -> None:
    """Turvakielto: the protected client counts in every total, but not as a Lahti resident —
    not in Lahti's report, not in a municipality breakdown — and no drill-down places anyone."""
    secret = world["people"][0]
    turvakielto(world, secret)
    for day in range(4):  # Jussi-työ's 1 + 4 in Lahti: no form hidden, so Lahti's total shows
        client_since(world["jussi"], dt.date(YEAR, 3, 10 + day), municipality=world["lahti"])
    login_verified(client, world["worker"])
    drill = reverse(
        "statistics:drill", args=["stea.outpatient", YEAR, "avokriisityo", _clients_line()]
    )
    assert client.get(drill, {"municipality": str(world["lahti"].pk)}).status_code == 404
    body = client.get(drill).content.decode()
    assert secret.last_name in body  # the worker may see the client …
    assert "Testilahti" not in body and "Testihollola" not in body  # … but not where anyone lives
    login_verified(client, world["finance"])
    xlsx = client.get(
        reverse("statistics:export", args=["municipality.yearly", YEAR, "991", "xlsx"])
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    values = [c for row in book["Luvut"].iter_rows(values_only=True) for c in row if c is not None]
    # six crisis-work clients and five Jussi clients live in Lahti; the protected one is not
    # counted: Lahti has 5 + 5 = 10, not 11
    assert 10 in values and 11 not in values
    with scopes_disabled():
        params = Params(world["org"].pk, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
        clients = engine.run_indicator(indicators.get("outpatient.clients", 1), params)
    by_home = clients.by("municipality")
    # all thirteen are counted: 5 in Lahti (+5 Jussi), 2 in Hollola, the protected one unknown
    assert clients.total == 13
    assert by_home[(str(world["lahti"].pk),)] == 10
    assert by_home[(str(world["hollola"].pk),)] == 2
    assert by_home[(UNKNOWN,)] == 1


def test_a_forms_returns_page_and_its_dashboard_link(client: Client, world: dict[str, Any]) -> None:
    url = reverse("statistics:form_returns", args=["avokriisityo"])
    login_verified(client, world["worker"])
    page = client.get(url, {"vuosi": YEAR}).content.decode()
    assert stea_url() in page and stea_url("jussi") not in page
    assert url in client.get(reverse("core:dashboard")).content.decode()
    login_verified(client, world["jussi_worker"])
    assert client.get(url).status_code == 404


def test_overview_queries_do_not_grow_with_the_number_of_forms(
    client: Client, world: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_verified(client, world["director"])
    client.get(reverse("statistics:overview"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("statistics:overview"))
    org = world["org"]
    for i in range(3):
        form = ServiceFormFactory.create(
            kind=ServiceForm.Kind.OUTPATIENT, organisation=org, area__organisation=org
        )
        client_since(form, dt.date(2026, 2, i + 1), municipality=world["lahti"])
    with CaptureQueriesContext(connection) as after:
        assert client.get(reverse("statistics:overview")).status_code == 200
    assert len(after) == len(before)


def _federation(office: Any) -> Federation:
    with scopes_disabled():
        return Federation.objects.create(name="Testiliitto", office=office)


def _share(federation: Federation, org: Any, template: Any) -> None:
    """``org`` joins ``federation`` and its director sends ``template`` for the year."""
    from tupa.statistics import engine, services
    from tupa.statistics.indicators.base import Params

    with scopes_disabled():
        FederationMembership.objects.create(
            federation=federation, organisation=org, joined_on=dt.date(2020, 1, 1)
        )
        services.submit(
            user=org_role_user(org, Role.EXECUTIVE_DIRECTOR),
            computed=engine.run(
                template, Params(org.pk, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
            ),
            service_form=None,
            municipality=None,
            title=f"Jäsentilasto {org.name}",
        )


def test_federation_sums_members_and_a_suppressed_member_makes_the_sum_a_lower_bound(
    client: Client, world: dict[str, Any]
) -> None:

    office = OrganisationFactory.create(name="Testiliitto ry")
    analyst = org_role_user(office, Role.FEDERATION_ANALYST)
    other_form = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT, name="Avotyö B")
    other = other_form.organisation
    for i in range(2):  # the other member has two adult clients: "< 5"
        client_since(other_form, dt.date(YEAR, 3, i + 1), birth_date=dt.date(1990, 1, 1))
    for i in range(4):  # the first member's Jussi-työ 1 + 4: no form's figure is hidden, so
        # the member's sum is shown (with Jussi's 1 it would be "x": 9 − crisis work's 8 = 1)
        client_since(world["jussi"], dt.date(YEAR, 4, i + 1), birth_date=dt.date(1980, 1, 1))
    federation = _federation(office)
    template = returns.get("federation.members")
    for org in (world["org"], other):
        _share(federation, org, template)
    login_verified(client, analyst)
    page = client.get(
        reverse("statistics:federation_return", args=["federation.members", YEAR])
    ).content.decode()
    assert world["org"].name in page and other.name in page
    # Outpatient clients in total: the first member 13 (shown), the other 2 (suppressed, so at
    # least 1): the sum over members is at least 14, never 15 (which would reveal the 2).
    assert "≥ 14" in page
    assert ">15<" not in page and "≥ 15" not in page
    # The figure by adult/child. The other member's total is a "< 5", so its adults' 2 and its
    # 0s are "< 5"s that may be zeros (ADR 0036): each counts 0 in the sums, its total 1. The
    # first member's "< 5" counts 1 (its total is shown), its "x" 0.
    outpatient = page.split("<h2>Avopalvelut, perhetalo ja tapaamiset</h2>")[1]
    figure = outpatient.split("</figure>")[0]
    rows = {
        name: re.findall(r'<td class="num">(.*?)</td>', cells)
        for name, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', figure)
    }
    first, second, sums = rows[world["org"].name], rows[other.name], rows["Jäsenet yhteensä"]
    assert (first, second) == (["&lt; 5", "0", "x", "13"], ["&lt; 5"] * 4)
    assert sums == ["≥ 1", "≥ 0", "≥ 0", "≥ 14"]
    # Grouped by the template's sections; each figure captioned with what it breaks down.
    assert re.findall(r"<h2>(.*?)</h2>", page) == [
        "Ensikoti",
        "Turvakoti",
        "Avopalvelut, perhetalo ja tapaamiset",
    ]
    captions = re.findall(r"<figcaption><strong>(.*?)</strong>", page)
    assert len(captions) == len(set(captions)) == 9
    assert "Ensikodin asumisjaksot: tulo raskausaikana" in captions  # version 2: by stay


def test_federation_sums_another_versions_member_on_the_same_line_only(
    client: Client, world: dict[str, Any]
) -> None:
    """A member who sent an earlier version of the template is named above the tables and
    summed on the lines the versions share, matched by the line (indicator version, breakdown,
    label) and not by its place: version 2 here has only version 1's last line, in a section of
    its own. A line version 1 lacks shows "–" for that member and leaves it out of the sum."""
    from dataclasses import replace

    from tupa.statistics import engine, services
    from tupa.statistics.indicators.base import Params
    from tupa.statistics.returns.base import Section

    v1 = returns.get("federation.members")
    last = list(v1.lines())[-1][1]
    v2 = replace(v1, version=v1.version + 1, sections=(Section("Vain tapaamiset", (last,)),))
    returns.register(v2)
    try:
        office = OrganisationFactory.create(name="Testiliitto ry")
        analyst = org_role_user(office, Role.FEDERATION_ANALYST)
        other = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT).organisation
        federation = _federation(office)
        for org, template in ((world["org"], v2), (other, v1)):
            _share(federation, org, template)
        login_verified(client, analyst)
        response = client.get(
            reverse("statistics:federation_return", args=["federation.members", YEAR])
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert re.findall(r"<h2>(.*?)</h2>", page) == ["Vain tapaamiset"]  # version 2's lines
        rows = re.findall(r'<th scope="row">(.*?)</th>', page)
        assert world["org"].name in rows and other.name in rows  # the same line: both summed
        assert "Summassa eivät ole mukana" not in page
        assert f"Jäsen {other.name} lähetti ilmoituksen toisen version" in page
        # A version 3 that adds a line version 1 lacks: "–" there, and named under it.
        extra = replace(next(iter(v1.lines()))[1], label="Uusi rivi")
        v3 = replace(v2, version=v2.version + 1, sections=(Section("Kaksi", (last, extra)),))
        returns.register(v3)
        with scopes_disabled():  # the member sends version 3 too (a member already)
            services.submit(
                user=org_role_user(world["org"], Role.EXECUTIVE_DIRECTOR),
                computed=engine.run(
                    v3, Params(world["org"].pk, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
                ),
                service_form=None,
                municipality=None,
                title="Jäsentilasto",
            )
        page = client.get(
            reverse("statistics:federation_return", args=["federation.members", YEAR])
        ).content.decode()
        figures = re.findall(r'<figure class="figure">(.*?)</figure>', page, flags=re.S)
        assert len(figures) == 2
        assert f'<th scope="row">{other.name}</th><td class="num">–</td>' not in figures[0]
        assert f'<th scope="row">{other.name}</th><td class="num">–</td>' in figures[1]
        assert f"Summassa eivät ole mukana: {other.name}" in figures[1]
    finally:
        for v in (v2.version, v2.version + 1):
            returns._items.pop((v2.id, v), None)


@pytest.fixture
def range_and_month_returns() -> Iterator[dict[str, Any]]:
    """The half-yearly review as a monthly and as a free-range internal report (test-only)."""
    from dataclasses import replace

    from tupa.statistics.returns.base import Period

    base = returns.get("internal.work_done")
    made = {
        "month": replace(base, id="test.work_done_month", period=Period.MONTH),
        "range": replace(base, id="test.work_done_range", period=Period.RANGE),
    }
    returns.register(*made.values())
    yield made
    for template in made.values():
        del returns._items[(template.id, template.version)]


def test_a_monthly_report_and_a_free_range(
    client: Client,
    world: dict[str, Any],
    range_and_month_returns: dict[str, Any],
) -> None:
    login_verified(client, world["worker"])
    month = reverse("statistics:return", args=["test.work_done_month", YEAR, "avokriisityo"])
    page = client.get(month, {"jakso": 3}).content.decode()
    assert "maaliskuu 2025" in page
    assert "1.3.2025–31.3.2025" in page
    assert client.get(month, {"jakso": 13}).status_code == 404

    free = reverse("statistics:return", args=["test.work_done_range", YEAR, "avokriisityo"])
    page = client.get(free, {"alku": "2025-02-01", "loppu": "2025-04-30"}).content.decode()
    assert "1.2.2025–30.4.2025" in page
    # The range stays on the export and drill links, and the export is named by it.
    assert "vienti.csv?alku=2025-02-01&amp;loppu=2025-04-30" in page
    assert "?alku=2025-02-01&amp;loppu=2025-04-30" in page.split("luku/", 1)[1]
    response = client.get(
        reverse("statistics:export", args=["test.work_done_range", YEAR, "avokriisityo", "csv"]),
        {"alku": "2025-02-01", "loppu": "2025-04-30"},
    )
    assert "20250201-20250430" in response["Content-Disposition"]
    # A range is never frozen: no send form, and a send is refused.
    login_verified(client, world["lead"])
    assert "Merkitse lähetetyksi" not in client.get(free).content.decode()
    sent = client.post(
        reverse("statistics:send", args=["test.work_done_range", YEAR, "avokriisityo"]),
        {"note": "x"},
    )
    assert sent.status_code in (403, 404)
    assert not Submission.objects.filter(template_id="test.work_done_range").exists()


def test_a_bad_range_says_what_is_wrong_keeps_it_and_shows_the_year(
    client: Client,
    world: dict[str, Any],
    range_and_month_returns: dict[str, Any],
) -> None:
    login_verified(client, world["worker"])
    free = reverse("statistics:return", args=["test.work_done_range", YEAR, "avokriisityo"])
    response = client.get(free, {"alku": "2025-05-01", "loppu": "2025-04-30"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Päättymispäivä on ennen alkamispäivää." in page
    assert 'value="2025-05-01"' in page and 'value="2025-04-30"' in page
    assert "1.1.2025–31.12.2025" in page
    page = client.get(free, {"alku": "huomenna", "loppu": "2025-04-30"}).content.decode()
    assert 'value="huomenna"' in page
    assert "Tarkista tiedot" in page


def test_overview_figures_are_written_as_the_returns_write_them() -> None:
    """The overview's table groups thousands (a no-break space), and hours keep their decimals."""
    from tupa.statistics.indicators import registry as indicator_registry
    from tupa.statistics.views.overview import Figure

    visits = Figure(indicator_registry.get("dropin.visits"), 3632, 3660, "/", "/")
    assert (visits.this_year_text, visits.last_year_text) == ("3\xa0632", "3\xa0660")
    hours = Figure(indicator_registry.get("volunteers.hours"), 967, 1200, "/", "/")
    assert (hours.this_year_text, hours.last_year_text) == ("9,67", "12,00")
