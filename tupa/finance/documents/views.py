"""Invoice documents under /talous/laskutus/ (rule ``finance.invoicing.view``).

- ``laskut/<id>/pdf/``: the invoice or credit note as a PDF (a draft with a "LUONNOS"
  watermark, no number and no barcode);
- ``laskut/<id>/finvoice/``: the Finvoice 3.0 message of a sent invoice (404 for a draft);
- ``ajot/<id>/finvoice/``: the Finvoice messages of a run's sent invoices as one ZIP.

Downloads only (``Content-Disposition: attachment``, ``Cache-Control: no-store``). Invoices hold
amounts and case references, not client records, so nothing is access-logged. Another
organisation's invoice or run, a discarded draft, or a user without the rule gets 404.
"""

from __future__ import annotations

import io
import zipfile

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tupa.access.finance import invoice_access, run_access
from tupa.access.marks import object_scoped
from tupa.core.downloads import download
from tupa.finance.documents import selectors
from tupa.finance.documents.finvoice import document_xml, finvoice_filename
from tupa.finance.documents.pdf import invoice_pdf as render_pdf
from tupa.finance.documents.pdf import pdf_filename
from tupa.finance.models import Invoice

VIEW = "finance.invoicing.view"


def _document(invoice: Invoice) -> selectors.InvoiceDocument:
    document = selectors.invoice_document(invoice)
    if document is None:  # no invoicing profile: nothing to print the seller from
        raise Http404
    return document


@object_scoped
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice (or a draft's preview) as an A4 PDF."""
    invoice = invoice_access(request, pk, VIEW).obj
    if invoice.status == Invoice.Status.DISCARDED:
        raise Http404
    return download(render_pdf(_document(invoice)), "application/pdf", pdf_filename(invoice))


@object_scoped
@require_GET
def invoice_finvoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The Finvoice 3.0 message of a sent invoice or credit note."""
    invoice = invoice_access(request, pk, VIEW).obj
    if not invoice.is_sent:
        raise Http404
    return download(
        document_xml(_document(invoice)),
        "application/xml; charset=utf-8",
        finvoice_filename(invoice),
    )


@object_scoped
@require_GET
def run_finvoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The Finvoice messages of a run's sent invoices, one XML file each, in a ZIP."""
    run = run_access(request, pk, VIEW).obj
    invoices = selectors.sent_invoices_of_run(run)
    current = selectors.profile_of(run.organisation_id)
    if not invoices or current is None:
        raise Http404
    buffer = io.BytesIO()
    sellers = selectors.sellers_of(invoices, current)
    selectors.agreements_as_sent(invoices)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            document = selectors.document_of(
                invoice, organisation=current.organisation, profile=sellers[invoice.pk]
            )
            archive.writestr(finvoice_filename(invoice), document_xml(document))
    filename = f"finvoice-ajo-{run.pk}-{run.period_start:%Y-%m}.zip"
    return download(buffer.getvalue(), "application/zip", filename)
