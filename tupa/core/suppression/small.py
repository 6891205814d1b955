"""What of linked tables is shown as ``"< 5"``, and what each ``"< 5"`` says (ADR 0036).

A part is a ``"< 5"`` when its value is small (``0 < value < threshold``), and when it is a zero
among the parts of an equation whose total is a ``"< 5"`` (a row of a row total shown as
``"< 5"``, every part of a one-way table whose total is one): there a zero is hidden among the
others, so that the symbols cannot give them away. Were zeros shown there, four ``"< 5"``s of
a row whose total is ``"< 5"`` would each be 1: each is at least 1, and the four add up to at
most 4 (ADR 0034 left that to the owner; ADR 0036 closes it). A zero so hidden makes its own
equations' zeros ``"< 5"`` too, when it is their total, until nothing changes.

The attacker knows the rule, so a ``"< 5"`` says 0 … threshold − 1 wherever its equation's
total is a ``"< 5"`` (:data:`~tupa.core.disclosure.UNDER`), and 1 … threshold − 1 elsewhere
(:data:`~tupa.core.disclosure.SMALL`). :func:`symbols` reads that from which parts are
``"< 5"``, i.e. from what is published: the audit (:mod:`.linked`) and the federation's lower
bounds read it the same way. :func:`reading` is both steps at once, computed once per
suppression.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence

from tupa.core import disclosure
from tupa.core.tables import Key, Table

from .graph import arcs, totals
from .states import is_small

#: What a part of a table counts: the dimension values of its selection. The same in every
#: table of one figure: a one-way line's cell is a two-way line's column total, and every
#: line's total is the total.
Quantity = frozenset[tuple[str, str]]


def quantity(table: Table, key: Key) -> Quantity:
    """What a part counts (:data:`Quantity`): the same in every linked table that shows it."""
    return frozenset(table.selection(key).items())


def _under_a_small_total(
    tables: Sequence[Table], small: Collection[Quantity]
) -> Iterator[tuple[Table, Key]]:
    """The parts of ``tables`` that stand beside the total of an equation whose total is one of
    the ``small`` quantities (a "< 5")."""
    for table in tables:
        total_of = totals(table)
        for key, ends in arcs(table).items():
            if any(
                node in total_of
                and total_of[node] != key
                and quantity(table, total_of[node]) in small
                for node in ends
            ):
                yield table, key


def shown_small(tables: Sequence[Table], threshold: int) -> set[Quantity]:
    """The quantities of linked ``tables`` shown as "< 5" (module docstring): the small ones,
    and the zeros beside the total of an equation whose total is one of them, repeated."""
    small = {
        quantity(t, key) for t in tables for key, v in t.values.items() if is_small(v, threshold)
    }
    while more := {
        quantity(t, key)
        for t, key in _under_a_small_total(tables, small)
        if t.values[key] == 0 and quantity(t, key) not in small
    }:
        small |= more
    return small


def symbols(tables: Sequence[Table], small: Collection[Quantity]) -> dict[Quantity, str]:
    """What each ``small`` quantity's "< 5" says, as an attacker who sees which parts of the
    ``tables`` are "< 5" reads it: :data:`~tupa.core.disclosure.UNDER` (0 or more) beside the
    total of an equation whose total is a "< 5", in any of the tables;
    :data:`~tupa.core.disclosure.SMALL` (1 or more) elsewhere."""
    out = dict.fromkeys(small, disclosure.SMALL)
    for table, key in _under_a_small_total(tables, small):
        if (q := quantity(table, key)) in out:
            out[q] = disclosure.UNDER
    return out


def reading(tables: Sequence[Table], threshold: int) -> dict[Quantity, str]:
    """The quantities of linked ``tables`` shown as "< 5" (:func:`shown_small`), each with what
    it says (:func:`symbols`)."""
    return symbols(tables, shown_small(tables, threshold))


def small_parts(tables: Sequence[Table], read: Mapping[Quantity, str]) -> list[dict[Key, str]]:
    """The parts of each of the linked ``tables`` shown as "< 5", with what each says
    (``read``: the tables' :func:`reading`)."""
    return [
        {key: read[q] for key in t.keys() if (q := quantity(t, key)) in read}  # noqa: SIM118
        for t in tables
    ]
