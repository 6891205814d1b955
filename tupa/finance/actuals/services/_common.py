"""What the actuals services share: the permission and the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


MANAGE = "finance.actuals.manage"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
