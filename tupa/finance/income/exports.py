"""The year's other income as CSV for the board (Finnish Excel: ``;``, UTF-8 with a BOM,
written by :func:`tupa.core.spreadsheets.finnish_csv`).

Never a private donor's name and never the free-text description (it might hold one): a
private person is "yksityishenkilö" whoever exports.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tupa.core.spreadsheets import finnish_csv
from tupa.finance.income.selectors import Register


def register_csv(found: Register) -> bytes:
    rows: list[list[Any]] = [
        [_("Muut tuotot"), str(found.year)],
        [],
        [_("Laji"), _("Kpl"), _("Summa (€)")],
        *[[k.label.capitalize(), k.count, k.amount] for k in found.by_kind],
        [_("Yhteensä"), found.count, found.total],
        [],
        [_("Rahasto"), _("Saldo alussa"), _("Lahjoitukset"), _("Käytetty"), _("Saldo lopussa")],
        *[[f.fund.name, f.opening, f.received, f.used, f.closing] for f in found.funds],
        [],
        [_("Päivä"), _("Laji"), _("Maksaja"), _("Rahoituslähde"), _("Rahasto"), _("Summa (€)")],
        *[
            [
                i.received_on,
                i.get_kind_display(),
                i.public_source,
                i.funder.name if i.funder else "",
                i.fund.name if i.fund else "",
                i.amount,
            ]
            for i in found.incomes
        ],
    ]
    return finnish_csv(None, rows)
