"""Password validators added to Django's own (see ``AUTH_PASSWORD_VALIDATORS``)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Long passphrases are welcome, but not unbounded input to the (slow) hasher."""

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("Salasana on liian pitkä: enintään %(max)d merkkiä.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Salasana voi olla pitkä salalause, enintään %(max)d merkkiä.") % {
            "max": self.max_length
        }


#: Words that Finnish users commonly build passwords from. Django's CommonPasswordValidator
#: knows English lists only, so "salasana1234" or "Kesäkuu2025!" would otherwise pass.
FINNISH_COMMON_WORDS = frozenset(
    """
    salasana salasanani tunnus kirjaudu tervetuloa moikka hei moi suomi suomi100 finland
    perkele sisu sauna kalakukko mämmi helsinki espoo vantaa tampere turku oulu jyväskylä
    kuopio lahti pori joensuu lappeenranta hämeenlinna vaasa rovaniemi seinäjoki kevät kesä
    syksy talvi tammikuu helmikuu maaliskuu huhtikuu toukokuu kesäkuu heinäkuu elokuu
    syyskuu lokakuu marraskuu joulukuu joulu juhannus maanantai tiistai keskiviikko torstai
    perjantai lauantai sunnuntai kissa koira hevonen karhu susi kettu ilves kulta rakas
    rakkaus aurinko kuu tähti meri järvi metsä koti äiti isä mummo vaari ukki mummi lapsi
    vauva perhe ystävä tupa ensikoti turvakoti yhdistys työ toimisto asiakas qwerty asdfgh
    qwertyuiop asdfghjkl zxcvbnm
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _core(password: str) -> str:
    """The password without leading/trailing digits, punctuation and whitespace, lower-cased."""
    return _EDGES.sub("", password.strip().lower())


class FinnishCommonPasswordValidator:
    """Reject a common Finnish word dressed up with digits and symbols (``Salasana2025!``)."""

    def validate(self, password: str, user: Any = None) -> None:
        core = _core(password)
        if core in FINNISH_COMMON_WORDS or (core and re.fullmatch(r"(.)\1*", core)):
            raise ValidationError(
                _(
                    "Salasana perustuu yleiseen sanaan, joka arvataan helposti. "
                    "Käytä pidempää salalausetta."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Salasana ei saa olla yleinen sana numeroilla tai merkeillä täydennettynä.")
