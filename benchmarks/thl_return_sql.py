"""THL's shelter return as the database's one statement, run bare, for ``federation_scale.py``.

Issue 11, item 10 compares one organisation-year return with "a hand-written SQL query of the
same numbers". Since ADR 0027 that query is the product's own: on PostgreSQL the return is
counted by one hand-written statement (:mod:`tupa.statistics.returns.thl_database`: every
inner cell and total of its 15 lines, by the indicators' counting rules). :func:`hand_return`
runs that statement bare — ``cursor.execute`` and ``fetchall``, nothing else — which is the
floor any way of computing the return through Django pays; ``engine.run`` adds the template's
lines and tables, their margins, the service forms and the year-end check.

The statement's figures are compared figure by figure with the return counted by the
indicators' units (``engine.run(..., by_units=True)``), the independent way of counting
(:func:`differences`; the statement returns no empty cells and no margins, so the comparison
takes the tables' inner cells and totals). Until the nineteenth stop's run AA this file held a
separate hand-written statement; the product's statement grew out of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

Key = tuple[str, ...]
Figures = dict[int, dict[Key, int]]


def hand_return(organisation_id: int, service_form_id: int, year: int) -> Figures:
    """Every inner cell and total of the organisation-year THL shelter return, by the
    statement alone (which counts the year-end check's two numbers too, as the return runs
    it)."""
    from django.db import connection

    from tupa.statistics.indicators.base import Params
    from tupa.statistics.returns import thl_database

    params = Params(organisation_id, dt.date(year, 1, 1), dt.date(year, 12, 31), (service_form_id,))
    with connection.cursor() as cursor:
        cursor.execute(thl_database.statement(), thl_database.parameters(params, service_form_id))
        rows = cursor.fetchall()
    figures: Figures = {}
    for line, is_total, r, c, value in rows:
        if line >= len(thl_database.LINES):
            continue  # the year-end check's counts, which the statement counts too
        ways = len(thl_database.LINES[line][2])
        if is_total:
            key: Key = ("total",)
        elif ways == 0:
            continue
        else:
            key = ("cell", r, c if ways == 2 else "")
        figures.setdefault(line, {})[key] = int(value)
    return figures


def check_template(template: Any) -> None:
    """The template's lines are those the statement counts (else the statement is stale)."""
    from tupa.statistics.returns import thl_database

    if thl_database.template_lines(template) != thl_database.LINES:
        raise SystemExit("the THL return's lines changed; update returns/thl_database.py")


def engine_figures(computed: Any, *, margins: bool = True) -> Figures:
    """Each line's raw table (before suppression) of a ``Computed`` from ``engine.run``; without
    ``margins`` only the inner cells and the total (what the statement returns)."""
    return {
        cl.index: {
            key: value
            for key, value in cl.table.values.items()
            if margins or key[0] in ("cell", "total")
        }
        for cl in computed.lines()
    }


def differences(ours: Figures, theirs: Figures, lines: tuple[int, ...]) -> list[str]:
    """The figures that differ, as ``line i: key a ≠ b``. A part one side did not return counts
    as 0 (the statement returns no empty cells)."""
    out = []
    for i in lines:
        a_side, b_side = ours.get(i, {}), theirs.get(i, {})
        for key in sorted(set(a_side) | set(b_side)):
            a, b = a_side.get(key, 0), b_side.get(key, 0)
            if a != b:
                out.append(f"line {i}: {key} {a} ≠ {b}")
    return out


def count_figures(figures: Figures, lines: tuple[int, ...]) -> int:
    return sum(len(figures.get(i, {})) for i in lines)
