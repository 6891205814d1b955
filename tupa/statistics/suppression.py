"""Small-cell suppression: what of a table may leave the organisation, and how it is shown.

Figures about a few people can identify them (three women from a small municipality in a
shelter in one year). Before a table leaves the organisation every part of it gets a state:

* **primary** – the value itself is small: ``0 < value < threshold`` (shown as ``"< 5"``);
* **secondary** – a complementary part hidden so that a primary one cannot be recomputed from
  the published ones by adding and subtracting rows and columns (shown as ``"x"``);
* **shown** – published as it is.

Zero is shown. A zero says that nobody is in the cell; it does not single anyone out, and many
zeros are structural (no children in an adults' service), i.e. everyone can infer them anyway.
For the same reason a zero is used as a complementary cell only as the last resort: hiding a
value that everyone can infer protects nothing.

**Why a graph.** The published equations of a table are those of a flow network: a row's cells
add up to the row's total, a column's cells to the column's total, the row totals and the
column totals to the grand total (one-way: the cells to the total). Take a node per row, per
column, a source and a sink; a cell is an arc from its row to its column, a row total an arc
from the source to the row, a column total an arc from the column to the sink and the grand
total an arc from the sink back to the source. Every equation is flow conservation at a node.
The constraint matrix is a network matrix, so an unknown (suppressed) part is determined by the
published values exactly when it lies on no cycle of the graph formed by the suppressed arcs,
i.e. when it is a *bridge* of that graph. (The unknowns' null space is the cycle space.)
Counting "0 or at least 2 unknowns per equation" is necessary but not sufficient: two
suppressed rectangles joined by one suppressed cell satisfy it and still give that cell away.

Secondary suppression therefore repeats: find a suppressed arc that is a bridge, find the
cheapest route of published arcs that closes a cycle through it (shortest path; a route's cost
is the number of zeros it hides, then the sum of the values it hides, then the number of
margins it hides), hide that route. Each round hides at least one more part, so it ends; the
full graph is 2-edge-connected (every arc lies on a source–row–column–sink cycle), so a route
always exists, if need be through margins and the grand total.

**Across outputs.** The lines of one figure in one return are suppressed together
(:func:`suppress_linked`). A return that sums several service forms is also linked to the
outputs that publish each form's own figure (the annual pack, a form's STEA report): those
hide a form's figure only when it is small, so the forms' figures are one more (unshown) line
whose other parts are published elsewhere and never count as protection
(:func:`suppress_computed`).
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import count
from typing import TYPE_CHECKING

from django.utils.formats import number_format

from .tables import TOTAL, Key, Table

if TYPE_CHECKING:  # the engine reads the database; these functions only read its dataclasses
    from .engine import Computed, ComputedLine
    from .indicators.base import Indicator

PRIMARY = "primary"
SECONDARY = "secondary"
SHOWN = "shown"

DEFAULT_THRESHOLD = 5

Node = Hashable
Arc = tuple[Node, Node]
Cost = tuple[int, int, int, int]
#: What a part of a table counts: the dimension values of its selection. The same in every
#: table of one figure: a one-way line's cell is a two-way line's column total, and every
#: line's total is the total.
Quantity = frozenset[tuple[str, str]]


def is_small(value: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether ``value`` is suppressed by itself (zero is not: see the module docstring)."""
    return 0 < value < threshold


def arcs(table: Table) -> dict[Key, Arc]:
    """Each part of ``table`` as an arc between the nodes of its equations (module docstring).

    A table without a breakdown has no equations (its total stands alone): no arcs.
    """
    if table.ways == 0:
        return {}
    keys = table.keys()
    if table.ways == 1:
        out: dict[Key, Arc] = {key: ("a", "b") for key in keys if key[0] == "cell"}
        out[TOTAL] = ("b", "a")
        return out
    out = {}
    for key in keys:
        if key[0] == "cell":
            out[key] = (("r", key[1]), ("c", key[2]))
        elif key[0] == "row":
            out[key] = ("source", ("r", key[1]))
        elif key[0] == "col":
            out[key] = (("c", key[1]), "sink")
        else:
            out[key] = ("sink", "source")
    return out


def _connected(graph: dict[Key, Arc], start: Node, goal: Node, without: Key) -> bool:
    """Whether ``start`` reaches ``goal`` through the arcs of ``graph`` except ``without``."""
    adjacent: dict[Node, list[Node]] = {}
    for key, (u, v) in graph.items():
        if key != without:
            adjacent.setdefault(u, []).append(v)
            adjacent.setdefault(v, []).append(u)
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in adjacent.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def determined(table: Table, hidden: set[Key]) -> list[Key]:
    """The hidden parts whose value follows from the published ones (bridges), in key order."""
    graph = {key: arc for key, arc in arcs(table).items() if key in hidden}
    return [key for key, (u, v) in graph.items() if not _connected(graph, u, v, key)]


def _cost(table: Table, key: Key, elsewhere: Collection[Key]) -> Cost:
    value = table.values[key]
    return (
        1 if key in elsewhere else 0,
        1 if value == 0 else 0,
        value,
        0 if key[0] == "cell" else 1,
    )


def _route(
    table: Table, hidden: set[Key], bridge: Key, elsewhere: Collection[Key] = ()
) -> list[Key]:
    """The cheapest published parts whose hiding puts ``bridge`` on a cycle of hidden arcs.

    Dijkstra from one end of ``bridge`` to the other without it; hidden arcs cost nothing.
    A part in ``elsewhere`` is published by another output, so hiding it here protects
    nothing: a route takes one only when no other route exists. Parts are relaxed in key
    order and replaced only by a strictly cheaper route, so among equally cheap choices the
    first in the table's order wins.
    """
    graph = arcs(table)
    start, goal = graph[bridge]
    adjacent: dict[Node, list[tuple[Node, Key]]] = {}
    for key, (u, v) in graph.items():
        if key != bridge:
            adjacent.setdefault(u, []).append((v, key))
            adjacent.setdefault(v, []).append((u, key))
    zero: Cost = (0, 0, 0, 0)
    best: dict[Node, Cost] = {start: zero}
    via: dict[Node, tuple[Node, Key]] = {}
    tick = count()
    queue: list[tuple[Cost, int, Node]] = [(zero, next(tick), start)]
    done: set[Node] = set()
    while queue:
        cost, _order, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        for nxt, key in adjacent.get(node, []):
            step = zero if key in hidden else _cost(table, key, elsewhere)
            new = (
                cost[0] + step[0],
                cost[1] + step[1],
                cost[2] + step[2],
                cost[3] + step[3],
            )
            if nxt not in best or new < best[nxt]:
                best[nxt] = new
                via[nxt] = (node, key)
                heapq.heappush(queue, (new, next(tick), nxt))
    if goal not in via:  # cannot happen: the full graph has no bridge
        raise AssertionError(f"no complementary route for {bridge}")
    route: list[Key] = []
    node = goal
    while node != start:
        node, key = via[node]
        if key not in hidden:
            route.append(key)
    return route


def suppress(
    table: Table,
    threshold: int = DEFAULT_THRESHOLD,
    also: Iterable[Key] = (),
    elsewhere: Collection[Key] = (),
) -> dict[Key, str]:
    """The state (:data:`PRIMARY`, :data:`SECONDARY`, :data:`SHOWN`) of every part of ``table``.

    One-way example: cells 3, 10, 12 (total 25) → 3 is primary, 10 secondary (the smallest
    non-zero cell that keeps 3 from being the total minus the others), 12 and 25 shown.
    ``also``: parts hidden from the start (secondary unless small), as another line of the same
    figure hides them (:func:`suppress_linked`); they are protected like the small ones.
    ``elsewhere``: parts another output publishes (:func:`suppress_computed`), never chosen
    as complementary parts while another choice exists.
    """
    keys = table.keys()
    states = {key: PRIMARY if is_small(table.values[key], threshold) else SHOWN for key in keys}
    for key in also:
        if states[key] == SHOWN:
            states[key] = SECONDARY
    hidden = {key for key, state in states.items() if state != SHOWN}
    while hidden and (bridges := determined(table, hidden)):
        for key in _route(table, hidden, bridges[0], elsewhere):
            states[key] = SECONDARY
            hidden.add(key)
    return states


def threshold_for(indicator: Indicator, threshold: int = DEFAULT_THRESHOLD) -> int:
    """The threshold under which ``indicator``'s figures are hidden when they leave the
    organisation: ``threshold`` for a count of people, 0 (nothing hidden) for a figure that
    counts no one (``Indicator.counts_people``: events held, opening days, a unit's places) —
    a small count of them singles nobody out. Every outgoing output asks this one function:
    the returns (:func:`suppress_computed`) and the annual pack."""
    return threshold if indicator.counts_people else 0


def _quantity(table: Table, key: Key) -> Quantity:
    """What a part counts (:data:`Quantity`)."""
    return frozenset(table.selection(key).items())


def suppress_linked(
    tables: Sequence[Table],
    threshold: int = DEFAULT_THRESHOLD,
    elsewhere: Collection[Quantity] = (),
) -> list[dict[Key, str]]:
    """The states of the tables of one figure (the lines of one indicator in a return), which
    publish some of the same quantities: a part hidden in one table is hidden in every table
    that shows the same quantity, or that table would hand the attacker the value its sibling
    hid (THL: the adult/child line publishes the column totals the gender × adult/child line
    hid to protect a small cell). Each table is then suppressed again with those parts hidden,
    until no table hides a quantity another shows. Every table stays free of recoverable
    parts, and a quantity shared by two tables is hidden in both or in neither.
    ``elsewhere``: quantities another output publishes (:func:`suppress`)."""
    also: list[set[Key]] = [set() for _table in tables]
    published = [{key for key in t.values if _quantity(t, key) in elsewhere} for t in tables]
    while True:
        states = [suppress(t, threshold, also[i], published[i]) for i, t in enumerate(tables)]
        hidden = {
            _quantity(t, key)
            for t, st in zip(tables, states, strict=True)
            for key, state in st.items()
            if state != SHOWN
        }
        grown = False
        for i, (t, st) in enumerate(zip(tables, states, strict=True)):
            for key, state in st.items():
                if state == SHOWN and _quantity(t, key) in hidden:
                    also[i].add(key)
                    grown = True
        if not grown:
            return states


def suppress_computed(
    computed: Computed,
    threshold: int = DEFAULT_THRESHOLD,
    forms: Mapping[str, Table] | None = None,
) -> dict[int, dict[Key, str]]:
    """The states of every line of a computed return, by line index (:func:`threshold_for`).

    The lines of one indicator count the same units and are suppressed together
    (:func:`suppress_linked`). ``forms``: for an indicator that the return sums over several
    service forms, its figure per form as a one-way table with the lines' total
    (:func:`~.engine.form_tables`). Each form's own figure leaves the organisation in other
    outputs (the annual pack, the form's STEA report) unless it is small, so the table is
    suppressed with the lines as one more line that is not shown, its shown forms published
    elsewhere: a small form is then protected by hiding the sum (and what gives the sum
    away), not by hiding a form whose figure the pack prints anyway (9 − 8 = 1).
    """
    forms = forms or {}
    groups: dict[str, list[ComputedLine]] = {}
    for cl in computed.lines():
        groups.setdefault(cl.indicator.key, []).append(cl)
    out: dict[int, dict[Key, str]] = {}
    for key, lines in groups.items():
        under = threshold_for(lines[0].indicator, threshold)
        tables = [cl.table for cl in lines]
        elsewhere: set[Quantity] = set()
        if key in forms:
            per_form = forms[key]
            tables.append(per_form)
            elsewhere = {
                _quantity(per_form, part)
                for part in per_form.keys()  # noqa: SIM118 - Table.keys(), not a dict
                if part[0] == "cell" and not is_small(per_form.values[part], under)
            }
        linked = suppress_linked(tables, under, elsewhere)[: len(lines)]  # not the forms'
        for cl, states in zip(lines, linked, strict=True):
            out[cl.index] = states
    return {cl.index: out[cl.index] for cl in computed.lines()}


def display(
    value: int, state: str, threshold: int = DEFAULT_THRESHOLD, *, decimals: int = 0
) -> str:
    """A part as text: ``"< 5"`` (primary), ``"x"`` (secondary) or the number, grouped the
    locale's way (Finnish: ``1 234`` with a no-break space), for screens and PDFs; a value in
    hundredths (``decimals=2``, money in cents) with its decimals (``1 234,50``).

    Spreadsheets get the number itself (see :mod:`.exports`), not this text.
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
