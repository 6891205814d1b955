"""What an invoicing run bills: the plan :func:`plan_run` computes before anything is written
(docs/finance-invoicing.md, "Laskutusajo").

1. The items of the run's period are collected from every registered source, together with the
   items of the earlier periods (12 months back) whose records were already invoiced.
2. Each item is checked against the lead's approval of its form (an active approval covering the
   day whose fingerprint still matches the records), its buyer is resolved (the record's payer,
   or the agreement covering the resident municipality, or the buyer named by the record) and it
   is priced (the agreement's price row valid on the day, else the record's own price).
3. Items of a record group (``source``/``group_key``) on days an earlier **sent** invoice already
   covered are not billed again: for each such group and invoiced period the quantities the
   records give now are compared with what was invoiced (net of credit notes), and the
   difference becomes a difference line ("Korjaus: …") — a sent invoice never changes.
4. The rest of the period's items are summed into lines per (buyer, agreement, service form,
   source, group, priced thing, meeting type, case reference, price row).

Everything that cannot be billed goes to the run's problems with a Finnish reason. The plan
reads the database in a constant number of queries (the sources' own, plus five).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tupa.core.registry import BillableItem
from tupa.finance.invoicing.basis import (
    active_approvals,
    as_decimal,
    collect_items,
    fingerprint,
    item_label,
)
from tupa.finance.models import Agreement, BasisApproval, Invoice, InvoiceLine, PriceRow
from tupa.finance.models.agreements import InvoicingInterval
from tupa.organisations.models import Partner, ServiceForm

ZERO = Decimal("0")
LOOKBACK_MONTHS = 12

Interval = tuple[dt.date, dt.date]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (the day clipped to the month's length)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def period_text(first: dt.date, last: dt.date) -> str:
    """Finnish period text: ``1.–30.11.2026``, ``28.11.–3.12.2026``, ``5.11.2026``."""
    if first == last:
        return f"{first.day}.{first.month}.{first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}.–{last.day}.{last.month}.{last.year}"
    if first.year == last.year:
        return f"{first.day}.{first.month}.–{last.day}.{last.month}.{last.year}"
    return f"{first.day}.{first.month}.{first.year}–{last.day}.{last.month}.{last.year}"


def is_whole_quarters(start: dt.date, end: dt.date) -> bool:
    """Whether ``start..end`` is one or more whole calendar quarters."""
    last_day = calendar.monthrange(end.year, end.month)[1]
    return start.day == 1 and start.month % 3 == 1 and end.month % 3 == 0 and end.day == last_day


@dataclass(frozen=True)
class InvoiceKey:
    """Who an invoice goes to: a partner (``buyer_id``) or a named buyer, under an agreement."""

    buyer_id: int | None
    buyer_name: str
    agreement_id: int | None


@dataclass(frozen=True)
class LineKey:
    """What one line sums: the same priced thing of one record group at one price."""

    invoice: InvoiceKey
    service_form_id: int | None
    source: str
    group_key: str
    item: str
    meeting_type: str
    case_reference: str
    price_row_id: int | None
    unit_price: Decimal
    vat_rate: Decimal


@dataclass
class PlannedLine:
    key: LineKey
    quantity: Decimal = ZERO
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    records: set[tuple[str, int]] = field(default_factory=set)
    detail: str = ""
    is_difference: bool = False

    def add(self, day: dt.date, quantity: Decimal, records: Iterable[Any]) -> None:
        self.quantity += quantity
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)
        self.records.update((str(label), int(pk)) for label, pk in records)

    @property
    def description(self) -> str:
        label = item_label(self.key.item, self.key.meeting_type)
        if self.detail:
            label = f"{label}: {self.detail}"
        if self.first_day and self.last_day:
            label = f"{label} {period_text(self.first_day, self.last_day)}"
        if self.is_difference:
            label = _("Korjaus: %(line)s") % {"line": label}
        return label[:200]


@dataclass
class Problem:
    reason: str
    source: str
    service_form_id: int | None
    case_reference: str
    item: str
    quantity: Decimal = ZERO
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def add(self, day: dt.date, quantity: Decimal) -> None:
        self.quantity += quantity
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)


@dataclass
class Plan:
    lines: list[PlannedLine]
    problems: list[dict[str, Any]]
    agreements: dict[int, Agreement]
    partners: dict[int, Partner]


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


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[list[dt.date]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


def _invoiced_lines(organisation_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
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


def _line_key_of_invoiced(row: dict[str, Any]) -> LineKey:
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
    invoiced = _invoiced_lines(organisation_id, lookback, end)
    spans: dict[tuple[str, str], list[Interval]] = {}
    for row in invoiced:
        spans.setdefault((row["source"], row["group_key"]), []).append(row["span"])
    covered = {group: _merge(found) for group, found in spans.items()}

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
            key = _line_key_of_invoiced(row)
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
