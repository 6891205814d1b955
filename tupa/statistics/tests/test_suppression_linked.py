"""Small-cell suppression across the lines of one return (``suppression.suppress_linked``).

Every line of a return is suppressed as a table of its own, but the lines of one indicator are
not independent: THL's return shows ``shelter.clients`` by adult/child alone and then by gender,
age band … × adult/child, so the one-way line's cells are the column totals of every two-way
line, and every line has the same grand total. A part hidden in one line and published in
another gives the attacker one more equation. The attacker here writes the equations of all the
lines of one indicator together (a part is the sum of the units of its selection, the same
quantity in every line that shows it) and solves them exactly, as ``test_suppression`` does for
one table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tupa.core.suppression import PRIMARY, SECONDARY, SHOWN, determined, jointly_determined
from tupa.core.tables import TOTAL, Key, Table
from tupa.core.tests.attacker import (
    bound_pinned,
    counted,
    equations,
    exposed_sums,
    of_people,
    rank,
    shown_small,
    unprotected,
)
from tupa.statistics import engine, services
from tupa.statistics.annual import pack
from tupa.statistics.engine import Computed, ComputedLine, ComputedSection
from tupa.statistics.indicators.base import Dimension, Params, Result, Unit
from tupa.statistics.returns import registry as returns
from tupa.statistics.returns.base import Line, Recipient, ReturnTemplate, Scope, Section
from tupa.statistics.suppression import suppress_computed
from tupa.statistics.tables import build_table
from tupa.statistics.tests.properties import lines_of, toy_indicator
from tupa.statistics.tests.support import YEAR

PARAMS = Params(1, dt.date(2025, 1, 1), dt.date(2025, 12, 31), (1,))

# The attacker over several lines -----------------------------------------------------------

Quantity = frozenset[tuple[str, str]]


def _quantity(table: Table, key: Key) -> Quantity:
    """What a part counts: the units of its selection (the same in every line that shows it)."""
    return frozenset(table.selection(key).items())


def recovered(lines: Iterable[tuple[Table, dict[Key, str]]]) -> dict[Quantity, int]:
    """The hidden parts of one indicator's lines that follow exactly from what the lines
    publish together, with their values."""
    lines = list(lines)
    value: dict[Quantity, int] = {}
    published: set[Quantity] = set()
    for table, states in lines:
        for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict
            q = _quantity(table, key)
            value[q] = table.values[key]
            if states[key] == SHOWN:
                published.add(q)
    unknowns = sorted({q for q in value if q not in published}, key=sorted)
    column = {q: i for i, q in enumerate(unknowns)}
    matrix = []
    for table, _states in lines:
        for eq in equations(table):
            row = [Fraction(0)] * len(unknowns)
            for key, coef in eq.items():
                q = _quantity(table, key)
                if q in column:
                    row[column[q]] += coef
            matrix.append(row)
    base = rank(matrix)
    found = {}
    for q, i in column.items():
        unit = [Fraction(1 if j == i else 0) for j in range(len(unknowns))]
        if rank([*matrix, unit]) == base:
            found[q] = value[q]
    return found


def _lines(computed: Computed, states: dict[int, dict[Key, str]]) -> dict[str, list]:
    by_indicator: dict[str, list[tuple[Table, dict[Key, str]]]] = {}
    for cl in computed.lines():
        by_indicator.setdefault(cl.indicator.key, []).append((cl.table, states[cl.index]))
    return by_indicator


# THL's return ----------------------------------------------------------------------------------


def _thl_clients(units: list[Unit]) -> Computed:
    """THL's return as :func:`engine.run` makes it, its ``shelter.clients`` lines only (the
    others count other indicators), from the given units."""
    return lines_of("thl.shelter", "shelter.clients", units, PARAMS)


def _client(adult_child: str, gender: str) -> Unit:
    # age band … referral source all "missing"/"self", home unknown: only gender × adult/child
    # has anything small in it.
    return Unit((adult_child, gender, "missing", "missing", "missing", "missing", "missing",
                 "self", "unknown"))  # fmt: skip


def test_thl_a_small_cell_is_not_given_away_by_the_adult_child_line() -> None:
    """20 women, 3 men and 7 boys. In the gender × adult/child table the 3 men are "< 5"; the
    cheapest complement there is the men's 7 boys and both column totals (adults 23, children
    7). But the return's first line publishes those column totals (adults 23, children 7,
    neither small), and 23 − 20 women = 3 men."""
    units = [_client("adult", "female")] * 20 + [_client("adult", "male")] * 3
    units += [_client("child", "male")] * 7
    computed = _thl_clients(units)
    states = services.states_for(computed)
    assert states is not None  # THL's return leaves the organisation
    gender = next(cl for cl in computed.lines() if cl.table.row_dimension == "gender")
    assert states[gender.index][("cell", "male", "adult")] == PRIMARY
    for indicator, lines in _lines(computed, states).items():
        assert of_people(lines, recovered(lines)) == {}, indicator


# Any return with several lines of one indicator --------------------------------------------------

A = Dimension("a", "A", (("a0", "a0"), ("a1", "a1"), ("a2", "a2")))
B = Dimension("b", "B", (("b0", "b0"), ("b1", "b1")))
G = Dimension("g", "G", (("g0", "g0"), ("g1", "g1"), ("g2", "g2")))
LAYOUTS: list[tuple[tuple[str, ...], ...]] = [
    (("g",), ("a", "g")),  # THL's: a margin alone, then the margin by something else
    (("g",), ("a", "g"), ("b", "g")),
    ((), ("a",), ("a", "g")),
    (("a",), ("b",), ("g",)),  # the federation's: only the grand total is shared
    (("a", "g"), ("g", "b")),
    (("a",), ("a", "g"), ("b", "g"), ("g",)),
]


def _computed(cells: dict[tuple[str, str, str], int], layout: tuple[tuple[str, ...], ...]):
    units = [Unit(combo, weight) for combo, weight in cells.items() if weight]
    indicator = toy_indicator(units, A, B, G)
    result = Result(indicator, PARAMS, units)
    lines = tuple(Line(indicator.id, 1, breakdown) for breakdown in layout)
    template = ReturnTemplate(
        id="test.linked",
        version=1,
        recipient=Recipient.FEDERATION,
        title="testi",
        description="",
        scope=Scope.ORGANISATION,
        visible="statistics.organisation.view",
        sections=(Section("", lines),),
    )
    section = ComputedSection("", "")
    for index, line in enumerate(lines):
        table = build_table(result, line.breakdown)
        section.lines.append(ComputedLine(index, line, indicator, table, result))
    return Computed(template, PARAMS, [section], timezone.now())


_COMBOS = [(a, b, g) for a, _ in A.choices for b, _ in B.choices for g, _ in G.choices]
_small = st.one_of(st.integers(0, 6), st.integers(0, 0), st.integers(0, 25))


@pytest.mark.heavy
@settings(max_examples=300, deadline=None)
@given(
    st.lists(_small, min_size=len(_COMBOS), max_size=len(_COMBOS)),
    st.sampled_from(LAYOUTS),
)
def test_no_hidden_part_is_recovered_from_the_lines_of_one_indicator(
    weights: list[int], layout: tuple[tuple[str, ...], ...]
) -> None:
    computed = _computed(dict(zip(_COMBOS, weights, strict=True)), layout)
    states = suppress_computed(computed)
    _small_and_only_small(computed, states)
    for lines in _lines(computed, states).values():
        assert of_people(lines, recovered(lines)) == {}
        for table, table_states in lines:
            assert exposed_sums(table, table_states) == []
        assert of_people(lines, bound_pinned(lines)) == {}


def _small_and_only_small(computed: Computed, states: dict[int, dict[Key, str]]) -> None:
    """Every small part is "< 5", and every zero beside a total that is one (ADR 0036);
    nothing else is."""
    small = shown_small([cl.table for cl in computed.lines()])
    for cl in computed.lines():
        for key in cl.table.values:
            expected = counted(cl.table, key) in small
            assert (states[cl.index][key] == PRIMARY) == expected, (cl.index, key)


# A return that sums forms, beside the forms' own figures ------------------------------------------


# Two two-way lines sharing a margin: each line safe alone, not together (jointly_determined).
_JOINT = [0, 0, 0, 0, 0, 5, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 3]
_JOINT_LAYOUT = (("g",), ("a", "g"), ("b", "g"))


def _pack(per_form: Table) -> dict[Key, str]:
    """The annual pack's states of the forms' own figures: a small one "< 5", every other
    shown, no total (the pack publishes none)."""
    states = {key: PRIMARY if 0 < v < 5 else SHOWN for key, v in per_form.values.items()}
    states[TOTAL] = SECONDARY
    return states


@pytest.mark.heavy
@settings(max_examples=300, deadline=None)
@given(
    st.lists(_small, min_size=len(_COMBOS), max_size=len(_COMBOS)),
    st.sampled_from(LAYOUTS),
)
@example(weights=_JOINT, layout=_JOINT_LAYOUT)
def test_no_hidden_part_is_recovered_with_the_forms_own_figures_beside(
    weights: list[int], layout: tuple[tuple[str, ...], ...]
) -> None:
    """``a`` stands for the service form: the return sums the forms, and the pack publishes
    each form's figure unless it is small. The attacker solves the return's lines and the
    pack's figures together."""
    computed = _computed(dict(zip(_COMBOS, weights, strict=True)), layout)
    result = computed.lines()[0].result
    assert result is not None
    per_form = build_table(result, ("a",))
    states = suppress_computed(computed, forms={result.indicator.key: per_form})
    _small_and_only_small(computed, states)
    pack = (per_form, _pack(per_form))
    printed = {counted(per_form, k) for k, state in pack[1].items() if state == SHOWN}
    for lines in _lines(computed, states).values():
        assert of_people(lines, recovered([*lines, pack])) == {}
        for table, table_states in lines:
            assert exposed_sums(table, table_states) == []
        # What the pack's printed figures pin (a form's 0 makes its row 0) no hiding protects.
        assert of_people(lines, unprotected([*lines, pack], known=printed)) == {}


def test_two_lines_can_give_away_together_what_neither_gives_away_alone() -> None:
    """The hidden parts the suppression of the last stop left in ``_JOINT`` (forms a0 5,
    a1 1, a2 5; the pack prints a0 and a2). Each line alone has no bridge, but (a, g) says
    a2's row a2·g1 + a2·g2 = 5 and g2 = 5 + a2·g2, and (b, g) says b1·g1 + b1·g2 = 9 with
    g1 = a2·g1 = b1·g1: so b0·g2 = g2 − b1·g2 = (10 − x) − (9 − x) = 1."""
    computed = _computed(dict(zip(_COMBOS, _JOINT, strict=True)), _JOINT_LAYOUT)
    tables = [cl.table for cl in computed.lines()]
    cells = {
        ("g",): {("cell", "g0", ""), ("cell", "g1", ""), ("cell", "g2", ""), TOTAL},
        ("a", "g"): {
            ("cell", "a1", "g0"), ("cell", "a2", "g1"), ("cell", "a2", "g2"), ("row", "a1"),
            ("col", "g0"), ("col", "g1"), ("col", "g2"), TOTAL,
        },
        ("b", "g"): {
            ("cell", "b0", "g0"), ("cell", "b0", "g2"), ("cell", "b1", "g1"),
            ("cell", "b1", "g2"), ("row", "b0"), ("col", "g0"), ("col", "g1"), ("col", "g2"),
            TOTAL,
        },
    }  # fmt: skip
    gone = [cells[cl.line.breakdown] for cl in computed.lines()]
    assert all(determined(t, g) == [] for t, g in zip(tables, gone, strict=True))
    published = {frozenset({("a", "a0")}), frozenset({("a", "a2")})}  # the pack's
    assert jointly_determined(tables, gone, published) == [frozenset({("b", "b0"), ("g", "g2")})]
    states = [
        {key: SECONDARY if key in g else SHOWN for key in t.values}
        for t, g in zip(tables, gone, strict=True)
    ]
    assert recovered(zip(tables, states, strict=True)) == {frozenset({("b", "b0"), ("g", "g2")}): 1}


def test_what_the_symbols_alone_pinned_is_hidden_among_the_zeros() -> None:
    """Four people: (a2, b0, g2), (a2, b1, g0), (a2, b1, g1), (a2, b1, g2). Every part that is
    not 0 is a "< 5", the total too. Were the zeros shown, column g2 of (b, g) would hold two
    "< 5"s, so g2 ≥ 2, and g0, g1 ≥ 1: at least 4, the most the total's "< 5" allows. So
    g0 = g1 = 1, g2 = 2, and every other part would follow; hiding a zero as an "x" (0 or at
    least 5) could not help (ADR 0034 left it so). The total is a "< 5", so every zero is one
    too (ADR 0036), and a "< 5" of these lines may be 0: nothing is pinned."""
    weights = [0] * 14 + [1, 1, 1, 1]
    computed = _computed(dict(zip(_COMBOS, weights, strict=True)), _JOINT_LAYOUT)
    states = suppress_computed(computed)
    for cl in computed.lines():
        assert set(states[cl.index].values()) == {PRIMARY}, cl.index
    (lines,) = _lines(computed, states).values()
    assert of_people(lines, bound_pinned(lines)) == {}


def test_a_sum_of_forms_is_hidden_when_the_forms_figures_give_a_small_one_away() -> None:
    """By hand: forms a0 8, a1 1, a2 0; the return shows the sum by g (g0 6, g1 3). The pack
    prints 8 and 0, so the sum 9 would give a1's 1 away. The sum is hidden; g1's 3 is small
    and g0's 6 then protects nothing more: g0 stays shown (one equation, two unknowns)."""
    cells = {("a0", "b0", "g0"): 5, ("a0", "b0", "g1"): 3, ("a1", "b0", "g0"): 1}
    computed = _computed(cells, (("g",),))
    result = computed.lines()[0].result
    assert result is not None
    per_form = build_table(result, ("a",))
    assert [per_form.cell(a) for a in ("a0", "a1", "a2")] == [8, 1, 0]
    alone = suppress_computed(computed)[0]
    assert (alone[TOTAL], alone[("cell", "g0", "")], alone[("cell", "g1", "")]) == (
        SHOWN,
        SECONDARY,
        PRIMARY,
    )
    linked = suppress_computed(computed, forms={result.indicator.key: per_form})[0]
    assert (linked[TOTAL], linked[("cell", "g0", "")], linked[("cell", "g1", "")]) == (
        SECONDARY,
        SHOWN,
        PRIMARY,
    )


# Two outputs that leave the organisation ------------------------------------------------------


def _avi_clients_by_form(world: dict[str, Any]) -> tuple[Table, dict[Key, str]]:
    """AVI's ``outpatient.clients`` by service form for the whole association, as sent."""
    params = Params(world["org"].pk, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    computed = engine.run(returns.get("avi.supervision"), params)
    states = services.states_for(computed)
    assert states is not None
    line = next(cl for cl in computed.lines() if cl.indicator.id == "outpatient.clients")
    return line.table, states[line.index]


@pytest.mark.django_db
def test_avi_and_the_annual_pack_together_give_no_small_cell_away(world: dict[str, Any]) -> None:
    """Crisis work has 8 clients, Jussi-työ 1. The public annual pack shows crisis work's 8
    (primary suppression only, "no totals are published"), so an AVI table by form that hid
    crisis work's 8 as "x" and showed the association's 9 gave Jussi's 1 away: 9 − 8 = 1.
    AVI now hides the sum instead: crisis work's 8 is public anyway."""
    table, states = _avi_clients_by_form(world)
    crisis, jussi = str(world["crisis"].pk), str(world["jussi"].pk)
    assert (table.cell(jussi), states[("cell", jussi, "")]) == (1, PRIMARY)
    assert (table.cell(crisis), states[("cell", crisis, "")]) == (8, SHOWN)
    assert (table.total, states[TOTAL]) == (9, SECONDARY)
    with scopes_disabled():
        sections = pack(organisation_id=world["org"].pk, year=YEAR, threshold=services.THRESHOLD)
    public = {
        str(f.form.pk): f.current_text
        for s in sections
        for line in s.lines
        if line.indicator.id == "outpatient.clients"
        for f in line.figures
    }
    # The attacker: AVI's shown total minus every other form, which the pack shows whole.
    others = [text for pk, text in public.items() if pk != jussi]
    leak = (
        states[TOTAL] == SHOWN
        and set(public) == {crisis, jussi}
        and all(text.isdigit() for text in others)
        and table.total - sum(map(int, others)) == table.cell(jussi)
    )
    assert not leak


@pytest.mark.django_db
def test_avi_and_the_forms_stea_reports_together_give_no_small_cell_away(
    world: dict[str, Any],
) -> None:
    """The same 8 + 1 clients: crisis work's own STEA report (sent to STEA, public by the
    grant terms) shows its 8 clients as its line's total, so AVI may not show the 9."""
    table, states = _avi_clients_by_form(world)
    crisis, jussi = str(world["crisis"].pk), str(world["jussi"].pk)
    assert states[("cell", jussi, "")] == PRIMARY
    params = Params(
        world["org"].pk, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), (world["crisis"].pk,)
    )
    stea = engine.run(returns.get("stea.outpatient"), params)
    stea_states = services.states_for(stea)
    assert stea_states is not None
    # The attacker: AVI's shown total minus crisis work's total in its STEA report.
    crisis_totals = {
        cl.table.total
        for cl in stea.lines()
        if cl.indicator.id == "outpatient.clients" and stea_states[cl.index][TOTAL] == SHOWN
    }
    leak = states[TOTAL] == SHOWN and any(
        table.total - shown == table.cell(jussi) for shown in crisis_totals
    )
    assert table.cell(crisis) in crisis_totals  # STEA shows crisis work's 8
    assert not leak
