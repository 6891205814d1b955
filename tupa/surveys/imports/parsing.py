"""Reading an uploaded CSV: Webropol and spreadsheet exports come as ``;`` or ``,`` separated,
UTF-8 with or without a byte-order mark, or Windows-1252 (older Excel)."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The largest file accepted (bytes). A year of a small unit's answers is far below this.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class Parsed:
    header: list[str]
    rows: list[list[str]]
    sha256: str


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def delimiter_of(text: str) -> str:
    """``;`` or ``,``: whichever splits the header row into more columns (outside quotes)."""
    first = text.splitlines()[0] if text else ""
    counts = {}
    for candidate in (";", ","):
        counts[candidate] = len(next(csv.reader([first], delimiter=candidate), []))
    return ";" if counts[";"] >= counts[","] else ","


def parse(data: bytes) -> Parsed:
    """The header and the data rows (empty rows dropped), or a Finnish reason why not."""
    if not data:
        raise ValidationError(_("Tiedosto on tyhjä."))
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Tiedosto on liian suuri (enintään 2 Mt)."))
    if b"\x00" in data[:4096]:
        raise ValidationError(
            _(
                "Tiedosto ei ole CSV-tekstitiedosto. Tallenna se Webropolista tai Excelistä CSV-muodossa."
            )
        )
    text = decode(data)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter_of(text)))
    except csv.Error as error:
        raise ValidationError(
            _("Tiedostoa ei voi lukea CSV-tiedostona: %(e)s") % {"e": error}
        ) from error
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise ValidationError(
            _("Tiedostossa pitää olla otsikkorivi ja vähintään yksi vastausrivi.")
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(_("Tiedostossa on liikaa rivejä (enintään %(n)s).") % {"n": MAX_ROWS})
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return Parsed(header=header, rows=body, sha256=hashlib.sha256(data).hexdigest())
