"""The drop-in house's (Perhetupa) visitor statistics: the house's internal follow-up reports.

Two reports over any date range (the year by default): the totals with the figures by month and
by year, and the same figures day by day (meant for a month). Everything is an anonymous count,
so nothing here leads to a person.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import ServiceForm

from ..base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Section

#: Who sees the house's statistics: its members and the executive director.
VISIBLE = "dropin.statistics.view"


def is_drop_in(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.DROP_IN


def _by(by: str) -> tuple[Line, ...]:
    """The house's figures broken down by ``by`` (``year``, ``month`` or ``day``)."""
    return (
        Line("dropin.visits", 1, (by, "visitor")),
        Line("dropin.first_time_families", 1, (by,)),
        Line("dropin.opening_days", 1, (by, "day_type")),
        Line("dropin.childcare_sessions", 1, (by,)),
        Line("dropin.childcare_children", 1, (by,)),
        Line("dropin.room_bookings", 1, (by,)),
        Line("dropin.rental_income", 1, (by,)),
    )


DROPIN = ReturnTemplate(
    id="internal.dropin",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Perhetuvan kävijätilastot"),
    description=_(
        "Perhetuvan nimettömät kävijämäärät, aukiolopäivät, lastenhoito ja tilavaraukset "
        "valitulta aikaväliltä kuukausittain ja vuosittain. Käyntejä aukiolopäivää kohden "
        "saadaan jakamalla käynnit aukiolopäivillä. Sisäinen raportti: lukuja ei salata."
    ),
    applies=is_drop_in,
    period=Period.RANGE,
    outgoing=False,
    visible=VISIBLE,
    sections=(
        Section(
            _("Yhteensä"),
            (
                Line("dropin.visits", 1, ("visitor",)),
                Line("dropin.first_time_families", 1),
                Line("dropin.opening_days", 1, ("day_type",)),
                Line("dropin.childcare_sessions", 1),
                Line("dropin.childcare_children", 1, ("age_group",)),
                Line("dropin.childcare_carers", 1, ("carer",)),
                Line("dropin.room_bookings", 1, ("booking_kind", "billable")),
                Line("dropin.rental_income", 1, ("booking_kind",)),
            ),
        ),
        Section(_("Kuukausittain"), _by("month")),
        Section(_("Vuosittain"), _by("year")),
    ),
)

DROPIN_DAYS = ReturnTemplate(
    id="internal.dropin_days",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Perhetuvan päivittäiset luvut"),
    description=_(
        "Perhetuvan kävijämäärät, aukiolopäivät, lastenhoito ja tilavaraukset päivittäin; "
        "valitse aikaväliksi esimerkiksi kuukausi. Sisäinen raportti: lukuja ei salata."
    ),
    applies=is_drop_in,
    period=Period.RANGE,
    outgoing=False,
    visible=VISIBLE,
    sections=(Section(_("Päivittäin"), _by("day")),),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(DROPIN, DROPIN_DAYS)
