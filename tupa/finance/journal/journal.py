"""The accounting journal (*kirjanpidon vientitiedosto*) of a period: one voucher per sent invoice
or credit note (by invoice date) and per payment matched to an invoice (by payment day), for the
bookkeeper to import (docs/finance-payments.md).

An invoice's voucher:

- **debit** receivables (``InvoicingProfile.receivables_account``) the gross amount;
- **credit** income (``income_account``) the net amount per cost centre and VAT code;
- **credit** VAT payable (``vat_account``) the VAT per VAT code.

The cost centre is the line's service form's ``slug`` (a line without a service form has none);
the VAT code is the rate in percent without trailing zeros (``24``, ``25,5``), and
:data:`EXEMPT_VAT_CODE` for 0 % (social services are exempt, AVL 37 §). A credit note's lines are
negative, so every amount that comes out negative is written on the other side as a positive
amount: a credit note debits income and VAT and credits receivables. A payment's voucher debits
the bank account and credits receivables. Every voucher balances (debits = credits) because the
gross of every line is exactly its net + VAT (a database constraint).

The description names the document and the buyer when the buyer is a partner (a municipality or
another body), never a person; the lines' case references never appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.finance.models import Invoice, InvoiceLine, InvoicingProfile, Payment
from tupa.finance.money import ZERO

#: The VAT code of a VAT-exempt (0 %) line.
EXEMPT_VAT_CODE = "0"
#: The bank account when the form does not name one (1910 "Pankkitili" in the common Finnish
#: chart of accounts for associations).
DEFAULT_BANK_ACCOUNT = "1910"


@dataclass(frozen=True)
class Accounts:
    receivables: str
    income: str
    vat: str
    bank: str


@dataclass(frozen=True)
class JournalRow:
    day: dt.date
    voucher: str
    account: str
    cost_centre: str
    vat_code: str
    debit: Decimal
    credit: Decimal
    description: str


@dataclass(frozen=True)
class Voucher:
    day: dt.date
    number: str
    description: str
    rows: tuple[JournalRow, ...]

    @property
    def debit(self) -> Decimal:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((r.credit for r in self.rows), ZERO)

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit


def vat_code(rate: Decimal) -> str:
    """``0`` → :data:`EXEMPT_VAT_CODE`; ``24.00`` → ``24``; ``25.50`` → ``25,5``."""
    if rate == 0:
        return EXEMPT_VAT_CODE
    text = f"{Decimal(rate):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def accounts_of(profile: InvoicingProfile, bank: str = "") -> Accounts:
    return Accounts(
        receivables=profile.receivables_account,
        income=profile.income_account,
        vat=profile.vat_account,
        bank=bank or DEFAULT_BANK_ACCOUNT,
    )


def _row(
    day: dt.date,
    voucher: str,
    account: str,
    amount: Decimal,
    *,
    debit_side: bool,
    description: str,
    cost_centre: str = "",
    code: str = "",
) -> JournalRow | None:
    """A row with ``amount`` on its normal side (debit when ``debit_side``), a negative amount
    as a positive one on the other side, or None for zero."""
    if amount == 0:
        return None
    on_debit = debit_side if amount > 0 else not debit_side
    value = abs(amount)
    return JournalRow(
        day=day,
        voucher=voucher,
        account=account,
        cost_centre=cost_centre,
        vat_code=code,
        debit=value if on_debit else ZERO,
        credit=ZERO if on_debit else value,
        description=description,
    )


def description_of(invoice: Invoice) -> str:
    """``Lasku 1005, Kuntayhtymä`` / ``Hyvityslasku 1006 (lasku 1005), Kuntayhtymä``; the buyer
    only when it is a partner (a body, never a person)."""
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        credited = invoice.credited_invoice.number if invoice.credited_invoice else None
        text = _("Hyvityslasku %(n)s (lasku %(m)s)") % {"n": invoice.number, "m": credited}
    else:
        text = _("Lasku %(n)s") % {"n": invoice.number}
    if invoice.buyer_id is not None and invoice.buyer_name:
        text = f"{text}, {invoice.buyer_name}"
    return text


def invoice_voucher(invoice: Invoice, lines: Iterable[InvoiceLine], accounts: Accounts) -> Voucher:
    """The voucher of one sent invoice or credit note (pure: no query)."""
    lines = list(lines)
    day = invoice.invoice_date or dt.date.min
    number = str(invoice.number)
    text = description_of(invoice)
    gross = sum((line.gross for line in lines), ZERO)
    income: dict[tuple[str, Decimal], Decimal] = {}
    vat: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = Decimal(line.vat_rate).normalize()
        centre = line.service_form.slug if line.service_form is not None else ""
        income[(centre, rate)] = income.get((centre, rate), ZERO) + line.net
        vat[rate] = vat.get(rate, ZERO) + line.vat
    rows = [_row(day, number, accounts.receivables, gross, debit_side=True, description=text)]
    for (centre, rate), net in sorted(income.items()):
        rows.append(
            _row(
                day,
                number,
                accounts.income,
                net,
                debit_side=False,
                description=text,
                cost_centre=centre,
                code=vat_code(rate),
            )
        )
    for rate, amount in sorted(vat.items()):
        rows.append(
            _row(
                day,
                number,
                accounts.vat,
                amount,
                debit_side=False,
                description=text,
                code=vat_code(rate),
            )
        )
    return Voucher(day, number, text, tuple(r for r in rows if r is not None))


def payment_voucher(payment: Payment, invoice: Invoice, accounts: Accounts) -> Voucher:
    """A matched payment: debit the bank, credit receivables (pure: no query)."""
    number = f"S{payment.pk}"
    text = _("Suoritus, %(invoice)s") % {"invoice": description_of(invoice)}
    rows = [
        _row(
            payment.paid_on,
            number,
            accounts.bank,
            payment.amount,
            debit_side=True,
            description=text,
        ),
        _row(
            payment.paid_on,
            number,
            accounts.receivables,
            payment.amount,
            debit_side=False,
            description=text,
        ),
    ]
    return Voucher(payment.paid_on, number, text, tuple(r for r in rows if r is not None))


@dataclass(frozen=True)
class Journal:
    start: dt.date
    end: dt.date
    accounts: Accounts
    vouchers: list[Voucher]
    unmatched_count: int

    @property
    def rows(self) -> list[JournalRow]:
        return [row for voucher in self.vouchers for row in voucher.rows]

    @property
    def debit(self) -> Decimal:
        return sum((v.debit for v in self.vouchers), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((v.credit for v in self.vouchers), ZERO)

    @property
    def invoice_count(self) -> int:
        return sum(1 for v in self.vouchers if not v.number.startswith("S"))

    @property
    def payment_count(self) -> int:
        return sum(1 for v in self.vouchers if v.number.startswith("S"))


def journal(
    organisation_id: int, start: dt.date, end: dt.date, *, bank_account: str = ""
) -> Journal:
    """The journal of ``start..end`` (inclusive), five queries whatever the period's length:
    the profile, the invoices, their lines, the matched payments and the count of unmatched
    ones (which are left out until matched)."""
    with scope(organisation=organisation_id):
        profile = InvoicingProfile.objects.filter(organisation_id=organisation_id).first()
        if profile is None:
            profile = InvoicingProfile(organisation_id=organisation_id)
        accounts = accounts_of(profile, bank_account)
        invoices = list(
            Invoice.objects.filter(
                organisation_id=organisation_id,
                status=Invoice.Status.SENT,
                invoice_date__gte=start,
                invoice_date__lte=end,
            )
            .select_related("credited_invoice")
            .prefetch_related(
                Prefetch(
                    "lines",
                    queryset=InvoiceLine.objects.select_related("service_form").order_by(
                        "position"
                    ),
                )
            )
            .order_by("invoice_date", "number")
        )
        payments = list(
            Payment.objects.filter(
                organisation_id=organisation_id,
                invoice__isnull=False,
                paid_on__gte=start,
                paid_on__lte=end,
            )
            .select_related("invoice")
            .order_by("paid_on", "pk")
        )
        unmatched = Payment.objects.filter(
            organisation_id=organisation_id,
            invoice__isnull=True,
            paid_on__gte=start,
            paid_on__lte=end,
        ).count()
    vouchers = [invoice_voucher(i, i.lines.all(), accounts) for i in invoices]
    vouchers += [payment_voucher(p, p.invoice, accounts) for p in payments if p.invoice]
    vouchers.sort(key=lambda v: (v.day, v.number.startswith("S"), len(v.number), v.number))
    return Journal(start, end, accounts, vouchers, unmatched)


def header() -> list[str]:
    return [
        _("Päivämäärä"),
        _("Tosite"),
        _("Tili"),
        _("Kustannuspaikka"),
        _("ALV-koodi"),
        _("Debet"),
        _("Kredit"),
        _("Selite"),
    ]


def table(found: Journal) -> list[list[object]]:
    """The journal's rows as cells (an empty cell for the side a row is not on)."""
    return [
        [
            row.day,
            row.voucher,
            row.account,
            row.cost_centre,
            row.vat_code,
            row.debit if row.debit else None,
            row.credit if row.credit else None,
            row.description,
        ]
        for row in found.rows
    ]
