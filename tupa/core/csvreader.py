"""Reading an uploaded CSV: the one reader of Tupa (the survey answer import, the accounting
system's actuals, a bank statement).

Files come from Webropol, Excel, accounting systems and online banks: ``;``, tab or ``,``
separated (whichever splits the header row into most columns, ``;`` first on a tie), UTF-8 with
or without a byte-order mark, else Windows-1252 (older Excel). The first non-empty row is the
header; empty rows are dropped; every data row is padded or cut to the header's width and keeps
its row number in the file (the header's is 1 when the file starts with it). Every refusal is a
Finnish ``ValidationError``; nothing here touches the database.

Finnish numbers and months of the cells: :func:`finnish_decimal`, :func:`month_of`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The largest file accepted (bytes): a year of a unit's answers, of an association's ledger or
#: reference payments is far below this.
MAX_BYTES = 2 * 1024 * 1024
#: The separators tried, best first on a tie.
DELIMITERS = (";", "\t", ",")

#: Spaces used as thousands separators (space, no-break space, narrow no-break space).
_SPACES = re.compile(r"[ \u00a0\u202f]")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Parsed:
    """A CSV file read: the header, the data rows (each as wide as the header), the row number
    of each data row in the file, the file's SHA-256 and the separator found."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]
    sha256: str
    delimiter: str = ";"

    def numbered(self) -> list[tuple[int, list[str]]]:
        """(row number in the file, cells) of each data row."""
        return list(zip(self.numbers, self.rows, strict=True))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def delimiter_of(text: str, candidates: tuple[str, ...] = DELIMITERS) -> str:
    """The separator that splits the header row into most columns (outside quotes); the first
    of ``candidates`` on a tie."""
    first = text.splitlines()[0] if text else ""
    counts = {c: len(next(csv.reader([first], delimiter=c), [])) for c in candidates}
    return max(candidates, key=lambda c: counts[c])


def parse(
    data: bytes,
    *,
    max_rows: int,
    min_columns: int = 1,
    strip: bool = False,
    not_text: str | None = None,
    too_few: str | None = None,
) -> Parsed:
    """The header and the data rows of ``data``, or a Finnish reason why not: an empty file, one
    over :data:`MAX_BYTES`, a binary file (``not_text`` says what to do instead), a broken CSV,
    fewer than a header and one row or a header of fewer than ``min_columns`` columns
    (``too_few``), more than ``max_rows`` data rows. ``strip``: data cells without the spaces
    around them (header cells always are)."""
    if not data:
        raise ValidationError(_("Tiedosto on tyhjä."))
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Tiedosto on liian suuri (enintään 2 Mt)."))
    if b"\x00" in data[:4096]:
        raise ValidationError(not_text or _("Tiedosto ei ole CSV-tekstitiedosto."))
    text = decode(data)
    delimiter = delimiter_of(text)
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ValidationError(
            _("Tiedostoa ei voi lukea CSV-tiedostona: %(e)s") % {"e": error}
        ) from error
    numbered = [(n, r) for n, r in enumerate(lines, start=1) if any(c.strip() for c in r)]
    if len(numbered) < 2 or len(numbered[0][1]) < min_columns:
        raise ValidationError(
            too_few or _("Tiedostossa pitää olla otsikkorivi ja vähintään yksi rivi.")
        )
    if len(numbered) - 1 > max_rows:
        raise ValidationError(_("Tiedostossa on liikaa rivejä (enintään %(n)s).") % {"n": max_rows})
    header = [h.strip() for h in numbered[0][1]]
    width = len(header)
    rows = [(r + [""] * width)[:width] for _n, r in numbered[1:]]
    if strip:
        rows = [[c.strip() for c in r] for r in rows]
    return Parsed(
        header=header,
        rows=rows,
        numbers=[n for n, _r in numbered[1:]],
        sha256=sha256_of(data),
        delimiter=delimiter,
    )


def finnish_decimal(text: str) -> Decimal:
    """``-1 234,56``, ``1.234,56``, ``1234.56`` or ``−12`` as a Decimal with at most two decimals;
    ``ValueError`` otherwise. A comma is the decimal separator (dots then group thousands); without
    a comma a single dot is the decimal point. The minus may be ``-`` or ``−`` (U+2212)."""
    value = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    if "," in value:
        if value.count(",") > 1:
            raise ValueError(text)
        value = value.replace(".", "").replace(",", ".")
    if not _NUMBER.match(value):
        raise ValueError(text)
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(text)
    return number.quantize(Decimal("0.01"))


def month_of(text: str) -> tuple[int, int]:
    """``"2018-03"`` as ``(2018, 3)``; ``ValueError`` for anything else (years 2000–2100)."""
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(text)
    return year, month
