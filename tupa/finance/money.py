"""The one rounding rule of Tupa's money (docs/finance-invoicing.md).

Amounts are ``Decimal`` end to end. A line's net amount is ``quantity × unit price`` and its
VAT ``net × rate / 100``, each rounded **once** to the cent, half away from zero
(``ROUND_HALF_UP``, the rule of Finnish invoicing practice); totals are sums of rounded lines
and are never rounded again.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | str) -> Decimal:
    """``value`` rounded to the cent, half up (away from zero)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amounts(
    quantity: Decimal, unit_price: Decimal, vat_rate: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """``(net, vat, gross)`` of one line by the rule above; ``gross == net + vat`` exactly."""
    net = cents(Decimal(quantity) * Decimal(unit_price))
    vat = cents(net * Decimal(vat_rate) / 100)
    return net, vat, net + vat


def euros(value: Decimal) -> str:
    """``value`` in the Finnish way for messages: ``1 234,50`` (no-break space, decimal comma)."""
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def column_limit(model: Any, field_name: str) -> Decimal:
    """The first amount, either way, that ``model.field_name`` (a ``DecimalField``) cannot hold:
    ``10 ** (max_digits - decimal_places)``. PostgreSQL refuses it and SQLite stores what it
    cannot read back, so a service checks against this before it writes."""
    field = model._meta.get_field(field_name)
    return Decimal(10) ** (field.max_digits - field.decimal_places)
