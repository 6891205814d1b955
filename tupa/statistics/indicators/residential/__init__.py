"""Indicators of the residential units: the shelter's THL figures, the front door (turn-aways,
the 24 h line) and the care days of every unit.

These are the one place where THL's figures are counted: the THL return, the municipalities'
and the Federation's reports and the units' own follow-up reports (the former THL, turn-away
and line pages) all run them. Care days reuse the care-day ledger's and billing's rules
(:mod:`tupa.residential.care_days`, :mod:`tupa.residential.stays.selectors`,
:mod:`tupa.residential.commitments.selectors`), and THL's classifications are the pure helpers of
:mod:`tupa.residential.thl.variables` (shared with the THL data form's defaults).

Counting rules (docs/residential-thl.md has the reasoning and the [verify] items)
--------------------------------------------------------------------------------
- **Client in the period**: a person (or an alias — an anonymous client counts the same way)
  whose stay-member period overlaps the period (local time, Europe/Helsinki), counted **once**
  however many stays, episodes or selected shelters they had.
- **The person's data** are those of their first stay in the period (earliest arrival) that has
  THL data (:class:`~tupa.residential.models.ShelterClientData`); a person without any is counted
  in the **"tieto puuttuu"** row of every variable, never dropped.
- **Adult or child**: the recorded age band; when the band is unknown or the data are missing,
  the age at the first arrival (birth date, or an alias's birth year), and failing that the
  participant's role ("lapsi" = child).
- **Residence days**: the care-day rule (default: nights) per person, clipped exactly to the
  period; open stays count up to the last complete care day (the year-end check flags them).
- **Stays**: residence chains (a move continues the same stay) of which some part lies in the
  period; "began" = the chain's first arrival is in the period. **Families** = distinct episodes
  with such a stay; **referral source** is counted per family (an episode attribute).
- **Family places**: the family places in use on the period's last day.
- **Care days** (``residential.care_days``): the billing list's days by form, month and payer.
  Version 1 places them in the person's home municipality; version 2 (the municipality's
  report) as the billing list does: a day under a payment commitment in the commitment's home
  municipality (*kotikunta*), a day of the state's or without a commitment in none.
- **Turn-aways for lack of space** (version 1, THL): reason "no free place"; THL's figure is
  those directed to another shelter, in requests (families) and persons.
- **Phone contacts**: the 24 h line's contacts of the unit in the period.

The package holds one module per part: :mod:`.common` (stay chains, person rows), :mod:`.shelter`
(THL's client figures), :mod:`.contacts` (turn-aways, the phone line), :mod:`.places` (family
places, care days by payer).
"""

from __future__ import annotations

from ..base import IndicatorRegistry
from .contacts import (
    SHELTER_LINE_CONTACTS,
    SHELTER_LINE_CONTACTS_V2,
    SHELTER_LINE_MINUTES,
    SHELTER_TURN_AWAY_REQUESTS,
    SHELTER_TURN_AWAY_REQUESTS_V2,
    SHELTER_TURNED_AWAY,
    SHELTER_TURNED_AWAY_V2,
)
from .places import CARE_DAYS, CARE_DAYS_V2, FAMILY_PLACES
from .shelter import (
    SHELTER_CLIENTS,
    SHELTER_FAMILIES,
    SHELTER_RESIDENCE_DAYS,
    SHELTER_STAYS,
    SHELTER_VIOLENCE_FORMS,
)

__all__ = [
    "CARE_DAYS",
    "CARE_DAYS_V2",
    "FAMILY_PLACES",
    "SHELTER_CLIENTS",
    "SHELTER_FAMILIES",
    "SHELTER_LINE_CONTACTS",
    "SHELTER_LINE_CONTACTS_V2",
    "SHELTER_LINE_MINUTES",
    "SHELTER_RESIDENCE_DAYS",
    "SHELTER_STAYS",
    "SHELTER_TURNED_AWAY",
    "SHELTER_TURNED_AWAY_V2",
    "SHELTER_TURN_AWAY_REQUESTS",
    "SHELTER_TURN_AWAY_REQUESTS_V2",
    "SHELTER_VIOLENCE_FORMS",
    "register",
]


def register(registry: IndicatorRegistry) -> None:
    registry.register(
        SHELTER_CLIENTS,
        SHELTER_RESIDENCE_DAYS,
        SHELTER_STAYS,
        SHELTER_FAMILIES,
        SHELTER_VIOLENCE_FORMS,
        SHELTER_TURNED_AWAY,
        SHELTER_TURN_AWAY_REQUESTS,
        SHELTER_LINE_CONTACTS,
        SHELTER_TURNED_AWAY_V2,
        SHELTER_TURN_AWAY_REQUESTS_V2,
        SHELTER_LINE_CONTACTS_V2,
        SHELTER_LINE_MINUTES,
        FAMILY_PLACES,
        CARE_DAYS,
        CARE_DAYS_V2,
    )
