"""The municipality's report has the care days its invoices have: one way to count.

The finance manager opens Testilahti's yearly report for 2025 and the billing list's CSV of the
same year (what the association invoices from) and finds the same care days (version 2 of the
report, ``residential.care_days`` version 2).

Hand-computed (rule *nights*, dated by the evening; one Ensikoti E, payer P the wellbeing
services county):

- Family K, mother and child, both living in **Testihollola** (``Person.municipality``), in
  room p1 1.3. 12:00 → 11.3.2025 12:00: nights 1.–10.3. = 10 each, 20 in all. Its commitment
  (payer P, kotikunta **Testilahti**) covers 1.–5.3.: 5 nights each = **10 days billed with
  Testilahti as kotikunta**; 6.–10.3.: 10 days without a commitment (kotikunta empty).
- Family L, mother (under turvakielto) and child, living in Testilahti, in room p2 2.3. 12:00 →
  5.3.2025 12:00: nights 2.–4.3. = 3 each, 6 in all, under a commitment with kotikunta
  Testilahti for March. The billing list's CSV reads "Suojattu tieto" as its kotikunta.

So the CSV names Testilahti on 10 days, Testihollola on none; the report of Testilahti has 10
care days (L's 6 are withheld, ADR 0020), Testihollola's none. Version 1 of the report, by the
persons' home: Testihollola 20, Testilahti 0 (L's home is withheld).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    org_role_user,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Municipality, Partner, ServiceForm
from tupa.people.models import Restriction
from tupa.residential.tests.test_commitment import ensikoti_form
from tupa.statistics.engine import run
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.support import FAMILY_K, FAMILY_L, family_under_commitment

pytestmark = pytest.mark.django_db

D = dt.date
YEAR = 2025
NOW = dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)
TEMPLATE = "municipality.yearly"


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    """The module docstring's Ensikoti, families K and L, and the partner municipalities."""
    form = ensikoti_form(places=2, slug="ensikoti-kunnat")
    org = form.organisation
    with scopes_disabled():
        lahti = Municipality.objects.create(code="994", name_fi="Testilahti", name_sv="L")
        hollola = Municipality.objects.create(code="995", name_fi="Testihollola", name_sv="H")
        for name, municipality in (
            ("Testilahden kaupunki", lahti),
            ("Testihollolan kunta", hollola),
        ):
            Partner.objects.create(
                organisation=org,
                name=name,
                kind=Partner.Kind.MUNICIPALITY,
                municipality=municipality,
            )
        payer = Partner.objects.create(
            organisation=org,
            name="Testi-Hämeen hyvinvointialue",
            kind=Partner.Kind.WELLBEING_SERVICES,
        )
    family_under_commitment(form, payer, home=hollola, kotikunta=lahti, **FAMILY_K)
    protected = family_under_commitment(form, payer, home=lahti, kotikunta=lahti, **FAMILY_L)
    with scopes_disabled():
        Restriction.objects.create(
            person=protected.participants.get(role="client").person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=D(2024, 1, 1),
            created_by=protected.created_by,
        )
    return {
        "form": form,
        "org": org,
        "lahti": lahti,
        "hollola": hollola,
        "finance": org_role_user(org, Role.FINANCE),
    }


def _billing_csv_days(client: Client, form: ServiceForm) -> dict[str, int]:
    """The care days of the year's billing list CSV by its "Kotikunta" column."""
    response = client.get(reverse("residential:billing_csv", args=[form.slug]), {"year": YEAR})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    where, days = header.index("Kotikunta"), header.index("Hoitovuorokaudet")
    out: dict[str, int] = {}
    for row in body:
        out[row[where]] = out.get(row[where], 0) + int(row[days])
    return out


def _care_days_line() -> int:
    template = returns.get(TEMPLATE)
    return next(i for i, line in template.lines() if line.indicator == "residential.care_days")


def _report_care_days(client: Client, code: str) -> int:
    """The care days the report page of municipality ``code`` shows (its figure's total)."""
    response = client.get(reverse("statistics:return", args=[TEMPLATE, YEAR, code]))
    assert response.status_code == 200
    line = response.context["computed"].line(_care_days_line())
    assert line.indicator.key == "residential.care_days@2"
    return int(line.table.total)


def test_the_municipalitys_report_has_the_care_days_of_its_invoices(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["finance"])
    billed = _billing_csv_days(client, world["form"])
    # The list: 10 days with kotikunta Testilahti (K's 1.–5.3.), L's 6 protected, K's 10
    # without a commitment (no kotikunta).
    assert billed == {"Testilahti": 10, "Suojattu tieto": 6, "": 10}
    assert _report_care_days(client, "994") == billed["Testilahti"] == 10
    # Testihollola, where K's family lives, buys none of them.
    assert "Testihollola" not in billed
    assert _report_care_days(client, "995") == 0


def _care_days(version: int, org_id: int, municipality: Municipality) -> int:
    """The care days of ``version`` of the report of ``municipality`` (the engine's run)."""
    template = returns.get(TEMPLATE, version)
    params = Params(org_id, D(YEAR, 1, 1), D(YEAR, 12, 31), municipality_id=municipality.pk)
    computed = run(template, params, by_units=True)
    line = next(cl for cl in computed.lines() if cl.indicator.id == "residential.care_days")
    assert line.indicator.version == version
    return line.table.total


def test_version_1_of_the_report_still_counts_by_the_persons_home(world: dict[str, Any]) -> None:
    """A report sent with version 1 is recomputed with it: K's 20 days are Testihollola's, L's
    home is withheld; version 2 (the newest, which the pages open) as the invoices."""
    assert returns.get(TEMPLATE).version == 2
    org, lahti, hollola = world["org"].pk, world["lahti"], world["hollola"]
    assert (_care_days(1, org, lahti), _care_days(1, org, hollola)) == (0, 20)
    assert (_care_days(2, org, lahti), _care_days(2, org, hollola)) == (10, 0)
