"""Payment references printed on invoices (issue 14 item 3).

- The Finnish creditor reference (*viitenumero*, Finanssiala's "kotimainen viite"): a base of
  3–19 digits followed by one check digit computed with the weights 7, 3, 1 repeating from the
  rightmost digit of the base; the check digit is ``(10 − sum mod 10) mod 10``. A reference is
  4–20 digits long; it is printed in groups of five digits counted from the right.
- The international RF creditor reference (ISO 11649): ``RF`` + two check digits (ISO 7064
  mod 97-10 over the reference followed by ``RF``) + the reference. python-stdnum validates and
  formats it (:mod:`stdnum.iso11649`) and computes the check digits
  (:func:`stdnum.iso7064.mod_97_10.calc_check_digits`).

Everything here is pure string arithmetic: no database, no floats.
"""

from __future__ import annotations

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

WEIGHTS = (7, 3, 1)


def _digits(text: str) -> str:
    return "".join(text.split())


def check_digit(base: str) -> str:
    """The 7-3-1 check digit of ``base`` (digits only, weights repeating from the right)."""
    total = sum(int(digit) * WEIGHTS[i % 3] for i, digit in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def reference_number(base: str) -> str:
    """The Finnish reference: ``base`` (3–19 digits, spaces ignored) + its check digit.

    >>> reference_number("1234561")
    '12345614'
    """
    digits = _digits(str(base))
    if not digits.isdigit() or not 3 <= len(digits) <= 19 or not digits.strip("0"):
        raise ValueError("The base of a reference number must be 3–19 digits, not all zeros.")
    return digits + check_digit(digits)


def is_valid_reference(text: str) -> bool:
    """Whether ``text`` is a Finnish reference (4–20 digits, spaces allowed, check digit right).

    Leading zeros are accepted, as the banks do (they are ignored when comparing); a base of
    zeros only is not a reference.
    """
    digits = _digits(text or "")
    if not digits.isdigit() or not 4 <= len(digits) <= 20 or not digits[:-1].strip("0"):
        return False
    return check_digit(digits[:-1]) == digits[-1]


def format_reference(text: str) -> str:
    """The reference in groups of five digits from the right, as printed on an invoice.

    >>> format_reference("123456789012345672")
    '123 45678 90123 45672'
    """
    digits = _digits(text)
    groups = []
    while digits:
        groups.append(digits[-5:])
        digits = digits[:-5]
    return " ".join(reversed(groups))


def rf_reference(finnish: str) -> str:
    """The RF creditor reference (ISO 11649) of a valid Finnish reference, compact form.

    The reference part drops the Finnish reference's leading zeros (as Finanssiala's guide
    does); the check digits are ISO 7064 mod 97-10 over ``reference + "RF"``.
    """
    if not is_valid_reference(finnish):
        raise ValueError("Not a valid Finnish reference number.")
    body = _digits(finnish).lstrip("0")
    rf = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
    return iso11649.validate(rf)


def is_valid_rf(text: str) -> bool:
    """Whether ``text`` is a valid RF creditor reference (spaces allowed)."""
    return bool(iso11649.is_valid(text or ""))


def format_rf(text: str) -> str:
    """The RF reference in groups of four characters (``RF18 5390 0754 7034``)."""
    return str(iso11649.format(text))


def invoice_reference(number: int) -> str:
    """The Finnish reference of invoice ``number``: the number (at least three digits; the
    series starts at 1000) and its 7-3-1 check digit, so a payment names its invoice."""
    return reference_number(f"{number:03d}")
