"""The purchasing municipality's yearly report: its own residents' figures, and only theirs.

The municipality filter is the engine's (``Params.municipality_id``): a unit whose person lives
elsewhere, or an anonymous count, is never in it.

Version 2 counts the care days as the billing list does (``residential.care_days`` version 2):
the days under a payment commitment whose home municipality (*kotikunta*) is this one, the days
the municipality is invoiced for, whatever the persons' own home municipality; the state's days
and the days without a commitment are in no municipality's report. Version 1 (the persons' home
municipality) stays registered: a report sent with it is recomputed with it.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from .base import Line, Recipient, ReturnRegistry, ReturnTemplate, Scope, Section

_CLIENTS = Section(
    _("Asiakkaat"),
    (
        Line("outpatient.clients", 1, ("service_form",)),
        Line("ensikoti.clients", 1, ("family_role",)),
    ),
)
_MEETINGS = Section(
    _("Valvotut tapaamiset"),
    (
        Line("visitation.meetings", 1, ("outcome_group",)),
        Line("visitation.billable_meetings", 1, ("meeting_type",)),
    ),
)

MUNICIPALITY = ReturnTemplate(
    id="municipality.yearly",
    version=1,
    recipient=Recipient.MUNICIPALITY,
    title=_("Kunnan vuosiraportti"),
    description=_(
        "Ostopalveluja käyttäneen kunnan tai hyvinvointialueen asukkaiden asiakkuudet, "
        "hoitovuorokaudet ja tapaamiset. Muiden kuntien asukkaat eivät ole luvuissa. "
        "Alle viiden luvut salataan."
    ),
    scope=Scope.MUNICIPALITY,
    visible="statistics.municipality.view",
    deadline=(2, 28),
    sections=(
        _CLIENTS,
        Section(
            _("Hoitovuorokaudet"),
            (Line("residential.care_days", 1, ("service_form", "month")),),
        ),
        _MEETINGS,
    ),
)

#: The care days the municipality buys, as its invoices have them (see the module).
MUNICIPALITY_2 = replace(
    MUNICIPALITY,
    version=2,
    description=_(
        "Ostopalveluja käyttäneen kunnan tai hyvinvointialueen asukkaiden asiakkuudet ja "
        "tapaamiset sekä kunnan maksusitoumuksilla ostetut hoitovuorokaudet laskutuslistan "
        "kotikunnan mukaan. Muiden kuntien asukkaat eivät ole luvuissa. Alle viiden luvut "
        "salataan."
    ),
    sections=(
        _CLIENTS,
        Section(
            _("Hoitovuorokaudet"),
            (Line("residential.care_days", 2, ("service_form", "month")),),
            _(
                "Maksusitoumuksella ostetut hoitovuorokaudet sitoumukseen kirjatun kotikunnan "
                "mukaan, kuten laskutuslistalla. Valtion korvaamat ja ilman maksusitoumusta "
                "olevat vuorokaudet eivät ole kunnan luvuissa."
            ),
        ),
        _MEETINGS,
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(MUNICIPALITY, MUNICIPALITY_2)
