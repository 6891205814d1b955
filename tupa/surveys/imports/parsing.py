"""Reading an uploaded CSV of answers: Webropol and spreadsheet exports come as ``;`` or ``,``
separated, UTF-8 with or without a byte-order mark, or Windows-1252 (older Excel). The rules are
the one reader of Tupa, :mod:`tupa.core.csvreader`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tupa.core.csvreader import MAX_BYTES, Parsed
from tupa.core.csvreader import parse as read_csv

__all__ = ["MAX_BYTES", "MAX_ROWS", "Parsed", "parse"]

#: The most answer rows accepted. A year of a small unit's answers is far below this.
MAX_ROWS = 5000


def parse(data: bytes) -> Parsed:
    """The header and the data rows (empty rows dropped), or a Finnish reason why not."""
    return read_csv(
        data,
        max_rows=MAX_ROWS,
        not_text=_(
            "Tiedosto ei ole CSV-tekstitiedosto. Tallenna se Webropolista tai Excelistä CSV-muodossa."
        ),
        too_few=_("Tiedostossa pitää olla otsikkorivi ja vähintään yksi vastausrivi."),
    )
