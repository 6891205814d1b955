"""The journal export page /talous/kirjanpito/ (rule ``finance.invoicing.manage``: "export the
journal"): a period, a preview of the vouchers and the CSV / XLSX file."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import policy
from tupa.access.marks import login_only, organisation_id_of, user_of
from tupa.core.forms import previous_month_period
from tupa.core.spreadsheets import csv_response, finnish_csv, xlsx, xlsx_response
from tupa.finance.journal import journal as journal_module
from tupa.finance.journal.forms import JournalForm

MANAGE = "finance.invoicing.manage"
#: The preview shows at most this many rows; the file has all.
PREVIEW_ROWS = 300


@login_only
@require_GET
def journal_export(request: HttpRequest) -> HttpResponse:
    policy.require(user_of(request), MANAGE)
    bound = "start" in request.GET
    form = JournalForm(
        request.GET if bound else None, initial=previous_month_period(timezone.localdate())
    )
    found = None
    if bound and form.is_valid():
        data = form.cleaned_data
        found = journal_module.journal(
            organisation_id_of(request),
            data["start"],
            data["end"],
            bank_account=data["bank_account"],
        )
        export = request.GET.get("muoto")
        if export in ("csv", "xlsx"):
            name = f"kirjanpito-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
            header, table = journal_module.header(), journal_module.table(found)
            if export == "csv":
                return csv_response(finnish_csv(header, table), f"{name}.csv")
            return xlsx_response(xlsx(_("Kirjanpito"), header, table), f"{name}.xlsx")
    rows = found.rows if found else []
    return render(
        request,
        "finance/payments/journal.html",
        {
            "form": form,
            "journal": found,
            "rows": rows[:PREVIEW_ROWS],
            "cut": max(len(rows) - PREVIEW_ROWS, 0),
            "query": request.GET.urlencode() if found else "",
        },
        status=400 if bound and form.errors else 200,
    )
