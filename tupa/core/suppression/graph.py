"""The suppression of one table, by the graph of its equations.

The published equations of a table are those of a flow network: a row's cells add up to the row's total, a column's cells to the column's total, the row totals and the
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

Besides, no equation may publish a sum of hidden parts that gives people away
(:func:`exposed_sums`, the rule of :mod:`tupa.core.disclosure`); one more part of it is hidden
(:func:`_widen`).

Every node's equation has a total: the arc of its margin (a row's total at the row's node, the
grand total at the source and the sink; :func:`totals`). Where that total is a "< 5", a zero
among the other parts is a "< 5" too (ADR 0036, :func:`~.small.small_parts`).
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Hashable, Iterable, Mapping
from itertools import count

from tupa.core import disclosure
from tupa.core.tables import TOTAL, Key, Table

from .states import PRIMARY, SECONDARY, SHOWN

Node = Hashable
Arc = tuple[Node, Node]
Cost = tuple[int, int, int, int]


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


def totals(table: Table) -> dict[Node, Key]:
    """The total of each node's equation (module docstring): a row's total is the total of the
    row's node, a column's of the column's, the grand total of the source and the sink (of
    both nodes of a one-way table). A cell is no node's total."""
    out: dict[Node, Key] = {}
    for key, (u, v) in arcs(table).items():
        if key == TOTAL:
            out[u] = out[v] = key
        elif key[0] == "row":
            out[v] = key
        elif key[0] == "col":
            out[u] = key
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


def determined(table: Table, hidden: Collection[Key]) -> list[Key]:
    """The hidden parts whose value follows from the published ones (bridges), in key order."""
    graph = {key: arc for key, arc in arcs(table).items() if key in hidden}
    return [key for key, (u, v) in graph.items() if not _connected(graph, u, v, key)]


def exposed_sums(table: Table, hidden: Mapping[Key, str], threshold: int) -> list[Node]:
    """The equations (nodes) that publish a sum of hidden parts which gives people away
    (:func:`tupa.core.disclosure.exposed`), in the table's order. ``hidden``: each hidden
    part's symbol as the attacker reads it (:func:`~.small.symbols`).

    At a node whose hidden arcs all point the same way (all cells of a row hidden, its total
    shown, or the other way round), the equation gives their sum: the total minus the shown
    cells. Two hidden 1s beside a 20 in a row of 22 are each recomputed by no equation, yet
    their sum 2 says that each is 1 (a "< 5" there is at least 1); two hidden 4s summing to 8
    are 4 and 4.
    """
    sides: dict[Node, tuple[list[Key], list[Key]]] = {}
    graph = arcs(table)
    for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict: the parts in order
        if key in hidden and key in graph:
            u, v = graph[key]
            sides.setdefault(u, ([], []))[1].append(key)
            sides.setdefault(v, ([], []))[0].append(key)
    return [
        node
        for node, (into, out) in sides.items()
        if bool(into) != bool(out) and _gives_away(table, into or out, hidden, threshold)
    ]


def _gives_away(
    table: Table, keys: Iterable[Key], symbols: Mapping[Key, str], threshold: int
) -> bool:
    """Whether the published sum of the parts ``keys`` gives people away (a shown part among
    them, about to be hidden, is read as an "x")."""
    parts = [(table.values[key], symbols.get(key, disclosure.APART)) for key in keys]
    return disclosure.exposed(parts, threshold)


def _widen(
    table: Table,
    hidden: Mapping[Key, str],
    node: Node,
    threshold: int,
    elsewhere: Collection[Key],
) -> Key:
    """The cheapest published part at ``node`` whose hiding stops its equation from giving
    people away (:func:`exposed_sums`): one on the other side of the equation (which then
    publishes a difference, not a sum), or one on the hidden parts' side that leaves a sum
    which gives nobody away."""
    graph = arcs(table)
    side = {key: (u == node) for key, (u, v) in graph.items() if node in (u, v)}  # True: out
    outward = next(side[key] for key in side if key in hidden)
    sum_of = [key for key in side if key in hidden]
    candidates = [
        key
        for key in table.keys()  # noqa: SIM118 - Table.keys(), not a dict
        if key in side
        and key not in hidden
        and (side[key] != outward or not _gives_away(table, [*sum_of, key], hidden, threshold))
    ]
    return min(candidates, key=lambda key: part_cost(table, key, elsewhere))


def part_cost(table: Table, key: Key, elsewhere: Collection[Key]) -> Cost:
    value = table.values[key]
    return (
        1 if key in elsewhere else 0,
        1 if value == 0 else 0,
        value,
        0 if key[0] == "cell" else 1,
    )


def _route(
    table: Table, hidden: Collection[Key], bridge: Key, elsewhere: Collection[Key] = ()
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
            step = zero if key in hidden else part_cost(table, key, elsewhere)
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


def suppress_table(
    table: Table,
    threshold: int,
    small: Mapping[Key, str],
    also: Iterable[Key] = (),
    elsewhere: Collection[Key] = (),
) -> dict[Key, str]:
    """The states of ``table`` by the graph's two rules, repeated until neither hides more: no
    hidden part follows from the published ones (:func:`determined`, protected by a cycle,
    :func:`_route`), and no equation publishes a sum of hidden parts that gives people away
    (:func:`exposed_sums`, widened by one part, :func:`_widen`).

    ``small``: the parts shown as "< 5" (primary), each with what its symbol says
    (:func:`~.small.small_parts`). A zero among them is not protected itself: it is hidden to
    widen what the others can be, and what follows of it is that nobody is there, which a zero
    elsewhere shows (:mod:`.small`). ``also``: parts hidden from the start (secondary unless
    small), as another line of the same figure hides them (:func:`~.linked.suppress_linked`);
    they are protected like the small ones. ``elsewhere``: parts another output publishes (the
    statistics' ``suppress_computed``), never chosen as complementary parts while another
    choice exists.
    """
    states = {key: PRIMARY if key in small else SHOWN for key in table.keys()}  # noqa: SIM118
    for key in also:
        if states[key] == SHOWN:
            states[key] = SECONDARY
    hidden = {key: small.get(key, disclosure.APART) for key, st in states.items() if st != SHOWN}
    zeros = {key for key in small if table.values[key] == 0}
    while hidden:
        if bridges := [key for key in determined(table, hidden) if key not in zeros]:
            route = _route(table, hidden, bridges[0], elsewhere)
        elif sums := exposed_sums(table, hidden, threshold):
            route = [_widen(table, hidden, sums[0], threshold, elsewhere)]
        else:
            return states
        for key in route:
            states[key] = SECONDARY
            hidden[key] = disclosure.APART
    return states
