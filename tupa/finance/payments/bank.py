"""Reading a bank statement file into payment rows: a Finnish bank's CSV export (with a column
mapping) or an ISO 20022 camt.054 notification (docs/finance-payments.md).

Nothing here touches the database. Every problem is a Finnish message on its row; a file that is
neither is refused as a whole.

**CSV.** ``;``, ``,`` or tab separated (the separator that splits the header into most columns),
UTF-8 with or without a byte-order mark, else Windows-1252. The first row names the columns; each
column maps to one of :data:`FIELDS` or is skipped. The day is ``d.m.yyyy`` (also ``yyyy-mm-dd``);
the amount ``1 234,56`` or ``1234.56`` (``+``/``-`` sign or a trailing ``-``); a row whose amount is
negative is an outgoing payment and is skipped.

**camt.054** (``BankToCustomerDebitCreditNotification``, namespaces
``urn:iso:std:iso:20022:tech:xsd:camt.054.001.02`` … ``.08``), parsed with :mod:`defusedxml` (no
DTDs, entities or external references). One row per credit transaction (``TxDtls`` of an entry
with ``CdtDbtInd`` ``CRDT``; the entry itself when it has no details): amount (``TxDtls/Amt``,
``AmtDtls/TxAmt/Amt`` or the entry's ``Amt`` when it holds one transaction), booking day
(``BookgDt``, else ``ValDt``), reference (``RmtInf/Strd/CdtrRefInf/Ref``), payer
(``RltdPties/Dbtr/Nm``, ``Dbtr/Pty/Nm`` from v08), archive id (``Refs/AcctSvcrRef``, else the
entry's ``AcctSvcrRef``). Debits, reversals and entries not booked are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.core import csvreader, dates
from tupa.core.csvreader import sha256_of

#: The largest file accepted (bytes): a year of an association's reference payments is far less.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

CSV = "csv"
CAMT054 = "camt.054"

SKIP = ""
PAID_ON = "paid_on"
AMOUNT = "amount"
REFERENCE = "reference"
PAYER = "payer"
ARCHIVE_ID = "archive_id"
MESSAGE = "message"

#: What a CSV column can be, in the order of the mapping form.
FIELDS: dict[str, Any] = {
    PAID_ON: gettext_lazy("maksupäivä (kirjauspäivä)"),
    AMOUNT: gettext_lazy("summa"),
    REFERENCE: gettext_lazy("viitenumero"),
    PAYER: gettext_lazy("maksaja"),
    ARCHIVE_ID: gettext_lazy("arkistointitunnus"),
    MESSAGE: gettext_lazy("viesti"),
}
REQUIRED = (PAID_ON, AMOUNT)

#: Headers of Finnish banks' exports (normalised by :func:`_norm`), best first per field.
HEADERS: dict[str, tuple[str, ...]] = {
    PAID_ON: (
        "kirjauspäivä",
        "kirjauspvm",
        "maksupäivä",
        "maksupvm",
        "päivämäärä",
        "pvm",
        "arvopäivä",
        "booking date",
        "date",
    ),
    AMOUNT: (
        "määrä euroa",
        "määrä eur",
        "määrä",
        "summa",
        "rahamäärä",
        "euroa",
        "amount",
    ),
    REFERENCE: ("viite", "viitenumero", "viitenro", "viite nro", "reference"),
    PAYER: (
        "maksaja",
        "saaja maksaja",
        "maksaja saaja",
        "saajan maksajan nimi",
        "maksajan nimi",
        "nimi",
        "payer",
        "name",
    ),
    ARCHIVE_ID: (
        "arkistointitunnus",
        "arkistotunnus",
        "arkistointitunniste",
        "arkistointi id",
        "archive id",
        "archive reference",
    ),
    MESSAGE: ("viesti", "message"),
}

_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%Y%m%d")
_CAMT_NS = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.0([2-8])\}Document$")


@dataclass
class BankRow:
    """One payment of the file as read: ``number`` is the row of the CSV (header = 1) or the
    transaction's order in a camt.054 file; ``errors`` say what is wrong with it; ``skip`` why it
    is not a payment received (an outgoing payment, a reversal)."""

    number: int
    paid_on: dt.date | None = None
    amount: Decimal | None = None
    reference: str = ""
    payer: str = ""
    archive_id: str = ""
    message: str = ""
    errors: list[str] = field(default_factory=list)
    skip: str = ""


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    rows: list[list[str]]
    #: each row's number in the file (blank lines counted), for the messages
    numbers: list[int]


@dataclass(frozen=True)
class Statement:
    """A file read: its format, SHA-256 and rows (a CSV also keeps its table for the mapping)."""

    file_format: str
    sha256: str
    rows: list[BankRow]
    table: CsvTable | None = None


def _check_size(data: bytes) -> None:
    if not data:
        raise ValidationError(_("Tiedosto on tyhjä."))
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Tiedosto on liian suuri (enintään 2 Mt)."))


def format_of(data: bytes) -> str:
    """:data:`CAMT054` for anything that looks like XML, else :data:`CSV`."""
    head = data[:200].lstrip(b"\xef\xbb\xbf").lstrip()
    return CAMT054 if head.startswith(b"<") else CSV


def read(data: bytes) -> Statement:
    """The file's rows when it is camt.054; a CSV's table (rows come with a mapping), or a
    Finnish reason why the file cannot be read."""
    _check_size(data)
    if format_of(data) == CAMT054:
        return Statement(CAMT054, sha256_of(data), read_camt054(data))
    return Statement(CSV, sha256_of(data), [], read_csv(data))


# CSV ----------------------------------------------------------------------------------------


def read_csv(data: bytes) -> CsvTable:
    """The statement's header and rows, read by :func:`tupa.core.csvreader.parse`."""
    _check_size(data)
    found = csvreader.parse(
        data,
        max_rows=MAX_ROWS,
        min_columns=2,
        not_text=_(
            "Tiedosto ei ole CSV-tekstitiedosto eikä camt.054-XML-tiedosto. Tallenna "
            "tiliote verkkopankista CSV-muodossa tai hae camt.054-muistio."
        ),
        too_few=_(
            "Tiedostossa pitää olla otsikkorivi ja vähintään yksi tapahtumarivi, ja "
            "sarakkeet erotettuina puolipisteellä."
        ),
    )
    return CsvTable(header=found.header, rows=found.rows, numbers=found.numbers)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def guess_mapping(header: list[str]) -> dict[int, str]:
    """Column index → field, from the header names of Finnish banks' exports (best match first;
    a field is mapped once)."""
    names = [_norm(h) for h in header]
    out = {i: SKIP for i in range(len(header))}
    for key, synonyms in HEADERS.items():
        for synonym in synonyms:
            free = [i for i, n in enumerate(names) if n == synonym and out[i] == SKIP]
            if free:
                out[free[0]] = key
                break
    return out


def check_mapping(mapping: Mapping[int, str]) -> None:
    """Every required field once, no field twice; else a Finnish ``ValidationError``."""
    chosen = [v for v in mapping.values() if v != SKIP]
    errors = []
    for key in REQUIRED:
        if key not in chosen:
            errors.append(_("Valitse sarake, jossa on %(field)s.") % {"field": FIELDS[key]})
    for key in FIELDS:
        if chosen.count(key) > 1:
            errors.append(
                _("Sarake „%(field)s“ on valittu useammin kuin kerran.") % {"field": FIELDS[key]}
            )
    if errors:
        raise ValidationError(errors)


def parse_day(cell: str) -> dt.date | None:
    text = cell.strip().split(" ")[0] if cell.strip() else ""
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_amount(cell: str) -> Decimal | None:
    """A Finnish or international amount (``1 234,56``, ``+1234,56``, ``1,234.56``, ``-12.00``,
    ``12,00-``), or None."""
    text = re.sub(r"[\s\u00a0\u202f€]|EUR", "", cell.strip(), flags=re.IGNORECASE)
    if not text:
        return None
    negative = False
    if text.endswith("-"):
        negative, text = True, text[:-1]
    if text[:1] in "+-":
        negative, text = negative or text[0] == "-", text[1:]
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return -value if negative else value


def _compact(text: str) -> str:
    return "".join(text.split())


def _check_amount(row: BankRow, amount: Decimal) -> None:
    if amount != amount.quantize(Decimal("0.01")):
        row.errors.append(_("Summassa saa olla enintään kaksi desimaalia."))
    elif abs(amount) >= Decimal("1e10"):
        row.errors.append(_("Summa on liian suuri."))
    elif amount < 0:
        row.skip = _("lähtevä maksu, ohitetaan")
    elif amount == 0:
        row.skip = _("nollasumma, ohitetaan")
    else:
        row.amount = amount


def _check_common(row: BankRow) -> None:
    if row.paid_on is not None and not dates.in_range(row.paid_on):
        row.errors.append(_("Maksupäivän on oltava välillä 1.1.2000–31.12.2100."))
        row.paid_on = None
    if len(row.reference) > 35:
        row.errors.append(_("Viite on liian pitkä (enintään 35 merkkiä)."))
    if len(row.archive_id) > 60:
        row.errors.append(_("Arkistointitunnus on liian pitkä (enintään 60 merkkiä)."))
    row.payer = row.payer[:200]
    row.message = row.message[:300]


def csv_rows(table: CsvTable, mapping: Mapping[int, str]) -> list[BankRow]:
    """The table's rows as payments by ``mapping`` (checked by :func:`check_mapping`)."""
    check_mapping(mapping)
    columns = {key: col for col, key in mapping.items() if key != SKIP}
    rows: list[BankRow] = []
    for index, cells in zip(table.numbers, table.rows, strict=True):

        def cell(key: str, cells: list[str] = cells) -> str:
            col = columns.get(key)
            return cells[col].strip() if col is not None else ""

        row = BankRow(
            number=index,
            reference=_compact(cell(REFERENCE)),
            payer=" ".join(cell(PAYER).split()),
            archive_id=_compact(cell(ARCHIVE_ID)),
            message=" ".join(cell(MESSAGE).split()),
        )
        day_text, amount_text = cell(PAID_ON), cell(AMOUNT)
        row.paid_on = parse_day(day_text)
        if row.paid_on is None:
            row.errors.append(
                _("Maksupäivä „%(value)s“ ei ole päivämäärä (pp.kk.vvvv).") % {"value": day_text}
                if day_text
                else _("Maksupäivä puuttuu.")
            )
        amount = parse_amount(amount_text)
        if amount is None:
            row.errors.append(
                _("Summa „%(value)s“ ei ole rahamäärä (esim. 1234,56).") % {"value": amount_text}
                if amount_text
                else _("Summa puuttuu.")
            )
        else:
            _check_amount(row, amount)
        _check_common(row)
        if row.skip:
            row.errors = []
        rows.append(row)
    return rows


# camt.054 -----------------------------------------------------------------------------------


class _Camt:
    """Namespace-aware look-ups in one camt.054 document."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def path(self, path: str) -> str:
        return "/".join(
            f"{{{self.ns}}}{part}" if part not in (".", "..") else part for part in path.split("/")
        )

    def find(self, element: Any, path: str) -> Any:
        return element.find(self.path(path))

    def findall(self, element: Any, path: str) -> list[Any]:
        return list(element.findall(self.path(path)))

    def text(self, element: Any, *paths: str) -> str:
        for path in paths:
            found = self.find(element, path)
            if found is not None and (found.text or "").strip():
                return " ".join(found.text.split())
        return ""

    def amount(self, element: Any, *paths: str) -> tuple[str, str] | None:
        for path in paths:
            found = self.find(element, path)
            if found is not None and (found.text or "").strip():
                return found.text.strip(), found.get("Ccy", "")
        return None

    def day(self, element: Any, *paths: str) -> dt.date | None:
        for path in paths:
            text = self.text(element, f"{path}/Dt") or self.text(element, f"{path}/DtTm")[:10]
            if text:
                try:
                    return dt.date.fromisoformat(text[:10])
                except ValueError:
                    return None
        return None


def _not_camt() -> ValidationError:
    return ValidationError(
        _(
            "Tiedosto ei ole camt.054-tiedosto (ISO 20022, BankToCustomerDebitCreditNotification, "
            "versiot 02–08) eikä CSV-tiedosto. Hae verkkopankista viitesiirtojen camt.054-muistio "
            "tai tiliotteen CSV-tiedosto."
        )
    )


def read_camt054(data: bytes) -> list[BankRow]:
    """The credit transactions of a camt.054 file (see the module docstring)."""
    _check_size(data)
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as error:
        raise ValidationError(
            _("XML-tiedostoa ei voi lukea (se on rikki tai siinä on kiellettyjä rakenteita).")
        ) from error
    match = _CAMT_NS.match(root.tag)
    if match is None:
        raise _not_camt()
    camt = _Camt(root.tag[1:].split("}")[0])
    body = camt.find(root, "BkToCstmrDbtCdtNtfctn")
    if body is None:
        raise _not_camt()
    rows: list[BankRow] = []
    for notification in camt.findall(body, "Ntfctn"):
        for entry in camt.findall(notification, "Ntry"):
            rows.extend(_entry_rows(camt, entry, len(rows)))
            if len(rows) > MAX_ROWS:
                raise ValidationError(
                    _("Tiedostossa on liikaa tapahtumia (enintään %(n)s).") % {"n": MAX_ROWS}
                )
    if not rows:
        raise ValidationError(_("Tiedostossa ei ole yhtään tapahtumaa."))
    return rows


def _entry_rows(camt: _Camt, entry: Any, done: int) -> list[BankRow]:
    indicator = camt.text(entry, "CdtDbtInd")
    status = camt.text(entry, "Sts/Cd", "Sts")
    reversal = camt.text(entry, "RvslInd").lower() == "true"
    booked_on = camt.day(entry, "BookgDt", "ValDt")
    entry_archive = camt.text(entry, "AcctSvcrRef")
    details = camt.findall(entry, "NtryDtls/TxDtls")
    single = len(details) <= 1
    rows: list[BankRow] = []
    for n, tx in enumerate(details or [None], start=1):
        row = BankRow(number=done + n, paid_on=booked_on)
        if tx is not None:
            row.reference = _compact(camt.text(tx, "RmtInf/Strd/CdtrRefInf/Ref"))
            row.payer = camt.text(tx, "RltdPties/Dbtr/Pty/Nm", "RltdPties/Dbtr/Nm")
            row.archive_id = _compact(camt.text(tx, "Refs/AcctSvcrRef")) or (
                _compact(entry_archive) if single else ""
            )
            row.message = camt.text(tx, "RmtInf/Ustrd")
            found = camt.amount(tx, "Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
            if found is None and single:
                found = camt.amount(entry, "Amt")
            tx_indicator = camt.text(tx, "CdtDbtInd") or indicator
        else:
            row.archive_id = _compact(entry_archive)
            found = camt.amount(entry, "Amt")
            tx_indicator = indicator
        if tx_indicator != "CRDT":
            row.skip = _("veloitus, ohitetaan")
        elif reversal:
            row.skip = _("palautus, ohitetaan")
        elif status and status != "BOOK":
            row.skip = _("ei kirjattu (tila %(status)s), ohitetaan") % {"status": status}
        if row.paid_on is None:
            row.errors.append(_("Tapahtumalta puuttuu kirjauspäivä."))
        if found is None:
            row.errors.append(_("Tapahtumalta puuttuu summa."))
        else:
            text, currency = found
            if currency and currency != "EUR":
                row.errors.append(
                    _("Summa on valuutassa %(ccy)s; vain euromääräiset suoritukset tuodaan.")
                    % {"ccy": currency}
                )
            else:
                amount = parse_amount(text)
                if amount is None:
                    row.errors.append(_("Summa „%(value)s“ ei ole rahamäärä.") % {"value": text})
                elif not row.skip:
                    _check_amount(row, amount)
        _check_common(row)
        if row.skip:
            row.errors = []
        rows.append(row)
    return rows
