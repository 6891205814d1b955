"""The residential units' internal follow-up: turn-aways and the 24 h line.

These were the units' own statistics pages (``residential:turnaway_stats`` and
``residential:line_stats``, whose addresses now redirect here); the figures come from the same
indicators as THL's return. Nothing leaves the organisation, so nothing is suppressed; the
period is any date range (the URL's year by default; the old pages' month is a range).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import ServiceForm

from ..base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Section

_BY_GROUP = "adult_child"


def _is_residential(form: Any) -> bool:
    return bool(form.kind == ServiceForm.Kind.RESIDENTIAL)


TURN_AWAYS = ReturnTemplate(
    id="internal.shelter.turn_aways",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Käännytetyt pyynnöt"),
    description=_(
        "Paikkapyynnöt, joita ei voitu ottaa vastaan: pyynnöt ja henkilöt syyn, ohjauksen ja "
        "kuukauden mukaan. THL:n luku on syy ”ei vapaata paikkaa” ja ohjattu toiseen "
        "turvakotiin. Sisäinen raportti: lukuja ei salata."
    ),
    applies=_is_residential,
    period=Period.RANGE,
    outgoing=False,
    visible="residential.turnaway.stats",
    sections=(
        Section(
            _("Syyn mukaan"),
            (
                Line("shelter.turn_away_requests", 2, ("reason",), label=_("Pyyntöjä")),
                Line("shelter.turned_away", 2, ("reason", _BY_GROUP), label=_("Henkilöitä")),
            ),
        ),
        Section(
            _("Ohjauksen mukaan"),
            (
                Line("shelter.turn_away_requests", 2, ("directed_to",), label=_("Pyyntöjä")),
                Line("shelter.turned_away", 2, ("directed_to", _BY_GROUP), label=_("Henkilöitä")),
            ),
        ),
        Section(
            _("THL: ohjattu toiseen turvakotiin tilanpuutteen takia"),
            (
                Line(
                    "shelter.turn_away_requests",
                    2,
                    ("reason", "destination"),
                    label=_("Pyyntöjä syyn ja ohjauksen mukaan"),
                ),
                Line(
                    "shelter.turned_away",
                    2,
                    ("reason", "destination"),
                    label=_("Henkilöitä syyn ja ohjauksen mukaan"),
                ),
            ),
            _("THL:n luku on rivi ”ei vapaata paikkaa”, sarake ”toiseen turvakotiin”."),
        ),
        Section(
            _("Kuukausittain"),
            (
                Line("shelter.turn_away_requests", 2, ("month",), label=_("Pyyntöjä")),
                Line("shelter.turned_away", 2, ("month", _BY_GROUP), label=_("Henkilöitä")),
            ),
        ),
    ),
)

LINE = ReturnTemplate(
    id="internal.shelter.line",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Linjan yhteydenotot"),
    description=_(
        "24 h -puhelimen ja chatin nimettömät yhteydenotot kanavan, yhteydenottajan, tuloksen, "
        "kuukauden ja päivän mukaan sekä niiden kesto. Sisäinen raportti: lukuja ei salata."
    ),
    applies=_is_residential,
    period=Period.RANGE,
    outgoing=False,
    visible="statistics.form.view",
    sections=(
        Section(
            _("Yhteensä"),
            (
                Line("shelter.line_contacts", 2, ("channel",), label=_("Kanavan mukaan")),
                Line("shelter.line_contacts", 2, ("caller",), label=_("Yhteydenottajan mukaan")),
                Line("shelter.line_contacts", 2, ("outcome",), label=_("Tuloksen mukaan")),
                Line("shelter.line_minutes", 1, label=_("Kesto yhteensä (min)")),
            ),
        ),
        Section(
            _("Ajan mukaan"),
            (
                Line("shelter.line_contacts", 2, ("month",), label=_("Kuukausittain")),
                Line("shelter.line_contacts", 2, ("day",), label=_("Päivittäin")),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(TURN_AWAYS, LINE)
