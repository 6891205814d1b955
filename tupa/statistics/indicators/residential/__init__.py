"""Indicators of the residential units: the shelter's THL figures and the care days of every unit.

The counting rules are THL's year summary's (:mod:`tupa.residential.thl.summary`, whose module
docstring is the reference) and the care-day ledger's and billing's
(:mod:`tupa.residential.care_days`, :mod:`tupa.residential.stays.selectors`,
:mod:`tupa.residential.commitments.selectors`). The summary counts one service form and one
calendar year into fixed tables; the indicators give the same figures as units, for any period
and any set of service forms, and keep who is behind each unit (episode, person, home
municipality) for the drill-down and a municipality's report. The tests compare the two on the
summary's own hand-computed year.

What is reused, so that a rule lives in one place:

* the pure helpers of the summary: :func:`~tupa.residential.thl.summary.age_at`,
  :func:`~tupa.residential.thl.summary.age_band_for`, :func:`~tupa.residential.thl.summary.is_child`
  and its constants (:data:`~tupa.residential.thl.summary.MISSING` …);
* the care-day interval query :func:`~tupa.residential.stays.selectors.member_intervals` and the
  counting rule :func:`~tupa.residential.care_days.care_days` (residence days);
* the billing selector :func:`~tupa.residential.commitments.selectors.billable_days` as a whole
  (care days by payer).

The per-person rows of the summary (which stay's THL data describe a person) are private to
:func:`~tupa.residential.thl.summary.thl_summary`; :func:`person_rows` reads them the same way
(one query) across several service forms. A person who stayed in two of the selected shelters
is one client.

The package holds one module per part: :mod:`.common` (stay chains, person rows), :mod:`.shelter`
(THL's client figures), :mod:`.contacts` (turn-aways, the phone line), :mod:`.places` (family
places, care days by payer).
"""

from __future__ import annotations

from ..base import IndicatorRegistry
from .contacts import SHELTER_LINE_CONTACTS, SHELTER_TURN_AWAY_REQUESTS, SHELTER_TURNED_AWAY
from .places import CARE_DAYS, FAMILY_PLACES
from .shelter import (
    SHELTER_CLIENTS,
    SHELTER_FAMILIES,
    SHELTER_RESIDENCE_DAYS,
    SHELTER_STAYS,
    SHELTER_VIOLENCE_FORMS,
)

__all__ = [
    "CARE_DAYS",
    "FAMILY_PLACES",
    "SHELTER_CLIENTS",
    "SHELTER_FAMILIES",
    "SHELTER_LINE_CONTACTS",
    "SHELTER_RESIDENCE_DAYS",
    "SHELTER_STAYS",
    "SHELTER_TURNED_AWAY",
    "SHELTER_TURN_AWAY_REQUESTS",
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
        FAMILY_PLACES,
        CARE_DAYS,
    )
