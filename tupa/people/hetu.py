"""The Finnish personal identity code (*henkilötunnus*, hetu), validated by hand.

Why not just ``stdnum.fi.hetu``: it answers only valid/invalid (``InvalidFormat``,
``InvalidComponent``…), while a worker needs to be told *what* is wrong, in Finnish. (Note:
python-stdnum 2.2 does accept the 2023 century signs; it rejects DVV's example ``010594Y9021``
because its individual number 902 is in the temporary range 900–999 — as this module does by
default. The tests cross-check this module against stdnum.) The rules (DVV, *Henkilötunnus*;
Population Information System Act 661/2009 §11, amended 1.1.2023):

``DDMMYYCZZZQ``
    ``DDMMYY`` the birth date; ``C`` the century sign; ``ZZZ`` the individual number
    (002–899; 900–999 are temporary codes used e.g. by health care); ``Q`` the check
    character ``CHECK_CHARACTERS[int(DDMMYY + ZZZ) % 31]``. An odd individual number is a
    man, an even one a woman (the code's legal gender).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

#: The 31 check characters (no G, I, O, Q or Z: they are easy to confuse).
CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"

#: Century sign → the century the year belongs to.
CENTURY_SIGNS: dict[str, int] = {
    "+": 1800,
    "-": 1900,
    "Y": 1900,
    "X": 1900,
    "W": 1900,
    "V": 1900,
    "U": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}

HETU_LENGTH = 11
_SHAPE = re.compile(r"^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$")


def normalise_hetu(value: str | None) -> str:
    """Strip surrounding whitespace and turn letters to upper case (``010594y9021`` → ``…Y…``)."""
    return (value or "").strip().upper()


def check_character(digits: str) -> str:
    """The check character for the nine digits ``DDMMYY`` + ``ZZZ``."""
    return CHECK_CHARACTERS[int(digits) % 31]


#: ASCII digits: ``str.isdigit()`` also passes "²" (which ``int()`` refuses: a server error
#: instead of a message) and other scripts' digits (which ``int()`` reads).
_DIGITS = re.compile(r"[0-9]+")


def _century_signs_text() -> str:
    return " ".join(CENTURY_SIGNS)


def validate_hetu(value: str | None, *, allow_temporary: bool = False) -> str:
    """Return the normalised code or raise :class:`ValidationError` saying what is wrong.

    The checks run in the order a person reads the code, so the message points at the first
    mistake: length, birth date digits, century sign, calendar date, individual number,
    check character.
    """
    code = normalise_hetu(value)
    if len(code) != HETU_LENGTH:
        raise ValidationError(
            _("Henkilötunnuksessa on 11 merkkiä (esimerkiksi 131052-308T); annetussa on %(count)d.")
            % {"count": len(code)},
            code="length",
        )
    birth, sign, individual, check = code[:6], code[6], code[7:10], code[10]
    if not _DIGITS.fullmatch(birth):
        raise ValidationError(
            _(
                "Henkilötunnuksen kuuden ensimmäisen merkin pitää olla syntymäaika numeroina (ppkkvv)."
            ),
            code="birth_digits",
        )
    if sign not in CENTURY_SIGNS:
        raise ValidationError(
            _(
                "Henkilötunnuksen 7. merkki on välimerkki, joka kertoo syntymävuosisadan. "
                "Merkki ”%(sign)s” ei ole sallittu; sallitut ovat %(signs)s."
            )
            % {"sign": sign, "signs": _century_signs_text()},
            code="century_sign",
        )
    day, month, year = int(birth[:2]), int(birth[2:4]), CENTURY_SIGNS[sign] + int(birth[4:6])
    try:
        born = date(year, month, day)
    except ValueError:
        raise ValidationError(
            _(
                "Henkilötunnuksen syntymäaika %(day)02d.%(month)02d.%(year)d ei ole oikea päivämäärä."
            )
            % {"day": day, "month": month, "year": year},
            code="date",
        ) from None
    if born > timezone.localdate():
        raise ValidationError(
            _("Henkilötunnuksen syntymäaika on tulevaisuudessa."),
            code="date_future",
        )
    if not _DIGITS.fullmatch(individual):
        raise ValidationError(
            _("Henkilötunnuksen merkkien 8–10 pitää olla numeroita (yksilönumero)."),
            code="individual_digits",
        )
    number = int(individual)
    if number < 2:
        raise ValidationError(
            _("Henkilötunnuksen yksilönumero %(number)s ei ole käytössä; sallitut ovat 002–899.")
            % {"number": individual},
            code="individual_range",
        )
    if number >= 900 and not allow_temporary:
        raise ValidationError(
            _(
                "Yksilönumero %(number)s (900–999) tarkoittaa tilapäistä tunnusta, jota ei "
                "tallenneta henkilötunnukseksi. Jätä kenttä tyhjäksi; henkilö saa Tuvan oman "
                "tilapäisen tunnisteen."
            )
            % {"number": individual},
            code="temporary",
        )
    if check_character(birth + individual) != check:
        raise ValidationError(
            _(
                "Henkilötunnuksen tarkistusmerkki (viimeinen merkki) ei täsmää muihin merkkeihin. "
                "Tarkista tunnus."
            ),
            code="checksum",
        )
    return code


def is_valid_hetu(value: str | None, *, allow_temporary: bool = False) -> bool:
    try:
        validate_hetu(value, allow_temporary=allow_temporary)
    except ValidationError:
        return False
    return True


def birth_date_from_hetu(value: str) -> date:
    """The birth date coded in a valid identity code (raises ValidationError if invalid)."""
    code = validate_hetu(value, allow_temporary=True)
    year = CENTURY_SIGNS[code[6]] + int(code[4:6])
    return date(year, int(code[2:4]), int(code[0:2]))


def gender_from_hetu(value: str) -> str:
    """``"male"`` for an odd individual number, ``"female"`` for an even one."""
    code = validate_hetu(value, allow_temporary=True)
    return "male" if int(code[7:10]) % 2 else "female"


def build_hetu(born: date, individual: int, *, sign: str | None = None) -> str:
    """Compose a valid code (for tests and fictional demo data). ``sign`` defaults per century."""
    if sign is None:
        sign = {1800: "+", 1900: "-", 2000: "A"}[born.year // 100 * 100]
    if CENTURY_SIGNS.get(sign) != born.year // 100 * 100:
        raise ValueError(f"century sign {sign!r} does not match {born.year}")
    birth = f"{born.day:02d}{born.month:02d}{born.year % 100:02d}"
    digits = f"{individual:03d}"
    return f"{birth}{sign}{digits}{check_character(birth + digits)}"


def mask_hetu(value: str | None) -> str:
    """Only the birth-date part and the century sign: ``131052-****``."""
    code = normalise_hetu(value)
    if len(code) != HETU_LENGTH:
        return ""
    return code[:7] + "****"


def looks_like_hetu(value: str | None) -> bool:
    """Shaped like an identity code (used by search to try an exact match)."""
    code = normalise_hetu(value)
    return bool(_SHAPE.match(code))
