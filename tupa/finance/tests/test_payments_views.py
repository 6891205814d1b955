"""The payments pages: the open / overdue lists and exports, the bank import (upload → dry run →
confirm), unmatched payments and "Kohdista laskuun", manual payments; 404 for everyone else;
query counts; URL classes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django_scopes import scope
from openpyxl import load_workbook

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Payment, PaymentImport
from tupa.finance.tests.test_payments_balances import credit_note, invoice, pay, setup_org
from tupa.finance.tests.test_payments_import import CAMT_V08, three_invoices

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 1, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _upload(client: Any, content: bytes, name: str) -> Any:
    return client.post(
        reverse("finance:payment_import"), {"file": SimpleUploadedFile(name, content)}
    )


def _body(response: Any) -> str:
    return str(response.content.decode())


def test_open_and_overdue_tabs_with_totals(client: Any) -> None:
    ctx = setup_org()
    # 1000: 955.00 due 15.12.2026, 500.00 paid → 455.00 open, 26 days overdue on 10.1.2027.
    a = invoice(ctx, 1000, [{"quantity": "10", "unit_price": "95.50"}])
    pay(ctx, a, "500.00")
    # 1001: 184.00, invoiced 5.1.2027, due 19.1.2027 → open, not overdue.
    invoice(ctx, 1001, [{"quantity": "2", "unit_price": "92.00"}], invoice_date=dt.date(2027, 1, 5))
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:payments"))
    assert response.status_code == 200
    body = _body(response)
    # Open total 455.00 + 184.00 = 639.00 (2 invoices), overdue 455.00 (1).
    assert "639,00 € (2 laskua)" in body
    assert "455,00 € (1 lasku)" in body
    assert "Avoimet (2)" in body and "Erääntyneet (1)" in body
    response = client.get(reverse("finance:payments"), {"nakyma": "eraantyneet"})
    body = _body(response)
    assert ">1000<" in body and ">1001<" not in body and ">26<" in body


def test_csv_and_xlsx_export(client: Any) -> None:
    ctx = setup_org()
    a = invoice(ctx, 1000, [{"quantity": "10", "unit_price": "95.50"}])
    pay(ctx, a, "500.00")
    credit_note(ctx, 1001, a, "-1", "95.50")
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:payments"), {"nakyma": "eraantyneet", "muoto": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="eraantyneet-2027-01-10.csv"'
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffLasku;Ostaja;Laskun päivä;Eräpäivä;Myöhässä (pv)")
    # 955.00 − 95.50 credited − 500.00 paid = 359.50 open.
    assert lines[1] == (
        "1000;Kuntayhtymä;1.12.2026;15.12.2026;26;955,00;-95,50;500,00;359,50;osittain maksettu;10003"
    )
    response = client.get(reverse("finance:payments"), {"muoto": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A2"].value == 1000 and sheet["I2"].value == 359.5


def test_bank_import_camt_upload_dry_run_and_confirm(client: Any) -> None:
    ctx = setup_org()
    first, second, _third = three_invoices(ctx)
    login_verified(client, ctx["finance"])
    assert client.get(reverse("finance:payment_import")).status_code == 200
    response = _upload(client, CAMT_V08.encode(), "viitteet.xml")
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:payment_import_review")
    review = client.get(response["Location"])
    assert review.status_code == 200
    body = _body(review)
    assert "Täsmää" in body and "Osasuoritus" in body and "Kohdistamaton" in body
    assert "Vahvista ja tallenna 3 suoritusta" in body
    with scope(organisation=ctx["org"].pk):
        assert not Payment.objects.exists()  # the dry run stores nothing
    response = client.post(reverse("finance:payment_import_review"), {"tallenna": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:payments_unmatched")
    with scope(organisation=ctx["org"].pk):
        assert Payment.objects.filter(invoice=first).get().amount == Decimal("955.00")
        assert Payment.objects.filter(invoice=second).get().amount == Decimal("100.00")
        assert Payment.objects.filter(invoice__isnull=True).count() == 1
    # The same file again: shown as imported already, confirming is refused.
    _upload(client, CAMT_V08.encode(), "viitteet-uudestaan.xml")
    review = client.get(reverse("finance:payment_import_review"))
    assert "Tämä tiedosto on jo tuotu" in _body(review)
    response = client.post(reverse("finance:payment_import_review"), {"tallenna": "1"})
    assert response.status_code == 400
    with scope(organisation=ctx["org"].pk):
        assert PaymentImport.objects.count() == 1 and Payment.objects.count() == 3


def test_csv_import_with_a_bad_row_imports_nothing(client: Any) -> None:
    ctx = setup_org()
    three_invoices(ctx)
    login_verified(client, ctx["finance"])
    data = (
        "Kirjauspäivä;Määrä EUROA;Viite;Saaja/Maksaja;Arkistointitunnus\n"
        "10.12.2026;+955,00;10003;Kuntayhtymä;C1\n"
        "10.12.2026;sata;10016;Hollolan kunta;C2\n"
    ).encode("utf-8-sig")
    assert _upload(client, data, "tiliote.csv").status_code == 302
    review = client.get(reverse("finance:payment_import_review"))
    body = _body(review)
    # The mapping is pre-filled from the header and the dry run already shown.
    assert '<option value="paid_on" selected>' in body
    assert "Summa „sata“ ei ole rahamäärä (esim. 1234,56)." in body
    assert "Tiedostossa on 1 virheellinen rivi" in body
    assert "Vahvista ja tallenna" not in body
    post = {"col_0": "paid_on", "col_1": "amount", "col_2": "reference", "col_3": "payer"}
    post["col_4"] = "archive_id"
    response = client.post(reverse("finance:payment_import_review"), {**post, "tallenna": "1"})
    assert response.status_code == 400
    with scope(organisation=ctx["org"].pk):
        assert not Payment.objects.exists() and not PaymentImport.objects.exists()
    # Cancelling removes the pending file.
    response = client.post(reverse("finance:payment_import_review"), {"peru": "1"})
    assert response.status_code == 302
    assert client.get(reverse("finance:payment_import_review")).status_code == 302


def test_upload_refuses_other_files_in_finnish(client: Any) -> None:
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    response = _upload(client, b"<html><body>ei tiliote</body></html>", "sivu.xml")
    assert response.status_code == 400
    assert "ei ole camt.054-tiedosto" in _body(response)


def test_unmatched_and_match_by_hand(client: Any) -> None:
    ctx = setup_org()
    target = invoice(ctx, 1000, [{"quantity": "1", "unit_price": "74.00"}])
    loose = pay(ctx, None, "74.00", payer_name="Maksaja Oy", reference="12345672")
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:payments_unmatched"))
    assert response.status_code == 200
    assert "Maksaja Oy" in _body(response) and "Kohdista laskuun" in _body(response)
    url = reverse("finance:payment_match", args=[loose.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Summa vastaa avointa summaa laskuilla" in _body(response)
    response = client.post(url, {"invoice": "999999"})
    assert response.status_code == 400
    assert "Valitse avoin lasku luettelosta." in _body(response)
    response = client.post(url, {"invoice": str(target.pk)})
    assert response.status_code == 302
    loose.refresh_from_db()
    assert loose.invoice_id == target.pk


def test_manual_payment_keeps_what_was_typed(client: Any) -> None:
    ctx = setup_org()
    target = invoice(ctx, 1000, [{"quantity": "2", "unit_price": "92.00"}])
    login_verified(client, ctx["finance"])
    url = reverse("finance:payment_create")
    response = client.get(url, {"lasku": target.pk})
    assert response.status_code == 200
    assert 'value="184,00"' in _body(response)
    post = {
        "invoice": target.pk,
        "paid_on": "2027-01-08",
        "amount": "12,345",
        "payer_name": "Kunta",
    }
    response = client.post(url, post)
    assert response.status_code == 400
    body = _body(response)
    assert "Anna summa senttien tarkkuudella." in body and 'value="Kunta"' in body
    response = client.post(url, {**post, "amount": "84,00"})
    assert response.status_code == 302
    with scope(organisation=ctx["org"].pk):
        assert Payment.objects.get().amount == Decimal("84.00")


def test_director_reads_but_does_not_write(client: Any) -> None:
    ctx = setup_org()
    loose = pay(ctx, None, "10.00")
    login_verified(client, org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR))
    assert client.get(reverse("finance:payments")).status_code == 200
    response = client.get(reverse("finance:payments_unmatched"))
    assert response.status_code == 200 and "Kohdista laskuun" not in _body(response)
    for url in [
        reverse("finance:payment_import"),
        reverse("finance:payment_import_review"),
        reverse("finance:payment_create"),
        reverse("finance:payment_match", args=[loose.pk]),
    ]:
        assert client.get(url).status_code == 404


def test_worker_lead_and_other_organisation_get_404(client: Any) -> None:
    ctx = setup_org()
    invoice(ctx, 1000, [{"quantity": "1", "unit_price": "74.00"}])
    loose = pay(ctx, None, "10.00", payer_name="Salainen Maksaja")
    urls = [
        reverse("finance:payments"),
        reverse("finance:payments_unmatched"),
        reverse("finance:payment_import"),
        reverse("finance:payment_create"),
        reverse("finance:payment_match", args=[loose.pk]),
    ]
    for user in (worker_in(ctx["form"]), worker_in(ctx["form"], role=Role.LEAD)):
        login_verified(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, url
    other = setup_org()
    login_verified(client, other["finance"])
    assert client.get(reverse("finance:payment_match", args=[loose.pk])).status_code == 404
    assert client.post(reverse("finance:payment_match", args=[loose.pk])).status_code == 404
    body = _body(client.get(reverse("finance:payments_unmatched")))
    assert "Salainen Maksaja" not in body
    assert ">1000<" not in _body(client.get(reverse("finance:payments")))


def _invoices_with_payments(ctx: dict[str, Any], start: int, count: int) -> None:
    for n in range(start, start + count):
        target = invoice(ctx, 1000 + n, [{"quantity": "1", "unit_price": "100.00"}])
        pay(ctx, target, "10.00")
        pay(ctx, None, "1.00")
        credit_note(ctx, 5000 + n, target, "-1", "5.00")


@pytest.mark.parametrize(
    "name", ["finance:payments", "finance:payments_unmatched", "finance:payment_create"]
)
def test_query_count_does_not_grow(
    client: Any, name: str, django_assert_max_num_queries: Any
) -> None:
    ctx = setup_org()
    _invoices_with_payments(ctx, 0, 1)
    login_verified(client, ctx["finance"])
    url = reverse(name)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _invoices_with_payments(ctx, 1, 8)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("finance:payments", {}, "login_only"),
        ("finance:payment_import", {}, "login_only"),
        ("finance:payment_import_review", {}, "login_only"),
        ("finance:payments_unmatched", {}, "login_only"),
        ("finance:payment_create", {}, "login_only"),
        ("finance:payment_match", {"pk": 1}, "object_scoped"),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, int], expected: str) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == expected


@pytest.mark.parametrize("wanted", ["²", "99999999999999999999", "x"])
def test_a_spoilt_invoice_in_the_address_is_ignored(client: Any, wanted: str) -> None:
    """``?lasku=`` preselects an open invoice; a superscript passed ``str.isdigit()`` and then
    ``int()`` refused it (a 500)."""
    ctx = setup_org()
    invoice(ctx, 1000, [{"quantity": "1", "unit_price": "74.00"}])
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:payment_create"), {"lasku": wanted})
    assert response.status_code == 200
