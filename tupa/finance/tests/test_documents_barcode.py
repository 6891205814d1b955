"""The Finnish bank barcode: published examples, hand-built codes, the no-barcode rules and the
Code 128 rendering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from barcode import Code128

from tupa.finance.documents.barcode import (
    barcode_data_uri,
    barcode_svg,
    grouped,
    invoice_barcode,
    virtual_barcode,
)
from tupa.finance.models import Invoice, InvoicingProfile

D = dt.date

# The example invoices 1–9 of Finance Finland's "Pankkiviivakoodi-opas" (bank bar code guide),
# version 5.3 (8.11.2012), sections 9 (symbol version 4) and 10 (symbol version 5): account,
# amount, reference, due date and the printed 54 digits, copied by hand from the guide.
PUBLISHED_V4 = [
    ("FI79 4405 2020 0360 82", "4883.15", "86851 62596 19897", D(2010, 6, 12),
     "479440520200360820048831500000000868516259619897100612"),
    ("FI58 1017 1000 0001 22", "482.99", "55958 22432 94671", D(2012, 1, 31),
     "458101710000001220004829900000000559582243294671120131"),
    ("FI02 5000 4640 0013 02", "693.80", "69 87567 20834 35364", D(2011, 7, 24),
     "402500046400013020006938000000069875672083435364110724"),
    ("FI15 6601 0001 5306 41", "7444.54", "7 75847 47906 47489", D(2019, 12, 19),
     "415660100015306410074445400000007758474790647489191219"),
    # Invoice 5: no due date → 000000.
    ("FI16 8000 1400 0502 67", "935.85", "78 77767 96566 28687", None,
     "416800014000502670009358500000078777679656628687000000"),
    # Invoice 6: no amount → the payer types it.
    ("FI73 3131 3001 0000 58", "0.00", "8 68624", D(2013, 8, 9),
     "473313130010000580000000000000000000000000868624130809"),
    ("FI83 3301 0001 1007 75", "150000.20", "92125 37425 25398 97737", D(2016, 5, 25),
     "483330100011007751500002000092125374252539897737160525"),
    ("FI39 3636 3002 0924 92", "1.03", "5907 38390", D(2023, 3, 11),
     "439363630020924920000010300000000000000590738390230311"),
    ("FI92 3939 0001 0033 91", "0.02", "13 57914", D(2099, 12, 24),
     "492393900010033910000000200000000000000001357914991224"),
]  # fmt: skip

PUBLISHED_V5 = [
    ("FI79 4405 2020 0360 82", "4883.15", "RF09 8685 1625 9619 897", D(2010, 6, 12),
     "579440520200360820048831509000000868516259619897100612"),
    ("FI58 1017 1000 0001 22", "482.99", "RF06 5595 8224 3294 671", D(2010, 1, 31),
     "558101710000001220004829906000000559582243294671100131"),
    ("FI02 5000 4640 0013 02", "693.80", "RF02 6987 5672 0834", D(2011, 7, 24),
     "502500046400013020006938002000000000698756720834110724"),
    ("FI15 6601 0001 5306 41", "7444.54", "RF84 7758 4747 9064 7489", D(2019, 12, 19),
     "515660100015306410074445484000007758474790647489191219"),
    ("FI16 8000 1400 0502 67", "935.85", "RF60 7877 7679 6566 2868 7", None,
     "516800014000502670009358560000078777679656628687000000"),
    ("FI73 3131 3001 0000 58", "0.00", "RF10 8686 24", D(2013, 8, 9),
     "573313130010000580000000010000000000000000868624130809"),
    ("FI83 3301 0001 1007 75", "150000.20", "RF71 9212 5374 2525 3989 7737", D(2016, 5, 25),
     "583330100011007751500002071092125374252539897737160525"),
    ("FI39 3636 3002 0924 92", "1.03", "RF66 5907 3839 0", D(2023, 3, 11),
     "539363630020924920000010366000000000000590738390230311"),
    ("FI92 3939 0001 0033 91", "0.02", "RF95 1357 914", D(2099, 12, 24),
     "592393900010033910000000295000000000000001357914991224"),
]  # fmt: skip


@pytest.mark.parametrize(("iban", "amount", "reference", "due", "expected"), PUBLISHED_V4)
def test_version_4_matches_the_guide(
    iban: str, amount: str, reference: str, due: dt.date | None, expected: str
) -> None:
    code = virtual_barcode(iban=iban, amount=Decimal(amount), reference=reference, due_date=due)
    assert code == expected
    assert len(code) == 54


@pytest.mark.parametrize(("iban", "amount", "reference", "due", "expected"), PUBLISHED_V5)
def test_version_5_matches_the_guide(
    iban: str, amount: str, reference: str, due: dt.date | None, expected: str
) -> None:
    code = virtual_barcode(iban=iban, amount=Decimal(amount), reference=reference, due_date=due)
    assert code == expected


def test_hand_built_codes_of_a_tupa_invoice() -> None:
    # Invoice 1001: reference 1001 + 7-3-1 check digit: 1·7 + 0·3 + 0·1 + 1·7 = 14 → 6 → 10016.
    # 9 938,17 € due 15.12.2026 to FI42 5000 1510 0000 23:
    # 4 | 4250001510000023 | 009938 17 | 000 + 10016 right-aligned in 20 | 261215
    code = virtual_barcode(
        iban="FI42 5000 1510 0000 23",
        amount=Decimal("9938.17"),
        reference="10016",
        due_date=D(2026, 12, 15),
    )
    assert code == "4" + "4250001510000023" + "009938" + "17" + "000" + "10016".rjust(20, "0") + (
        "261215"
    )
    # RF of 10016: 10016 + "RF" → 10016 27 15 00 = 10016271500; mod 97 = 90 (97 · 103260530
    # = 10016271410); check 98 − 90 = 08 → RF08 10016; v5 puts 08 + 10016 right-aligned in 21.
    code = virtual_barcode(
        iban="FI4250001510000023",
        amount=Decimal("9938.17"),
        reference="RF08 10016",
        due_date=D(2026, 12, 15),
    )
    assert code == "5" + "4250001510000023" + "00993817" + "08" + "10016".rjust(21, "0") + "261215"


def test_amount_over_the_maximum_leaves_the_amount_field_zero() -> None:
    # 999 999,99 € still fits (999999 | 99); one cent more does not: 00000000.
    fits = virtual_barcode(
        iban="FI4250001510000023", amount=Decimal("999999.99"), reference="10016", due_date=None
    )
    assert fits[17:25] == "99999999"
    over = virtual_barcode(
        iban="FI4250001510000023", amount=Decimal("1000000.00"), reference="10016", due_date=None
    )
    assert over[17:25] == "00000000"


@pytest.mark.parametrize(
    ("iban", "amount", "reference"),
    [
        ("FI4250001510000023", "-10.00", "10016"),  # a credit note: nothing to pay
        ("DE89370400440532013000", "10.00", "10016"),  # not a Finnish IBAN
        ("FI4250001510000024", "10.00", "10016"),  # IBAN check digits wrong
        ("FI4250001510000023", "10.00", "10017"),  # reference check digit wrong
        ("FI4250001510000023", "10.00", "RF09 10016"),  # RF check digits wrong
        ("FI4250001510000023", "10.00", "RF48 ABC1"),  # RF with letters cannot be a barcode
    ],
)
def test_no_barcode_can_be_made(iban: str, amount: str, reference: str) -> None:
    with pytest.raises(ValueError):
        virtual_barcode(iban=iban, amount=Decimal(amount), reference=reference, due_date=None)


def _invoice(**values: object) -> Invoice:
    defaults: dict[str, object] = {
        "status": Invoice.Status.SENT,
        "kind": Invoice.Kind.INVOICE,
        "total_gross": Decimal("120.00"),
        "reference": "10016",
        "due_date": D(2026, 12, 15),
    }
    defaults.update(values)
    return Invoice(**defaults)


def test_invoice_barcode_only_for_a_sent_invoice_with_something_to_pay() -> None:
    profile = InvoicingProfile(iban="FI42 5000 1510 0000 23")
    # 120,00 € → 000120 00.
    assert invoice_barcode(_invoice(), profile) == (
        "4" + "4250001510000023" + "00012000" + "000" + "10016".rjust(20, "0") + "261215"
    )
    assert invoice_barcode(_invoice(status=Invoice.Status.DRAFT), profile) is None
    assert invoice_barcode(_invoice(kind=Invoice.Kind.CREDIT_NOTE), profile) is None
    assert invoice_barcode(_invoice(total_gross=Decimal("0.00")), profile) is None
    assert invoice_barcode(_invoice(total_gross=Decimal("-5.00")), profile) is None
    assert invoice_barcode(_invoice(), InvoicingProfile(iban="SE4550000000058398257466")) is None


def test_rendered_as_code_128_charset_c_without_text() -> None:
    code = PUBLISHED_V4[0][4]
    symbols = Code128(code).encoded
    # Start C (105), then 27 pairs of digits ("47" → 47, "94" → 94, …): no charset switch.
    assert symbols[0] == 105
    assert symbols[1:4] == [47, 94, 40]
    assert len(symbols) == 1 + 27
    svg = barcode_svg(code).decode()
    assert svg.count("<rect") > 50
    assert "<text" not in svg
    assert barcode_data_uri(code).startswith("data:image/svg+xml;base64,")


def test_grouped_for_printing() -> None:
    assert grouped(PUBLISHED_V4[0][4]) == (
        "479440 520200 360820 048831 500000 000868 516259 619897 100612"
    )
