"""The supervision data the Regional State Administrative Agency (AVI) asks of the association."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Line, Recipient, ReturnRegistry, ReturnTemplate, Scope, Section

AVI = ReturnTemplate(
    id="avi.supervision",
    version=1,
    recipient=Recipient.AVI,
    title=_("AVI: valvontatiedot"),
    description=_(
        "Laitos- ja asumispalvelujen sekä valvottujen tapaamisten määrät valvovalle "
        "viranomaiselle koko yhdistyksestä. Alle viiden luvut salataan."
    ),
    scope=Scope.ORGANISATION,
    visible="statistics.organisation.view",
    sections=(
        Section(
            _("Laitos- ja asumispalvelut"),
            (
                Line("residential.family_places", 1, ("service_form",)),
                Line("residential.care_days", 1, ("service_form",)),
                Line("shelter.clients", 1, ("adult_child",)),
                Line("ensikoti.clients", 1, ("family_role",)),
            ),
        ),
        Section(
            _("Avopalvelut ja tapaamiset"),
            (
                Line("outpatient.clients", 1, ("service_form",)),
                Line("visitation.meetings", 1, ("outcome_group",)),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(AVI)
