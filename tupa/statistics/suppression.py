"""Which of a return's tables are suppressed together, and under which threshold.

The suppression itself is the ground floor's (:mod:`tupa.core.suppression`: primary and
secondary suppression of one table, of linked tables, and of sums that give people away);
the feedback results use the same. What is the statistics' own:

* **which figures hide anything** (:func:`threshold_for`): a figure that counts no one (events
  held, opening days) singles nobody out;
* **which tables are linked** (:func:`suppress_computed`). The lines of one indicator in a
  return publish some of the same quantities and are suppressed together. A return that sums
  several service forms is also linked to the outputs that publish each form's own figure (the
  annual pack, a form's STEA report): those hide a form's figure only when it is small, so the
  forms' figures are one more (unshown) line whose other parts are published elsewhere and
  never count as protection (ADR 0032).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tupa.core import disclosure
from tupa.core.suppression import (
    DEFAULT_THRESHOLD,
    PRIMARY,
    Quantity,
    is_small,
    quantity,
    suppress_linked,
    symbols,
)
from tupa.core.tables import TOTAL, Key, Table

if TYPE_CHECKING:  # the engine reads the database; these functions only read its dataclasses
    from .engine import Computed, ComputedLine
    from .indicators.base import Indicator


def threshold_for(indicator: Indicator, threshold: int = DEFAULT_THRESHOLD) -> int:
    """The threshold under which ``indicator``'s figures are hidden when they leave the
    organisation: ``threshold`` for a count of people, 0 (nothing hidden) for a figure that
    counts no one (``Indicator.counts_people``: events held, opening days, a unit's places) —
    a small count of them singles nobody out. Every outgoing output asks this one function:
    the returns (:func:`suppress_computed`) and the annual pack."""
    return threshold if indicator.counts_people else 0


def suppress_computed(
    computed: Computed,
    threshold: int = DEFAULT_THRESHOLD,
    forms: Mapping[str, Table] | None = None,
) -> dict[int, dict[Key, str]]:
    """The states of every line of a computed return, by line index (:func:`threshold_for`).

    The lines of one indicator count the same units and are suppressed together
    (:func:`tupa.core.suppression.suppress_linked`). ``forms``: for an indicator that the
    return sums over several service forms, its figure per form as a one-way table with the
    lines' total (:func:`~.engine.form_tables`). Each form's own figure leaves the
    organisation in other outputs (the annual pack, the form's STEA report) unless it is
    small, so the table is suppressed with the lines as one more line that is not shown, its
    shown forms published elsewhere: a small form is then protected by hiding the sum (and
    what gives the sum away), not by hiding a form whose figure the pack prints anyway
    (9 − 8 = 1).
    """
    forms = forms or {}
    out: dict[int, dict[Key, str]] = {}
    for key, lines in _linked(computed).items():
        under = threshold_for(lines[0].indicator, threshold)
        tables = [cl.table for cl in lines]
        elsewhere: set[Quantity] = set()
        if key in forms:
            per_form = forms[key]
            tables.append(per_form)
            cells = [part for part in per_form.values if part[0] == "cell"]
            elsewhere = {
                quantity(per_form, part)
                for part in cells
                if not is_small(per_form.values[part], under)
            }
            if len(elsewhere) == len(cells):  # every form shown: their sum is the total
                elsewhere.add(quantity(per_form, TOTAL))
        linked = suppress_linked(tables, under, elsewhere)[: len(lines)]  # not the forms'
        for cl, states in zip(lines, linked, strict=True):
            out[cl.index] = states
    return {cl.index: out[cl.index] for cl in computed.lines()}


def _linked(computed: Computed) -> dict[str, list[ComputedLine]]:
    """The lines of ``computed`` by their indicator: the lines suppressed together."""
    groups: dict[str, list[ComputedLine]] = {}
    for cl in computed.lines():
        groups.setdefault(cl.indicator.key, []).append(cl)
    return groups


def may_be_zero(computed: Computed, states: Mapping[int, Mapping[Key, str]]) -> dict[int, set[Key]]:
    """The parts of each line (by index) whose "< 5" may stand for 0: beside a total that is a
    "< 5" in a line of the same indicator (:func:`tupa.core.suppression.symbols`, ADR 0036).
    Read from the states alone, as anyone who sees the return reads them: the federation's sums
    count such a "< 5" as 0, any other as 1."""
    out: dict[int, set[Key]] = {}
    for lines in _linked(computed).values():
        small = {
            quantity(cl.table, key)
            for cl in lines
            for key, state in states.get(cl.index, {}).items()
            if state == PRIMARY
        }
        read = symbols([cl.table for cl in lines], small)
        for cl in lines:
            out[cl.index] = {
                key
                for key in cl.table.values
                if read.get(quantity(cl.table, key)) == disclosure.UNDER
            }
    return out
