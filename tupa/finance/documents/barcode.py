"""The Finnish bank barcode (*pankkiviivakoodi*) and its digits (*virtuaaliviivakoodi*).

Finance Finland's "Pankkiviivakoodi-opas" (bank bar code guide, version 5.3) defines 54 digits,
printed as a Code 128 barcode (subset C, so two digits per symbol) at the bottom of the bank
transfer form, and typed or pasted by the payer as the "virtual barcode":

======  ==========  ===========================================================================
digits  field       content
======  ==========  ===========================================================================
1       version     ``4`` (Finnish reference) or ``5`` (RF creditor reference, ISO 11649)
16      account     the Finnish IBAN's digits without ``FI``
6 + 2   amount      euros (6, zero-padded) and cents (2); ``00000000`` when the amount is over
                    999 999,99 € (the payer types it)
23      reference   v4: ``000`` (reserve) + the reference right-aligned in 20 digits;
                    v5: the RF check digits (2) + the reference part right-aligned in 21 digits
6       due date    ``YYMMDD``; ``000000`` when there is none
======  ==========  ===========================================================================

An invoice gets no barcode when there is nothing to pay (a draft, a credit note, a total of zero
or less) or when the account is not a Finnish IBAN (:func:`invoice_barcode`); the payer then
uses the form's fields.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from barcode import Code128
from barcode.writer import SVGWriter
from stdnum import iban as stdnum_iban

from tupa.finance.models import Invoice, InvoicingProfile
from tupa.finance.money import cents
from tupa.finance.references import is_valid_reference, is_valid_rf

MAX_AMOUNT = Decimal("999999.99")
LENGTH = 54

#: The printed barcode: narrow bar 0,25 mm, bars 13 mm high, 6,5 mm quiet zones, no text
#: (the digits are printed separately, in groups).
WRITER_OPTIONS = {
    "module_width": 0.25,
    "module_height": 13.0,
    "quiet_zone": 6.5,
    "write_text": False,
    "margin_top": 0,
    "margin_bottom": 0,
    "background": "white",
    "foreground": "black",
}


def _compact(text: str) -> str:
    return "".join(str(text).split()).upper()


def finnish_iban_digits(iban: str) -> str | None:
    """The 16 digits of a valid Finnish IBAN (``FI`` and spaces dropped), or None."""
    compact = _compact(iban)
    if not compact.startswith("FI") or len(compact) != 18 or not stdnum_iban.is_valid(compact):
        return None
    return compact[2:]


def _amount_digits(amount: Decimal) -> str:
    value = cents(amount)
    if value > MAX_AMOUNT:
        return "0" * 8
    euros, fraction = divmod(int(value * 100), 100)
    return f"{euros:06d}{fraction:02d}"


def _reference_field(reference: str) -> tuple[str, str]:
    """``(version, 23 digits)`` of a Finnish or an RF reference; ValueError for anything else."""
    compact = _compact(reference)
    if compact.startswith("RF"):
        body = compact[4:]
        if not is_valid_rf(compact) or not body.isdigit() or len(body) > 21:
            raise ValueError("The RF reference of a bank barcode must be digits, at most 21.")
        return "5", compact[2:4] + body.rjust(21, "0")
    if not is_valid_reference(compact):
        raise ValueError("Not a valid Finnish reference number.")
    return "4", "000" + compact.rjust(20, "0")


def virtual_barcode(*, iban: str, amount: Decimal, reference: str, due_date: dt.date | None) -> str:
    """The 54 digits of the bank barcode.

    ``ValueError`` when no barcode can be made: the account is not a valid Finnish IBAN, the
    amount is negative, or the reference is neither a valid Finnish reference nor a valid
    numeric RF reference. An amount of zero is allowed (the payer types the amount)."""
    account = finnish_iban_digits(iban)
    if account is None:
        raise ValueError("A bank barcode needs a valid Finnish IBAN.")
    if Decimal(amount) < 0:
        raise ValueError("A bank barcode cannot carry a negative amount.")
    version, reference_digits = _reference_field(reference)
    due = due_date.strftime("%y%m%d") if due_date else "000000"
    code = version + account + _amount_digits(Decimal(amount)) + reference_digits + due
    assert len(code) == LENGTH and code.isdigit()
    return code


def invoice_barcode(invoice: Invoice, profile: InvoicingProfile) -> str | None:
    """The virtual barcode of a sent invoice, or None when the invoice gets no barcode: a
    draft, a credit note, nothing to pay (total zero or less), or an account that is not a
    Finnish IBAN."""
    if (
        not invoice.is_sent
        or invoice.kind != Invoice.Kind.INVOICE
        or invoice.total_gross <= 0
        or not invoice.reference
        or finnish_iban_digits(profile.iban) is None
    ):
        return None
    return virtual_barcode(
        iban=profile.iban,
        amount=invoice.total_gross,
        reference=invoice.reference,
        due_date=invoice.due_date,
    )


def grouped(code: str, size: int = 6) -> str:
    """The digits in groups of ``size`` for printing (``479440 520200 …``)."""
    return " ".join(code[i : i + size] for i in range(0, len(code), size))


def barcode_svg(code: str) -> bytes:
    """``code`` as a Code 128 barcode in SVG (charset C: 54 digits are 27 symbols)."""
    symbol = Code128(code, writer=SVGWriter())
    return bytes(symbol.render(writer_options=WRITER_OPTIONS))


def barcode_data_uri(code: str) -> str:
    """The SVG as a ``data:`` URI for an ``<img>`` in the PDF (nothing is fetched)."""
    return "data:image/svg+xml;base64," + base64.b64encode(barcode_svg(code)).decode("ascii")
