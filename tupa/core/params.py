"""A page's query parameters, read one way: the year a page shows (``?vuosi=``) and a plain
whole number (an id or a month in an address, a number in an imported row: :func:`plain_int`).

The year in an address comes from a year picker, a link or a bookmark, or is edited by hand, so it
is read strictly, the same on every page: ASCII digits only, at most four, and only a year the page
offers. ``int()`` alone also takes ``' 2025'``, ``'+2025'``, ``'2_025'`` and full-width or other
Unicode digits, and ``str.isdigit()`` passes superscripts that ``int()`` then refuses (a server
error). Anything else shows the page's default year, not an error: the parameter is a choice from
the page's own picker, not a form to correct.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from django.http import HttpRequest

#: A year as the pickers write it: plain ASCII digits, no sign, space or separator, no more than
#: four (so a huge number is never even converted).
_YEAR = re.compile(r"[0-9]{1,4}")


def year_param(
    request: HttpRequest, allowed: Container[int], default: int | Callable[[], int]
) -> int:
    """``?vuosi=`` when it is a plain year in ``allowed`` (a ``range`` or the page's list of
    years), otherwise ``default``. A callable ``default`` is called only when it is needed: for a
    page whose default year costs a query."""
    raw = request.GET.get("vuosi", "")
    if _YEAR.fullmatch(raw) and (year := int(raw)) in allowed:
        return year
    return default() if callable(default) else default


#: A whole number as a page writes it: ASCII digits only, at most 18 (below 2**63, so neither
#: ``int()`` nor the database refuses it).
_PLAIN_INT = re.compile(r"[0-9]{1,18}")


def plain_int(raw: str | None) -> int | None:
    """``raw`` as a non-negative whole number when it is plain ASCII digits (at most 18),
    otherwise ``None``. ``str.isdigit()`` is not enough: it passes superscripts and other
    scripts' digits ("²", "١٢"), which ``int()`` refuses or reads, and numbers beyond 64 bits,
    which the database refuses — a server error either way."""
    if raw is None or not _PLAIN_INT.fullmatch(raw):
        return None
    return int(raw)
