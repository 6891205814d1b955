"""Finnish reference numbers (viitenumero, 7-3-1) and RF creditor references (ISO 11649).

The Finnish examples are computed by hand in the comments: the base's digits are weighted
7, 3, 1, 7, 3, 1, … from the right, and the check digit is (10 − sum mod 10) mod 10.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tupa.finance.references import (
    check_digit,
    format_reference,
    format_rf,
    is_valid_reference,
    is_valid_rf,
    reference_number,
    rf_reference,
)


def test_check_digit_of_1234561() -> None:
    # From the right: 1·7 + 6·3 + 5·1 + 4·7 + 3·3 + 2·1 + 1·7 = 7+18+5+28+9+2+7 = 76;
    # (10 − 6) mod 10 = 4.
    assert check_digit("1234561") == "4"
    assert reference_number("1234561") == "12345614"


def test_finanssiala_example_2348236() -> None:
    # Finanssiala's guide: reference 2348236, RF form RF33 2348 236.
    # Base 234823 from the right: 3·7 + 2·3 + 8·1 + 4·7 + 3·3 + 2·1 = 21+6+8+28+9+2 = 74 → 6.
    assert reference_number("234823") == "2348236"
    assert is_valid_reference("2348236")
    assert rf_reference("2348236") == "RF332348236"
    assert format_rf("RF332348236") == "RF33 2348 236"


def test_shortest_base_and_check_digit_zero() -> None:
    # 123: 3·7 + 2·3 + 1·1 = 28 → 2.  505: 5·7 + 0·3 + 5·1 = 40 → (10 − 0) mod 10 = 0.
    assert reference_number("123") == "1232"
    assert reference_number("505") == "5050"
    assert is_valid_reference("5050")


def test_spaces_and_grouping() -> None:
    # Groups of five from the right, as printed on a Finnish invoice.
    assert format_reference("12345614") == "123 45614"
    assert is_valid_reference("123 45614")
    assert reference_number("1234 561") == "12345614"
    long = reference_number("12345678901234567")
    assert format_reference(long) == "123 45678 90123 45673"


@pytest.mark.parametrize(
    "text",
    ["12345615", "123", "1" * 21, "12a45614", "", "   ", "0000"],
)
def test_invalid_references(text: str) -> None:
    assert not is_valid_reference(text)


@pytest.mark.parametrize("base", ["12", "1" * 20, "12-3", "", "000"])
def test_bad_bases_are_refused(base: str) -> None:
    with pytest.raises(ValueError):
        reference_number(base)


def test_rf_published_example_and_own_references() -> None:
    # ISO 11649's example.
    assert is_valid_rf("RF18 5390 0754 7034")
    assert is_valid_rf("RF18539007547034")
    assert not is_valid_rf("RF18 5390 0754 7035")
    # 12345614 + "RF" → 12345614271500 (R = 27, F = 15, then 00); mod 97 = 96; 98 − 96 = 02.
    assert rf_reference("12345614") == "RF0212345614"
    # Leading zeros of the Finnish reference are dropped (the check digit is unchanged by them).
    assert is_valid_reference("0012345614")
    assert rf_reference("0012345614") == "RF0212345614"
    with pytest.raises(ValueError):
        rf_reference("12345615")


digits = st.text(alphabet="0123456789", min_size=3, max_size=19).filter(lambda s: s.strip("0"))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(base=digits, data=st.data())
def test_every_reference_validates_and_one_changed_digit_breaks_it(
    base: str, data: st.DataObject
) -> None:
    reference = reference_number(base)
    assert is_valid_reference(reference)
    assert is_valid_reference(format_reference(reference))
    assert is_valid_rf(rf_reference(reference))
    position = data.draw(st.integers(min_value=0, max_value=len(reference) - 1))
    old = reference[position]
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != old]))
    changed = reference[:position] + new + reference[position + 1 :]
    # The weights 7, 3 and 1 are coprime to 10, so any one changed digit changes the sum mod 10.
    assert not is_valid_reference(changed)
