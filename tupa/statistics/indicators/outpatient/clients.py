"""Outpatient clients: distinct persons served in the period, new or continuing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Final

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tupa.core.shapes import Shape
from tupa.episodes.models import Participant, ReferralSource

from ..base import Indicator, Params, Unit
from ..dimensions import (
    ADULT_CHILD,
    GENDER,
    MUNICIPALITY,
    SERVICE_FORM,
    municipality_value,
)
from ..reads import period_rows
from .common import (
    CLIENT_ROLES,
    CONTINUING,
    NEW,
    NEW_OR_CONTINUING,
    REFERRAL_SOURCE,
    STARTED,
    WHO_FIELDS,
    Who,
    is_outpatient,
    who_of,
)

# --------------------------------------------------------------------------- clients

#: The referral sources the dimension knows (``ReferralSource.values`` builds a new list on
#: every use: once, not once a client).
_KNOWN_SOURCES = frozenset(ReferralSource.values)


_CLIENTS: Final = Shape(
    lambda s: (
        Participant.objects.filter(
            Q(episode__end_date__isnull=True) | Q(episode__end_date__gte=s.start),
            Q(joined_on__isnull=True) | Q(joined_on__lte=s.end),
            Q(left_on__isnull=True) | Q(left_on__gte=s.start),
            episode__organisation_id=s.organisation,
            episode__service_form_id__in=s.forms,
            episode__status__in=STARTED,
            episode__start_date__isnull=False,
            episode__start_date__lte=s.end,
            role__in=CLIENT_ROLES,
        )
        .order_by("pk")
        .values_list(
            *WHO_FIELDS,
            "episode__service_form_id",
            "episode__start_date",
            "episode__referral_source",
        )
    )
)


def client_units(params: Params) -> Iterator[Unit]:
    """One unit per person and service form; see :data:`CLIENTS` for the rule."""
    rows = period_rows(_CLIENTS, params)
    first: dict[tuple[int, str], tuple[dt.date, int, Who, str]] = {}
    for row in rows:
        who = who_of(row[: len(WHO_FIELDS)])
        form_id: int = row[len(WHO_FIELDS)]
        start_date: dt.date = row[len(WHO_FIELDS) + 1]
        referral: str = row[len(WHO_FIELDS) + 2]
        # The client relationship of this person began when the episode started, or later
        # if they joined it later (a child added to the family's episode).
        since = max(start_date, who.joined_on or start_date)
        key = (form_id, who.key)
        if key not in first or (since, who.episode_id) < first[key][:2]:
            first[key] = (since, who.episode_id, who, referral)
    for (form_id, _key), (since, episode_id, who, referral) in first.items():
        if referral not in _KNOWN_SOURCES:
            referral = ReferralSource.OTHER
        yield Unit(
            values=(
                str(form_id),
                who.age_class(max(since, params.start)),
                who.gender,
                NEW if since >= params.start else CONTINUING,
                referral,
                municipality_value(who.municipality_id),
            ),
            episode_id=episode_id,
            person_id=who.person_id,
            municipality_id=who.municipality_id,
        )


CLIENTS = Indicator(
    id="outpatient.clients",
    version=1,
    title=_("Avopalvelujen asiakkaat"),
    rule=_(
        "Henkilöt, jotka olivat kaudella asiakkaana, lapsena tai odottavana vanhempana "
        "työmuodon asiakkuudessa, joka oli alkanut viimeistään kauden viimeisenä päivänä eikä "
        "päättynyt ennen kauden alkua; pelkät yhteydenotot, jonossa olevat, puolisot ja läheiset "
        "eivät ole mukana, ja tunnistamaton peitenimellä asioiva lasketaan omana henkilönään. "
        "Henkilö lasketaan kerran työmuotoa kohden, ja jaottelut tulevat hänen aiemmin alkaneesta "
        "asiakkuudestaan: uusi, jos hänen asiakkuutensa alkoi kaudella, ja ikä sinä päivänä, jona "
        "hän kaudella ensimmäisen kerran oli asiakkaana."
    ),
    unit_label=_("henkilöä"),
    dimensions=(
        SERVICE_FORM,
        ADULT_CHILD,
        GENDER,
        NEW_OR_CONTINUING,
        REFERRAL_SOURCE,
        MUNICIPALITY,
    ),
    units=client_units,
    applies=is_outpatient,
)
