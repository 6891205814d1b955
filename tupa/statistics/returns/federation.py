"""The Federation's common member statistics (*Ensi- ja turvakotien liitto lukuina*).

Sent returns of this template are shared, suppressed, with the federation the organisation is a
member of (``statistics.models.FederationMembership``). Its breakdowns use only dimensions whose
values are the same in every member (adult/child, family role …), never a member's own service
forms, so the members' figures line up side by side.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Line, Recipient, ReturnRegistry, ReturnTemplate, Scope, Section

FEDERATION = ReturnTemplate(
    id="federation.members",
    version=1,
    recipient=Recipient.FEDERATION,
    title=_("Liiton jäsentilasto"),
    description=_(
        "Ensi- ja turvakotien liiton yhteiset jäsenyhdistysten tilastot. Lähetetty tilasto "
        "jaetaan liitolle salattuna (alle viiden luvut); liitto ei näe henkilöitä."
    ),
    scope=Scope.ORGANISATION,
    visible="statistics.organisation.view",
    deadline=(2, 15),
    sections=(
        Section(
            _("Ensikoti"),
            (
                Line(
                    "ensikoti.clients",
                    1,
                    ("family_role",),
                    label=_("Ensikodin asiakkaat: äidit, isät ja lapset"),
                ),
                Line(
                    "ensikoti.clients",
                    1,
                    ("referred_by_social_services",),
                    label=_("Ensikodin asiakkaat: ohjaava taho"),
                ),
                Line(
                    "ensikoti.clients",
                    1,
                    ("entry_during_pregnancy",),
                    label=_("Ensikodin asiakkaat: tulo raskausaikana"),
                ),
                Line(
                    "ensikoti.clients",
                    1,
                    ("stay_length_band",),
                    label=_("Ensikodin asiakkaat: asumisen kesto"),
                ),
            ),
        ),
        Section(
            _("Turvakoti"),
            (
                Line("shelter.clients", 1, ("adult_child",)),
                Line("shelter.residence_days", 1),
            ),
        ),
        Section(
            _("Avopalvelut, perhetalo ja tapaamiset"),
            (
                Line("outpatient.clients", 1, ("adult_child",)),
                Line("dropin.visits", 1),
                Line("visitation.meetings", 1),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(FEDERATION)
