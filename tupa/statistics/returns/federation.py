"""The Federation's common member statistics (*Ensi- ja turvakotien liitto lukuina*).

Sent returns of this template are shared, suppressed, with the federation the organisation is a
member of (``statistics.models.FederationMembership``). Its breakdowns use only dimensions whose
values are the same in every member (adult/child, family role …), never a member's own service
forms, so the members' figures line up side by side.

Version 2 (:data:`FEDERATION_V2`) counts the Ensikoti figures of *lukuina* the way the
Federation asks them: mothers, fathers and children by person (``ensikoti.clients``, as in
version 1), and the referral by social services, entry during pregnancy and the stay's length by
family stay (``ensikoti.stays`` version 2: a family of three is one stay, not three persons; a
stay that has lasted over 6 months by the year's end is over 6 months while it goes on).
Version 1 counted those three lines by person and stays registered, so its sent returns restore.
The Federation asks the *share* referred by social services: a return shows counts, so the
share is the line's "yes" divided by its total, which the recipient computes (the section's note
says so); the engine has no figure that is a share.
"""

from __future__ import annotations

from dataclasses import replace

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


#: Version 1's lines that stay as they were (Turvakoti, the outpatient work), after its Ensikoti
#: section; and its Ensikoti line of persons, which version 2 keeps unchanged (the federation's
#: view lines up equal lines of the two versions).
_OTHER_SECTIONS = FEDERATION.sections[1:]
_FAMILY_ROLES = FEDERATION.sections[0].lines[0]

FEDERATION_V2 = replace(
    FEDERATION,
    version=2,
    sections=(
        Section(
            _("Ensikoti"),
            (
                _FAMILY_ROLES,
                Line(
                    "ensikoti.stays",
                    2,
                    ("referred_by_social_services",),
                    label=_("Ensikodin asumisjaksot: ohjaava taho"),
                ),
                Line(
                    "ensikoti.stays",
                    2,
                    ("entry_during_pregnancy",),
                    label=_("Ensikodin asumisjaksot: tulo raskausaikana"),
                ),
                Line(
                    "ensikoti.stays",
                    2,
                    ("stay_length_band",),
                    label=_("Ensikodin asumisjaksot: asumisen kesto"),
                ),
            ),
            note=_(
                "Äidit, isät ja lapset lasketaan henkilöinä; ohjaava taho, tulo raskausaikana ja "
                "kesto perheen asumisjaksoina (perhe kerran). Sosiaalitoimen ohjaamien osuus on "
                "ohjaavan tahon ensimmäinen luku jaettuna sen yhteensä-luvulla."
            ),
        ),
        *_OTHER_SECTIONS,
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(FEDERATION, FEDERATION_V2)
