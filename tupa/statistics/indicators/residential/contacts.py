"""The shelter's front door: people turned away for lack of room, the 24 h phone line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.residential.models import (
    LineContact,
    TurnAway,
    is_shelter,
)

from ..base import Dimension, Indicator, Params, Unit
from ..dimensions import (
    ADULT,
    ADULT_CHILD,
    CHILD,
    MONTH,
)
from .common import (
    ELSEWHERE,
    OTHER_SHELTER,
    moment_bounds,
    month_of,
)

DESTINATION = Dimension(
    "destination",
    _("ohjattu"),
    (
        (OTHER_SHELTER, _("toiseen turvakotiin")),
        (ELSEWHERE, _("muualle tai ei ohjattu")),
    ),
)
LINE_CHANNEL = Dimension("channel", _("kanava"), tuple(LineContact.Channel.choices))
LINE_CALLER = Dimension("caller", _("yhteydenottaja"), tuple(LineContact.Caller.choices))
LINE_OUTCOME = Dimension("outcome", _("tulos"), tuple(LineContact.Outcome.choices))


def _turn_away_rows(params: Params) -> list[tuple[dt.datetime, str, int, int]]:
    with scopes_disabled():
        return list(
            TurnAway.objects.filter(
                moment_bounds(params),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
                reason=TurnAway.Reason.NO_PLACE,
            ).values_list("occurred_at", "directed_to", "adults", "children")
        )


def _destination(directed_to: str) -> str:
    return OTHER_SHELTER if directed_to == TurnAway.DirectedTo.OTHER_SHELTER else ELSEWHERE


def turned_away_units(params: Params) -> Iterator[Unit]:
    for occurred_at, directed_to, adults, children in _turn_away_rows(params):
        month, destination = month_of(occurred_at), _destination(directed_to)
        for group, n in ((ADULT, adults), (CHILD, children)):
            if n:
                yield Unit(values=(destination, group, month), weight=n)


def turn_away_request_units(params: Params) -> Iterator[Unit]:
    for occurred_at, directed_to, _adults, _children in _turn_away_rows(params):
        yield Unit(values=(_destination(directed_to), month_of(occurred_at)))


def line_contact_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = list(
            LineContact.objects.filter(
                moment_bounds(params),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            ).values_list("occurred_at", "channel", "caller", "outcome")
        )
    for occurred_at, channel, caller, outcome in rows:
        yield Unit(values=(month_of(occurred_at), channel, caller, outcome))


SHELTER_TURNED_AWAY = Indicator(
    id="shelter.turned_away",
    version=1,
    title=_("Tilanpuutteen vuoksi käännytetyt henkilöt"),
    rule=_(
        "Paikkapyynnöt, joita ei voitu ottaa vastaan syystä ”ei vapaata paikkaa”, henkilöinä "
        "(pyynnölle kirjatut aikuiset ja lapset) pyynnön ajankohdan (Suomen aikaa) "
        "kuukaudelle. THL:n luku on toiseen turvakotiin ohjatut."
    ),
    unit_label=_("henkilöä"),
    dimensions=(DESTINATION, ADULT_CHILD, MONTH),
    units=turned_away_units,
    applies=is_shelter,
    records=False,
)

SHELTER_TURN_AWAY_REQUESTS = Indicator(
    id="shelter.turn_away_requests",
    version=1,
    title=_("Tilanpuutteen vuoksi käännytetyt pyynnöt"),
    rule=_(
        "Jokainen paikkapyyntö (perhe), jota ei voitu ottaa vastaan syystä ”ei vapaata "
        "paikkaa”, lasketaan kerran pyynnön ajankohdan (Suomen aikaa) kuukaudelle."
    ),
    unit_label=_("pyyntöä"),
    dimensions=(DESTINATION, MONTH),
    units=turn_away_request_units,
    applies=is_shelter,
    records=False,
)

SHELTER_LINE_CONTACTS = Indicator(
    id="shelter.line_contacts",
    version=1,
    title=_("Puhelin- ja chat-yhteydenotot"),
    rule=_(
        "Jokainen turvakodin 24 h -linjan yhteydenotto lasketaan ajankohtansa (Suomen aikaa) "
        "kuukaudelle. Yhteydenotot kirjataan nimettöminä."
    ),
    unit_label=_("yhteydenottoa"),
    dimensions=(MONTH, LINE_CHANNEL, LINE_CALLER, LINE_OUTCOME),
    units=line_contact_units,
    applies=is_shelter,
    records=False,
)
