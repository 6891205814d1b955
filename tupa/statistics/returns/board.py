"""The board's quarterly report: key figures per service form (internal, nothing suppressed)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Scope, Section

BOARD = ReturnTemplate(
    id="board.key_figures",
    version=1,
    recipient=Recipient.BOARD,
    title=_("Hallituksen tilannekatsaus"),
    description=_(
        "Työmuotojen keskeiset luvut neljännesvuosittain hallitukselle. Sisäinen raportti: "
        "lukuja ei salata. Vuosisuunnitelman tavoitteet ja niiden tila lukujen rinnalla: "
        "Tilastot › Suunnitelma ja toteuma."
    ),
    scope=Scope.ORGANISATION,
    period=Period.QUARTER,
    outgoing=False,
    visible="statistics.organisation.view",
    sections=(
        Section(
            _("Asiakkaat ja käynnit"),
            (
                Line("outpatient.clients", 1, ("service_form",)),
                Line("outpatient.visits", 1, ("service_form", "month")),
                Line("dropin.visits", 1, ("month",)),
            ),
        ),
        Section(
            _("Asuminen"),
            (
                Line("residential.care_days", 1, ("service_form", "month")),
                Line("shelter.clients", 1, ("adult_child",)),
            ),
        ),
        Section(
            _("Tapaamiset ja ryhmät"),
            (
                Line("visitation.meetings", 1, ("month",)),
                Line("programmes.participants", 1, ("service_form",)),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(BOARD)
