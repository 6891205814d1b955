"""Invoicing pages: the journeys, 404 for whoever may not see, query counts, URL classes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import resolve, reverse
from django_scopes import scope
from time_machine import travel

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.months import month_bounds
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.finance.invoicing import services
from tupa.finance.models import BasisApproval, Invoice, InvoiceRun
from tupa.finance.tests import factories
from tupa.finance.tests.test_invoicing_services import (
    FakeSource,
    approve,
    fake_source,
    invoices_of,
    lines_of,
    run,
    world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSource]:
    yield from fake_source(monkeypatch)


D = dt.date
TODAY = "2026-12-03 10:00:00+02:00"


def _run_with_invoice(ctx: dict[str, Any], source: FakeSource) -> tuple[InvoiceRun, Invoice]:
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 25), D(2026, 11, 30))
    source.days(
        ctx["org"], ctx["ensikoti"], D(2026, 11, 1), D(2026, 11, 3), payer=None, group="x:1"
    )
    approve(ctx, *month_bounds(2026, 11))
    found = run(ctx, *month_bounds(2026, 11))
    [invoice] = invoices_of(ctx, found)
    return found, invoice


@travel(TODAY, tick=False)
def test_finance_runs_invoicing_from_the_pages(client: Any, source: FakeSource) -> None:
    ctx = world(source)
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 25), D(2026, 11, 30))
    approve(ctx, *month_bounds(2026, 11))
    login_verified(client, ctx["finance"])
    page = client.get(reverse("finance:invoicing"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="2026-11"' in body  # the previous month by default
    assert reverse("finance:invoicing") in body  # the navigation link "Laskutus"
    response = client.post(
        reverse("finance:invoice_run_create"), {"month": "2026-11", "length": "1"}
    )
    assert response.status_code == 302
    with scope(organisation=ctx["org"].pk):
        found = InvoiceRun.objects.get()
    assert response["Location"] == reverse("finance:invoice_run", args=[found.pk])
    page = client.get(response["Location"]).content.decode()
    assert "PHHYKY" in page and "576,00" in page  # 6 × 96,00
    response = client.post(
        reverse("finance:invoice_run_send", args=[found.pk]), {"invoice_date": "2026-12-03"}
    )
    assert response.status_code == 302
    [invoice] = invoices_of(ctx, found)
    assert (invoice.number, invoice.status) == (1000, "sent")
    page = client.get(reverse("finance:invoice", args=[invoice.pk])).content.decode()
    # The reference in groups of five from the right and as an RF reference; the case reference
    # and the days the line covers; no client data.
    # RF: "10003" + "RF" → 10003271500 mod 97 = 30 → check 98 − 30 = 68.
    assert "10003 (RF68 1000 3)" in page
    assert "PHHYKY/2026/12" in page and "25.11.2026–30.11.2026" in page
    assert "Hyvitä" in page and "Lähetä lasku" not in page
    assert reverse("finance:invoice_pdf", args=[invoice.pk]) in page
    assert reverse("finance:invoice_finvoice", args=[invoice.pk]) in page
    assert "/asiakkaat/" not in page and "/henkilot/" not in page
    listing = client.get(reverse("finance:invoices"), {"status": "sent"}).content.decode()
    assert "1000" in listing


@travel(TODAY, tick=False)
def test_send_errors_keep_the_page_and_what_was_typed(client: Any, source: FakeSource) -> None:
    ctx = world(source)
    found, _invoice = _run_with_invoice(ctx, source)
    login_verified(client, ctx["finance"])
    response = client.post(
        reverse("finance:invoice_run_send", args=[found.pk]), {"invoice_date": "1.13.2026"}
    )
    assert response.status_code == 400
    assert 'value="1.13.2026"' in response.content.decode()
    empty = services.invoice_create_manual(
        actor=ctx["finance"], data=services.ManualInvoiceData(buyer_name="Koulutus Oy")
    )
    response = client.post(
        reverse("finance:invoice_send", args=[empty.pk]), {"invoice_date": "2026-12-03"}
    )
    assert response.status_code == 400
    assert "Laskulla ei ole rivejä" in response.content.decode()
    response = client.post(
        reverse("finance:invoice_run_create"), {"month": "2026-11", "length": "1"}
    )
    assert response.status_code == 400  # the first run's draft is still unsent
    assert "lähettämättömiä" in response.content.decode()
    response = client.post(
        reverse("finance:invoice_run_create"), {"month": "2026-11", "length": "3"}
    )
    assert response.status_code == 400
    assert "Neljännes alkaa" in response.content.decode()


@travel(TODAY, tick=False)
def test_problems_show_on_the_run_page(client: Any, source: FakeSource) -> None:
    ctx = world(source)
    found, _invoice = _run_with_invoice(ctx, source)
    login_verified(client, ctx["finance"])
    page = client.get(reverse("finance:invoice_run", args=[found.pk])).content.decode()
    assert "Ostaja puuttuu" in page and "Testihoitovuorokaudet" in page
    assert "1.11.2026–3.11.2026" in page


@travel(TODAY, tick=False)
def test_manual_invoice_line_credit_and_discard(client: Any) -> None:
    ctx = world()
    login_verified(client, ctx["finance"])
    response = client.post(
        reverse("finance:invoice_create"),
        {"buyer": "", "buyer_name": "", "buyer_business_id": "1234567-2"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Valitse ostaja tai kirjoita ostajan nimi." in body and 'value="1234567-2"' in body
    response = client.post(
        reverse("finance:invoice_create"), {"buyer": ctx["phhyky"].pk, "buyer_reference": "T-1"}
    )
    assert response.status_code == 302
    with scope(organisation=ctx["org"].pk):
        draft = Invoice.objects.get(buyer=ctx["phhyky"])
    url = reverse("finance:invoice_line_add", args=[draft.pk])
    assert response["Location"] == url
    response = client.post(
        url,
        {
            "item": "training_fee",
            "description": "Koulutusmaksu 12.11.2026",
            "quantity": "2",
            "unit_price": "120,00",
            "vat_rate": "25,5",
            "unit": "osallistuja",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url, {"item": "training_fee", "description": "", "quantity": "x", "unit_price": "1"}
    )
    assert response.status_code == 400 and 'value="x"' in response.content.decode()
    page = client.get(reverse("finance:invoice", args=[draft.pk])).content.decode()
    assert "301,20" in page  # 2 × 120,00 = 240,00 + 25,5 % = 61,20 → 301,20
    assert reverse("finance:invoice_pdf", args=[draft.pk]) not in page  # a draft: no documents
    response = client.post(
        reverse("finance:invoice_send", args=[draft.pk]), {"invoice_date": "2026-12-03"}
    )
    assert response.status_code == 302
    assert client.get(reverse("finance:invoice_line_add", args=[draft.pk])).status_code == 302
    response = client.post(
        reverse("finance:invoice_credit", args=[draft.pk]), {"reason": "Peruttu osallistuminen"}
    )
    assert response.status_code == 302
    with scope(organisation=ctx["org"].pk):
        note = Invoice.objects.get(credited_invoice=draft)
    assert note.total_gross == Decimal("-301.20")
    page = client.get(reverse("finance:invoice", args=[note.pk])).content.decode()
    assert "hyvittää laskun 1000" in page
    assert client.get(reverse("finance:invoice_credit", args=[note.pk])).status_code == 404
    response = client.post(reverse("finance:invoice_discard", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == Invoice.Status.DISCARDED


@travel(TODAY, tick=False)
def test_lead_approves_own_forms_basis(client: Any, source: FakeSource) -> None:
    ctx = world(source)
    other = ServiceFormFactory(area__organisation=ctx["org"], name="Tapaamispaikka")
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 25), D(2026, 11, 30))
    login_verified(client, ctx["lead"])
    dashboard = client.get(reverse("core:dashboard"))
    panel = dashboard.context["basis_panel"]
    assert panel["visible"] and [row["form"] for row in panel["pending"]] == [ctx["ensikoti"]]
    assert source.asked == {ctx["ensikoti"].pk}  # her forms' items only, not the organisation's
    assert reverse("finance:basis") in dashboard.content.decode()  # nav "Laskutusperuste"
    page = client.get(reverse("finance:basis"))
    assert page.status_code == 200 and "Hyväksymättä" in page.content.decode()
    url = reverse("finance:basis_form", args=[ctx["ensikoti"].slug])
    page = client.get(url, {"kuukausi": "2026-11"}).content.decode()
    assert "PHHYKY/2026/12" in page and "Hyväksy laskutusperuste" in page
    response = client.post(url, {"kuukausi": "2026-11", "note": "Tarkistettu"})
    assert response.status_code == 302
    with scope(organisation=ctx["org"].pk):
        approval = BasisApproval.objects.get()
    assert (approval.period_start, approval.period_end, approval.item_count) == (
        D(2026, 11, 1),
        D(2026, 11, 30),
        6,
    )
    page = client.get(url, {"kuukausi": "2026-11"}).content.decode()
    assert "Hyväksytty" in page and "Peru hyväksyntä" in page
    assert client.get(reverse("core:dashboard")).context["basis_panel"]["pending"] == []
    source.days(ctx["org"], ctx["ensikoti"], D(2026, 11, 24), D(2026, 11, 24))
    page = client.get(url, {"kuukausi": "2026-11"}).content.decode()
    assert "Muuttunut hyväksynnän jälkeen" in page
    response = client.post(
        reverse("finance:basis_withdraw", args=[ctx["ensikoti"].slug]), {"approval": approval.pk}
    )
    assert response.status_code == 302
    # Not the lead of the other form, not the finance manager: 404.
    other_url = reverse("finance:basis_form", args=[other.slug])
    assert client.get(other_url).status_code == 404
    assert client.post(other_url, {"kuukausi": "2026-11"}).status_code == 404
    login_verified(client, ctx["finance"])
    assert client.get(reverse("finance:basis")).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:dashboard")).context["basis_panel"] == {"visible": False}


@travel(TODAY, tick=False)
def test_worker_lead_and_other_organisation_get_404(client: Any, source: FakeSource) -> None:
    ctx = world(source)
    found, invoice = _run_with_invoice(ctx, source)
    line = lines_of(ctx, invoice)[0]
    pages = [
        ("finance:invoicing", []),
        ("finance:invoices", []),
        ("finance:invoice_create", []),
        ("finance:invoice_run", [found.pk]),
        ("finance:invoice", [invoice.pk]),
        ("finance:invoice_line_add", [invoice.pk]),
    ]
    posts = [
        ("finance:invoice_run_create", [], {"month": "2026-11", "length": "1"}),
        ("finance:invoice_run_send", [found.pk], {"invoice_date": "2026-12-03"}),
        ("finance:invoice_run_cancel", [found.pk], {}),
        ("finance:invoice_send", [invoice.pk], {"invoice_date": "2026-12-03"}),
        ("finance:invoice_discard", [invoice.pk], {}),
        ("finance:invoice_line_remove", [invoice.pk, line.pk], {}),
    ]
    stranger = org_role_user(OrganisationFactory(), Role.FINANCE)
    for user in (worker_in(ctx["ensikoti"]), ctx["lead"], stranger):
        login_verified(client, user)
        for name, args in pages:
            if user is stranger and not args:
                continue  # their own (empty) lists
            assert client.get(reverse(name, args=args)).status_code == 404, (name, user)
        for name, args, data in posts:
            if user is stranger and not args:
                continue  # a run of their own organisation
            assert client.post(reverse(name, args=args), data).status_code == 404, (name, user)
    assert "PHHYKY" not in client.get(reverse("finance:invoices")).content.decode()
    # The executive director reads but does not manage.
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    page = client.get(reverse("finance:invoice", args=[invoice.pk]))
    assert page.status_code == 200 and "Lähetä lasku" not in page.content.decode()
    assert client.get(reverse("finance:invoice_run", args=[found.pk])).status_code == 200
    for name, args, data in posts:
        assert client.post(reverse(name, args=args), data).status_code == 404, name
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT


@travel(TODAY, tick=False)
def test_list_pages_query_counts(
    client: Any, source: FakeSource, django_assert_max_num_queries: Any
) -> None:
    ctx = world(source)

    def fill(n: int) -> None:
        for k in range(n):
            factories.sent_invoice(
                ctx["org"],
                number=2000 + len(invoices_of_org()) + k,
                created_by=ctx["finance"],
                buyer=ctx["phhyky"],
                lines=[{"quantity": "1", "unit_price": "10"}],
            )

    def invoices_of_org() -> list[Invoice]:
        with scope(organisation=ctx["org"].pk):
            return list(Invoice.objects.all())

    login_verified(client, ctx["finance"])
    _run_with_invoice(ctx, source)
    fill(1)
    client.get(reverse("finance:invoices"))  # warm the session and the user's caches
    counts = []
    for more in (0, 6):
        fill(more)
        with django_assert_max_num_queries(15) as captured:
            assert client.get(reverse("finance:invoices")).status_code == 200
        counts.append(len(captured.captured_queries))
        with django_assert_max_num_queries(15) as captured:
            assert client.get(reverse("finance:invoicing")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]  # the same whatever the rows


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("finance:invoicing", {}, "login_only"),
        ("finance:invoice_run_create", {}, "login_only"),
        ("finance:invoice_run", {"pk": 1}, "object_scoped"),
        ("finance:invoice_run_send", {"pk": 1}, "object_scoped"),
        ("finance:invoice_run_cancel", {"pk": 1}, "object_scoped"),
        ("finance:invoices", {}, "login_only"),
        ("finance:invoice_create", {}, "login_only"),
        ("finance:invoice", {"pk": 1}, "object_scoped"),
        ("finance:invoice_send", {"pk": 1}, "object_scoped"),
        ("finance:invoice_discard", {"pk": 1}, "object_scoped"),
        ("finance:invoice_line_add", {"pk": 1}, "object_scoped"),
        ("finance:invoice_line_remove", {"pk": 1, "line_pk": 2}, "object_scoped"),
        ("finance:invoice_credit", {"pk": 1}, "object_scoped"),
        ("finance:basis", {}, "login_only"),
        ("finance:basis_form", {"slug": "ensikoti"}, "object_scoped"),
        ("finance:basis_withdraw", {"slug": "ensikoti"}, "object_scoped"),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any], expected: str) -> None:
    assert str(access_class(resolve(reverse(name, kwargs=kwargs)).func)) == expected
