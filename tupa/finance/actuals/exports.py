"""The board's view as CSV (Finnish Excel: ``;``, UTF-8 with a BOM, decimal comma) and XLSX,
written by :mod:`tupa.core.spreadsheets` (text cells formula-safe, numbers stay numbers).

Aggregates only: service forms, funding sources and cost types — no person, no donor name.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core.spreadsheets import Sheet, finnish_csv, xlsx
from tupa.core.wallclock import fi_moment
from tupa.finance.actuals.selectors import Board, Figures

#: The column (0-based) of the variance in per cent: one decimal, not money.
PERCENT_COLUMN = 7


def header() -> list[str]:
    return [
        _("Yksikkö"),
        _("Rivi"),
        _("Kuukauden talousarvio"),
        _("Kuukauden toteuma"),
        _("Talousarvio kertymä"),
        _("Toteuma kertymä"),
        _("Poikkeama (€)"),
        _("Poikkeama (%)"),
        _("Ennuste vuodelle"),
        _("Vuoden talousarvio"),
        _("Ennuste − talousarvio"),
    ]


def _figures(figures: Figures) -> list[Any]:
    return [
        figures.month_budget,
        figures.month_actual,
        figures.ytd_budget,
        figures.ytd_actual,
        figures.variance,
        figures.variance_percent,
        figures.forecast,
        figures.year_budget,
        figures.forecast_variance,
    ]


def meta(board: Board) -> list[list[Any]]:
    month = (
        _("%(month)s %(year)s") % {"month": board.month_name, "year": board.year}
        if board.month
        else _("ei toteumaa")
    )
    return [
        [_("Talous vs. toteuma"), str(board.year)],
        [_("Toteuma kuukauteen asti"), month],
        [
            _("Ennuste"),
            _("toteuma kertymä + talousarvio loppuvuoden kuukausilta"),
        ],
        [_("Poikkeama"), _("toteuma − talousarvio")],
        [_("Tulostettu"), fi_moment(timezone.now())],
    ]


def rows(board: Board) -> list[list[Any]]:
    """The table rows: each unit's income, costs and result, the total, then by funding source
    (income) and by cost type (costs)."""
    out: list[list[Any]] = []
    for unit in [*board.units, board.total]:
        for label, figures in unit.lines:
            out.append([unit.name, label, *_figures(figures)])
    for line in board.by_source:
        out.append([_("Tuotot rahoituslähteittäin"), line.label, *_figures(line.figures)])
    for line in board.by_cost_type:
        out.append([_("Kulut kululajeittain"), line.label, *_figures(line.figures)])
    return out


def board_csv(board: Board) -> bytes:
    return finnish_csv(None, [*meta(board), [], header(), *rows(board)])


def board_xlsx(board: Board) -> bytes:
    """The table (frozen at the unit and row names), then the facts of the copy."""
    return xlsx(
        _("Talous vs. toteuma"),
        header(),
        rows(board),
        freeze="C2",
        number_formats={PERCENT_COLUMN: "0.0"},
        more=[Sheet(_("Tiedot"), meta(board))],
    )
