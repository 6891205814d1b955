"""The year a page shows (``?vuosi=``, ``tupa/core/params.py``): plain digits in the page's years,
anything else the page's default.

Six pages read the parameter by hand, each a little differently: ``int()`` took ``' 2025'``,
``'+2025'`` and full-width digits, and ``str.isdigit()`` let superscripts through to an ``int()``
that refused them with a server error.
"""

from __future__ import annotations

from typing import Any

import pytest

from tupa.core.params import plain_int, year_param

YEARS = range(2000, 2027)


def _year(rf: Any, allowed: Any = YEARS, default: Any = 2025, **query: str) -> int:
    return year_param(rf.get("/", query), allowed, default)


def test_a_year_in_the_range_or_the_list_is_the_year(rf: Any) -> None:
    assert _year(rf, vuosi="2024") == 2024
    assert _year(rf, vuosi="2000") == 2000  # both ends of a range
    assert _year(rf, vuosi="2026") == 2026
    assert _year(rf, [2027, 2026, 2018], vuosi="2018") == 2018
    assert _year(rf, {2018}, vuosi="2018") == 2018


def test_no_year_or_one_the_page_does_not_offer_is_the_default(rf: Any) -> None:
    assert _year(rf) == 2025
    assert _year(rf, vuosi="1999") == 2025
    assert _year(rf, vuosi="2027") == 2025
    assert _year(rf, [2027, 2026], vuosi="2018") == 2025
    assert _year(rf, [], 0, vuosi="2018") == 0  # nothing to choose from


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "kaksituhatta",
        "２０２６",  # full-width digits: int() takes them
        "٢٠٢٦",  # Arabic-Indic digits: so does this
        "²⁰²⁶",  # superscripts: isdigit() says yes, int() raises
        "+2026",
        "-2026",
        " 2026",
        "2026 ",
        "2026\n",
        "2_026",
        "2026.0",
        "2e3",
        "0x7ea",
        "02026",  # a year is at most four digits
        "9" * 5000,  # past Python's limit for int(): never converted
    ],
)
def test_anything_but_plain_digits_is_the_default(rf: Any, raw: str) -> None:
    assert _year(rf, vuosi=raw) == 2025


def test_a_callable_default_is_called_only_when_needed(rf: Any) -> None:
    calls: list[int] = []

    def default() -> int:
        calls.append(1)
        return 2025

    assert _year(rf, default=default, vuosi="2024") == 2024
    assert calls == []
    assert _year(rf, default=default, vuosi="nonsense") == 2025
    assert calls == [1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        ("007", 7),
        ("999999999999999999", 999999999999999999),
        (None, None),
        ("", None),
        ("²", None),  # str.isdigit() passes it, int() refuses it
        ("١٢", None),  # int() would read it
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1_000", None),
        ("9999999999999999999", None),  # beyond 18 digits: past 64 bits is a database error
    ],
)
def test_plain_int_takes_plain_ascii_digits_only(raw: str | None, expected: int | None) -> None:
    assert plain_int(raw) == expected
