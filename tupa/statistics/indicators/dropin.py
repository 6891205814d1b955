"""Indicators of the open family house (Perhetupa, ``ServiceForm.Kind.DROP_IN``).

Everything the house records is anonymous (CON-03): a session's head counts
(:class:`~tupa.dropin.models.DailyCount`) and a childcare session's counts by age group
(:class:`~tupa.dropin.models.ChildcareSession`). So every unit here has no episode, person or
municipality (``records=False``; a municipality's report gets none of them), and a unit stands
for one counter of one recorded row with the counter's value as its weight.

These are the one definition of the house's figures: its visitor statistics are the internal
report ``internal.dropin`` (:mod:`tupa.statistics.returns.internal.dropin`) built from them. A
visit is ``adults + children + under_ones`` of a count row dated in the period, first-time
families are a separate tally, an opening day is a date with at least one count row, a baby day
one with a row of the baby-day programme, and a childcare session and a room booking belong to
the Helsinki date of their start. Every figure can be broken down by year, month and day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.wallclock import HELSINKI
from tupa.dropin.models import ChildcareSession, DailyCount, Programme, Session
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Booking

from .base import Dimension, Indicator, IndicatorRegistry, Params, Unit
from .dimensions import DAY, MONTH, SERVICE_FORM, YEAR, day_value, month_value, year_value

# --------------------------------------------------------------------------- dimensions

#: The visitor counters of a count row and their dimension values (disjoint: a visit is one).
VISITOR_FIELDS = (("adults", "adult"), ("children", "child"), ("under_ones", "under_one"))

VISITOR = Dimension(
    "visitor",
    _("kävijä"),
    (
        ("adult", _("aikuiset")),
        ("child", _("lapset (1 v ja yli)")),
        ("under_one", _("alle 1-vuotiaat")),
    ),
)
SESSION = Dimension("session", _("aukioloaika"), tuple(Session.choices))
PROGRAMME = Dimension("programme", _("ohjelma"), tuple(Programme.choices))

BABY_DAY = "baby_day"
OTHER_DAY = "other"
DAY_TYPE = Dimension(
    "day_type",
    _("päivän tyyppi"),
    ((BABY_DAY, _("vauvapäivä")), (OTHER_DAY, _("muu aukiolopäivä"))),
)

#: The age-group counters of a childcare session and their dimension values.
AGE_GROUP_FIELDS = (
    ("children_under_1", "under_1"),
    ("children_1_2", "1_2"),
    ("children_3_6", "3_6"),
)
AGE_GROUP = Dimension(
    "age_group",
    _("ikäryhmä"),
    (
        ("under_1", _("alle 1-vuotiaat")),
        ("1_2", _("1–2-vuotiaat")),
        ("3_6", _("3–6-vuotiaat")),
    ),
)
CARER = Dimension(
    "carer",
    _("hoitaja"),
    (("staff", _("hoitajat (henkilöstö)")), ("volunteer", _("hoitajat (vapaaehtoiset)"))),
)


BOOKING_KIND = Dimension("booking_kind", _("varauksen laji"), tuple(Booking.Kind.choices))
BILLABLE = Dimension(
    "billable",
    _("laskutettava"),
    (("billable", _("laskutettava")), ("not_billable", _("ei laskutettava"))),
)

#: The dimensions that place a unit in time (its Helsinki date), last but the service form.
WHEN = (YEAR, MONTH, DAY)


def _when(day: dt.date) -> tuple[str, str, str]:
    """The values of :data:`WHEN` for a date."""
    return year_value(day), month_value(day), day_value(day)


def _is_drop_in(form: Any) -> bool:
    return bool(form.kind == ServiceForm.Kind.DROP_IN)


# --------------------------------------------------------------------------- reads


def _count_rows(params: Params, *fields: str) -> list[dict[str, Any]]:
    """The count rows of the period (dates are local dates already) with ``fields``."""
    with scopes_disabled():
        return list(
            DailyCount.objects.filter(
                params.dates("date"),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            ).values("service_form_id", "date", "session", "programme", *fields)
        )


def _childcare_rows(params: Params) -> list[dict[str, Any]]:
    """Childcare sessions starting in the period (Helsinki dates)."""
    with scopes_disabled():
        return list(
            ChildcareSession.objects.filter(
                params.moments("starts_at"),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            ).values(
                "service_form_id",
                "starts_at",
                *(f for f, _v in AGE_GROUP_FIELDS),
                "staff_carers",
                "volunteer_carers",
            )
        )


def _booking_rows(params: Params) -> list[dict[str, Any]]:
    """Bookings of the houses' rooms starting in the period (Helsinki dates), not cancelled."""
    with scopes_disabled():
        rows = Booking.objects.filter(
            params.moments("starts_at"),
            organisation_id=params.organisation_id,
            room__service_form_id__in=params.service_form_ids,
            cancelled_at__isnull=True,
        ).values("room__service_form_id", "starts_at", "kind", "price", "rental_charge__billable")
        return [dict(row) for row in rows]


def _local_when(moment: dt.datetime) -> tuple[str, str, str]:
    return _when(timezone.localtime(moment, HELSINKI).date())


# --------------------------------------------------------------------------- units


def visit_units(params: Params) -> Iterator[Unit]:
    """One unit per count row and visitor counter, weighing the counter's value."""
    for row in _count_rows(params, *(f for f, _v in VISITOR_FIELDS)):
        common = (row["session"], row["programme"], *_when(row["date"]))
        form = str(row["service_form_id"])
        for field, value in VISITOR_FIELDS:
            if row[field]:
                yield Unit(values=(value, *common, form), weight=row[field])


def first_time_units(params: Params) -> Iterator[Unit]:
    for row in _count_rows(params, "first_timers"):
        if row["first_timers"]:
            yield Unit(
                values=(
                    row["session"],
                    row["programme"],
                    *_when(row["date"]),
                    str(row["service_form_id"]),
                ),
                weight=row["first_timers"],
            )


def opening_day_units(params: Params) -> Iterator[Unit]:
    """One unit per house and date with at least one count row (even one of zeros)."""
    baby: dict[tuple[int, dt.date], bool] = {}
    for row in _count_rows(params):
        key = (row["service_form_id"], row["date"])
        baby[key] = baby.get(key, False) or row["programme"] == Programme.BABY_DAY
    for (form_id, day), is_baby in sorted(baby.items()):
        yield Unit(values=(BABY_DAY if is_baby else OTHER_DAY, *_when(day), str(form_id)))


def childcare_session_units(params: Params) -> Iterator[Unit]:
    for row in _childcare_rows(params):
        yield Unit(values=(*_local_when(row["starts_at"]), str(row["service_form_id"])))


def childcare_children_units(params: Params) -> Iterator[Unit]:
    for row in _childcare_rows(params):
        when, form = _local_when(row["starts_at"]), str(row["service_form_id"])
        for field, value in AGE_GROUP_FIELDS:
            if row[field]:
                yield Unit(values=(value, *when, form), weight=row[field])


def childcare_carer_units(params: Params) -> Iterator[Unit]:
    for row in _childcare_rows(params):
        when, form = _local_when(row["starts_at"]), str(row["service_form_id"])
        for field, value in (("staff_carers", "staff"), ("volunteer_carers", "volunteer")):
            if row[field]:
                yield Unit(values=(value, *when, form), weight=row[field])


def _is_billable(row: dict[str, Any]) -> bool:
    """A booking is billed when its rental charge says so (a booking without one is not)."""
    return bool(row["rental_charge__billable"])


def booking_units(params: Params) -> Iterator[Unit]:
    """One unit per booking that was not cancelled."""
    for row in _booking_rows(params):
        yield Unit(
            values=(
                row["kind"],
                "billable" if _is_billable(row) else "not_billable",
                *_local_when(row["starts_at"]),
                str(row["room__service_form_id"]),
            )
        )


def rental_income_units(params: Params) -> Iterator[Unit]:
    """One unit per billable booking, weighing its price in cents (a weight is a whole number)."""
    for row in _booking_rows(params):
        cents = int((row["price"] or Decimal(0)) * 100)
        if _is_billable(row) and cents:
            yield Unit(
                values=(
                    row["kind"],
                    *_local_when(row["starts_at"]),
                    str(row["room__service_form_id"]),
                ),
                weight=cents,
            )


# --------------------------------------------------------------------------- indicators

VISITS = Indicator(
    id="dropin.visits",
    version=1,
    title=_("Perhetuvan käynnit"),
    rule=_(
        "Kävijämäärät, joiden päivä on ajanjaksolla: aikuiset, 1 vuotta täyttäneet lapset ja "
        "alle 1-vuotiaat yhteensä jokaiselta aukioloajalta. Kävijät ovat nimettömiä, joten sama "
        "henkilö lasketaan jokaisella käynnillään; ensikertalaiset perheet eivät lisää käyntejä."
    ),
    unit_label=_("käyntiä"),
    dimensions=(VISITOR, SESSION, PROGRAMME, *WHEN, SERVICE_FORM),
    units=visit_units,
    applies=_is_drop_in,
    records=False,
)

FIRST_TIME_FAMILIES = Indicator(
    id="dropin.first_time_families",
    version=1,
    title=_("Perhetuvan ensikertalaiset perheet"),
    rule=_(
        "Ensimmäistä kertaa käyvien perheiden erillinen laskuri niiltä aukioloajoilta, joiden "
        "päivä on ajanjaksolla. Perheitä ei tunnisteta, joten luku on työntekijän arvio "
        "ensikäynneistä."
    ),
    unit_label=_("perhettä"),
    dimensions=(SESSION, PROGRAMME, *WHEN, SERVICE_FORM),
    units=first_time_units,
    applies=_is_drop_in,
    records=False,
)

OPENING_DAYS = Indicator(
    id="dropin.opening_days",
    version=1,
    title=_("Perhetuvan aukiolopäivät"),
    rule=_(
        "Ajanjakson päivät, joille perhetuvalle on kirjattu vähintään yksi kävijämäärä (myös "
        "nollarivi); aamu- ja iltapäivä ovat yksi päivä. Vauvapäivä on päivä, jolla jonkin "
        "aukioloajan ohjelma on vauvapäivä."
    ),
    unit_label=_("päivää"),
    dimensions=(DAY_TYPE, *WHEN, SERVICE_FORM),
    units=opening_day_units,
    applies=_is_drop_in,
    records=False,
    counts_people=False,  # days the house was open: shown whole in an outgoing return
)

CHILDCARE_SESSIONS = Indicator(
    id="dropin.childcare_sessions",
    version=1,
    title=_("Perhetuvan lastenhoitokerrat"),
    rule=_("Tilapäisen lastenhoidon kerrat, jotka alkavat ajanjaksolla (Suomen aikaa)."),
    unit_label=_("kertaa"),
    dimensions=(*WHEN, SERVICE_FORM),
    units=childcare_session_units,
    applies=_is_drop_in,
    records=False,
)

CHILDCARE_CHILDREN = Indicator(
    id="dropin.childcare_children",
    version=1,
    title=_("Perhetuvan lastenhoidon lapset"),
    rule=_(
        "Ajanjaksolla (Suomen aikaa) alkaneiden lastenhoitokertojen lapsimäärät ikäryhmittäin "
        "yhteensä. Lapsia ei tunnisteta, joten sama lapsi lasketaan jokaisella kerralla."
    ),
    unit_label=_("lasta"),
    dimensions=(AGE_GROUP, *WHEN, SERVICE_FORM),
    units=childcare_children_units,
    applies=_is_drop_in,
    records=False,
)

CHILDCARE_CARERS = Indicator(
    id="dropin.childcare_carers",
    version=1,
    title=_("Perhetuvan lastenhoidon hoitajat"),
    rule=_(
        "Ajanjaksolla (Suomen aikaa) alkaneiden lastenhoitokertojen hoitajamäärät yhteensä, "
        "henkilöstö ja vapaaehtoiset erikseen. Sama hoitaja lasketaan jokaisella kerralla."
    ),
    unit_label=_("hoitajaa"),
    dimensions=(CARER, *WHEN, SERVICE_FORM),
    units=childcare_carer_units,
    applies=_is_drop_in,
    records=False,
)

ROOM_BOOKINGS = Indicator(
    id="dropin.room_bookings",
    version=1,
    title=_("Perhetuvan tilavaraukset"),
    rule=_(
        "Perhetuvan tilojen varaukset, jotka alkavat ajanjaksolla (Suomen aikaa) ja joita ei "
        "ole peruttu, varauksen lajin ja laskutettavuuden mukaan."
    ),
    unit_label=_("varausta"),
    dimensions=(BOOKING_KIND, BILLABLE, *WHEN, SERVICE_FORM),
    units=booking_units,
    applies=_is_drop_in,
    records=False,
)

RENTAL_INCOME = Indicator(
    id="dropin.rental_income",
    version=1,
    title=_("Perhetuvan vuokratulot"),
    rule=_(
        "Ajanjaksolla (Suomen aikaa) alkaneiden, perumattomien ja laskutettaviksi merkittyjen "
        "tilavarausten hinnat yhteensä euroina (laskettu sentin tarkkuudella)."
    ),
    unit_label=_("€"),
    decimals=2,
    dimensions=(BOOKING_KIND, *WHEN, SERVICE_FORM),
    units=rental_income_units,
    applies=_is_drop_in,
    records=False,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(
        VISITS,
        FIRST_TIME_FAMILIES,
        OPENING_DAYS,
        CHILDCARE_SESSIONS,
        CHILDCARE_CHILDREN,
        CHILDCARE_CARERS,
        ROOM_BOOKINGS,
        RENTAL_INCOME,
    )
