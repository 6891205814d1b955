"""The purchasing municipality's yearly report: its own residents' figures, and only theirs.

The municipality filter is the engine's (``Params.municipality_id``): a unit whose person lives
elsewhere, or an anonymous count, is never in it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Line, Recipient, ReturnRegistry, ReturnTemplate, Scope, Section

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
        Section(
            _("Asiakkaat"),
            (
                Line("outpatient.clients", 1, ("service_form",)),
                Line("ensikoti.clients", 1, ("family_role",)),
            ),
        ),
        Section(
            _("Hoitovuorokaudet"),
            (Line("residential.care_days", 1, ("service_form", "month")),),
        ),
        Section(
            _("Valvotut tapaamiset"),
            (
                Line("visitation.meetings", 1, ("outcome_group",)),
                Line("visitation.billable_meetings", 1, ("meeting_type",)),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(MUNICIPALITY)
