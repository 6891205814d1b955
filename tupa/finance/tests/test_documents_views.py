"""Invoice document downloads: PDF and Finvoice for finance and the director, 404 for everyone
else, drafts and discarded invoices, the run's Finvoice ZIP and its query count."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.urls import resolve, reverse
from django_scopes import scope

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.finance.documents import views
from tupa.finance.documents.finvoice import iter_schemas, validation_errors
from tupa.finance.models import Invoice, InvoiceRun, InvoicingProfile
from tupa.finance.tests import factories
from tupa.finance.tests.test_agreements_services import setup_org
from tupa.finance.tests.test_documents_finvoice import LINES, credit_note, sample

pytestmark = pytest.mark.django_db


def _pdf_url(invoice: Invoice) -> str:
    return reverse("finance:invoice_pdf", args=[invoice.pk])


def _finvoice_url(invoice: Invoice) -> str:
    return reverse("finance:invoice_finvoice", args=[invoice.pk])


def _run(ctx: dict[str, Any]) -> InvoiceRun:
    with scope(organisation=ctx["org"].pk):
        return InvoiceRun.objects.create(  # type: ignore[no-any-return]
            organisation=ctx["org"],
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 30),
            created_by=ctx["finance"],
        )


def _fake_pdf(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Skip WeasyPrint where only the response matters (the PDF itself is tested elsewhere)."""
    seen: list[str] = []

    def fake(document: Any) -> bytes:
        seen.append(document.invoice.status)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(views, "render_pdf", fake)
    return seen


def test_finance_downloads_the_pdf_and_the_finvoice(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    invoice = sample(ctx)
    login_verified(client, ctx["finance"])
    response = client.get(_pdf_url(invoice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lasku-1001.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    response = client.get(_finvoice_url(invoice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="finvoice-lasku-1001.xml"'
    assert "no-store" in response["Cache-Control"]
    for schema in iter_schemas():
        assert validation_errors(response.content, schema) == []
    assert b"<InvoiceNumber>1001</InvoiceNumber>" in response.content


def test_director_may_download_credit_notes_too(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _fake_pdf(monkeypatch)
    ctx = setup_org()
    note = credit_note(ctx, sample(ctx))
    login_verified(client, org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR))
    response = client.get(_pdf_url(note))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="hyvityslasku-1002.pdf"'
    response = client.get(_finvoice_url(note))
    assert response.status_code == 200
    assert b"<InvoiceTypeCode>INV02</InvoiceTypeCode>" in response.content


def test_worker_lead_and_another_organisations_finance_get_404(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen = _fake_pdf(monkeypatch)
    ctx = setup_org()
    invoice = sample(ctx)
    run = _run(ctx)
    other = OrganisationFactory()
    for user in [
        worker_in(ctx["form"]),
        worker_in(ctx["form"], role=Role.LEAD),
        org_role_user(other, Role.FINANCE),
    ]:
        login_verified(client, user)
        for url in [
            _pdf_url(invoice),
            _finvoice_url(invoice),
            reverse("finance:run_finvoice", args=[run.pk]),
        ]:
            assert client.get(url).status_code == 404, (user, url)
    assert seen == []


def test_a_draft_prints_but_has_no_finvoice(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen = _fake_pdf(monkeypatch)
    ctx = setup_org()
    with scope(organisation=ctx["org"].pk):
        factories.profile(ctx["org"])
    draft = factories.draft_invoice(ctx["org"], created_by=ctx["finance"], lines=LINES)
    login_verified(client, ctx["finance"])
    response = client.get(_pdf_url(draft))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="laskuluonnos-{draft.pk}.pdf"'
    )
    assert seen == [Invoice.Status.DRAFT]
    assert client.get(_finvoice_url(draft)).status_code == 404
    with scope(organisation=ctx["org"].pk):
        draft.status = Invoice.Status.DISCARDED
        draft.save()
    assert client.get(_pdf_url(draft)).status_code == 404


def test_without_an_invoicing_profile_there_is_nothing_to_print(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _fake_pdf(monkeypatch)
    ctx = setup_org()
    invoice = sample(ctx)
    with scope(organisation=ctx["org"].pk):
        InvoicingProfile.objects.filter(organisation=ctx["org"]).delete()
    login_verified(client, ctx["finance"])
    assert client.get(_pdf_url(invoice)).status_code == 404
    assert client.get(_finvoice_url(invoice)).status_code == 404


def test_post_is_not_allowed(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    invoice = sample(ctx)
    login_verified(client, ctx["finance"])
    assert client.post(_finvoice_url(invoice)).status_code == 405


def test_run_finvoice_zip_has_one_valid_message_per_sent_invoice(
    client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    run = _run(ctx)
    first = sample(ctx, run=run)
    sample(ctx, number=1002, run=run)
    credit_note(ctx, first, number=1003)  # not in the run
    factories.draft_invoice(ctx["org"], created_by=ctx["finance"], run=run, lines=LINES)
    url = reverse("finance:run_finvoice", args=[run.pk])
    login_verified(client, ctx["finance"])
    client.get(url)  # warm the session and the user caches
    with django_assert_max_num_queries(12) as captured:
        response = client.get(url)
    queries_for_two = len(captured.captured_queries)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="finvoice-ajo-{run.pk}-2026-11.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert names == ["finvoice-lasku-1001.xml", "finvoice-lasku-1002.xml"]
        for name in names:
            assert validation_errors(archive.read(name)) == []
    # Two more invoices, the same number of queries.
    sample(ctx, number=1004, run=run)
    sample(ctx, number=1005, run=run)
    with django_assert_max_num_queries(queries_for_two):
        response = client.get(url)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert len(archive.namelist()) == 4


def test_run_without_sent_invoices_is_404(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    with scope(organisation=ctx["org"].pk):
        factories.profile(ctx["org"])
    run = _run(ctx)
    login_verified(client, ctx["finance"])
    assert client.get(reverse("finance:run_finvoice", args=[run.pk])).status_code == 404


def test_the_run_page_links_its_finvoice_zip_once_an_invoice_is_sent(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    with scope(organisation=ctx["org"].pk):
        factories.profile(ctx["org"])
    run = _run(ctx)
    factories.draft_invoice(ctx["org"], created_by=ctx["finance"], run=run, lines=LINES)
    zip_url = reverse("finance:run_finvoice", args=[run.pk])
    run_url = reverse("finance:invoice_run", args=[run.pk])
    login_verified(client, ctx["finance"])
    assert zip_url not in client.get(run_url).content.decode()  # only a draft: the zip is 404
    sample(ctx, run=run)
    assert f'href="{zip_url}"' in client.get(run_url).content.decode()
    assert client.get(zip_url).status_code == 200


def test_document_query_counts(client, django_assert_max_num_queries, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _fake_pdf(monkeypatch)
    ctx = setup_org()
    invoice = sample(ctx)
    login_verified(client, ctx["finance"])
    client.get(_finvoice_url(invoice))
    with django_assert_max_num_queries(10):
        assert client.get(_finvoice_url(invoice)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(_pdf_url(invoice)).status_code == 200


def test_urls_are_object_scoped() -> None:
    for name in ["finance:invoice_pdf", "finance:invoice_finvoice", "finance:run_finvoice"]:
        url = reverse(name, args=[1])
        assert url.startswith("/talous/laskutus/")
        assert access_class(resolve(url).func) == "object_scoped"


def test_a_sent_invoice_is_reprinted_with_the_details_it_was_sent_with(client) -> None:  # type: ignore[no-untyped-def]
    """The association changes its bank account after sending: the sent invoice's Finvoice (one
    and in the run's ZIP) keeps the account the buyer was told; a draft prints the new one."""
    from django.forms.models import model_to_dict

    from tupa.finance.documents.selectors import invoice_document
    from tupa.finance.invoicing.profile import FIELDS, profile_save

    old_iban, new_iban = "FI4250001510000023", "FI2112345600000785"
    ctx = setup_org()
    run = _run(ctx)
    invoice = sample(ctx, run=run)
    with scope(organisation=ctx["org"].pk):
        current = InvoicingProfile.objects.get(organisation=ctx["org"])
        assert current.iban == old_iban
        data = {**model_to_dict(current, fields=FIELDS), "iban": new_iban}
        profile_save(actor=ctx["finance"], organisation=ctx["org"], data=data)
        draft = factories.draft_invoice(ctx["org"], created_by=ctx["finance"], lines=LINES)
        draft_document = invoice_document(draft)
        assert draft_document is not None and draft_document.profile.iban == new_iban
    login_verified(client, ctx["finance"])
    message = client.get(_finvoice_url(invoice)).content
    assert old_iban.encode() in message and new_iban.encode() not in message
    response = client.get(reverse("finance:run_finvoice", args=[run.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        zipped = archive.read("finvoice-lasku-1001.xml")
    assert old_iban.encode() in zipped and new_iban.encode() not in zipped
