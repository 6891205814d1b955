"""Bank statement imports: camt.054 (v08 and v02, written by hand), a Finnish bank CSV with a
column mapping, the dry run's matches, all-or-nothing commits and the duplicate rules.

Reference numbers used below, computed by hand (7-3-1 from the right, check (10 − sum) mod 10):
1000 → 0·7 + 0·3 + 0·1 + 1·7 = 7 → check 3 → 10003; 1001 → 1·7 + 0 + 0 + 1·7 = 14 → 6 → 10016;
1002 → 2·7 + 0 + 0 + 1·7 = 21 → 9 → 10029. RF of 10016: 98 − (10016 271500 mod 97 = 90) = 08 →
RF0810016.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user
from tupa.finance.models import Payment, PaymentImport
from tupa.finance.payments import bank, services
from tupa.finance.payments.services import Match, reference_key
from tupa.finance.references import invoice_reference, rf_reference
from tupa.finance.tests.test_payments_balances import invoice, pay, setup_org

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 20)


def test_hand_computed_references() -> None:
    assert invoice_reference(1000) == "10003"
    assert invoice_reference(1001) == "10016"
    assert invoice_reference(1002) == "10029"
    assert rf_reference("10016") == "RF0810016"


CAMT_V08 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>VIITE20261210</MsgId><CreDtTm>2026-12-11T06:00:00+02:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>1</Id>
      <CreDtTm>2026-12-11T06:00:00+02:00</CreDtTm>
      <Acct><Id><IBAN>FI4250001510000023</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry>
        <NtryRef>1</NtryRef>
        <Amt Ccy="EUR">1575.50</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-12-10</Dt></BookgDt>
        <ValDt><Dt>2026-12-10</Dt></ValDt>
        <AcctSvcrRef>20261210ENTRY01</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>VCOM</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <Btch><NbOfTxs>3</NbOfTxs></Btch>
          <TxDtls>
            <Refs><AcctSvcrRef>261210593497A0001</AcctSvcrRef></Refs>
            <Amt Ccy="EUR">955.00</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties><Dbtr><Pty><Nm>PAIJAT-HAMEEN HYVINVOINTIALUE</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>00000000000000010003</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>261210593497A0002</AcctSvcrRef></Refs>
            <Amt Ccy="EUR">100.00</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties><Dbtr><Pty><Nm>HOLLOLAN KUNTA</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>RF08 1001 6</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>261210593497A0003</AcctSvcrRef></Refs>
            <Amt Ccy="EUR">520.50</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties><Dbtr><Pty><Nm>TUNTEMATON MAKSAJA</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>12345672</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">42.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-12-10</Dt></BookgDt>
        <AcctSvcrRef>20261210DEBIT01</AcctSvcrRef>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""

# The older layout (v02): status as text, the amount only in AmtDtls, the payer's name directly
# under Dbtr; one entry with a single transaction whose archive id is on the entry.
CAMT_V02 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>V02-1</MsgId><CreDtTm>2026-12-12T06:00:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>7</Id>
      <CreDtTm>2026-12-12T06:00:00</CreDtTm>
      <Acct><Id><IBAN>FI4250001510000023</IBAN></Id></Acct>
      <Ntry>
        <Amt Ccy="EUR">74.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2026-12-11T10:15:00</DtTm></BookgDt>
        <AcctSvcrRef>V02ARCHIVE0001</AcctSvcrRef>
        <BkTxCd/>
        <NtryDtls>
          <TxDtls>
            <AmtDtls><TxAmt><Amt Ccy="EUR">74.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Dbtr><Nm>HEINOLAN KAUPUNKI</Nm></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>10029</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


def three_invoices(ctx: dict[str, Any]) -> list[Any]:
    return [
        # 1000: 10 × 95.50 = 955.00
        invoice(ctx, 1000, [{"quantity": "10", "unit_price": "95.50"}]),
        # 1001: 2 × 92.00 = 184.00
        invoice(ctx, 1001, [{"quantity": "2", "unit_price": "92.00"}]),
        # 1002: 1 × 74.00 = 74.00
        invoice(ctx, 1002, [{"quantity": "1", "unit_price": "74.00"}]),
    ]


def _plan(ctx: dict[str, Any], data: bytes, mapping: dict[int, str] | None = None) -> Any:
    statement, rows = services.statement_rows(data, mapping)
    return services.plan_import(
        ctx["org"].pk,
        rows,
        sha256=statement.sha256,
        file_format=statement.file_format,
        today=TODAY,
    )


def _commit(ctx: dict[str, Any], data: bytes, mapping: dict[int, str] | None = None) -> Any:
    return services.payment_import_commit(
        actor=ctx["finance"], file_name="tiliote", data=data, mapping=mapping, today=TODAY
    )


def test_camt054_v08_dry_run_matches_by_finnish_and_rf_reference() -> None:
    ctx = setup_org()
    first, second, _third = three_invoices(ctx)
    plan = _plan(ctx, CAMT_V08.encode())
    assert plan.file_format == bank.CAMT054
    summary = [
        (p.row.number, p.row.amount, p.match, p.invoice.number if p.invoice else None)
        for p in plan.rows
    ]
    assert summary == [
        (1, Decimal("955.00"), Match.EXACT, 1000),  # 955.00 = open 955.00
        (2, Decimal("100.00"), Match.PARTIAL, 1001),  # RF0810016 → 10016; 100 < 184
        (3, Decimal("520.50"), Match.UNMATCHED, None),  # valid reference, no invoice
        (4, None, Match.SKIPPED, None),  # the debit
    ]
    partial = plan.rows[1]
    assert partial.open_before == Decimal("184.00")
    assert "84,00" in partial.note  # 184.00 − 100.00 = 84.00 left open
    assert plan.rows[0].row.payer == "PAIJAT-HAMEEN HYVINVOINTIALUE"
    assert plan.rows[0].row.archive_id == "261210593497A0001"
    assert plan.rows[0].row.paid_on == D(2026, 12, 10)
    assert plan.ok and len(plan.imported) == 3
    # 955.00 + 100.00 + 520.50 = 1575.50, the entry's amount.
    assert plan.total == Decimal("1575.50")
    batch = _commit(ctx, CAMT_V08.encode())
    with scope(organisation=ctx["org"].pk):
        stored = list(Payment.objects.filter(source_import=batch).order_by("archive_id"))
    assert [(p.invoice_id, p.amount) for p in stored] == [
        (first.pk, Decimal("955.00")),
        (second.pk, Decimal("100.00")),
        (None, Decimal("520.50")),
    ]
    assert batch.file_format == "camt.054"


def test_camt054_v02_older_layout() -> None:
    ctx = setup_org()
    *_rest, third = three_invoices(ctx)
    plan = _plan(ctx, CAMT_V02.encode())
    [row] = plan.rows
    assert (row.row.paid_on, row.row.amount, row.row.payer, row.row.archive_id) == (
        D(2026, 12, 11),
        Decimal("74.00"),
        "HEINOLAN KAUPUNKI",
        "V02ARCHIVE0001",
    )
    assert row.match == Match.EXACT and row.invoice == third


def test_the_same_file_twice_is_refused() -> None:
    ctx = setup_org()
    three_invoices(ctx)
    _commit(ctx, CAMT_V02.encode())
    plan = _plan(ctx, CAMT_V02.encode())
    assert plan.already_imported is not None and not plan.ok
    with pytest.raises(ValidationError, match="jo tuotu"):
        _commit(ctx, CAMT_V02.encode())
    with scope(organisation=ctx["org"].pk):
        assert PaymentImport.objects.count() == 1
        assert Payment.objects.count() == 1


def test_a_stored_archive_id_is_skipped_and_shown() -> None:
    ctx = setup_org()
    first, *_rest = three_invoices(ctx)
    pay(ctx, first, "955.00", archive_id="261210593497A0001")
    plan = _plan(ctx, CAMT_V08.encode())
    assert plan.rows[0].match == Match.DUPLICATE
    assert "261210593497A0001" in plan.rows[0].note
    assert plan.ok and len(plan.imported) == 2
    _commit(ctx, CAMT_V08.encode())
    with scope(organisation=ctx["org"].pk):
        assert Payment.objects.filter(archive_id="261210593497A0001").count() == 1
        assert Payment.objects.count() == 3  # the earlier one + two new


def test_two_rows_for_one_invoice_compare_with_what_is_left() -> None:
    ctx = setup_org()
    three_invoices(ctx)
    data = (
        "Kirjauspäivä;Määrä EUROA;Saaja/Maksaja;Viite;Arkistointitunnus\n"
        "10.12.2026;+100,00;Hollolan kunta;10016;A1\n"
        "11.12.2026;+100,00;Hollolan kunta;10016;A2\n"
    ).encode()
    plan = _plan(ctx, data, bank.guess_mapping(bank.read(data).table.header))
    # 184.00 open: the first 100.00 is partial (84.00 left), the second exceeds 84.00 by 16.00.
    assert [(p.match, p.open_before) for p in plan.rows] == [
        (Match.PARTIAL, Decimal("184.00")),
        (Match.OVER, Decimal("84.00")),
    ]
    assert "16,00" in plan.rows[1].note


NORDEA_LIKE = (
    "Kirjauspäivä;Arvopäivä;Määrä EUROA;Laji;Selitys;Saaja/Maksaja;Saajan tilinumero;Viite;"
    "Viesti;Arkistointitunnus\n"
    "10.12.2026;10.12.2026;+955,00;710;VIITESIIRTO;Kuntayhtymä;;10003;;261210AAA1\n"
    "10.12.2026;10.12.2026;-35,90;106;KORTTIOSTO;Kauppa;;;;261210AAA2\n"
    "11.12.2026;11.12.2026;1 000,00;710;TILISIIRTO;Yritys Oy;;;Lahjoitus;261210AAA3\n"
)


def test_csv_mapping_is_guessed_from_the_header() -> None:
    table = bank.read(NORDEA_LIKE.encode("utf-8-sig")).table
    assert table is not None
    mapping = bank.guess_mapping(table.header)
    assert {table.header[i]: key for i, key in mapping.items() if key} == {
        "Kirjauspäivä": bank.PAID_ON,
        "Määrä EUROA": bank.AMOUNT,
        "Saaja/Maksaja": bank.PAYER,
        "Viite": bank.REFERENCE,
        "Viesti": bank.MESSAGE,
        "Arkistointitunnus": bank.ARCHIVE_ID,
    }


def test_csv_import_with_debits_skipped() -> None:
    ctx = setup_org()
    first, *_rest = three_invoices(ctx)
    data = NORDEA_LIKE.encode("utf-8-sig")
    mapping = bank.guess_mapping(bank.read(data).table.header)
    plan = _plan(ctx, data, mapping)
    assert [(p.row.number, p.match) for p in plan.rows] == [
        (2, Match.EXACT),
        (3, Match.SKIPPED),  # −35,90 is an outgoing payment
        (4, Match.UNMATCHED),  # no reference
    ]
    assert plan.rows[2].row.amount == Decimal("1000.00")
    assert plan.rows[2].note == "Suorituksella ei ole viitettä."
    _commit(ctx, data, mapping)
    with scope(organisation=ctx["org"].pk):
        assert Payment.objects.filter(invoice=first).get().amount == Decimal("955.00")
        assert Payment.objects.filter(invoice__isnull=True).get().note == "Lahjoitus"


def test_a_bad_csv_row_blocks_the_whole_file_with_a_finnish_message() -> None:
    ctx = setup_org()
    three_invoices(ctx)
    data = (
        "Kirjauspäivä;Määrä;Viite;Maksaja;Arkistointitunnus\n"
        "10.12.2026;955,00;10003;Kuntayhtymä;B1\n"
        "31.13.2026;12,3x;10016;Hollolan kunta;B2\n"
        "11.12.2026;;10029;Heinola;B3\n"
    ).encode()
    mapping = bank.guess_mapping(bank.read(data).table.header)
    plan = _plan(ctx, data, mapping)
    assert not plan.ok
    assert [(p.row.number, p.match) for p in plan.errors] == [(3, Match.ERROR), (4, Match.ERROR)]
    assert plan.errors[0].note == (
        "Maksupäivä „31.13.2026“ ei ole päivämäärä (pp.kk.vvvv). "
        "Summa „12,3x“ ei ole rahamäärä (esim. 1234,56)."
    )
    assert plan.errors[1].note == "Summa puuttuu."
    with pytest.raises(ValidationError, match="mitään ei tallennettu"):
        _commit(ctx, data, mapping)
    with scope(organisation=ctx["org"].pk):
        assert not Payment.objects.exists()
        assert not PaymentImport.objects.exists()


def test_a_bad_row_is_named_by_its_line_in_the_file_blank_lines_counted() -> None:
    """Line 1 the header, 2 a payment, 3 and 4 blank, 5 the bad row: the message says 5."""
    ctx = setup_org()
    three_invoices(ctx)
    data = (
        "Kirjauspäivä;Määrä;Viite;Maksaja;Arkistointitunnus\n"
        "10.12.2026;955,00;10003;Kuntayhtymä;B1\n"
        "\n"
        ";;;;\n"
        "11.12.2026;;10029;Heinola;B3\n"
    ).encode()
    mapping = bank.guess_mapping(bank.read(data).table.header)
    plan = _plan(ctx, data, mapping)
    assert [p.row.number for p in plan.rows] == [2, 5]
    assert [(p.row.number, p.note) for p in plan.errors] == [(5, "Summa puuttuu.")]


def test_mapping_without_day_or_amount_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        bank.check_mapping({0: bank.REFERENCE, 1: bank.SKIP})
    assert raised.value.messages == [
        "Valitse sarake, jossa on maksupäivä (kirjauspäivä).",
        "Valitse sarake, jossa on summa.",
    ]


def test_duplicate_archive_id_inside_the_file_is_an_error() -> None:
    ctx = setup_org()
    data = "Päivämäärä;Summa;Arkistointitunnus\n1.12.2026;10,00;X1\n2.12.2026;20,00;X1\n".encode()
    plan = _plan(ctx, data, bank.guess_mapping(bank.read(data).table.header))
    assert [p.match for p in plan.rows] == [Match.UNMATCHED, Match.ERROR]
    assert "useammin kuin kerran" in plan.rows[1].note


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("+955,00", Decimal("955.00")),
        ("-35,90", Decimal("-35.90")),
        ("12,00-", Decimal("-12.00")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("74.00", Decimal("74.00")),
        ("100 €", Decimal("100")),
        ("12,3x", None),
        ("", None),
    ],
)
def test_amounts(cell: str, value: Decimal | None) -> None:
    assert bank.parse_amount(cell) == value


def test_reference_keys() -> None:
    assert reference_key("10003") == ("10003", "")
    assert reference_key("0000 0000 0000 0001 0003") == ("10003", "")
    assert reference_key("RF68 1000 3") == ("10003", "")
    assert reference_key("10004")[0] == ""  # wrong check digit
    assert reference_key("RF99 1000 3")[0] == ""  # wrong RF check digits
    assert reference_key("lasku 1000")[0] == ""


def test_other_xml_and_unsafe_xml_are_refused() -> None:
    camt053 = CAMT_V08.replace("camt.054.001.08", "camt.053.001.08").encode()
    with pytest.raises(ValidationError, match=r"ei ole camt\.054-tiedosto"):
        bank.read(camt053)
    camt054_v09 = CAMT_V08.replace("camt.054.001.08", "camt.054.001.09").encode()
    with pytest.raises(ValidationError, match=r"ei ole camt\.054-tiedosto"):
        bank.read(camt054_v09)
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">&x;</Document>'
    )
    with pytest.raises(ValidationError, match="XML-tiedostoa ei voi lukea"):
        bank.read(xxe)
    with pytest.raises(ValidationError, match="XML-tiedostoa ei voi lukea"):
        bank.read(b"<Document><broken>")
    with pytest.raises(ValidationError, match="Tiedosto on tyhjä"):
        bank.read(b"")


def test_foreign_currency_and_reversal() -> None:
    text = CAMT_V02.replace('<TxAmt><Amt Ccy="EUR">', '<TxAmt><Amt Ccy="SEK">')
    [row] = bank.read_camt054(text.encode())
    assert row.errors == ["Summa on valuutassa SEK; vain euromääräiset suoritukset tuodaan."]
    reversed_entry = CAMT_V02.replace("<Sts>BOOK</Sts>", "<RvslInd>true</RvslInd><Sts>BOOK</Sts>")
    [row] = bank.read_camt054(reversed_entry.encode())
    assert row.skip == "palautus, ohitetaan"


def test_only_finance_manager_imports() -> None:
    ctx = setup_org()
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        services.payment_import_commit(
            actor=director, file_name="x", data=CAMT_V02.encode(), today=TODAY
        )
