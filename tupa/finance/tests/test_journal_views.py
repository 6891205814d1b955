"""The journal export page: preview, CSV and XLSX, period errors, 404 for everyone but the finance
manager, query count."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from openpyxl import load_workbook

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.finance.tests.test_payments_balances import credit_note, invoice, pay, setup_org

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-12-01", "end": "2026-12-31", "bank_account": "1910"}


def _documents(ctx: dict[str, Any], start: int, count: int) -> None:
    for n in range(start, start + count):
        target = invoice(ctx, 1000 + n, [{"quantity": "2", "unit_price": "92.00"}])  # 184.00
        credit_note(ctx, 5000 + n, target, "-1", "92.00")  # −92.00
        pay(ctx, target, "92.00")


def test_preview_and_files(client: Any) -> None:
    ctx = setup_org()
    _documents(ctx, 0, 1)
    login_verified(client, ctx["finance"])
    url = reverse("finance:journal")
    response = client.get(url)
    assert response.status_code == 200  # the form, previous month pre-filled
    response = client.get(url, PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    # Debits: 184.00 (invoice) + 92.00 (credit note) + 92.00 (payment) = 368.00 = credits.
    assert body.count("368,00 €") == 2
    assert "Lasku 1000, Kuntayhtymä" in body
    response = client.get(url, {**PERIOD, "muoto": "csv"})
    assert response["Content-Disposition"] == (
        'attachment; filename="kirjanpito-20261201-20261231.csv"'
    )
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeffPäivämäärä;Tosite;Tili;Kustannuspaikka;ALV-koodi;Debet;Kredit;Selite"
    assert lines[1] == "1.12.2026;1000;1700;;;184,00;;Lasku 1000, Kuntayhtymä"
    assert lines[2] == "1.12.2026;1000;3000;;0;;184,00;Lasku 1000, Kuntayhtymä"
    response = client.get(url, {**PERIOD, "muoto": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["F2"].value == 184 and sheet["C2"].value == "1700"


def test_period_errors_in_finnish(client: Any) -> None:
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    response = client.get(
        reverse("finance:journal"),
        {"start": "2026-12-31", "end": "2026-12-01", "bank_account": "x y!"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in body
    assert "Anna tilinumero numeroina" in body


def test_only_finance_manager(client: Any) -> None:
    ctx = setup_org()
    _documents(ctx, 0, 1)
    url = reverse("finance:journal")
    for user in (
        worker_in(ctx["form"]),
        worker_in(ctx["form"], role=Role.LEAD),
        org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR),
    ):
        login_verified(client, user)
        assert client.get(url, PERIOD).status_code == 404
    other = setup_org()
    login_verified(client, other["finance"])
    response = client.get(url, {**PERIOD, "muoto": "csv"})
    assert "Kuntayhtymä" not in response.content.decode()
    assert access_class(resolve(url).func) == "login_only"


def test_query_count_does_not_grow(client: Any, django_assert_max_num_queries: Any) -> None:
    ctx = setup_org()
    _documents(ctx, 0, 1)
    login_verified(client, ctx["finance"])
    url = reverse("finance:journal")
    with CaptureQueriesContext(connection) as one:
        client.get(url, PERIOD)
    _documents(ctx, 1, 10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url, PERIOD).status_code == 200
