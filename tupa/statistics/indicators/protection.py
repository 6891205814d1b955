"""Turvakielto in the figures: a protected family's home municipality is never counted as such.

A restriction in force hides a person's municipality of residence (finnish-requirements §6), and
a count is a side channel like any other: "Kanariakunta: 1" in a breakdown, or a client in the
report of the municipality where she lives, tells that someone from there is a client. So, as
the family-work billing does (:func:`tupa.scheduling.billable.home_municipalities`), a unit
whose person is protected, or whose episode has a protected participant (the family shares the
home), keeps its place in every total but loses its municipality: the municipality dimensions
(:data:`AGGREGATE_ONLY`) count it as unknown, and a municipality's report leaves it
out. The restriction is decided on the day of the computation (as for every other display of
restricted data); a frozen return keeps what was sent.

:func:`~.computing.compute` applies this to every indicator, so no indicator can forget it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from django_scopes import scopes_disabled

from tupa.episodes.models import Episode
from tupa.people.restrictions import episodes_with_restricted, restricted_ids_in_organisation

from .base import UNKNOWN, Dimension, Unit
from .reads import shared_read

#: Dimensions that place a person (home or paying municipality). Figures are never drilled by
#: them: beside the list of records they would show where a person lives, which turvakielto
#: forbids. They are counted in the returns, in aggregate only, and never for a protected
#: family (:func:`withhold_homes`).
AGGREGATE_ONLY = frozenset({"municipality", "payer_municipality"})

#: Dimensions no figure is drilled by: the places above, and the payer of a payment commitment
#: (care days by payer). The payer is the family's wellbeing services county, or the city that
#: organises its own services: beside the list of records it says where a listed family lives.
#: Unlike the places it is not withheld from the counts: care days are invoiced by it, and the
#: commitment names the payer to the payer itself (ADR 0020, addendum).
NEVER_DRILLED = AGGREGATE_ONLY | {"payer"}


@dataclass(frozen=True)
class Protected:
    """The organisation's persons under a restriction in force, and the episodes they are in."""

    person_ids: frozenset[int]
    episode_ids: frozenset[int]

    def covers(self, unit: Unit) -> bool:
        return unit.person_id in self.person_ids or unit.episode_id in self.episode_ids


@shared_read
def protected(organisation_id: int) -> Protected:
    """The protected persons of the organisation and their episodes: the persons decided once
    (:func:`~tupa.people.restrictions.restricted_ids_in_organisation`), then the episodes with
    one of them as a participant (the rule of
    :func:`~tupa.people.restrictions.protected_episode_ids`); one query when nobody is
    protected."""
    with scopes_disabled():
        person_ids = restricted_ids_in_organisation(organisation_id)
        episode_ids = episodes_with_restricted(
            Episode.objects.filter(organisation_id=organisation_id).values("pk"), person_ids
        )
    return Protected(frozenset(person_ids), frozenset(episode_ids))


def withhold_homes(
    units: list[Unit], dimensions: Sequence[Dimension], organisation_id: int
) -> list[Unit]:
    """``units`` with the municipality of every protected unit withheld (see the module).

    Reads nothing when no unit carries a municipality."""
    placed = [i for i, d in enumerate(dimensions) if d.key in AGGREGATE_ONLY]
    if not placed and all(u.municipality_id is None for u in units):
        return units
    found = protected(organisation_id)
    if not found.person_ids:
        return units
    result = []
    for unit in units:
        if found.covers(unit):
            values = list(unit.values)
            for i in placed:
                values[i] = UNKNOWN
            unit = dataclasses.replace(unit, values=tuple(values), municipality_id=None)
        result.append(unit)
    return result
