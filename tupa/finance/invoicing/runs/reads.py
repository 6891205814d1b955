"""What a run's plan reads besides the items: the agreements, the approvals, what was invoiced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tupa.core.registry import BillableItem
from tupa.finance.invoicing.basis import (
    fingerprint,
)
from tupa.finance.models import Agreement, BasisApproval, Invoice, InvoiceLine, PriceRow

from .values import (
    Interval,
    InvoiceKey,
    LineKey,
)


class AgreementBook:
    """The organisation's agreements valid at some point of a period with their forms,
    municipalities and prices, loaded once (four queries): the in-memory twin of
    :func:`tupa.finance.agreements.selectors.agreement_for` and ``price_on``, same rules."""

    def __init__(self, organisation_id: int, start: dt.date, end: dt.date) -> None:
        self.agreements = list(
            Agreement.objects.filter(organisation_id=organisation_id, valid_from__lte=end)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
            .select_related("buyer")
            .prefetch_related("service_forms", "municipalities", "prices")
            .order_by("-valid_from", "pk")
        )
        self.by_pk = {a.pk: a for a in self.agreements}
        self._forms = {a.pk: {f.pk for f in a.service_forms.all()} for a in self.agreements}
        self._municipalities = {
            a.pk: {m.pk for m in a.municipalities.all()} for a in self.agreements
        }

    @staticmethod
    def _valid(agreement: Agreement, day: dt.date) -> bool:
        return agreement.valid_from <= day and (
            agreement.valid_until is None or day <= agreement.valid_until
        )

    def for_buyer(self, partner_id: int, service_form_id: int, day: dt.date) -> Agreement | None:
        for agreement in self.agreements:
            if (
                agreement.buyer_id == partner_id
                and service_form_id in self._forms[agreement.pk]
                and self._valid(agreement, day)
            ):
                return agreement
        return None

    def for_municipality(
        self, municipality_id: int, service_form_id: int, day: dt.date
    ) -> Agreement | None:
        for agreement in self.agreements:
            if (
                municipality_id in self._municipalities[agreement.pk]
                and service_form_id in self._forms[agreement.pk]
                and self._valid(agreement, day)
            ):
                return agreement
        return None

    def price(
        self, agreement: Agreement, item: str, meeting_type: str, day: dt.date
    ) -> PriceRow | None:
        if not self._valid(agreement, day):
            return None
        rows = [
            row
            for row in agreement.prices.all()
            if row.item == item and row.meeting_type == meeting_type and row.covers(day)
        ]
        return min(rows, key=lambda r: r.valid_from) if rows else None


class Approvals:
    """The active approvals of the forms, each checked against the records of now."""

    def __init__(self, approvals: list[BasisApproval], items: list[BillableItem]) -> None:
        by_form: dict[int, list[BillableItem]] = {}
        for item in items:
            by_form.setdefault(item.service_form_id, []).append(item)
        self._approvals: dict[int, list[tuple[BasisApproval, bool]]] = {}
        for approval in approvals:
            mine = [
                i
                for i in by_form.get(approval.service_form_id, [])
                if approval.period_start <= i.day <= approval.period_end
            ]
            valid = fingerprint(mine) == approval.fingerprint
            self._approvals.setdefault(approval.service_form_id, []).append((approval, valid))
        self._cache: dict[tuple[int | None, dt.date, dt.date], str] = {}

    def problem(self, service_form_id: int | None, first: dt.date, last: dt.date) -> str:
        """ "" when every day of ``first..last`` is covered by valid approvals of the form, else
        the Finnish reason."""
        key = (service_form_id, first, last)
        if key not in self._cache:
            self._cache[key] = self._problem(service_form_id, first, last)
        return self._cache[key]

    def _problem(self, service_form_id: int | None, first: dt.date, last: dt.date) -> str:
        if service_form_id is None:
            return ""
        found = [
            (a, valid)
            for a, valid in self._approvals.get(service_form_id, [])
            if a.period_start <= last and a.period_end >= first
        ]
        if any(not valid for _a, valid in found):
            return _(
                "Kirjaukset ovat muuttuneet laskutusperusteen hyväksynnän jälkeen; työmuodon "
                "vastaavan on hyväksyttävä peruste uudelleen."
            )
        day = first
        for approval, _valid in sorted(found, key=lambda f: f[0].period_start):
            if approval.period_start > day:
                break
            day = max(day, approval.period_end + dt.timedelta(days=1))
        if day <= last:
            return _("Työmuodon vastaava ei ole hyväksynyt laskutusperustetta.")
        return ""


def merged_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """The date intervals (both ends inclusive) with the overlapping ones joined, in order."""
    merged: list[list[dt.date]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


def invoiced_lines(organisation_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The source lines of sent invoices and credit notes whose period touches ``start..end``,
    each with the period it accounts for (``span``): the invoice's period, or a difference
    line's own corrected period."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in InvoiceLine.objects.filter(
            invoice__organisation_id=organisation_id,
            invoice__status=Invoice.Status.SENT,
            invoice__period_start__isnull=False,
            invoice__period_end__isnull=False,
        )
        .exclude(source="")
        .filter(
            Q(is_difference=False, invoice__period_start__lte=end, invoice__period_end__gte=start)
            | Q(
                is_difference=True,
                billed_period_start__lte=end,
                billed_period_end__gte=start,
            )
        )
        .values(
            "invoice__buyer_id",
            "invoice__buyer_name",
            "invoice__agreement_id",
            "invoice__period_start",
            "invoice__period_end",
            "service_form_id",
            "source",
            "group_key",
            "item",
            "meeting_type",
            "case_reference",
            "price_row_id",
            "unit_price",
            "vat_rate",
            "quantity",
            "is_difference",
            "billed_period_start",
            "billed_period_end",
            "records",
        )
    ]
    for row in rows:
        if row["is_difference"] and row["billed_period_start"] and row["billed_period_end"]:
            row["span"] = (row["billed_period_start"], row["billed_period_end"])
        else:
            row["span"] = (row["invoice__period_start"], row["invoice__period_end"])
    return rows


def line_key_of_invoiced(row: dict[str, Any]) -> LineKey:
    """The line key an invoiced line (a row of :func:`invoiced_lines`) was summed under."""
    buyer_id = row["invoice__buyer_id"]
    return LineKey(
        invoice=InvoiceKey(
            buyer_id=buyer_id,
            buyer_name="" if buyer_id else row["invoice__buyer_name"],
            agreement_id=row["invoice__agreement_id"],
        ),
        service_form_id=row["service_form_id"],
        source=row["source"],
        group_key=row["group_key"],
        item=row["item"],
        meeting_type=row["meeting_type"],
        case_reference=row["case_reference"],
        price_row_id=row["price_row_id"],
        unit_price=row["unit_price"],
        vat_rate=row["vat_rate"],
    )
