"""THL's shelter variables (finnish-requirements §1.2): the classifications a person is counted by.

Pure helpers shared by the THL data form (:mod:`.services`: the proposed defaults) and the
statistics indicators that count THL's return (:mod:`tupa.statistics.indicators.residential`,
whose docstrings hold the counting rules): the age bands, THL's gender categories, adult or
child, and the row "tieto puuttuu" for persons without THL data.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from tupa.episodes.models import Participant
from tupa.residential.models import ShelterClientData

#: The row of every variable for persons without recorded THL data.
MISSING: Final = "missing"
#: Violence forms: data recorded but no form ticked (e.g. a child's, or "used violence").
NO_FORMS: Final = "none"

ADULT: Final = "adult"
CHILD: Final = "child"

Data = ShelterClientData
CHILD_BANDS: Final = frozenset(
    {Data.AgeBand.UNDER_4, Data.AgeBand.AGE_4_6, Data.AgeBand.AGE_7_12, Data.AgeBand.AGE_13_17}
)
ADULT_BANDS: Final = frozenset(Data.AgeBand.values) - CHILD_BANDS - {Data.AgeBand.UNKNOWN}

#: (upper age inclusive, band) in order; 65 and over is the last band.
_BANDS: Final = (
    (3, Data.AgeBand.UNDER_4),
    (6, Data.AgeBand.AGE_4_6),
    (12, Data.AgeBand.AGE_7_12),
    (17, Data.AgeBand.AGE_13_17),
    (24, Data.AgeBand.AGE_18_24),
    (34, Data.AgeBand.AGE_25_34),
    (44, Data.AgeBand.AGE_35_44),
    (54, Data.AgeBand.AGE_45_54),
    (64, Data.AgeBand.AGE_55_64),
)

#: The single-choice variables counted per person, with the field of ShelterClientData.
PERSON_VARIABLES: Final = (
    "gender",
    "age_band",
    "stay_order",
    "client_status",
    "relationship",
    "violence_duration",
)


# --------------------------------------------------------------------------- pure helpers


def age_band_for(age: int | None) -> str:
    """THL's age band of an age in whole years (unknown when the age is not known)."""
    if age is None or age < 0:
        return Data.AgeBand.UNKNOWN
    for upper, band in _BANDS:
        if age <= upper:
            return band
    return Data.AgeBand.AGE_65_PLUS


def age_at(*, birth_date: dt.date | None, birth_year: int | None, on: dt.date) -> int | None:
    """Age on ``on`` from a birth date; an alias's birth year gives the age reached that year."""
    if birth_date is not None:
        return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if birth_year is not None:
        return on.year - birth_year
    return None


def statistical_gender(gender: str | None) -> str:
    """Person/alias gender → THL's categories (female, male, unknown; "muu" → unknown)."""
    if gender in (Data.Gender.FEMALE, Data.Gender.MALE):
        return str(gender)
    return Data.Gender.UNKNOWN


def is_child(*, age_band: str, fallback_age_band: str, role: str) -> bool:
    """Adult or child: the recorded band, else the band from the birth date, else the role."""
    for band in (age_band, fallback_age_band):
        if band in CHILD_BANDS:
            return True
        if band in ADULT_BANDS:
            return False
    return role == Participant.Role.CHILD
