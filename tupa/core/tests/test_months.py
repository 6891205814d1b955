"""Calendar-month arithmetic (hand-computed dates)."""

from __future__ import annotations

import datetime as dt

from tupa.core.months import add_months, month_bounds, month_end

D = dt.date


def test_add_months_clamps_the_day_to_the_months_length() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)  # a leap year
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2026, 5, 31), 1) == D(2026, 6, 30)


def test_add_months_across_years_both_ways() -> None:
    assert add_months(D(2026, 11, 15), 2) == D(2027, 1, 15)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)
    assert add_months(D(2026, 12, 1), -12) == D(2025, 12, 1)
    assert add_months(D(2026, 3, 10), -24) == D(2024, 3, 10)
    assert add_months(D(2026, 1, 15), -1) == D(2025, 12, 15)
    assert add_months(D(2026, 7, 4), 0) == D(2026, 7, 4)


def test_month_end_and_bounds() -> None:
    assert month_end(2026, 2) == D(2026, 2, 28)
    assert month_end(2024, 2) == D(2024, 2, 29)
    assert month_end(2026, 12) == D(2026, 12, 31)
    assert month_end(2026, 4) == D(2026, 4, 30)
    assert month_bounds(2026, 12) == (D(2026, 12, 1), D(2026, 12, 31))
    assert month_bounds(2025, 2) == (D(2025, 2, 1), D(2025, 2, 28))
