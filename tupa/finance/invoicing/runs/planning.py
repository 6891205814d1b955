"""The plan of a run: each item resolved to a buyer, a price and a line, or a problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tupa.core.months import add_months
from tupa.core.registry import BillableItem
from tupa.finance.invoicing.basis import (
    active_approvals,
    as_decimal,
    collect_items,
    item_label,
)
from tupa.finance.models import Agreement
from tupa.finance.models.agreements import InvoicingInterval
from tupa.organisations.models import Partner, ServiceForm

from .reads import AgreementBook, Approvals, invoiced_lines, line_key_of_invoiced, merged_intervals
from .values import (
    LOOKBACK_MONTHS,
    ZERO,
    Interval,
    InvoiceKey,
    LineKey,
    Plan,
    PlannedLine,
    Problem,
    is_whole_quarters,
)


@dataclass(frozen=True)
class Resolved:
    key: LineKey | None
    problem: str
    agreement: Agreement | None = None


class Resolver:
    """Buyer and price of an item (cached per distinct payer, form, priced thing and day)."""

    def __init__(self, book: AgreementBook, partners: dict[int, Partner]) -> None:
        self.book = book
        self.partners = partners
        self._cache: dict[tuple[Any, ...], Resolved] = {}

    def resolve(self, item: BillableItem) -> Resolved:
        unit_price = None if item.unit_price is None else as_decimal(item.unit_price)
        cache_key = (
            item.payer_id,
            item.municipality_id,
            item.buyer_name,
            item.service_form_id,
            item.item,
            item.meeting_type,
            item.day,
            unit_price,
        )
        if cache_key not in self._cache:
            self._cache[cache_key] = self._resolve(item, unit_price)
        found = self._cache[cache_key]
        if found.key is None:
            return found
        key = LineKey(
            invoice=found.key.invoice,
            service_form_id=item.service_form_id,
            source=item.source,
            group_key=item.group_key,
            item=item.item,
            meeting_type=item.meeting_type,
            case_reference=item.case_reference,
            price_row_id=found.key.price_row_id,
            unit_price=found.key.unit_price,
            vat_rate=found.key.vat_rate,
        )
        return Resolved(key, "", found.agreement)

    def _resolve(self, item: BillableItem, unit_price: Decimal | None) -> Resolved:
        agreement: Agreement | None = None
        buyer_id: int | None = None
        buyer_name = ""
        if item.payer_id is not None:
            partner = self.partners.get(item.payer_id)
            if partner is None:
                return Resolved(None, _("Ostaja puuttuu: maksajaa ei löydy kumppanirekisteristä."))
            buyer_id = partner.pk
            agreement = self.book.for_buyer(partner.pk, item.service_form_id, item.day)
        elif item.municipality_id is not None:
            agreement = self.book.for_municipality(
                item.municipality_id, item.service_form_id, item.day
            )
            if agreement is None:
                return Resolved(
                    None,
                    _(
                        "Ostaja puuttuu: kotikunnalla ei ole tälle päivälle voimassa olevaa sopimusta."
                    ),
                )
            buyer_id = agreement.buyer_id
        elif item.buyer_name.strip():
            buyer_name = item.buyer_name.strip()[:200]
        else:
            return Resolved(None, _("Ostaja puuttuu: kirjauksella ei ole maksajaa."))
        row = (
            self.book.price(agreement, item.item, item.meeting_type, item.day)
            if agreement is not None
            else None
        )
        if row is not None:
            price, vat, row_id = row.amount, row.vat_rate, row.pk
        elif unit_price is not None:
            price, vat, row_id = unit_price, ZERO, None
        else:
            return Resolved(None, _("Hinta puuttuu: sopimuksessa ei ole tälle päivälle hintaa."))
        key = LineKey(
            invoice=InvoiceKey(
                buyer_id=buyer_id,
                buyer_name=buyer_name,
                agreement_id=agreement.pk if agreement else None,
            ),
            service_form_id=item.service_form_id,
            source="",
            group_key="",
            item=item.item,
            meeting_type=item.meeting_type,
            case_reference="",
            price_row_id=row_id,
            unit_price=price,
            vat_rate=vat,
        )
        return Resolved(key, "", agreement)


class Problems:
    def __init__(self, forms: dict[int, str]) -> None:
        self.forms = forms
        self._found: dict[tuple[Any, ...], Problem] = {}

    def add(self, reason: str, item: BillableItem) -> None:
        self.add_days(
            reason,
            source=item.source,
            service_form_id=item.service_form_id,
            case_reference=item.case_reference,
            item=item.item,
            days=(item.day,),
            quantity=as_decimal(item.quantity),
        )

    def add_days(
        self,
        reason: str,
        *,
        source: str,
        service_form_id: int | None,
        case_reference: str,
        item: str,
        days: Iterable[dt.date],
        quantity: Decimal,
    ) -> None:
        key = (reason, source, service_form_id, case_reference, item)
        problem = self._found.get(key)
        if problem is None:
            problem = self._found[key] = Problem(
                reason, source, service_form_id, case_reference, item
            )
        for n, day in enumerate(days):
            problem.add(day, quantity if n == 0 else ZERO)

    def as_json(self) -> list[dict[str, Any]]:
        rows = []
        for p in sorted(
            self._found.values(),
            key=lambda p: (self.forms.get(p.service_form_id or 0, ""), p.case_reference, p.item),
        ):
            rows.append(
                {
                    "reason": p.reason,
                    "source": p.source,
                    "service_form": self.forms.get(p.service_form_id or 0, ""),
                    "service_form_id": p.service_form_id,
                    "case_reference": p.case_reference,
                    "item": item_label(p.item),
                    "quantity": format(p.quantity.normalize(), "f"),
                    "first_day": p.first_day.isoformat() if p.first_day else "",
                    "last_day": p.last_day.isoformat() if p.last_day else "",
                }
            )
        return rows


def plan_run(organisation_id: int, start: dt.date, end: dt.date) -> Plan:
    """The lines and problems of a run of ``start..end`` (nothing is written). Call inside the
    organisation's scope."""
    lookback = add_months(start, -LOOKBACK_MONTHS)
    invoiced = invoiced_lines(organisation_id, lookback, end)
    spans: dict[tuple[str, str], list[Interval]] = {}
    for row in invoiced:
        spans.setdefault((row["source"], row["group_key"]), []).append(row["span"])
    covered = {group: merged_intervals(found) for group, found in spans.items()}

    first = min([start, *(iv[0] for ivs in covered.values() for iv in ivs)])
    last = max([end, *(iv[1] for ivs in covered.values() for iv in ivs)])
    approvals = active_approvals(organisation_id, first, last)
    if approvals:
        first = min(first, *(a.period_start for a in approvals))
        last = max(last, *(a.period_end for a in approvals))
    items = collect_items(organisation_id, first, last)

    checks = Approvals(approvals, items)
    book = AgreementBook(organisation_id, first, last)
    payer_ids = {i.payer_id for i in items if i.payer_id is not None}
    payer_ids |= {row["invoice__buyer_id"] for row in invoiced if row["invoice__buyer_id"]}
    payer_ids |= {a.buyer_id for a in book.agreements}
    partners = {
        p.pk: p for p in Partner.objects.filter(organisation_id=organisation_id, pk__in=payer_ids)
    }
    forms = dict(
        ServiceForm.objects.filter(organisation_id=organisation_id).values_list("pk", "name")
    )
    resolver = Resolver(book, partners)
    problems = Problems(forms)
    quarterly_ok = is_whole_quarters(start, end)

    normal: dict[LineKey, PlannedLine] = {}
    by_span: dict[tuple[str, str, Interval], list[BillableItem]] = {}
    for item in items:
        group = (item.source, item.group_key)
        span = next((iv for iv in covered.get(group, []) if iv[0] <= item.day <= iv[1]), None)
        if span is not None:
            by_span.setdefault((item.source, item.group_key, span), []).append(item)
            continue
        if not start <= item.day <= end:
            continue
        reason = checks.problem(item.service_form_id, item.day, item.day)
        if reason:
            problems.add(reason, item)
            continue
        found = resolver.resolve(item)
        if found.key is None:
            problems.add(found.problem, item)
            continue
        if (
            found.agreement is not None
            and found.agreement.invoicing_interval == InvoicingInterval.QUARTERLY
            and not quarterly_ok
        ):
            problems.add(
                _(
                    "Sopimus %(number)s laskutetaan neljännesvuosittain: tee laskutusajo koko "
                    "neljännekseltä."
                )
                % {"number": found.agreement.number},
                item,
            )
            continue
        line = normal.setdefault(found.key, PlannedLine(found.key, detail=item.description))
        line.add(item.day, as_decimal(item.quantity), item.records)

    differences: list[PlannedLine] = []
    invoiced_by_span: dict[tuple[str, str, Interval], list[dict[str, Any]]] = {}
    for row in invoiced:
        group = (row["source"], row["group_key"])
        span = next(iv for iv in covered[group] if iv[0] <= row["span"][0] <= iv[1])
        invoiced_by_span.setdefault((*group, span), []).append(row)
    for (source, group_key, span), rows in sorted(
        invoiced_by_span.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])
    ):
        current = by_span.get((source, group_key, span), [])
        form_ids = {i.service_form_id for i in current} | {r["service_form_id"] for r in rows}
        reason = next(
            (r for r in (checks.problem(f, *span) for f in sorted(form_ids, key=str)) if r), ""
        )
        resolved = [(item, resolver.resolve(item)) for item in current]
        if not reason:
            reason = next((found.problem for _i, found in resolved if found.key is None), "")
        if reason:
            held = _("Korjausta ei voitu laskea: %(reason)s") % {"reason": reason}
            things = {
                (r["service_form_id"], r["case_reference"], r["item"], r["meeting_type"])
                for r in rows
            } | {(i.service_form_id, i.case_reference, i.item, i.meeting_type) for i in current}
            for form_id, reference, priced, meeting_type in sorted(things, key=str):
                quantity = sum(
                    (
                        as_decimal(i.quantity)
                        for i in current
                        if (i.service_form_id, i.case_reference, i.item, i.meeting_type)
                        == (form_id, reference, priced, meeting_type)
                    ),
                    ZERO,
                )
                problems.add_days(
                    held,
                    source=source,
                    service_form_id=form_id,
                    case_reference=reference,
                    item=priced,
                    days=span,
                    quantity=quantity,
                )
            continue
        now: dict[LineKey, PlannedLine] = {}
        for item, found in resolved:
            assert found.key is not None
            line = now.setdefault(found.key, PlannedLine(found.key, detail=item.description))
            line.add(item.day, as_decimal(item.quantity), item.records)
        before: dict[LineKey, Decimal] = {}
        before_records: dict[LineKey, set[tuple[str, int]]] = {}
        for row in rows:
            key = line_key_of_invoiced(row)
            before[key] = before.get(key, ZERO) + row["quantity"]
            before_records.setdefault(key, set()).update(
                (str(label), int(pk))
                for label, pk in row["records"] or []
                if label != "finance.invoiceline"
            )
        for key in sorted(set(now) | set(before), key=_sort_key):
            delta = (now[key].quantity if key in now else ZERO) - before.get(key, ZERO)
            if delta == 0:
                continue
            line = PlannedLine(
                key,
                quantity=delta,
                first_day=span[0],
                last_day=span[1],
                records=(now[key].records if key in now else set())
                | before_records.get(key, set()),
                detail=now[key].detail if key in now else "",
                is_difference=True,
            )
            differences.append(line)

    lines = sorted(normal.values(), key=lambda line: _sort_key(line.key)) + differences
    agreements = dict(book.by_pk)
    return Plan(lines=lines, problems=problems.as_json(), agreements=agreements, partners=partners)


def _sort_key(key: LineKey) -> tuple[Any, ...]:
    return (
        key.invoice.buyer_id or 0,
        key.invoice.buyer_name,
        key.invoice.agreement_id or 0,
        key.case_reference,
        key.source,
        key.group_key,
        key.item,
        key.meeting_type,
        key.unit_price,
        key.price_row_id or 0,
    )
