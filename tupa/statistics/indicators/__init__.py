"""Every indicator of Tupa, registered in :data:`registry` (one module per domain).

The domain modules are imported here explicitly: the statistics app owns the counting rules of
all domains (it reads their models; they do not know it).
"""

from __future__ import annotations

from .base import Indicator, IndicatorRegistry, Params, Result, Unit
from .computing import compute

registry = IndicatorRegistry()

__all__ = ["Indicator", "Params", "Result", "Unit", "compute", "registry"]


def _load() -> None:
    from . import (
        dropin,
        ensikoti,
        outpatient,
        prevention,
        programmes,
        residential,
        surveys,
        visitation,
        volunteers,
    )

    for module in (
        residential,
        ensikoti,
        outpatient,
        programmes,
        dropin,
        visitation,
        volunteers,
        prevention,
        surveys,
    ):
        module.register(registry)


_load()
