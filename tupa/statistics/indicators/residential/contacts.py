"""The shelter's front door: people turned away for lack of room, the 24 h phone line.

Version 1 of the turn-away indicators is THL's figure (reason "no free place" only, shelters
only). Version 2 counts every turn-away of a residential unit, by reason and by where it was
directed: the unit's own follow-up (the internal return ``internal.shelter.turn_aways``, formerly
the turn-away statistics page). Version 2 of the line contacts counts every residential unit's
line (not only shelters') and adds the day; ``shelter.line_minutes`` is the time spent on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Final

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from tupa.core.shapes import Shape
from tupa.core.wallclock import local_day, local_month
from tupa.organisations.models import ServiceForm
from tupa.residential.models import (
    LineContact,
    TurnAway,
    is_shelter,
)

from ..base import Choices, Dimension, Indicator, Params, Unit
from ..dimensions import (
    ADULT,
    ADULT_CHILD,
    CHILD,
    MONTH,
    month_value,
)
from ..reads import in_period, period_rows, shared_read
from .common import (
    ELSEWHERE,
    OTHER_SHELTER,
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
TURN_AWAY_REASON = Dimension("reason", _("syy"), tuple(TurnAway.Reason.choices))
DIRECTED_TO = Dimension("directed_to", _("ohjattu minne"), tuple(TurnAway.DirectedTo.choices))


def _days(params: Params) -> Choices:
    """Every date of the period (a breakdown by day is meant for a month or so)."""
    count = (params.end - params.start).days + 1
    days = (params.start + dt.timedelta(days=i) for i in range(count))
    return tuple((d.isoformat(), formats.date_format(d, "D j.n.Y")) for d in days)


#: The local date of a contact (value ``"2025-03-05"``, as the shared day dimension's).
DAY = Dimension("day", _("päivä"), _days)


def is_residential(form: Any) -> bool:
    """Every residential unit keeps turn-aways and may keep a 24 h line (not only shelters)."""
    return bool(form.kind == ServiceForm.Kind.RESIDENTIAL)


_TURN_AWAYS: Final = Shape(
    lambda s: TurnAway.objects.filter(
        in_period(s, "occurred_at"),
        organisation_id=s.organisation,
        service_form_id__in=s.forms,
        reason=TurnAway.Reason.NO_PLACE,
    ).values_list("occurred_at", "directed_to", "adults", "children")
)


@shared_read
def _turn_away_rows(params: Params) -> list[tuple[Any, ...]]:
    return period_rows(_TURN_AWAYS, params)


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


_EVERY_TURN_AWAY: Final = Shape(
    lambda s: TurnAway.objects.filter(
        in_period(s, "occurred_at"),
        organisation_id=s.organisation,
        service_form_id__in=s.forms,
    ).values_list("occurred_at", "reason", "directed_to", "adults", "children")
)


@shared_read
def every_turn_away_rows(params: Params) -> list[tuple[Any, ...]]:
    return period_rows(_EVERY_TURN_AWAY, params)


def turned_away_units_v2(params: Params) -> Iterator[Unit]:
    for occurred_at, reason, directed_to, adults, children in every_turn_away_rows(params):
        values = (reason, directed_to, _destination(directed_to))
        month = month_of(occurred_at)
        for group, n in ((ADULT, adults), (CHILD, children)):
            if n:
                yield Unit(values=(*values, group, month), weight=n)


def turn_away_request_units_v2(params: Params) -> Iterator[Unit]:
    for occurred_at, reason, directed_to, _adults, _children in every_turn_away_rows(params):
        yield Unit(values=(reason, directed_to, _destination(directed_to), month_of(occurred_at)))


#: How finely :func:`_line_counts` groups the contacts: by local date or by local month.
_DAY, _MONTH = "day", "month"


def _line_counts_by(when: Callable[[str], Any]) -> Shape:
    return Shape(
        lambda s: (
            LineContact.objects.filter(
                in_period(s, "occurred_at"),
                organisation_id=s.organisation,
                service_form_id__in=s.forms,
            )
            .values_list(when("occurred_at"), "channel", "caller", "outcome")
            .annotate(count=Count("pk"), minutes=Coalesce(Sum("duration_minutes"), 0))
            .order_by()
        ),
        name=f"line contacts by {when.__name__}",
    )


_LINE_COUNTS: Final = {
    _DAY: _line_counts_by(local_day),
    _MONTH: _line_counts_by(local_month),
}


@shared_read
def _line_counts(params: Params, per: str) -> list[tuple[Any, ...]]:
    """The period's line contacts counted per local date (``per`` day) or month (the first of
    the month), channel, caller and outcome: the count and the minutes. The contacts are
    anonymous (no drill-down to records), so the database counts them instead of handing over a
    row, and a moment to convert, per contact."""
    return period_rows(_LINE_COUNTS[per], params)


def line_contact_units(params: Params) -> Iterator[Unit]:
    for month, channel, caller, outcome, n, _minutes in _line_counts(params, _MONTH):
        yield Unit(values=(month_value(month), channel, caller, outcome), weight=n)


def line_contact_units_v2(params: Params) -> Iterator[Unit]:
    for day, channel, caller, outcome, n, _minutes in _line_counts(params, _DAY):
        yield Unit(values=(month_value(day), channel, caller, outcome, day.isoformat()), weight=n)


def line_minute_units(params: Params) -> Iterator[Unit]:
    for month, channel, _caller, _outcome, _n, minutes in _line_counts(params, _MONTH):
        if minutes:
            yield Unit(values=(month_value(month), channel), weight=minutes)


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

SHELTER_TURNED_AWAY_V2 = Indicator(
    id="shelter.turned_away",
    version=2,
    title=_("Käännytetyt henkilöt"),
    rule=_(
        "Paikkapyynnöt, joita ei voitu ottaa vastaan (mistä syystä tahansa), henkilöinä "
        "(pyynnölle kirjatut aikuiset ja lapset) pyynnön ajankohdan (Suomen aikaa) "
        "kuukaudelle, syyn ja ohjauksen mukaan. Kaikki asumispalvelun yksiköt. THL:n luku on "
        "syy ”ei vapaata paikkaa” ja ohjattu toiseen turvakotiin."
    ),
    unit_label=_("henkilöä"),
    dimensions=(TURN_AWAY_REASON, DIRECTED_TO, DESTINATION, ADULT_CHILD, MONTH),
    units=turned_away_units_v2,
    applies=is_residential,
    records=False,
)

SHELTER_TURN_AWAY_REQUESTS_V2 = Indicator(
    id="shelter.turn_away_requests",
    version=2,
    title=_("Käännytetyt paikkapyynnöt"),
    rule=_(
        "Jokainen paikkapyyntö (perhe), jota ei voitu ottaa vastaan (mistä syystä tahansa), "
        "lasketaan kerran pyynnön ajankohdan (Suomen aikaa) kuukaudelle, syyn ja ohjauksen "
        "mukaan. Kaikki asumispalvelun yksiköt."
    ),
    unit_label=_("pyyntöä"),
    dimensions=(TURN_AWAY_REASON, DIRECTED_TO, DESTINATION, MONTH),
    units=turn_away_request_units_v2,
    applies=is_residential,
    records=False,
)

SHELTER_LINE_CONTACTS_V2 = Indicator(
    id="shelter.line_contacts",
    version=2,
    title=_("Puhelin- ja chat-yhteydenotot"),
    rule=_(
        "Jokainen 24 h -linjan yhteydenotto lasketaan ajankohtansa (Suomen aikaa) päivälle ja "
        "kuukaudelle. Kaikki asumispalvelun yksiköt, joilla on linja. Yhteydenotot kirjataan "
        "nimettöminä."
    ),
    unit_label=_("yhteydenottoa"),
    dimensions=(MONTH, LINE_CHANNEL, LINE_CALLER, LINE_OUTCOME, DAY),
    units=line_contact_units_v2,
    applies=is_residential,
    records=False,
)

SHELTER_LINE_MINUTES = Indicator(
    id="shelter.line_minutes",
    version=1,
    title=_("Linjan yhteydenottojen kesto"),
    rule=_(
        "24 h -linjan yhteydenotoille kirjattujen kestojen summa minuutteina, yhteydenoton "
        "ajankohdan (Suomen aikaa) kuukaudelle. Kaikki asumispalvelun yksiköt, joilla on linja."
    ),
    unit_label=_("min"),
    dimensions=(MONTH, LINE_CHANNEL),
    units=line_minute_units,
    applies=is_residential,
    records=False,
)
