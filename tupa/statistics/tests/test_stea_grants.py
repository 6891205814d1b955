"""STEA's report and the grants register: which years and forms have one, which grant target it
names (on its page, in its exports and as it was sent), the register's deadline it marks done,
and the grants the catalogue lists that Tupa does not count."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Grant, GrantDeadline
from tupa.finance.tests.factories import stea_grant
from tupa.organisations.models import ServiceForm
from tupa.statistics.models import Submission
from tupa.statistics.tests.support import YEAR, client_since, results_report, stea_url
from tupa.statistics.views.submissions import submission_output

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]


def _facts(page: str) -> dict[str, str]:
    """The page's facts list (``<dl class="facts">``) as label → text."""
    facts = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S)
    assert facts is not None
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", facts.group(1), re.S)
    return {label: text.strip() for label, text in pairs}


def _csv_facts(body: bytes) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    return {row[0]: row[1] for row in rows[: rows.index([])] if len(row) == 2}


def test_the_stea_report_exists_only_for_forms_stea_funds(
    client: Client, world: dict[str, Any]
) -> None:
    org = world["org"]
    alvari = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT, slug="alvari", organisation=org, area__organisation=org
    )
    login_verified(client, worker_in(alvari))
    assert client.get(stea_url("alvari")).status_code == 404
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert stea_url("alvari") not in page
    review = reverse("statistics:return", args=["internal.work_done", YEAR, "alvari"])
    assert review in page and client.get(review).status_code == 200


def test_the_stea_report_exists_only_in_the_years_a_granted_grant_covers(
    client: Client, world: dict[str, Any]
) -> None:
    """The grants register decides: Jussi-työ's grant covers only ``YEAR``; an application
    still waiting for its decision or rejected makes no report."""
    org = world["org"]
    alvari = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT, slug="alvari", organisation=org, area__organisation=org
    )
    stea_grant(alvari, year_from=YEAR, status=Grant.Status.APPLIED)
    stea_grant(alvari, year_from=YEAR, status=Grant.Status.REJECTED)
    stea_grant(world["crisis"], year_from=YEAR + 1, target_code="Ak 1004")
    login_verified(client, world["director"])
    jussi_now = stea_url("jussi")
    jussi_next = reverse("statistics:return", args=["stea.outpatient", YEAR + 1, "jussi"])
    crisis_next = reverse("statistics:return", args=["stea.outpatient", YEAR + 1, "avokriisityo"])
    assert client.get(jussi_now).status_code == 200
    assert client.get(jussi_next).status_code == 404
    assert client.get(crisis_next).status_code == 200
    assert client.get(stea_url("alvari")).status_code == 404
    this_year = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert jussi_now in this_year and stea_url("alvari") not in this_year
    next_year = client.get(reverse("statistics:index"), {"vuosi": YEAR + 1}).content.decode()
    assert crisis_next in next_year and jussi_next not in next_year


def test_the_stea_report_names_its_grant_target(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["director"])
    page = client.get(stea_url()).content.decode()
    assert f"Avokriisityö (Ak 1004), päätös {YEAR}-Ak 1004" in page
    assert "Jussi-työ" not in page


def test_sending_a_stea_report_marks_its_grants_results_report_done(
    client: Client, world: dict[str, Any]
) -> None:
    """Only the results report of the year sent, of the grants of the form sent: the annual
    report of the same grant, the next year's results report and Jussi-työ's stay open."""
    crisis_grant = stea_grant(world["crisis"], year_from=YEAR - 1, year_to=YEAR + 1)
    with scopes_disabled():
        jussi_grant = Grant.objects.get(service_forms=world["jussi"])

        def deadline(grant: Grant, kind: str, due: dt.date) -> GrantDeadline:
            return GrantDeadline.objects.create(grant=grant, kind=kind, due_on=due)

        report = GrantDeadline.Kind.RESULTS_REPORT
        this = deadline(crisis_grant, report, dt.date(YEAR + 1, 3, 31))
        earlier = deadline(crisis_grant, report, dt.date(YEAR, 3, 31))
        later = deadline(crisis_grant, report, dt.date(YEAR + 2, 3, 31))
        annual = deadline(crisis_grant, GrantDeadline.Kind.ANNUAL_REPORT, dt.date(YEAR + 1, 5, 31))
        other = deadline(jussi_grant, report, dt.date(YEAR + 1, 3, 31))
    login_verified(client, world["director"])
    send = reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"])
    response = client.post(send, {"note": "STEA"})
    assert response.status_code == 302, response.content.decode()[:400]
    today = timezone.localdate()
    with scopes_disabled():
        done = {d.pk: d.done_on for d in GrantDeadline.objects.all()}
    assert done[this.pk] == today
    assert [done[d.pk] for d in (earlier, later, annual, other)] == [None] * 4


def test_a_stea_report_the_register_marks_done_is_sent_elsewhere(
    client: Client, world: dict[str, Any]
) -> None:
    """Crisis work's results report of ``YEAR`` is done in the grants register (sent through
    STEA's own service): the catalogue and the overview say so. Jussi-työ's, open in the
    register, is still to send; so is a form with one of two grants open."""
    with scopes_disabled():
        grant = Grant.objects.get(service_forms=world["crisis"])
        results_report(grant, YEAR, done_on=dt.date(YEAR + 1, 2, 20))
        results_report(Grant.objects.get(service_forms=world["jussi"]), YEAR)
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    rows = {
        slug: re.search(
            rf'{reverse("statistics:return", args=["stea.outpatient", YEAR, slug])}".*?</tr>',
            page,
            re.S,
        ).group(0)  # type: ignore[union-attr]
        for slug in ("avokriisityo", "jussi")
    }
    assert f"Lähetetty 20.2.{YEAR + 1} muualla (avustusrekisteri)" in rows["avokriisityo"]
    assert "Lähettämättä" in rows["jussi"] and "avustusrekisteri" not in rows["jussi"]
    overview = client.get(reverse("statistics:overview")).content.decode()
    assert f"Lähetetty 20.2.{YEAR + 1} muualla (avustusrekisteri)" in overview
    # The summary counts it sent (the Federation's and the two municipalities' are late).
    summary = client.get(reverse("statistics:overview"), HTTP_HX_REQUEST="true").content.decode()
    assert re.findall(r'<span class="tag[^"]*">([^<]*)</span>', summary) == [
        "1 lähetetty",
        "3 myöhässä",
        "1 lähettämättä",
    ]
    # A second grant of crisis work in the year, its results report not done: not sent.
    stea_grant(world["crisis"], year_from=YEAR, target_code="Ak 2000")
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert "avustusrekisteri" not in page


def test_the_catalogue_names_the_stea_targets_whose_report_tupa_does_not_count(
    client: Client, world: dict[str, Any]
) -> None:
    """The association's general grant (no form) is listed for whoever may read the grants
    register, with the register's state; crisis work's grant and prevention work's (TPPH: their
    reports are in the table above, TPPH's sent elsewhere by the register) and an application
    are not."""
    org = world["org"]
    prevention = ServiceFormFactory.create(
        kind=ServiceForm.Kind.PREVENTION,
        name="Turvallisten perheiden Päijät-Häme",
        slug="tpph",
        organisation=org,
        area__organisation=org,
    )
    general = stea_grant(
        world["crisis"],
        year_from=YEAR,
        kind=Grant.Kind.STEA_GENERAL,
        target_name="Yhdistyksen yleisavustus",
        target_code="Ay 1001",
    )
    with scopes_disabled():
        general.service_forms.clear()
    tpph = stea_grant(
        prevention, year_from=YEAR - 1, year_to=YEAR, target_name="TPPH", target_code="Ak 1006"
    )
    stea_grant(prevention, year_from=YEAR, status=Grant.Status.APPLIED, target_name="Haettu")
    results_report(tpph, YEAR, done_on=dt.date(YEAR + 1, 2, 27))
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    table = re.search(r'data-table="other-targets".*?</table>', page, re.S)
    assert table is not None
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", table.group(0), re.S)
    assert len(rows) == 1
    (general_row,) = rows
    assert (
        "Yhdistyksen yleisavustus</a> (Ay 1001)" in general_row and "koko yhdistys" in general_row
    )
    assert f"31.3.{YEAR + 1}" in general_row and "Lähettämättä" in general_row
    assert "TPPH" not in table.group(0)
    # Prevention work has its own STEA report now: in the catalogue, sent by the register.
    tpph_report = reverse("statistics:return", args=["stea.prevention", YEAR, "tpph"])
    tpph_row = re.search(rf'{tpph_report}".*?</tr>', page, re.S)
    assert tpph_row is not None
    assert f"Lähetetty 27.2.{YEAR + 1} muualla (avustusrekisteri)" in tpph_row.group(0)
    assert "Haettu" not in page and "Avokriisityö</a>" not in table.group(0)
    # The year after: neither grant covers it.
    nothing = client.get(reverse("statistics:index"), {"vuosi": YEAR + 1}).content.decode()
    assert 'data-table="other-targets"' not in nothing
    # A worker does not read the grants register: no such section.
    login_verified(client, world["worker"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert 'data-table="other-targets"' not in page


def test_the_catalogue_reads_the_same_whatever_the_grants_and_forms(
    client: Client, world: dict[str, Any]
) -> None:
    """No query per form or grant: three more STEA-funded outpatient forms, two prevention
    forms with grants and their register's deadlines, and a grant with no form add no query to
    the director's catalogue."""
    org = world["org"]
    login_verified(client, world["director"])
    client.get(reverse("statistics:index"), {"vuosi": YEAR})
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("statistics:index"), {"vuosi": YEAR})
    for i in range(3):
        form = ServiceFormFactory.create(
            kind=ServiceForm.Kind.OUTPATIENT,
            slug=f"avo{i}",
            organisation=org,
            area__organisation=org,
        )
        stea_grant(form, year_from=YEAR, target_code=f"Ak {i}")
    for i in range(2):
        prevention = ServiceFormFactory.create(
            kind=ServiceForm.Kind.PREVENTION,
            slug=f"ehk{i}",
            organisation=org,
            area__organisation=org,
        )
        grant = stea_grant(prevention, year_from=YEAR, target_code=f"Ak 5{i}")
        results_report(grant, YEAR)
    with scopes_disabled():
        stea_grant(
            world["crisis"], year_from=YEAR, kind=Grant.Kind.STEA_GENERAL
        ).service_forms.clear()
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert page.count("stea.outpatient/") == 5 and page.count("stea.prevention/") == 2
    assert 'data-table="other-targets"' in page  # the grant with no form
    # The year's grants, their forms and the forms' grants were read before too (crisis work's
    # and Jussi-työ's), and so were the register's deadlines, which the rows and the targets
    # share.
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_sent_stea_report_keeps_the_grant_target_it_was_sent_with(
    client: Client, world: dict[str, Any]
) -> None:
    """The report names its target on its page and in its export; sending freezes the target
    with the figures. A later correction in the register changes the report of today, not the
    sent one, whose page says what the register says now."""
    crisis = world["crisis"]
    sent_as = f"Avokriisityö (Ak 1004), päätös {YEAR}-Ak 1004"
    login_verified(client, world["lead"])
    assert _facts(client.get(stea_url()).content.decode())["Avustuskohde"] == sent_as
    export = client.get(stea_url() + "vienti.csv")
    assert _csv_facts(export.content)["Avustuskohde"] == sent_as
    client.post(reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"]))
    with scopes_disabled():
        sent = Submission.objects.get()
        grant = Grant.objects.get(service_forms=crisis)
    assert sent.grant_targets == [
        {
            "grant": grant.pk,
            "target_name": "Avokriisityö",
            "target_code": "Ak 1004",
            "decision_number": f"{YEAR}-Ak 1004",
        }
    ]
    url = reverse("statistics:submission", args=[sent.pk])
    page = client.get(url).content.decode()
    assert _facts(page)["Avustuskohde"] == sent_as
    assert "Avustusrekisterissä tämän ilmoituksen avustuskohde on nyt" not in page

    with scopes_disabled():  # the finance manager corrects the register afterwards
        grant.target_name = "Avokriisityö naisille"
        grant.target_code = "Ak 1104"
        grant.save(update_fields=["target_name", "target_code"])
    page = client.get(url).content.decode()
    assert _facts(page)["Avustuskohde"] == sent_as
    now = f"Avokriisityö naisille (Ak 1104), päätös {YEAR}-Ak 1004"
    assert f"Avustusrekisterissä tämän ilmoituksen avustuskohde on nyt: {now}." in page
    # The figures are the same: the hash covers them, not the register's names.
    assert "lasketut luvut ovat täsmälleen samat kuin lähetetyt (sama tiiviste)" in page
    sent_export = client.get(reverse("statistics:submission_export", args=[sent.pk, "csv"]))
    assert _csv_facts(sent_export.content)["Avustuskohde"] == sent_as
    assert _facts(client.get(stea_url()).content.decode())["Avustuskohde"] == now


def test_a_return_not_per_grant_target_names_none(client: Client, world: dict[str, Any]) -> None:
    """A municipality's report has no grant target: none is kept when it is sent, and neither
    its page nor the sent one has the row or the register's notice."""
    login_verified(client, world["director"])
    url = reverse("statistics:return", args=["municipality.yearly", YEAR, "991"])
    assert "Avustuskohde" not in _facts(client.get(url).content.decode())
    response = client.post(reverse("statistics:send", args=["municipality.yearly", YEAR, "991"]))
    assert response.status_code == 302
    with scopes_disabled():
        sent = Submission.objects.get()
    assert sent.grant_targets is None
    page = client.get(reverse("statistics:submission", args=[sent.pk])).content.decode()
    assert "Avustuskohde" not in _facts(page) and "Avustusrekisterissä" not in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_sent_outgoing_return_exports_as_it_was_sent(
    client: Client, world: dict[str, Any], fmt: str
) -> None:
    """The sent copy's export (the direct CSV download and the prepared XLSX and PDF): its
    suppression restored for every figure, the small ones as "< 5", and its grant target. Only
    the hidden figures are stored with the submission; before, every export of a sent outgoing
    return failed on the first figure that was shown."""
    for day in (1, 2):  # two adults among the eight of unknown age: a small cell
        client_since(world["crisis"], dt.date(YEAR, 3, day), birth_date=dt.date(1990, 1, 1))
    login_verified(client, world["lead"])
    client.post(reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"]))
    with scopes_disabled():
        sent = Submission.objects.get()
    assert any(sent.suppression.values())  # the report leaves the association: figures hidden
    with scopes_disabled():
        output = submission_output(sent, fmt)
    if fmt == "csv":
        facts = _csv_facts(output.body)
        assert facts["Avustuskohde"] == f"Avokriisityö (Ak 1004), päätös {YEAR}-Ak 1004"
        rows = list(csv.reader(io.StringIO(output.body.decode("utf-8-sig")), delimiter=";"))
        values = [row[4] for row in rows[rows.index([]) + 2 :]]
        assert "< 5" in values and "10" in values  # a hidden figure and the 10 clients
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(output.body))
        cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
        assert "< 5" in cells and f"Avokriisityö (Ak 1004), päätös {YEAR}-Ak 1004" in cells
    else:
        assert output.body.startswith(b"%PDF")


def _report_rows(page: str) -> list[list[str]]:
    """The grant page's results reports, each row's cells as text."""
    table = re.search(r'data-table="grant-reports".*?</table>', page, re.S)
    assert table is not None, "no results reports on the grant's page"
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>\s*(<td.*?)</tr>", table.group(0), re.S)
    ]


def test_a_grants_page_lists_its_results_reports_by_year_and_form(
    client: Client, world: dict[str, Any]
) -> None:
    """A grant of crisis work and Jussi-työ for ``YEAR - 1``…``YEAR + 1`` (today is in
    ``YEAR + 1``): one row per year begun and form, newest first. ``YEAR - 1``'s report is done
    in the register (both forms' rows say so), crisis work's ``YEAR`` report is sent in Tupa
    (linked to the sent copy), the rest are still to send. Each row links to its report."""
    grant = stea_grant(
        world["crisis"], world["jussi"], year_from=YEAR - 1, year_to=YEAR + 1, target_code="Ak 3"
    )
    results_report(grant, YEAR - 1, done_on=dt.date(YEAR, 3, 20))
    login_verified(client, world["lead"])
    client.post(reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"]))
    with scopes_disabled():
        sent = Submission.objects.get()
    login_verified(client, world["director"])
    page = client.get(reverse("finance:grant", args=[grant.pk])).content.decode()
    title = "STEA: tuloksellisuusraportti (avopalvelu)"
    assert _report_rows(page) == [
        [str(YEAR + 1), "Avokriisityö", title, f"31.3.{YEAR + 2}", "Lähettämättä"],
        [str(YEAR + 1), "Jussi-työ", title, f"31.3.{YEAR + 2}", "Lähettämättä"],
        [str(YEAR), "Avokriisityö", title, f"31.3.{YEAR + 1}", "Lähetetty 2.3.2026"],
        [str(YEAR), "Jussi-työ", title, f"31.3.{YEAR + 1}", "Lähettämättä"],
        [
            str(YEAR - 1),
            "Avokriisityö",
            title,
            f"31.3.{YEAR}",
            f"Lähetetty 20.3.{YEAR} muualla (avustusrekisteri)",
        ],
        [
            str(YEAR - 1),
            "Jussi-työ",
            title,
            f"31.3.{YEAR}",
            f"Lähetetty 20.3.{YEAR} muualla (avustusrekisteri)",
        ],
    ]
    assert reverse("statistics:return", args=["stea.outpatient", YEAR - 1, "jussi"]) in page
    assert reverse("statistics:submission", args=[sent.pk]) in page


def test_a_grants_page_says_when_tupa_does_not_count_its_report_and_prevention_has_one(
    client: Client, world: dict[str, Any]
) -> None:
    """The association's general grant (no form) is reported elsewhere; prevention work's
    grant (TPPH) lists its STEA report; an application has no reports yet, so its page has no
    such section."""
    with scopes_disabled():
        general = stea_grant(world["crisis"], year_from=YEAR, kind=Grant.Kind.STEA_GENERAL)
        general.service_forms.clear()
    prevention = ServiceFormFactory.create(
        kind=ServiceForm.Kind.PREVENTION,
        slug="tpph",
        organisation=world["org"],
        area__organisation=world["org"],
    )
    tpph = stea_grant(prevention, year_from=YEAR, target_code="Ak 1006")
    applied = stea_grant(world["crisis"], year_from=YEAR + 1, status=Grant.Status.APPLIED)
    login_verified(client, world["finance"])
    page = client.get(reverse("finance:grant", args=[general.pk])).content.decode()
    assert "Tupa ei laske tämän avustuskohteen tuloksellisuusraporttia" in page
    assert 'data-table="grant-reports"' not in page
    page = client.get(reverse("finance:grant", args=[tpph.pk])).content.decode()
    assert "Tupa ei laske tämän avustuskohteen tuloksellisuusraporttia" not in page
    title = "STEA: tuloksellisuusraportti (ehkäisevä työ)"
    assert [row[:3] for row in _report_rows(page)] == [[str(YEAR), prevention.name, title]]
    page = client.get(reverse("finance:grant", args=[applied.pk])).content.decode()
    assert "STEA:n tuloksellisuusraportit" not in page


def test_a_grants_reports_are_read_in_the_same_queries_whatever_its_years_and_forms(
    client: Client, world: dict[str, Any]
) -> None:
    small = stea_grant(world["crisis"], year_from=YEAR, target_code="Ak 4")
    big = stea_grant(
        world["crisis"], world["jussi"], year_from=YEAR - 2, year_to=YEAR + 1, target_code="Ak 5"
    )
    for year in (YEAR - 2, YEAR - 1):
        results_report(big, year, done_on=dt.date(year + 1, 3, 1))
    login_verified(client, world["director"])
    counts = []
    for grant in (small, big):
        client.get(reverse("finance:grant", args=[grant.pk]))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("finance:grant", args=[grant.pk])).content.decode()
        counts.append(len(queries.captured_queries))
    assert len(_report_rows(page)) == 8
    assert counts[0] == counts[1]


def _deadline_cells(page: str, url: str) -> list[str]:
    """The row of ``url`` in a page's table, its cells as text (the report's link first)."""
    row = re.search(rf'{re.escape(url)}".*?</tr>', page, re.S)
    assert row is not None, f"no row for {url}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", "<td>" + row.group(0), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_registers_deadline_decides_a_stea_reports_deadline_and_state_everywhere(
    client: Client, world: dict[str, Any]
) -> None:
    """Today is 2.3.``YEAR + 1``. The register moves crisis work's results-report deadline to
    31.12. and Jussi-työ's to 27.2.: crisis work's report is still to send, not late, and
    Jussi-työ's is late though 31.3. has not come — on the catalogue, the overview and its
    summary, the report's page and the grant's page, as in the finance manager's deadline
    list. The association's general grant (no form) takes its deadline from the register too."""
    with scopes_disabled():
        crisis_grant = Grant.objects.get(service_forms=world["crisis"])
        jussi_grant = Grant.objects.get(service_forms=world["jussi"])
        general = stea_grant(
            world["crisis"], year_from=YEAR, kind=Grant.Kind.STEA_GENERAL, target_code="Ay 1"
        )
        general.service_forms.clear()
        for grant, due in (
            (crisis_grant, dt.date(YEAR + 1, 12, 31)),
            (jussi_grant, dt.date(YEAR + 1, 2, 27)),
            (general, dt.date(YEAR + 1, 4, 30)),
        ):
            GrantDeadline.objects.create(
                grant=grant, kind=GrantDeadline.Kind.RESULTS_REPORT, due_on=due
            )
    crisis, jussi = stea_url(), stea_url("jussi")
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert _deadline_cells(page, crisis)[2:] == [f"31.12.{YEAR + 1}", "Lähettämättä"]
    assert _deadline_cells(page, jussi)[2:] == [f"27.2.{YEAR + 1}", "Myöhässä"]
    targets = re.search(r'data-table="other-targets".*?</table>', page, re.S)
    assert targets is not None and f"30.4.{YEAR + 1}" in targets.group(0)
    assert f"31.3.{YEAR + 1}" not in targets.group(0)

    overview = client.get(reverse("statistics:overview")).content.decode()
    assert _deadline_cells(overview, crisis)[2:] == [f"31.12.{YEAR + 1}", "Lähettämättä"]
    assert _deadline_cells(overview, jussi)[2:] == [f"27.2.{YEAR + 1}", "Myöhässä"]
    # The Federation's (15.2.), the two municipalities' (28.2.) and Jussi-työ's are late.
    summary = client.get(reverse("statistics:overview"), HTTP_HX_REQUEST="true").content.decode()
    assert re.findall(r'<span class="tag[^"]*">([^<]*)</span>', summary) == [
        "4 myöhässä",
        "1 lähettämättä",
    ]

    assert _facts(client.get(crisis).content.decode())["Määräaika"] == f"31.12.{YEAR + 1}"
    assert _facts(client.get(jussi).content.decode())["Määräaika"] == f"27.2.{YEAR + 1}"
    grant_page = client.get(reverse("finance:grant", args=[crisis_grant.pk])).content.decode()
    assert _report_rows(grant_page)[0][3:] == [f"31.12.{YEAR + 1}", "Lähettämättä"]

    # The finance manager's list of open deadlines says the same of crisis work's report.
    login_verified(client, world["finance"])
    deadlines = client.get(reverse("finance:grant_deadlines")).content.decode()
    assert f"27.2.{YEAR + 1}" in deadlines and f"31.12.{YEAR + 1}" not in deadlines


def test_without_a_register_deadline_a_stea_report_is_due_on_31_march(
    client: Client, world: dict[str, Any]
) -> None:
    """The world's grants have no deadlines in the register: the report's own 31.3. stands,
    still to come on 2.3."""
    login_verified(client, world["director"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert _deadline_cells(page, stea_url())[2:] == [f"31.3.{YEAR + 1}", "Lähettämättä"]
    assert _facts(client.get(stea_url()).content.decode())["Määräaika"] == f"31.3.{YEAR + 1}"


class _Grant:
    def __init__(self, pk: int) -> None:
        self.pk = pk


def test_a_reports_deadline_is_its_grants_earliest_open_one_in_the_register() -> None:
    """:meth:`GrantsRegister.deadline`, the one rule: the earliest open deadline of the
    report's grants that year; when all are done, the earliest; with none in the register (or
    none of that year), 31.3.; a return no grant decides keeps its own deadline. The register
    is read once, and not at all for a report with no grants."""
    from tupa.statistics.returns import registry
    from tupa.statistics.returns.base import GrantsRegister

    d = dt.date
    rows = [
        (1, d(YEAR + 1, 3, 31), d(YEAR + 1, 3, 1)),  # done
        (2, d(YEAR + 1, 6, 30), None),
        (2, d(YEAR + 1, 9, 30), None),
        (3, d(YEAR + 1, 5, 31), d(YEAR + 1, 5, 2)),
        (4, d(YEAR + 2, 1, 31), None),  # the next year's
    ]
    reads = []

    def read() -> list[tuple[int, dt.date, dt.date | None]]:
        reads.append(1)
        return rows

    register = GrantsRegister(read)
    stea, federation = registry.get("stea.outpatient"), registry.get("federation.members")
    assert register.deadline(stea, [], YEAR) == d(YEAR + 1, 3, 31) and not reads
    assert register.reported_on([], YEAR) is None and not reads
    assert register.deadline(stea, [_Grant(1), _Grant(2)], YEAR) == d(YEAR + 1, 6, 30)
    assert register.deadline(stea, [_Grant(1), _Grant(3)], YEAR) == d(YEAR + 1, 3, 31)
    assert register.reported_on([_Grant(1), _Grant(3)], YEAR) == d(YEAR + 1, 5, 2)
    assert register.reported_on([_Grant(1), _Grant(2)], YEAR) is None
    assert register.deadline(stea, [_Grant(3)], YEAR) == d(YEAR + 1, 5, 31)
    assert register.deadline(stea, [_Grant(4)], YEAR) == d(YEAR + 1, 3, 31)
    assert register.deadline(stea, [_Grant(4)], YEAR + 1) == d(YEAR + 2, 1, 31)
    assert register.deadline(federation, [_Grant(2)], YEAR) == federation.deadline_for(YEAR)
    assert len(reads) == 1
