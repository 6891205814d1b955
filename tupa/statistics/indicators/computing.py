"""Running one indicator: its function, then what the engine does to every indicator's units."""

from __future__ import annotations

from .base import Indicator, Params, Result
from .protection import withhold_homes


def compute(indicator: Indicator, params: Params) -> Result:
    """Run ``indicator`` on ``params``: the function, then the turvakielto rule of the
    municipality dimensions (:mod:`.protection`), then a municipality report's filter (the units
    of that municipality's residents)."""
    units = withhold_homes(
        list(indicator.units(params)), indicator.dimensions, params.organisation_id
    )
    if params.municipality_id is not None:
        units = [u for u in units if u.municipality_id == params.municipality_id]
    return Result(indicator, params, units)
