"""The payments pages under /talous/suoritukset/ (rules ``finance.invoicing.view`` to read,
``finance.invoicing.manage`` to import, record and match).

The open / overdue / overpaid invoices with totals and their CSV/XLSX export; the bank
statement import (upload → columns and dry run → confirm; between the steps the file waits in
the user's session, never on disk, and is removed when stored or cancelled); the unmatched
payments and "Kohdista laskuun"; a payment entered by hand. Payments are organisation data, not
client data: nothing is access-logged. Everyone else gets 404.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access.finance import payment_access
from tupa.access.marks import login_only, object_scoped, organisation_id_of, user_of
from tupa.core.forms import form_page, saved_redirect, submit
from tupa.core.params import plain_int
from tupa.core.spreadsheets import csv_response, finnish_csv, xlsx, xlsx_response
from tupa.finance.payments import bank, exports, selectors, services
from tupa.finance.payments.forms import MappingForm, MatchForm, PaymentForm, UploadForm
from tupa.finance.payments.selectors import OpenView

VIEW = "finance.invoicing.view"
MANAGE = services.MANAGE
SESSION_KEY = "finance_payment_import"


@login_only
@require_GET
def payments(request: HttpRequest) -> HttpResponse:
    """The open, overdue and overpaid invoices (tabs), their totals and the export."""
    user = user_of(request)
    policy.require(user, VIEW)
    organisation_id = organisation_id_of(request)
    today = timezone.localdate()
    view = request.GET.get("nakyma", OpenView.OPEN)
    if view not in OpenView.values:
        view = OpenView.OPEN
    lists = selectors.open_lists(organisation_id, today)
    rows = lists.rows(view)
    export = request.GET.get("muoto")
    if export in ("csv", "xlsx"):
        header, table = exports.open_list_table(rows)
        name = f"{view}-{today:%Y-%m-%d}"
        if export == "csv":
            return csv_response(finnish_csv(header, table), f"{name}.csv")
        title = str(OpenView(view).label)
        return xlsx_response(xlsx(title, header, table), f"{name}.xlsx")
    tabs = [
        (value, label, len(lists.rows(value)), value == view) for value, label in OpenView.choices
    ]
    return render(
        request,
        "finance/payments/list.html",
        {
            "view": view,
            "view_label": OpenView(view).label,
            "tabs": tabs,
            "rows": rows,
            "totals": selectors.totals_of(rows),
            "open_totals": selectors.totals_of(lists.open),
            "overdue_totals": selectors.totals_of(lists.overdue),
            "today": today,
            "unmatched_count": selectors.unmatched_count(organisation_id),
            "may_manage": bool(policy.decide(user, MANAGE)),
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1 of the bank import: choose the file."""
    policy.require(user_of(request), MANAGE)
    organisation_id = organisation_id_of(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":

        def read(data: dict[str, Any]) -> bank.Statement:
            raw = data["file"].read(bank.MAX_BYTES + 1)
            try:
                statement = bank.read(raw)
            except ValidationError as error:
                raise ValidationError({"file": error.messages}) from error
            request.session[SESSION_KEY] = {
                "organisation": organisation_id,
                "file": base64.b64encode(raw).decode("ascii"),
                "name": str(data["file"].name)[:200],
                "format": statement.file_format,
                "mapping": (
                    {str(k): v for k, v in bank.guess_mapping(statement.table.header).items()}
                    if statement.table is not None
                    else None
                ),
            }
            return statement

        done = submit(form, read)
        if done.ok:
            return HttpResponseRedirect(reverse("finance:payment_import_review"))
    return render(
        request,
        "finance/payments/upload.html",
        {
            "form": form,
            "imports": selectors.recent_imports(organisation_id),
            "file_was_sent": request.method == "POST" and bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


def _pending(request: HttpRequest, organisation_id: int) -> tuple[dict[str, Any], bytes] | None:
    data = request.session.get(SESSION_KEY)
    if not data or data.get("organisation") != organisation_id:
        return None
    return data, base64.b64decode(data["file"])


@login_only
@require_http_methods(["GET", "POST"])
def import_review(request: HttpRequest) -> HttpResponse:
    """Step 2: the columns of a CSV (pre-filled from its header) and the dry run; step 3: the
    confirmation stores every payment or none."""
    user = user_of(request)
    policy.require(user, MANAGE)
    organisation_id = organisation_id_of(request)
    upload_url = reverse("finance:payment_import")
    pending = _pending(request, organisation_id)
    if pending is None:
        messages.info(request, _("Aloita tuonti valitsemalla tiedosto."))
        return HttpResponseRedirect(upload_url)
    data, raw = pending
    if request.method == "POST" and "peru" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("Tuonti peruttiin; mitään ei tallennettu."))
        return HttpResponseRedirect(upload_url)
    today = timezone.localdate()
    statement = bank.read(raw)
    form: MappingForm | None = None
    mapping: dict[int, str] | None = None
    if statement.table is not None:
        initial = {f"col_{k}": v for k, v in (data.get("mapping") or {}).items()}
        form = MappingForm(
            request.POST if request.method == "POST" else None,
            header=statement.table.header,
            initial=initial,
        )
        if form.is_bound and form.is_valid():
            mapping = form.mapping()
            data["mapping"] = {str(k): v for k, v in mapping.items()}
            request.session[SESSION_KEY] = data
        elif not form.is_bound:
            mapping = {int(k): v for k, v in (data.get("mapping") or {}).items()}
    plan: services.ImportPlan | None = None
    problems: list[str] = []
    status = 200
    if statement.table is None or mapping is not None:
        try:
            _statement, rows = services.statement_rows(raw, mapping)
            plan = services.plan_import(
                organisation_id,
                rows,
                sha256=statement.sha256,
                file_format=statement.file_format,
                today=today,
            )
        except ValidationError as error:
            problems = error.messages
    if request.method == "POST":
        if problems or plan is None or not plan.ok:
            status = 400
        elif "tallenna" in request.POST:
            try:
                batch = services.payment_import_commit(
                    actor=user,
                    file_name=data["name"],
                    data=raw,
                    mapping=mapping,
                    today=today,
                )
            except ValidationError as error:
                problems = error.messages
                status = 400
            else:
                request.session.pop(SESSION_KEY, None)
                count = batch.payments.count()
                unmatched = len(plan.unmatched)
                messages.success(
                    request,
                    ngettext(
                        "Tuotiin %(n)s suoritus, kohdistamattomia %(u)s.",
                        "Tuotiin %(n)s suoritusta, kohdistamattomia %(u)s.",
                        count,
                    )
                    % {"n": count, "u": unmatched},
                )
                target = "finance:payments_unmatched" if unmatched else "finance:payments"
                return HttpResponseRedirect(reverse(target))
    return render(
        request,
        "finance/payments/review.html",
        {
            "form": form,
            "plan": plan,
            "problems": problems,
            "file_name": data["name"],
            "file_format": statement.file_format,
            "header": statement.table.header if statement.table else [],
            "sample": statement.table.rows[:3] if statement.table else [],
        },
        status=status,
    )


@login_only
@require_GET
def unmatched(request: HttpRequest) -> HttpResponse:
    """Payments that matched no invoice, to be matched by hand."""
    user = user_of(request)
    policy.require(user, VIEW)
    return render(
        request,
        "finance/payments/unmatched.html",
        {
            "payments": selectors.unmatched_payments(organisation_id_of(request)),
            "may_manage": bool(policy.decide(user, MANAGE)),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def payment_match(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Kohdista laskuun": an unmatched payment to an open invoice."""
    payment = payment_access(request, pk, MANAGE).obj
    if payment.invoice_id is not None:
        messages.info(request, _("Suoritus on jo kohdistettu laskuun."))
        return HttpResponseRedirect(reverse("finance:payments_unmatched"))
    balances = selectors.open_invoice_choices(payment.organisation_id, timezone.localdate())
    by_pk = {b.invoice.pk: b for b in balances}
    form = MatchForm(request.POST if request.method == "POST" else None, balances=balances)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.payment_match(
            actor=user_of(request), payment=payment, invoice=by_pk[data["invoice"]].invoice
        ),
        success=_("Suoritus on kohdistettu laskuun."),
        next_url=reverse("finance:payments_unmatched"),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "finance/payments/match.html",
        form,
        {"payment": payment, "suggested": [b for b in balances if b.open == payment.amount]},
    )


@login_only
@require_http_methods(["GET", "POST"])
def payment_create(request: HttpRequest) -> HttpResponse:
    """A payment entered by hand and matched to an open invoice."""
    user = user_of(request)
    policy.require(user, MANAGE)
    balances = selectors.open_invoice_choices(organisation_id_of(request), timezone.localdate())
    by_pk = {b.invoice.pk: b for b in balances}
    initial: dict[str, Any] = {"paid_on": timezone.localdate()}
    wanted = plain_int(request.GET.get("lasku"))
    if wanted is not None and wanted in by_pk:
        initial["invoice"] = wanted
        initial["amount"] = by_pk[wanted].open
    form = PaymentForm(
        request.POST if request.method == "POST" else None, balances=balances, initial=initial
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.payment_record(
            actor=user,
            invoice=by_pk[data["invoice"]].invoice,
            paid_on=data["paid_on"],
            amount=data["amount"],
            payer_name=data["payer_name"],
            reference=data["reference"],
            archive_id=data["archive_id"],
            note=data["note"],
        ),
        success=_("Suoritus on kirjattu."),
        next_url=reverse("finance:payments"),
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/payments/payment_form.html", form, {})
