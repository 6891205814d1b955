"""The states of a table's parts before it leaves the organisation, and how they are shown.

Figures about a few people can identify them (three women from a small municipality in a
shelter in one year). Before a table leaves the organisation every part of it gets a state:

* **primary** – the value itself is small: ``0 < value < threshold`` (shown as ``"< 5"``), or
  a zero beside a total that is primary (:mod:`.small`, ADR 0036);
* **secondary** – a complementary part hidden so that a primary one cannot be recomputed from
  the published ones by adding and subtracting rows and columns (shown as ``"x"``);
* **shown** – published as it is.

Zero is shown, except beside a total that is a ``"< 5"``: there the symbols would give the
other parts away (four ``"< 5"``s that add up to at most 4 are each 1), so a zero is hidden
among them (:mod:`.small`). Elsewhere a zero says that nobody is in the cell; it does not
single anyone out, and many zeros are structural (no children in an adults' service), i.e.
everyone can infer them anyway. For the same reason a zero is used as a complementary cell
only as the last resort: hiding a value that everyone can infer protects nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

from tupa.core import disclosure

PRIMARY = "primary"
SECONDARY = "secondary"
SHOWN = "shown"

DEFAULT_THRESHOLD = 5


def is_small(value: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether ``value`` is suppressed by itself (zero is not: see the module docstring; beside
    a small total it is, :mod:`.small`)."""
    return disclosure.is_small(value, threshold)


def display(
    value: int, state: str, threshold: int = DEFAULT_THRESHOLD, *, decimals: int = 0
) -> str:
    """A part as text: ``"< 5"`` (primary), ``"x"`` (secondary) or the number, grouped the
    locale's way (Finnish: ``1 234`` with a no-break space), for screens and PDFs; a value in
    hundredths (``decimals=2``, money in cents) with its decimals (``1 234,50``).

    Spreadsheets get the number itself (``tupa.statistics.exports``), not this text.
    """
    if state == PRIMARY:
        return f"< {threshold}"
    if state == SECONDARY:
        return "x"
    return number_text(value, decimals)


def number_text(value: int, decimals: int = 0) -> str:
    """A counted value written out, unsuppressed: grouped the locale's way (``3 247``), a value
    in hundredths with its decimals (``9,67``). What every figure, chart and change shows."""
    return number_format(scaled(value, decimals), decimal_pos=decimals, force_grouping=True)


def scaled(value: int, decimals: int) -> int | Decimal:
    """A counted value in its display unit: whole cents → euros as an exact ``Decimal``."""
    return Decimal(value).scaleb(-decimals) if decimals else value
