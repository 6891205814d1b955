"""Reading the accounting system's CSV: ``;`` or ``,`` separated, UTF-8 with or without a
byte-order mark or Windows-1252 (older Excel), Finnish decimals (``-1 234,56``) and months
(``2018-03``). The rules are the one reader of Tupa, :mod:`tupa.core.csvreader`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tupa.core import csvreader
from tupa.core.csvreader import MAX_BYTES, finnish_decimal, month_of, sha256_of

__all__ = ["MAX_BYTES", "MAX_ROWS", "Parsed", "finnish_decimal", "month_of", "parse", "sha256_of"]

#: The most ledger rows accepted: a year of a small association's ledger is far below this.
MAX_ROWS = 20000


@dataclass(frozen=True)
class Parsed:
    header: list[str]
    #: (line number in the file, cells without surrounding spaces) of each non-empty data row
    rows: list[tuple[int, list[str]]]
    sha256: str


def parse(data: bytes) -> Parsed:
    """The header and the data rows with their line numbers, or a Finnish reason why not."""
    found = csvreader.parse(
        data,
        max_rows=MAX_ROWS,
        strip=True,
        not_text=_(
            "Tiedosto ei ole CSV-tekstitiedosto. Tallenna raportti kirjanpidosta CSV-muodossa."
        ),
        too_few=_("Tiedostossa pitää olla otsikkorivi ja vähintään yksi rivi."),
    )
    return Parsed(header=found.header, rows=found.numbered(), sha256=found.sha256)
