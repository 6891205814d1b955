"""A sent invoice's documents never change (docs/finance-documents.md, "The seller's details as
they were sent"): a reprint of its PDF or Finvoice message after the agreement was edited shows
what the buyer received — here the agreement number (``AgreementIdentifier``, "Sopimus").
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scope

from tupa.core.tests.helpers import login_verified
from tupa.finance.documents.pdf import invoice_html
from tupa.finance.documents.selectors import invoice_document
from tupa.finance.models import InvoiceRun
from tupa.finance.tests import factories
from tupa.finance.tests.test_invoicing_services import world

pytestmark = pytest.mark.django_db


def test_editing_the_agreement_leaves_a_sent_invoices_documents_as_sent(client: Any) -> None:
    ctx = world()
    factories.profile(ctx["org"])
    with scope(organisation=ctx["org"].pk):
        run = InvoiceRun.objects.create(
            organisation=ctx["org"],
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 30),
            created_by=ctx["finance"],
        )
    sent = factories.sent_invoice(
        ctx["org"],
        number=1000,
        created_by=ctx["finance"],
        buyer=ctx["phhyky"],
        agreement=ctx["agreement"],
        run=run,
        lines=[{"quantity": "2", "unit_price": "96.00", "case_reference": "PHHYKY/2026/12"}],
    )
    found = ctx["agreement"]
    with scope(organisation=ctx["org"].pk):
        found.refresh_from_db()
        found.number = "OPS-MUUTETTU"
        found.save()
    login_verified(client, ctx["finance"])
    xml = client.get(reverse("finance:invoice_finvoice", args=[sent.pk])).content.decode()
    assert "<AgreementIdentifier>OPS-1</AgreementIdentifier>" in xml
    assert "OPS-MUUTETTU" not in xml
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("finance:run_finvoice", args=[run.pk])).content)
    )
    [name] = archive.namelist()
    assert b"<AgreementIdentifier>OPS-1</AgreementIdentifier>" in archive.read(name)
    with scope(organisation=ctx["org"].pk):
        document = invoice_document(sent)
    assert document is not None
    html = invoice_html(document)
    assert "OPS-1" in html and "OPS-MUUTETTU" not in html
