"""The suppression of linked tables: the tables of one figure, audited together.

Tables that publish some of the same quantities (the lines of one figure
in a return) are suppressed together (:func:`suppress_linked`), and parts that another output
publishes (``elsewhere``) never count as protection. The statistics decide which tables are
linked (``tupa.statistics.suppression``); the feedback results suppress one table at a time.
The rule for a published sum of hidden parts is :mod:`tupa.core.disclosure`'s.
Two audits of all the tables' equations together follow each table's own
(:func:`~.graph.suppress_table`): exactly (:func:`jointly_determined`), and with what the
symbols say (:func:`pinned`, ADR 0034; what a "< 5" says, :mod:`.small`, ADR 0036). A
suppression is remembered in the cache by its figures (:func:`suppress_linked`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence

from django.core.cache import cache

from tupa.core import disclosure
from tupa.core.tables import Key, Table

from .graph import Cost, Node, arcs, part_cost, suppress_table
from .small import Quantity, quantity, reading, small_parts
from .states import DEFAULT_THRESHOLD, SHOWN


def suppress(table: Table, threshold: int = DEFAULT_THRESHOLD) -> dict[Key, str]:
    """The state (:data:`PRIMARY`, :data:`SECONDARY`, :data:`SHOWN`) of every part of ``table``
    (:func:`suppress_linked` of the table alone).

    One-way example: cells 3, 10, 12 (total 25) → 3 is primary, 10 secondary (the smallest
    non-zero cell that keeps 3 from being the total minus the others), 12 and 25 shown. Cells
    1, 2, 0 (total 3): every part primary, the zero too (:mod:`.small`).
    """
    return suppress_linked([table], threshold)[0]


def _equations(tables: Sequence[Table]) -> list[dict[Quantity, int]]:
    """The published equations of ``tables`` over the quantities they count, one per node of
    each table's graph: what flows in minus what flows out is zero (a row's cells minus its
    total)."""
    out: list[dict[Quantity, int]] = []
    for table in tables:
        nodes: dict[Node, dict[Quantity, int]] = {}
        for key, (u, v) in arcs(table).items():
            q = quantity(table, key)
            leaving, entering = nodes.setdefault(u, {}), nodes.setdefault(v, {})
            leaving[q] = leaving.get(q, 0) - 1
            entering[q] = entering.get(q, 0) + 1
        out += [{q: c for q, c in node.items() if c} for node in nodes.values()]
    return out


#: A prime for exact elimination in whole numbers. The equations' coefficients are -1, 0 and
#: 1, so a rank modulo this prime differs from the rank over the rationals only if some minor
#: is a non-zero multiple of it; the tests' attacker solves over the rationals.
_PRIME = 2**61 - 1


def jointly_determined(
    tables: Sequence[Table],
    hidden: Sequence[Collection[Key]],
    elsewhere: Collection[Quantity] = (),
) -> list[Quantity]:
    """The hidden quantities that the tables' equations together give away, in the tables'
    order (``hidden[i]``: the hidden parts of ``tables[i]``; a quantity shown in any table, or
    published ``elsewhere``, is known).

    Each table's own bridges (:func:`determined`) are found by the graph; tables that share
    quantities other than their total (two two-way lines with a margin in common) can give a
    part away together even when neither does alone. The equations of every table, over the
    unknown quantities, are brought to reduced row echelon form: a quantity is determined
    exactly when its column is a pivot whose row has no other entry.
    """
    shown: set[Quantity] = set()
    order: dict[Quantity, None] = {}  # the hidden quantities in the tables' order
    for table, gone in zip(tables, hidden, strict=True):
        for key in table.values:
            q = quantity(table, key)
            if key not in gone:
                shown.add(q)
            else:
                order.setdefault(q)
    unknown = {
        q: i for i, q in enumerate(q for q in order if q not in shown and q not in elsewhere)
    }
    rows: list[dict[int, int]] = []
    for equation in _equations(tables):
        row: dict[int, int] = {}
        for q, coefficient in equation.items():
            if (column := unknown.get(q)) is not None:
                row[column] = (row.get(column, 0) + coefficient) % _PRIME
        rows.append({c: x for c, x in row.items() if x})
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        for column, pivot_row in pivots.items():  # eliminate the known pivots
            if (factor := row.get(column)) is not None:
                for c, x in pivot_row.items():
                    row[c] = (row.get(c, 0) - factor * x) % _PRIME
                row = {c: x for c, x in row.items() if x}
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], _PRIME - 2, _PRIME)
        row = {c: x * inverse % _PRIME for c, x in row.items()}
        for other in pivots.values():  # keep the form reduced
            if (factor := other.get(column)) is not None:
                for c, x in row.items():
                    other[c] = (other.get(c, 0) - factor * x) % _PRIME
                for c in [c for c, x in other.items() if not x]:
                    del other[c]
        pivots[column] = row
    found = {column for column, row in pivots.items() if len(row) == 1}
    return [q for q, i in unknown.items() if i in found]


def pinned(
    tables: Sequence[Table],
    hidden: Sequence[Collection[Key]],
    elsewhere: Collection[Quantity] = (),
    threshold: int = DEFAULT_THRESHOLD,
    among: Collection[Quantity] | None = None,
    *,
    exclude: Collection[Quantity] = (),
    first: bool = False,
    read: Mapping[Quantity, str] | None = None,
) -> list[Quantity]:
    """The hidden quantities that only one value fits, given everything the tables publish
    together and what their symbols say (a "< 5" is 1–4, or 0–4 beside a total that is a
    "< 5", :func:`~.small.symbols`; an "x" 0 or at least 5), in the tables'
    order (:func:`tupa.core.disclosure.pinned`; ``hidden`` and ``elsewhere`` as in
    :func:`jointly_determined`). ``among``: ask only about these; ``exclude``: not about
    these; ``first``: stop at the first found; ``read``: the tables' :func:`~.small.reading`,
    when the caller has it.

    A determined part is pinned too; this finds more: a row whose two "< 5"s sum to at most 4
    and a column whose "< 5"s sum to 7 pin 3 and 4 together, though neither equation alone
    does, nor any equation's sum (:func:`exposed_sums`).
    """
    value: dict[Quantity, int] = {}
    shown: set[Quantity] = set(elsewhere)
    order: dict[Quantity, None] = {}
    for table, gone in zip(tables, hidden, strict=True):
        for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict: the parts in order
            q = quantity(table, key)
            value[q] = table.values[key]
            if key in gone:
                order.setdefault(q)
            else:
                shown.add(q)
    if read is None:
        read = reading(tables, threshold)
    unknown = {q: (value[q], read.get(q, disclosure.APART)) for q in order if q not in shown}
    if not unknown:
        return []
    equations = [
        (
            {q: c for q, c in equation.items() if q in unknown},
            -sum(c * value[q] for q, c in equation.items() if q not in unknown),
        )
        for equation in _equations(tables)
    ]
    asked = [q for q in unknown if (among is None or q in among) and q not in exclude]
    return disclosure.pinned(unknown, equations, threshold, asked, first=first)


#: How long a suppression is remembered (:func:`suppress_linked`), in seconds. A table with
#: other figures is another key, so only the memory's size is at stake.
MEMORY_SECONDS = 24 * 60 * 60

#: The version of the rules in the memory's keys: a change of the rules that changes what is
#: hidden gets a new one, so that no suppression of the old rules is reused.
RULES = 4


def _memory_key(tables: Sequence[Table], threshold: int, elsewhere: Collection[Quantity]) -> str:
    """The key of a suppression in the cache: a hash of everything it depends on (the tables'
    dimensions, their rows and columns in order, their values; the threshold; what is
    published elsewhere). Labels do not matter; the order of rows does (ties go to the
    first)."""
    content = json.dumps(
        [
            RULES,
            threshold,
            sorted(sorted(q) for q in elsewhere),
            [
                [
                    t.row_dimension,
                    t.col_dimension,
                    [r for r, _ in t.rows],
                    [c for c, _ in t.cols],
                    sorted([*k, v] for k, v in t.values.items()),
                ]
                for t in tables
            ],
        ]
    )
    return "tupa.suppression:" + hashlib.sha256(content.encode()).hexdigest()


def suppress_linked(
    tables: Sequence[Table],
    threshold: int = DEFAULT_THRESHOLD,
    elsewhere: Collection[Quantity] = (),
) -> list[dict[Key, str]]:
    """:func:`_suppress_linked`, remembered in the cache (Django's default) by the tables'
    figures: a return page asks for the same suppression on every view, and the audit by
    integer programming (:func:`pinned`) takes milliseconds per figure. The suppression is a
    function of the figures alone, and the memory holds only which parts are hidden."""
    key = _memory_key(tables, threshold, elsewhere)
    remembered = cache.get(key)
    if remembered is None:
        states = _suppress_linked(tables, threshold, elsewhere)
        remembered = [{k: s for k, s in st.items() if s != SHOWN} for st in states]
        cache.set(key, remembered, MEMORY_SECONDS)
    return [
        {k: hidden.get(k, SHOWN) for k in t.keys()}  # noqa: SIM118 - Table.keys(): in order
        for t, hidden in zip(tables, remembered, strict=True)
    ]


def _suppress_linked(
    tables: Sequence[Table],
    threshold: int,
    elsewhere: Collection[Quantity],
) -> list[dict[Key, str]]:
    """The states of the tables of one figure (the lines of one indicator in a return), which
    publish some of the same quantities: a part hidden in one table is hidden in every table
    that shows the same quantity, or that table would hand the attacker the value its sibling
    hid (THL: the adult/child line publishes the column totals the gender × adult/child line
    hid to protect a small cell). Each table is then suppressed again with those parts hidden
    (:func:`~.graph.suppress_table`), until no table hides a quantity another shows. A quantity shared by
    two tables is hidden in both or in neither. ``elsewhere``: quantities another output
    publishes (:func:`~.graph.suppress_table`).

    Then two audits of all the tables' equations together, each hiding more and suppressing
    the tables again while it finds something:

    * tables that share more than their total can give a part away exactly together even when
      neither does alone (:func:`jointly_determined`): one more part is hidden
      (:func:`_complement`);
    * the equations and the symbols' bounds together can leave a part one value
      (:func:`pinned`; not for a one-way table alone, see below): the cheapest set of parts
      that frees it is hidden (:func:`_free_one`).

    A part that no hiding frees is left as it is. Before ADR 0036 the symbols alone could pin
    parts (four "< 5"s of 1 beside a total that is a "< 5"); the zeros hidden beside a small
    total (:mod:`.small`) leave no such part in the tests' and the benchmark's tables, but a
    part no hiding frees is still not hidden in vain.
    """
    read = reading(tables, threshold)
    small = small_parts(tables, read)
    # The zeros hidden beside a small total are not protected themselves (suppress_table).
    zeros = {
        quantity(t, key)
        for t, parts in zip(tables, small, strict=True)
        for key in parts
        if t.values[key] == 0
    }
    also: list[set[Key]] = [set() for _table in tables]
    published = [{key for key in t.values if quantity(t, key) in elsewhere} for t in tables]
    bare: set[Quantity] = set()  # pinned by the symbols alone (see above)
    # A one-way table alone has one equation, and exposed_sums already decides exactly what
    # its sum pins (its hidden cells on one side; with its total hidden too, only the symbols
    # can pin them): the integer programmes would find nothing to mend.
    bounds = len(tables) > 1 or any(t.ways == 2 for t in tables)
    while True:
        states = [
            suppress_table(t, threshold, small[i], also[i], published[i])
            for i, t in enumerate(tables)
        ]
        hidden = {
            quantity(t, key)
            for t, st in zip(tables, states, strict=True)
            for key, state in st.items()
            if state != SHOWN
        }
        grown = False
        for i, (t, st) in enumerate(zip(tables, states, strict=True)):
            for key, state in st.items():
                if state == SHOWN and quantity(t, key) in hidden:
                    also[i].add(key)
                    grown = True
        if grown:
            continue
        gone = [{key for key, state in st.items() if state != SHOWN} for st in states]
        together = jointly_determined(tables, gone, elsewhere) if len(tables) > 1 else []
        if given := [q for q in together if q not in zeros]:
            more = {_complement(tables, gone, given[0], published, elsewhere)}
        elif bounds and (freed := _free_one(tables, gone, elsewhere, threshold, bare, zeros, read)):
            more = freed
        else:
            return states
        for i, t in enumerate(tables):
            also[i] |= {key for key in t.values if quantity(t, key) in more}


def _free_one(
    tables: Sequence[Table],
    gone: Sequence[set[Key]],
    elsewhere: Collection[Quantity],
    threshold: int,
    bare: set[Quantity],
    zeros: Collection[Quantity],
    read: Mapping[Quantity, str],
) -> set[Quantity]:
    """The quantities to hide next so that the first pinned quantity (:func:`pinned`) is no
    longer pinned: the cheapest set, by one integer programme (:func:`_freeing`). A pinned
    quantity that no hiding frees goes to ``bare`` (the symbols alone pin it) and the next is
    taken. ``zeros``: hidden beside a small total, not asked about (:mod:`.small`); ``read``:
    the tables' :func:`~.small.reading`. Empty: nothing is pinned but what is bare."""
    settled = set(bare) | set(zeros)
    while found := pinned(
        tables, gone, elsewhere, threshold, exclude=settled, first=True, read=read
    ):
        q = found[0]
        more = _freeing(tables, gone, elsewhere, threshold, q, read)
        if more:
            return more
        if more is None:
            bare.add(q)
        settled.add(q)  # bare, or free after all (a programme of pinned did not finish)
    return set()


def _freeing(
    tables: Sequence[Table],
    gone: Sequence[set[Key]],
    elsewhere: Collection[Quantity],
    threshold: int,
    given: Quantity,
    read: Mapping[Quantity, str],
) -> set[Quantity] | None:
    """:func:`tupa.core.disclosure.freeing` of the quantities of linked tables. A part's cost
    follows :func:`~.graph.part_cost`: its value and one, a margin one more than a cell (a margin says
    more), a zero as much as a part of twice the threshold (hiding a zero protects little).
    ``read``: the tables' :func:`~.small.reading`."""
    parts: dict[Quantity, tuple[int, str]] = {}
    prices: dict[Quantity, float] = {}
    for table, hidden in zip(tables, gone, strict=True):
        for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict: the parts in order
            q = quantity(table, key)
            value = table.values[key]
            if q in elsewhere:
                parts[q] = (value, "known")
            elif key in hidden:  # then hidden in every table (suppress_linked)
                parts[q] = (value, read.get(q, disclosure.APART))
            else:
                parts.setdefault(q, (value, SHOWN))
                own = (value or 2 * threshold) + (1 if key[0] == "cell" else 2)
                prices[q] = min(prices.get(q, own), own)
    found = disclosure.freeing(parts, _equations(tables), given, threshold, prices)
    return None if found is None else set(found)


def _complement(
    tables: Sequence[Table],
    gone: Sequence[set[Key]],
    given: Quantity,
    published: Sequence[Collection[Key]],
    elsewhere: Collection[Quantity],
) -> Quantity:
    """The quantity to hide next when ``given`` follows from the tables together: the
    cheapest published part whose hiding keeps ``given`` from following, a part of a table
    that shows ``given`` before one of another table; else the first of them (the next round
    looks again)."""
    candidates: list[tuple[bool, Cost, int, Quantity]] = []
    for i, table in enumerate(tables):
        apart = not any(quantity(table, key) == given for key in gone[i])
        for order, key in enumerate(table.keys()):
            if key not in gone[i]:
                price = part_cost(table, key, published[i])
                candidates.append((apart, price, order, quantity(table, key)))
    candidates.sort(key=lambda c: c[:3])
    for _apart, _cost_of, _order, q in candidates:
        trial = [
            g | {key for key in t.values if quantity(t, key) == q}
            for t, g in zip(tables, gone, strict=True)
        ]
        if given not in jointly_determined(tables, trial, elsewhere):
            return q
    return candidates[0][3]
