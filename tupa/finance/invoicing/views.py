"""Invoicing pages under /talous/laskutus/ (docs/finance-invoicing.md).

- Runs: the list with "Uusi laskutusajo", a run's invoices and problems with "Lähetä kaikki"
  (``finance.invoicing.view`` / ``.manage``).
- Invoices: the list with filters, an invoice's page (lines with case references and the days
  they cover, totals, credit notes; send, discard, credit), the manual invoice and line forms.
- The billable basis (``finance.basis.approve``, a lead's own forms): the forms and their month,
  a form's summary with "Hyväksy laskutusperuste".

Invoices are organisation data with the buyer's case references, never a client's name or a
link to a client record: nothing here is access-logged. Whatever the user may not see answers
404, whether it exists or not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import policy
from tupa.access.finance import basis_access, basis_forms, invoice_access, run_access
from tupa.access.marks import login_only, object_scoped, organisation_id_of, user_of
from tupa.core import registry
from tupa.core.forms import apply_errors, form_page, saved_redirect, submit
from tupa.finance.invoicing import selectors, services
from tupa.finance.invoicing.basis import basis_states
from tupa.finance.invoicing.forms import (
    ApproveForm,
    CreditForm,
    InvoiceFilterForm,
    LineForm,
    ManualInvoiceForm,
    MonthForm,
    RunForm,
    SendForm,
)
from tupa.finance.models import BasisApproval, Invoice, InvoiceRun
from tupa.finance.references import (
    format_reference,
    format_rf,
    is_valid_reference,
    rf_reference,
)
from tupa.organisations.models import ServiceForm

VIEW = services.VIEW
MANAGE = services.MANAGE
PAGE_SIZE = 50


def _may_manage(request: HttpRequest, obj: Any = None) -> bool:
    return bool(policy.decide(user_of(request), MANAGE, obj))


def _invoice_url(invoice: Invoice) -> str:
    return reverse("finance:invoice", args=[invoice.pk])


def _run_url(run: InvoiceRun) -> str:
    return reverse("finance:invoice_run", args=[run.pk])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Runs -------------------------------------------------------------------------------------


def _run_form(request: HttpRequest) -> RunForm:
    start, _end = selectors.previous_month(timezone.localdate())
    return RunForm(
        request.POST if request.method == "POST" else None,
        initial={"month": f"{start:%Y-%m}", "length": 1},
    )


@login_only
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    """The invoicing runs, newest first, and the form of a new run."""
    policy.require(user_of(request), VIEW)
    may_manage = _may_manage(request)
    return render(
        request,
        "finance/invoicing/runs.html",
        {
            "runs": selectors.runs_list(organisation_id_of(request)),
            "form": _run_form(request) if may_manage else None,
            "may_manage": may_manage,
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def run_create(request: HttpRequest) -> HttpResponse:
    """ "Uusi laskutusajo": a month (or a quarter) into draft invoices."""
    user = user_of(request)
    policy.require(user, MANAGE)
    form = _run_form(request)

    def create(_data: dict[str, Any]) -> InvoiceRun:
        start, end = form.period()
        return services.run_create(
            actor=user,
            organisation=user.organisation,  # type: ignore[arg-type]
            period_start=start,
            period_end=end,
        )

    saved = saved_redirect(
        request,
        form,
        create,
        next_url=_run_url,
        success=_("Laskutusajo on tehty. Tarkista luonnokset ja huomiot."),
        field_map={"period_start": "month", "period_end": "month"},
    )
    return saved or form_page(request, "finance/invoicing/run_form.html", form, {})


def _problems(run: InvoiceRun) -> list[dict[str, Any]]:
    labels = {source.key: str(source.label) for source in registry.billable_sources.all()}
    rows = []
    for problem in run.problems or []:
        row = dict(problem)
        row["source_label"] = labels.get(str(row.get("source", "")), row.get("source", ""))
        for key in ("first_day", "last_day"):
            try:
                row[key] = dt.date.fromisoformat(str(row.get(key) or ""))
            except ValueError:
                row[key] = None
        rows.append(row)
    return rows


def _run_page(
    request: HttpRequest, run: InvoiceRun, send_form: SendForm | None = None, status: int = 200
) -> HttpResponse:
    invoices = selectors.run_invoices(run)
    may_manage = _may_manage(request, run)
    drafts = [i for i in invoices if i.status == Invoice.Status.DRAFT]
    any_sent = any(i.status == Invoice.Status.SENT for i in invoices)
    if send_form is None and may_manage and drafts:
        send_form = SendForm(initial={"invoice_date": timezone.localdate()})
    return render(
        request,
        "finance/invoicing/run.html",
        {
            "run": run,
            "invoices": invoices,
            "drafts": drafts,
            "problems": _problems(run),
            "may_manage": may_manage,
            "send_form": send_form if may_manage and drafts else None,
            "may_cancel": may_manage and run.status == InvoiceRun.Status.DRAFT and not any_sent,
            # The Finvoice messages of the sent invoices, zipped (finance:run_finvoice).
            "any_sent": any_sent,
        },
        status=status,
    )


@object_scoped
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, run_access(request, pk, VIEW).obj)


@object_scoped
@require_POST
def run_send(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Lähetä kaikki": every draft of the run gets its number and is sent."""
    run = run_access(request, pk, MANAGE).obj
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            result = services.run_send_all(
                actor=user_of(request), run=run, invoice_date=form.cleaned_data["invoice_date"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Lähetettiin %(count)s laskua.") % {"count": len(result.sent)},
            )
            for invoice, reason in result.skipped:
                messages.warning(
                    request,
                    _("Luonnosta %(buyer)s ei lähetetty: %(reason)s")
                    % {"buyer": invoice.buyer_name, "reason": reason},
                )
            return HttpResponseRedirect(_run_url(run))
    return _run_page(request, run, send_form=form, status=400)


@object_scoped
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_access(request, pk, MANAGE).obj
    try:
        services.run_cancel(actor=user_of(request), run=run)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Laskutusajo on peruttu ja sen luonnokset hylätty."))
    return HttpResponseRedirect(_run_url(run))


# --- Invoices ---------------------------------------------------------------------------------


@login_only
@require_GET
def invoices(request: HttpRequest) -> HttpResponse:
    """Invoices and credit notes with filters (status, kind, buyer), 50 a page."""
    policy.require(user_of(request), VIEW)
    form = InvoiceFilterForm(request.GET or None)
    filters = selectors.InvoiceFilter()
    if form.is_bound and form.is_valid():
        filters = selectors.InvoiceFilter(
            status=form.cleaned_data.get("status") or "",
            kind=form.cleaned_data.get("kind") or "",
            buyer=(form.cleaned_data.get("buyer") or "").strip(),
        )
    page = Paginator(
        selectors.invoices_list(organisation_id_of(request), filters), PAGE_SIZE
    ).get_page(request.GET.get("sivu"))
    query = {
        key: value
        for key, value in (
            ("status", filters.status),
            ("kind", filters.kind),
            ("buyer", filters.buyer),
        )
        if value
    }
    return render(
        request,
        "finance/invoicing/invoices.html",
        {
            "form": form,
            "page": page,
            "query": urlencode(query),
            "may_manage": _may_manage(request),
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def invoice_create(request: HttpRequest) -> HttpResponse:
    """A manual draft invoice (training fees and other one-off sales)."""
    user = user_of(request)
    policy.require(user, MANAGE)
    form = ManualInvoiceForm(
        request.POST if request.method == "POST" else None,
        buyers=selectors.buyers(organisation_id_of(request)),
    )
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.invoice_create_manual(actor=user, data=form.data_for_service()),
        success=_("Laskuluonnos on tehty. Lisää sille rivit."),
        next_url=lambda invoice: reverse("finance:invoice_line_add", args=[invoice.pk]),
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/invoicing/invoice_form.html", form, {})


def _invoice_page(
    request: HttpRequest,
    invoice: Invoice,
    send_form: SendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_manage = _may_manage(request, invoice)
    is_draft = invoice.status == Invoice.Status.DRAFT
    if send_form is None and may_manage and is_draft:
        send_form = SendForm(initial={"invoice_date": timezone.localdate()})
    lines = selectors.invoice_lines(invoice)
    reference = rf = ""
    if invoice.reference and is_valid_reference(invoice.reference):
        reference = format_reference(invoice.reference)
        rf = format_rf(rf_reference(invoice.reference))
    return render(
        request,
        "finance/invoicing/invoice.html",
        {
            "invoice": invoice,
            "lines": lines,
            "reference": reference,
            "rf_reference": rf,
            "credit_notes": selectors.credit_notes(invoice)
            if invoice.kind == Invoice.Kind.INVOICE
            else [],
            "may_manage": may_manage,
            "is_draft": is_draft,
            "send_form": send_form if may_manage and is_draft else None,
            "may_credit": may_manage and invoice.is_sent and invoice.kind == Invoice.Kind.INVOICE,
        },
        status=status,
    )


@object_scoped
@require_GET
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_page(request, invoice_access(request, pk, VIEW).obj)


@object_scoped
@require_POST
def invoice_send(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_access(request, pk, MANAGE).obj
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            sent = services.invoice_send(
                actor=user_of(request),
                invoice=invoice,
                invoice_date=form.cleaned_data["invoice_date"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Lasku %(number)s on lähetetty.") % {"number": sent.number})
            return HttpResponseRedirect(_invoice_url(sent))
    return _invoice_page(request, invoice, send_form=form, status=400)


@object_scoped
@require_POST
def invoice_discard(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_access(request, pk, MANAGE).obj
    try:
        services.invoice_discard(actor=user_of(request), invoice=invoice)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Laskuluonnos on hylätty."))
    return HttpResponseRedirect(_invoice_url(invoice))


@object_scoped
@require_http_methods(["GET", "POST"])
def invoice_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_access(request, pk, MANAGE).obj
    if invoice.status != Invoice.Status.DRAFT:
        messages.error(request, _("Lähetettyä laskua ei voi muuttaa. Tee korjaus hyvityslaskulla."))
        return HttpResponseRedirect(_invoice_url(invoice))
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        messages.error(request, " ".join(services.credit_note_refusal().messages))
        return HttpResponseRedirect(_invoice_url(invoice))
    user = user_of(request)
    form = LineForm(
        request.POST if request.method == "POST" else None,
        service_forms=selectors.service_forms(invoice.organisation_id),
        initial={"vat_rate": 0, "quantity": 1},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.line_add(
            actor=user,
            invoice=invoice,
            item=data["item"],
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            vat_rate=data["vat_rate"],
            unit=data.get("unit") or "",
            service_form=data.get("service_form"),
            case_reference=data.get("case_reference") or "",
        ),
        success=_("Rivi on lisätty."),
        next_url=_invoice_url(invoice),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "finance/invoicing/line_form.html",
        form,
        {"invoice": invoice, "lines": selectors.invoice_lines(invoice)},
    )


@object_scoped
@require_POST
def invoice_line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    invoice = invoice_access(request, pk, MANAGE).obj
    line = selectors.line_of(invoice, line_pk)
    if line is None:
        raise Http404
    try:
        services.line_remove(actor=user_of(request), line=line)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Rivi on poistettu."))
    return HttpResponseRedirect(_invoice_url(invoice))


@object_scoped
@require_http_methods(["GET", "POST"])
def invoice_credit(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Hyvitä": a draft credit note of all or chosen lines of a sent invoice."""
    invoice = invoice_access(request, pk, MANAGE).obj
    if not invoice.is_sent or invoice.kind != Invoice.Kind.INVOICE:
        raise Http404
    user = user_of(request)
    form = CreditForm(
        request.POST if request.method == "POST" else None,
        invoice=invoice,
        exclude=services.credited_line_ids(invoice),
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.credit_note_create(
            actor=user,
            invoice=invoice,
            lines=list(data["lines"]) or None,
            reason=data["reason"],
        ),
        success=_("Hyvityslaskun luonnos on tehty. Tarkista se ja lähetä."),
        next_url=_invoice_url,
        denied_as_404=True,
    )
    return saved or form_page(
        request, "finance/invoicing/credit_form.html", form, {"invoice": invoice}
    )


# --- The billable basis -----------------------------------------------------------------------


def _month(request: HttpRequest, source: Any) -> tuple[MonthForm, tuple[dt.date, dt.date]]:
    default = selectors.previous_month(timezone.localdate())
    form = MonthForm(source if source.get("kuukausi") else None)
    if form.is_bound and form.is_valid():
        return form, form.period()
    if not form.is_bound:
        form = MonthForm(initial={"kuukausi": f"{default[0]:%Y-%m}"})
    return form, default


@login_only
@require_GET
def basis_list(request: HttpRequest) -> HttpResponse:
    """The forms whose billable basis the lead approves, with the month's state."""
    forms = basis_forms(request)
    if not forms:
        raise Http404
    month_form, (start, end) = _month(request, request.GET)
    return render(
        request,
        "finance/invoicing/basis_list.html",
        {
            "month_form": month_form,
            "start": start,
            "end": end,
            "month": f"{start:%Y-%m}",
            "states": basis_states(organisation_id_of(request), forms, start, end),
        },
    )


def _basis_url(form: ServiceForm, start: dt.date) -> str:
    return (
        reverse("finance:basis_form", args=[form.slug])
        + "?"
        + urlencode({"kuukausi": f"{start:%Y-%m}"})
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def basis_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A form's billable basis of a month: the summary and "Hyväksy laskutusperuste"."""
    form = basis_access(request, slug).obj
    month_form, (start, end) = _month(
        request, request.POST if request.method == "POST" else request.GET
    )
    approve_form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and month_form.is_bound and month_form.is_valid():
        done = submit(
            approve_form,
            lambda data: services.basis_approve(
                actor=user_of(request),
                service_form=form,
                period_start=start,
                period_end=end,
                note=data.get("note") or "",
            ),
            denied_as_404=True,
        )
        if done.ok:
            messages.success(request, _("Laskutusperuste on hyväksytty."))
            return HttpResponseRedirect(_basis_url(form, start))
    elif request.method == "POST":
        approve_form.is_valid()
        approve_form.add_error(None, _("Valitse kuukausi."))
    [state] = basis_states(organisation_id_of(request), [form], start, end)
    return render(
        request,
        "finance/invoicing/basis_form.html",
        {
            "service_form": form,
            "month_form": month_form,
            "approve_form": approve_form,
            "state": state,
            "start": start,
            "end": end,
            "month": f"{start:%Y-%m}",
            "unfinished": end >= timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@object_scoped
@require_POST
def basis_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    form = basis_access(request, slug).obj
    try:
        pk = int(request.POST.get("approval", ""))
    except ValueError:
        raise Http404 from None
    approval = BasisApproval.objects.filter(
        pk=pk, service_form=form, withdrawn_at__isnull=True
    ).first()
    if approval is None:
        raise Http404
    try:
        services.basis_withdraw(actor=user_of(request), approval=approval)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Hyväksyntä on peruttu."))
    return HttpResponseRedirect(_basis_url(form, approval.period_start))
