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

**Linked tables.** Tables that publish some of the same quantities (the lines of one figure
in a return) are suppressed together (:func:`suppress_linked`), and parts that another output
publishes (``elsewhere``) never count as protection. The statistics decide which tables are
linked (``tupa.statistics.suppression``); the feedback results suppress one table at a time.
The rule for a published sum of hidden parts is :mod:`tupa.core.disclosure`'s.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Collection, Hashable, Iterable, Sequence
from decimal import Decimal
from itertools import count

from django.core.cache import cache
from django.utils.formats import number_format

from tupa.core import disclosure
from tupa.core.tables import TOTAL, Key, Table

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
    return disclosure.is_small(value, threshold)


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


def exposed_sums(table: Table, hidden: set[Key], threshold: int) -> list[Node]:
    """The equations (nodes) that publish a sum of hidden parts which gives people away
    (:func:`tupa.core.disclosure.exposed`), in the table's order.

    At a node whose hidden arcs all point the same way (all cells of a row hidden, its total
    shown, or the other way round), the equation gives their sum: the total minus the shown
    cells. Two hidden 1s beside a 20 in a row of 22 are each recomputed by no equation, yet
    their sum 2 says that each is 1 (a "< 5" is at least 1); two hidden 4s summing to 8 are
    4 and 4. A part is primary exactly when it is small, so the states follow from the values.
    """
    sides: dict[Node, tuple[list[int], list[int]]] = {}
    graph = arcs(table)
    for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict: the parts in order
        if key in hidden and key in graph:
            u, v = graph[key]
            sides.setdefault(u, ([], []))[1].append(table.values[key])
            sides.setdefault(v, ([], []))[0].append(table.values[key])
    return [
        node
        for node, (into, out) in sides.items()
        if bool(into) != bool(out) and _gives_away(into or out, threshold)
    ]


def _gives_away(values: Iterable[int], threshold: int) -> bool:
    return disclosure.exposed(((v, is_small(v, threshold)) for v in values), threshold)


def _widen(
    table: Table, hidden: set[Key], node: Node, threshold: int, elsewhere: Collection[Key]
) -> Key:
    """The cheapest published part at ``node`` whose hiding stops its equation from giving
    people away (:func:`exposed_sums`): one on the other side of the equation (which then
    publishes a difference, not a sum), or one on the hidden parts' side that leaves a sum
    which gives nobody away."""
    graph = arcs(table)
    side = {key: (u == node) for key, (u, v) in graph.items() if node in (u, v)}  # True: out
    outward = next(side[key] for key in side if key in hidden)
    sum_of = [table.values[key] for key in side if key in hidden]
    candidates = [
        key
        for key in table.keys()  # noqa: SIM118 - Table.keys(), not a dict
        if key in side
        and key not in hidden
        and (side[key] != outward or not _gives_away([*sum_of, table.values[key]], threshold))
    ]
    return min(candidates, key=lambda key: _cost(table, key, elsewhere))


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


def suppress(table: Table, threshold: int = DEFAULT_THRESHOLD) -> dict[Key, str]:
    """The state (:data:`PRIMARY`, :data:`SECONDARY`, :data:`SHOWN`) of every part of ``table``
    (:func:`suppress_linked` of the table alone).

    One-way example: cells 3, 10, 12 (total 25) → 3 is primary, 10 secondary (the smallest
    non-zero cell that keeps 3 from being the total minus the others), 12 and 25 shown.
    """
    return suppress_linked([table], threshold)[0]


def _one_table(
    table: Table,
    threshold: int,
    also: Iterable[Key] = (),
    elsewhere: Collection[Key] = (),
) -> dict[Key, str]:
    """The states of ``table`` by the graph's two rules, repeated until neither hides more: no
    hidden part follows from the published ones (:func:`determined`, protected by a cycle,
    :func:`_route`), and no equation publishes a sum of hidden parts that gives people away
    (:func:`exposed_sums`, widened by one part, :func:`_widen`).

    ``also``: parts hidden from the start (secondary unless small), as another line of the same
    figure hides them (:func:`suppress_linked`); they are protected like the small ones.
    ``elsewhere``: parts another output publishes (the statistics' ``suppress_computed``),
    never chosen as complementary parts while another choice exists.
    """
    keys = table.keys()
    states = {key: PRIMARY if is_small(table.values[key], threshold) else SHOWN for key in keys}
    for key in also:
        if states[key] == SHOWN:
            states[key] = SECONDARY
    hidden = {key for key, state in states.items() if state != SHOWN}
    while hidden:
        if bridges := determined(table, hidden):
            route = _route(table, hidden, bridges[0], elsewhere)
        elif sums := exposed_sums(table, hidden, threshold):
            route = [_widen(table, hidden, sums[0], threshold, elsewhere)]
        else:
            return states
        for key in route:
            states[key] = SECONDARY
            hidden.add(key)
    return states


def quantity(table: Table, key: Key) -> Quantity:
    """What a part counts (:data:`Quantity`): the same in every linked table that shows it."""
    return frozenset(table.selection(key).items())


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
) -> list[Quantity]:
    """The hidden quantities that only one value fits, given everything the tables publish
    together and what their symbols say ("< 5" is 1–4, "x" 0 or at least 5), in the tables'
    order (:func:`tupa.core.disclosure.pinned`; ``hidden`` and ``elsewhere`` as in
    :func:`jointly_determined`). ``among``: ask only about these; ``exclude``: not about
    these; ``first``: stop at the first found.

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
    unknown = {q: (value[q], is_small(value[q], threshold)) for q in order if q not in shown}
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
RULES = 3


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
    (:func:`_one_table`), until no table hides a quantity another shows. A quantity shared by
    two tables is hidden in both or in neither. ``elsewhere``: quantities another output
    publishes (:func:`_one_table`).

    Then two audits of all the tables' equations together, each hiding more and suppressing
    the tables again while it finds something:

    * tables that share more than their total can give a part away exactly together even when
      neither does alone (:func:`jointly_determined`): one more part is hidden
      (:func:`_complement`);
    * the equations and the symbols' bounds together can leave a part one value
      (:func:`pinned`; not for a one-way table alone, see below): the cheapest set of parts
      that frees it is hidden (:func:`_free_one`).

    A part that no hiding frees is left as it is:
    four people as 1, 1 and 2 in a table whose total is "< 5", the 2 being two "< 5"s of
    another line, are each at least their "< 5"s, and those add up to the most the total can
    be. Nothing hidden protects them; only a symbol that does not say "1–4" would, and the
    returns' recipients read "< 5" (ADR 0034).
    """
    also: list[set[Key]] = [set() for _table in tables]
    published = [{key for key in t.values if quantity(t, key) in elsewhere} for t in tables]
    bare: set[Quantity] = set()  # pinned by the symbols alone (see above)
    # A one-way table alone has one equation, and exposed_sums already decides exactly what
    # its sum pins (its hidden cells on one side; with its total hidden too, only the symbols
    # can pin them): the integer programmes would find nothing to mend.
    bounds = len(tables) > 1 or any(t.ways == 2 for t in tables)
    while True:
        states = [_one_table(t, threshold, also[i], published[i]) for i, t in enumerate(tables)]
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
        if given := jointly_determined(tables, gone, elsewhere) if len(tables) > 1 else []:
            more = {_complement(tables, gone, given[0], published, elsewhere)}
        elif bounds and (freed := _free_one(tables, gone, elsewhere, threshold, bare)):
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
) -> set[Quantity]:
    """The quantities to hide next so that the first pinned quantity (:func:`pinned`) is no
    longer pinned: the cheapest set, by one integer programme (:func:`_freeing`). A pinned
    quantity that no hiding frees goes to ``bare`` (the symbols alone pin it) and the next is
    taken. Empty: nothing is pinned but what is bare."""
    settled = set(bare)
    while found := pinned(tables, gone, elsewhere, threshold, exclude=settled, first=True):
        q = found[0]
        more = _freeing(tables, gone, elsewhere, threshold, q)
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
) -> set[Quantity] | None:
    """:func:`tupa.core.disclosure.freeing` of the quantities of linked tables. A part's cost
    follows :func:`_cost`: its value and one, a margin one more than a cell (a margin says
    more), a zero as much as a part of twice the threshold (hiding a zero protects little)."""
    parts: dict[Quantity, tuple[int, str]] = {}
    cost: dict[Quantity, float] = {}
    for table, hidden in zip(tables, gone, strict=True):
        for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict: the parts in order
            q = quantity(table, key)
            value = table.values[key]
            if q in elsewhere:
                parts[q] = (value, "known")
            elif key in hidden:  # then hidden in every table (suppress_linked)
                parts[q] = (value, PRIMARY if is_small(value, threshold) else SECONDARY)
            else:
                parts.setdefault(q, (value, SHOWN))
                own = (value or 2 * threshold) + (1 if key[0] == "cell" else 2)
                cost[q] = min(cost.get(q, own), own)
    found = disclosure.freeing(parts, _equations(tables), given, threshold, cost)
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
                cost = _cost(table, key, published[i])
                candidates.append((apart, cost, order, quantity(table, key)))
    candidates.sort(key=lambda c: c[:3])
    for _apart, _cost_of, _order, q in candidates:
        trial = [
            g | {key for key in t.values if quantity(t, key) == q}
            for t, g in zip(tables, gone, strict=True)
        ]
        if given not in jointly_determined(tables, trial, elsewhere):
            return q
    return candidates[0][3]


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
