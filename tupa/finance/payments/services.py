"""Writes of payments: a bank statement import (dry run, then all or nothing), a payment
recorded by hand, and an unmatched payment matched to an invoice (docs/finance-payments.md).

Only a holder of ``finance.invoicing.manage`` in the organisation writes.

**Matching.** A payment's reference is a Finnish reference number (7-3-1 check digit, leading
zeros ignored) or an RF creditor reference, whose reference part is the Finnish one. It matches
the sent invoice with that reference; the amount is compared with what is still open on the
invoice (after the rows above it in the same file): *täsmää* (equal), *osasuoritus* (less),
*ylisuoritus* (more). A row without a reference, with an invalid one, with one that belongs to no
invoice or to a credit note is stored **unmatched**, to be matched by hand ("Kohdista laskuun").

**Import rules.** The file's SHA-256 is stored (:class:`PaymentImport`), so the same file is
refused the second time; a row whose archive id (*arkistointitunnus*) is already stored is
skipped and shown; an outgoing payment, a reversal or an entry not booked is skipped. A row with an
error (no day, an amount that is not money) blocks the whole file: nothing is stored until every
row is right. The commit re-reads the file and re-checks everything inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from tupa.access import policy
from tupa.core import dates
from tupa.core.dates import fi_date
from tupa.finance.models import Invoice, Payment, PaymentImport
from tupa.finance.money import CENT, ZERO
from tupa.finance.payments import bank, selectors
from tupa.finance.references import is_valid_reference, is_valid_rf

if TYPE_CHECKING:
    from tupa.accounts.models import User

MANAGE = "finance.invoicing.manage"


class Match(models.TextChoices):
    EXACT = "exact", gettext_lazy("täsmää")
    PARTIAL = "partial", gettext_lazy("osasuoritus")
    OVER = "over", gettext_lazy("ylisuoritus")
    UNMATCHED = "unmatched", gettext_lazy("kohdistamaton")
    DUPLICATE = "duplicate", gettext_lazy("jo tuotu, ohitetaan")
    SKIPPED = "skipped", gettext_lazy("ohitetaan")
    ERROR = "error", gettext_lazy("virhe")


IMPORTED = (Match.EXACT, Match.PARTIAL, Match.OVER, Match.UNMATCHED)


def reference_key(text: str) -> tuple[str, str]:
    """``(key, problem)``: the Finnish reference a payment's reference names (digits, no leading
    zeros) and an empty problem, or an empty key and why it matches nothing (Finnish)."""
    compact = "".join((text or "").split()).upper()
    if not compact:
        return "", _("Suorituksella ei ole viitettä.")
    if compact.startswith("RF"):
        if not is_valid_rf(compact):
            return "", _("RF-viitteen %(ref)s tarkiste ei täsmää.") % {"ref": compact}
        body = compact[4:]
        if body.isdigit() and is_valid_reference(body):
            return body.lstrip("0"), ""
        return "", _("RF-viite %(ref)s ei ole laskujen viitenumero.") % {"ref": compact}
    if compact.isdigit():
        if is_valid_reference(compact):
            return compact.lstrip("0"), ""
        return "", _("Viitenumeron %(ref)s tarkiste ei täsmää.") % {"ref": compact}
    return "", _("Viite %(ref)s ei ole viitenumero.") % {"ref": compact}


@dataclass
class PlannedRow:
    """A row of the dry run: what the commit would do with it and why."""

    row: bank.BankRow
    match: str
    invoice: Invoice | None = None
    open_before: Decimal | None = None
    note: str = ""

    @property
    def match_label(self) -> str:
        return str(Match(self.match).label)

    @property
    def imported(self) -> bool:
        return self.match in IMPORTED


@dataclass
class ImportPlan:
    file_format: str
    sha256: str
    rows: list[PlannedRow] = field(default_factory=list)
    already_imported: PaymentImport | None = None

    @property
    def errors(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.match == Match.ERROR]

    @property
    def imported(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.imported]

    @property
    def matched(self) -> list[PlannedRow]:
        return [r for r in self.imported if r.invoice is not None]

    @property
    def unmatched(self) -> list[PlannedRow]:
        return [r for r in self.imported if r.invoice is None]

    @property
    def skipped(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.match in (Match.DUPLICATE, Match.SKIPPED)]

    @property
    def total(self) -> Decimal:
        return sum((r.row.amount or ZERO for r in self.imported), ZERO)

    @property
    def ok(self) -> bool:
        return self.already_imported is None and not self.errors and bool(self.imported)


def plan_import(
    organisation_id: int,
    rows: list[bank.BankRow],
    *,
    sha256: str,
    file_format: str,
    today: dt.date,
) -> ImportPlan:
    """The dry run of ``rows`` (three queries): each row's match, errors and skips."""
    plan = ImportPlan(file_format=file_format, sha256=sha256)
    with scope(organisation=organisation_id):
        plan.already_imported = PaymentImport.objects.filter(
            organisation_id=organisation_id, file_sha256=sha256
        ).first()
    stored = selectors.existing_archive_ids(organisation_id, {r.archive_id for r in rows})
    keys = {r.number: reference_key(r.reference) for r in rows}
    invoices = selectors.invoices_by_reference(
        organisation_id, {key for key, _problem in keys.values() if key}
    )
    remaining: dict[int, Decimal] = {}
    seen_archive: set[str] = set()
    for row in rows:
        if row.skip:
            plan.rows.append(PlannedRow(row, Match.SKIPPED, note=row.skip))
            continue
        errors = list(row.errors)
        if row.archive_id and row.archive_id in seen_archive:
            errors.append(
                _("Arkistointitunnus %(id)s on tiedostossa useammin kuin kerran.")
                % {"id": row.archive_id}
            )
        seen_archive.add(row.archive_id)
        if errors:
            plan.rows.append(PlannedRow(row, Match.ERROR, note=" ".join(errors)))
            continue
        if row.archive_id and row.archive_id in stored:
            plan.rows.append(
                PlannedRow(
                    row,
                    Match.DUPLICATE,
                    note=_("Suoritus arkistointitunnuksella %(id)s on jo tuotu.")
                    % {"id": row.archive_id},
                )
            )
            continue
        plan.rows.append(_matched(row, keys[row.number], invoices, remaining, today))
    return plan


def _matched(
    row: bank.BankRow,
    key_problem: tuple[str, str],
    invoices: dict[str, Invoice],
    remaining: dict[int, Decimal],
    today: dt.date,
) -> PlannedRow:
    key, problem = key_problem
    if not key:
        return PlannedRow(row, Match.UNMATCHED, note=problem)
    invoice = invoices.get(key)
    if invoice is None:
        return PlannedRow(row, Match.UNMATCHED, note=_("Viitteellä ei löydy lähetettyä laskua."))
    if invoice.kind != Invoice.Kind.INVOICE:
        return PlannedRow(
            row,
            Match.UNMATCHED,
            note=_("Viite kuuluu hyvityslaskuun %(n)s; kohdista käsin.") % {"n": invoice.number},
        )
    if invoice.pk not in remaining:
        remaining[invoice.pk] = selectors.balance_from(invoice, today).open
    open_before = remaining[invoice.pk]
    amount = row.amount or ZERO
    remaining[invoice.pk] = open_before - amount
    if amount == open_before:
        match, note = Match.EXACT, ""
    elif amount < open_before:
        match = Match.PARTIAL
        note = _("Laskulle jää avoimeksi %(rest)s €.") % {"rest": _money(open_before - amount)}
    else:
        match = Match.OVER
        note = _("Maksettu %(over)s € enemmän kuin avoinna.") % {
            "over": _money(amount - open_before)
        }
    return PlannedRow(row, match, invoice=invoice, open_before=open_before, note=note)


def _money(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def statement_rows(
    data: bytes, mapping: Mapping[int, str] | None
) -> tuple[bank.Statement, list[bank.BankRow]]:
    """The file read and its rows (a CSV through ``mapping``); Finnish ``ValidationError``s."""
    statement = bank.read(data)
    if statement.table is None:
        return statement, statement.rows
    if mapping is None:
        raise ValidationError(_("Valitse ensin, mitä kukin sarake sisältää."))
    return statement, bank.csv_rows(statement.table, mapping)


@transaction.atomic
def payment_import_commit(
    *,
    actor: User,
    file_name: str,
    data: bytes,
    mapping: Mapping[int, str] | None = None,
    today: dt.date,
) -> PaymentImport:
    """Store every payment of the file, or none: re-reads and re-plans the file, refuses it
    when any row has an error or the same file was imported before."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    statement, rows = statement_rows(data, mapping)
    plan = plan_import(
        organisation_id,
        rows,
        sha256=statement.sha256,
        file_format=statement.file_format,
        today=today,
    )
    if plan.already_imported is not None:
        raise ValidationError(
            _("Tämä tiedosto on jo tuotu %(day)s (%(name)s).")
            % {
                "day": fi_date(timezone.localtime(plan.already_imported.imported_at).date()),
                "name": plan.already_imported.file_name,
            }
        )
    if plan.errors:
        raise ValidationError(_("Tiedostossa on virheellisiä rivejä; mitään ei tallennettu."))
    if not plan.imported:
        raise ValidationError(_("Tiedostossa ei ole tuotavia suorituksia."))
    with scope(organisation=organisation_id):
        try:
            with transaction.atomic():
                batch = PaymentImport.objects.create(
                    organisation_id=organisation_id,
                    file_name=file_name[:200],
                    file_sha256=statement.sha256,
                    file_format=statement.file_format,
                    imported_by=actor,
                )
                Payment.objects.bulk_create(
                    [_payment(organisation_id, batch, planned, actor) for planned in plan.imported]
                )
        except IntegrityError as error:
            # Another import of the same file or payment won the race.
            raise ValidationError(
                _("Tiedosto tai osa sen suorituksista tuotiin juuri toisaalla; tarkista tilanne.")
            ) from error
    return batch


def _payment(
    organisation_id: int, batch: PaymentImport, planned: PlannedRow, actor: User
) -> Payment:
    row = planned.row
    if row.paid_on is None or row.amount is None:  # the plan made these errors
        raise ValidationError(_("Rivillä %(n)s ei ole päivää tai summaa.") % {"n": row.number})
    return Payment(
        organisation_id=organisation_id,
        invoice=planned.invoice,
        source_import=batch,
        paid_on=row.paid_on,
        amount=row.amount,
        reference=row.reference,
        payer_name=row.payer,
        archive_id=row.archive_id,
        note=row.message,
        recorded_by=actor,
    )


def _check_invoice(organisation_id: int, invoice: Invoice) -> None:
    if invoice.organisation_id != organisation_id:
        raise PermissionDenied
    if invoice.status != Invoice.Status.SENT or invoice.kind != Invoice.Kind.INVOICE:
        raise ValidationError({"invoice": _("Suorituksen voi kohdistaa vain lähetettyyn laskuun.")})


def _clean_amount(amount: Decimal) -> Decimal:
    try:
        value = Decimal(amount)
    except (ArithmeticError, TypeError, ValueError) as error:
        raise ValidationError({"amount": _("Anna summa euroina, esimerkiksi 1234,56.")}) from error
    if value <= 0:
        raise ValidationError({"amount": _("Summan on oltava suurempi kuin 0 €.")})
    if value != value.quantize(CENT) or value >= Decimal("1e10"):
        raise ValidationError({"amount": _("Anna summa senttien tarkkuudella.")})
    return value.quantize(CENT)


@transaction.atomic
def payment_record(
    *,
    actor: User,
    invoice: Invoice,
    paid_on: dt.date,
    amount: Decimal,
    payer_name: str = "",
    reference: str = "",
    archive_id: str = "",
    note: str = "",
) -> Payment:
    """A payment entered by hand, matched to ``invoice`` (a sent invoice)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    _check_invoice(organisation_id, invoice)
    errors: dict[str, str] = dates.date_errors(paid_on=paid_on)
    try:
        value = _clean_amount(amount)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    archive = "".join(archive_id.split())
    with scope(organisation=organisation_id):
        if (
            archive
            and Payment.objects.filter(organisation_id=organisation_id, archive_id=archive).exists()
        ):
            errors["archive_id"] = _("Suoritus tällä arkistointitunnuksella on jo kirjattu.")
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                return Payment.objects.create(
                    organisation_id=organisation_id,
                    invoice=invoice,
                    paid_on=paid_on,
                    amount=value,
                    reference="".join(reference.split()) or invoice.reference,
                    payer_name=payer_name.strip()[:200],
                    archive_id=archive,
                    note=note.strip()[:300],
                    recorded_by=actor,
                )
        except IntegrityError as error:
            raise ValidationError(
                {"archive_id": _("Suoritus tällä arkistointitunnuksella on jo kirjattu.")}
            ) from error


@transaction.atomic
def payment_match(*, actor: User, payment: Payment, invoice: Invoice) -> Payment:
    """Match an unmatched payment to ``invoice`` (a sent invoice of the same organisation)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    if payment.organisation_id != organisation_id:
        raise PermissionDenied
    _check_invoice(organisation_id, invoice)
    with scope(organisation=organisation_id):
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.invoice_id is not None:
            raise ValidationError(_("Suoritus on jo kohdistettu laskuun."))
        locked.invoice = invoice
        locked.note = (
            (locked.note + " " if locked.note else "")
            + _("Kohdistettu käsin laskuun %(n)s.") % {"n": invoice.number}
        )[:300]
        locked.save(update_fields=["invoice", "note", "updated_at"])
    return locked
