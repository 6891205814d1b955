"""The federation's CSV and XLSX: exactly what its page shows, to the federation's analyst only.

The world is the one of ``test_views.test_federation_sums_members_and_a_suppressed_member_…``:
two members sent the federation's member statistics. The first (the world's association) has
13 outpatient clients, "< 5" adults, 0 children and an "x" of unknown age; the other has 2
adults, so its every part of the figure is a "< 5" (its total is one, so its 0s may be zeros
too, ADR 0036). The sums over members, counted by hand:

* adults: first "< 5" (its total is shown, so at least 1) + other "< 5" (may be a zero: 0)
  → "≥ 1";
* children: 0 + "< 5" (0) → "≥ 0"; unknown: "x" (0) + "< 5" (0) → "≥ 0";
* in total: 13 + "< 5" (the other's total is at least 1) → "≥ 14" (never 15, which would give
  the other's 2 away).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from typing import Any
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person
from tupa.statistics.models import Federation
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.support import YEAR, client_since
from tupa.statistics.tests.test_views import _federation, _share

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

TEMPLATE = "federation.members"
OUTPATIENT = "Avopalvelut, perhetalo ja tapaamiset"
CLIENTS = "Avopalvelujen asiakkaat"


def _url(fmt: str, year: int = YEAR) -> str:
    return reverse("statistics:federation_export", args=[TEMPLATE, year, fmt])


def _rename(org: Any, name: str) -> None:
    org.name = name
    org.save(update_fields=["name"])


@pytest.fixture
def members(world: dict[str, Any]) -> dict[str, Any]:
    """The federation of two members described in the module docstring, and its analyst."""
    office = OrganisationFactory.create(name="Testiliitto ry")
    other_form = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT, name="Avotyö B")
    # Named so that it is listed second, after "Testiyhdistys … ry" (the page orders by name).
    _rename(other_form.organisation, "Toinen jäsen ry")
    for i in range(2):  # the other member's two adult clients: "< 5"
        client_since(other_form, dt.date(YEAR, 3, i + 1), birth_date=dt.date(1990, 1, 1))
    for i in range(4):  # the first member's Jussi-työ 1 + 4 (as in test_views)
        client_since(world["jussi"], dt.date(YEAR, 4, i + 1), birth_date=dt.date(1980, 1, 1))
    federation = _federation(office)
    for org in (world["org"], other_form.organisation):
        _share(federation, org, returns.get(TEMPLATE))
    return {
        "federation": federation,
        "analyst": org_role_user(office, Role.FEDERATION_ANALYST),
        "first": world["org"].name,
        "other": other_form.organisation.name,
    }


def _page_figures(page: str) -> dict[str, dict[str, list[str]]]:
    """The page's figures: caption → the row's name (a member, "Jäsenet yhteensä") → its texts."""
    figures = {}
    for figure in re.findall(r"<figure.*?</figure>", page, flags=re.S):
        caption = re.search(r"<figcaption><strong>(.*?)</strong>", figure)
        assert caption is not None
        figures[html.unescape(caption.group(1))] = {
            html.unescape(name): [html.unescape(t) for t in re.findall(r">([^<]*)</td>", cells)]
            for name, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', figure)
        }
    return figures


def _csv_table(content: bytes) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """The CSV's facts (rows before the first empty one), its header and its rows."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    blank = rows.index([])
    return rows[:blank], rows[blank + 1], rows[blank + 2 :]


def _all_last_names() -> list[str]:
    with scopes_disabled():
        return list(Person.objects.values_list("last_name", flat=True))


def test_federation_csv_has_the_members_columns_and_the_sums_as_on_the_page(
    client: Client, members: dict[str, Any]
) -> None:
    login_verified(client, members["analyst"])
    response = client.get(_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"].startswith("no-store")
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with BOM
    facts, header, rows = _csv_table(response.content)
    assert header == [
        "Osio",
        "Rivi",
        "Luokka",
        members["first"],
        members["other"],
        "Jäsenet yhteensä",
    ]
    # The figure of the module docstring: a row per part, a column per member, then the sum.
    clients = [row[2:] for row in rows if row[:2] == [OUTPATIENT, CLIENTS]]
    assert clients == [
        ["aikuiset", "< 5", "< 5", "≥ 1"],
        ["lapset", "0", "< 5", "≥ 0"],
        ["ei tiedossa", "x", "< 5", "≥ 0"],
        ["Yhteensä", "13", "< 5", "≥ 14"],
    ]
    # Every figure of the page, each member's and the sums' texts, is in the CSV as shown.
    page = client.get(reverse("statistics:federation_return", args=[TEMPLATE, YEAR]))
    shown = _page_figures(page.content.decode())
    assert len(shown) == 9
    exported: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        by_name = exported.setdefault(row[1], {name: [] for name in header[3:]})
        for name, text in zip(header[3:], row[3:], strict=True):
            by_name[name].append(text)
    assert exported == shown
    # The legend of the marks and the facts; no person, no link, no record.
    named = dict((row[0], row[1]) for row in facts)
    assert named["Otsikko"] == f"{returns.get(TEMPLATE).title} {YEAR}"
    assert "< 5 = luku on pienempi kuin 5" in named["Merkinnät"]
    assert "x = luku on jätetty pois" in named["Merkinnät"]
    assert "≥ = jäsenten summa on alaraja" in named["Merkinnät"]
    assert named["Jäsenyhdistykset"] == f"{members['first']}, {members['other']}"
    text = response.content.decode("utf-8-sig")
    assert "/tilastot/" not in text and "http" not in text
    for last_name in _all_last_names():
        assert last_name not in text


def test_federation_xlsx_has_the_figures_their_definitions_and_the_facts(
    client: Client, members: dict[str, Any]
) -> None:
    login_verified(client, members["analyst"])
    response = client.get(_url("xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Luvut", "Määritelmät", "Tiedot"]
    figures = [list(r) for r in wb["Luvut"].iter_rows(values_only=True)]
    assert figures[0][0] == f"{returns.get(TEMPLATE).title} {YEAR}"
    assert "≥ = jäsenten summa on alaraja" in figures[2][0]
    head = figures.index(
        ["Osio", "Rivi", "Luokka", members["first"], members["other"], "Jäsenet yhteensä"]
    )
    assert wb["Luvut"].freeze_panes == f"D{head + 2}"
    clients = [row[2:] for row in figures[head + 1 :] if row[:2] == [OUTPATIENT, CLIENTS]]
    # Shown figures are numbers (13, 0), the marks and the bounds text.
    assert clients == [
        ["aikuiset", "< 5", "< 5", "≥ 1"],
        ["lapset", 0, "< 5", "≥ 0"],
        ["ei tiedossa", "x", "< 5", "≥ 0"],
        ["Yhteensä", 13, "< 5", "≥ 14"],
    ]
    # A sum over shown figures only is a number too: Turvakodin asiakkaat in total, 0 + 0.
    shelter = next(r for r in figures if r[:3] == ["Turvakoti", "Turvakodin asiakkaat", "Yhteensä"])
    assert shelter[3:] == [0, 0, 0]
    assert all(isinstance(v, int) for v in shelter[3:])
    # The definitions: a row per line (the page's nine figures), with the indicator's version.
    definitions = [list(r) for r in wb["Määritelmät"].iter_rows(values_only=True)]
    assert definitions[0][:4] == ["Nro", "Osio", "Rivi", "Indikaattori"]
    assert len(definitions) == 1 + 9
    (line,) = [r for r in definitions if r[2] == CLIENTS]
    assert line[1] == OUTPATIENT and str(line[3]).startswith("outpatient.clients@")
    facts = {r[0]: r[1] for r in wb["Tiedot"].iter_rows(values_only=True)}
    assert facts["Vastaanottaja"] == "Testiliitto"
    assert facts["Jäsenyhdistykset"] == f"{members['first']}, {members['other']}"
    assert "< 5 = luku on pienempi kuin 5" in facts["Merkinnät"]
    cells = " ".join(
        str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v
    )
    assert "/tilastot/" not in cells
    for last_name in _all_last_names():
        assert last_name not in cells


def test_the_federation_page_links_to_its_exports(client: Client, members: dict[str, Any]) -> None:
    login_verified(client, members["analyst"])
    page = client.get(reverse("statistics:federation_return", args=[TEMPLATE, YEAR]))
    assert _url("csv") in page.content.decode() and _url("xlsx") in page.content.decode()


def test_federation_exports_are_the_analysts_only(
    client: Client, world: dict[str, Any], members: dict[str, Any]
) -> None:
    """A member's director (whose figures are in it) gets 404, an anonymous visitor the login
    page; the analyst 404 for a format the page does not offer and for a year nobody sent."""
    for fmt in ("csv", "xlsx"):
        response = client.get(_url(fmt))
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == resolve_url(settings.LOGIN_URL) and "next=" in location.query
    login_verified(client, world["director"])
    for fmt in ("csv", "xlsx"):
        assert client.get(_url(fmt)).status_code == 404
    login_verified(client, members["analyst"])
    assert client.get(_url("pdf")).status_code == 404
    assert client.get(_url("csv", YEAR - 1)).status_code == 404
    assert client.get(_url("csv")).status_code == 200


def test_federation_export_queries_do_not_grow_with_members(
    client: Client, members: dict[str, Any]
) -> None:
    """The members' returns are read in one query, whether two or three sent theirs."""
    login_verified(client, members["analyst"])
    client.get(_url("xlsx"))
    with CaptureQueriesContext(connection) as two:
        assert client.get(_url("xlsx")).status_code == 200
    third = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT).organisation
    _rename(third, "Vasta liittynyt ry")  # listed third
    federation: Federation = members["federation"]
    _share(federation, third, returns.get(TEMPLATE))
    with CaptureQueriesContext(connection) as three:
        response = client.get(_url("xlsx"))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    header = next(r for r in wb["Luvut"].iter_rows(values_only=True) if r[0] == "Osio")
    assert header[3:] == (members["first"], members["other"], third.name, "Jäsenet yhteensä")
    assert len(three) == len(two)
