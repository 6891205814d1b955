"""Small-cell suppression: what of a table may leave the organisation, and how it is shown.

* :mod:`.states` – the states of a part (primary "< 5", secondary "x", shown) and their text;
* :mod:`.small` – which parts are "< 5" (the small ones, and zeros beside a total that is a
  "< 5") and what each says (ADR 0036);
* :mod:`.graph` – one table, by the graph of its equations: no hidden part follows from the
  published ones, no row or column publishes a sum that gives people away;
* :mod:`.linked` – the tables of one figure together, audited exactly and with what the
  symbols say (ADR 0032, ADR 0034), remembered in the cache.

The statistics decide which tables are linked (``tupa.statistics.suppression``); the feedback
results suppress one table at a time. Both call what this package exports.
"""

from .graph import arcs, determined, exposed_sums
from .linked import jointly_determined, pinned, suppress, suppress_linked
from .small import Quantity, quantity, reading, small_parts, symbols
from .states import (
    DEFAULT_THRESHOLD,
    PRIMARY,
    SECONDARY,
    SHOWN,
    display,
    is_small,
    number_text,
    scaled,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "PRIMARY",
    "SECONDARY",
    "SHOWN",
    "Quantity",
    "arcs",
    "determined",
    "display",
    "exposed_sums",
    "is_small",
    "jointly_determined",
    "number_text",
    "pinned",
    "quantity",
    "reading",
    "scaled",
    "small_parts",
    "suppress",
    "suppress_linked",
    "symbols",
]
