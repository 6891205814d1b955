"""What the residential app gives a person's access request (GDPR art. 15): her shelter statistics
data, as pieces of the DPO's draft (registered in ``registrations.py``,
``tupa.core.registry.access_request_sources``)."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext

from tupa.core import registry
from tupa.residential.models import ShelterClientData


def shelter_data_pieces(*, participant_ids: Collection[int]) -> list[registry.AccessRequestPiece]:
    """The person's shelter statistics data (THL) for her access request's draft (one query)."""
    pieces = []
    forms = dict(ShelterClientData.ViolenceForm.choices)
    for sd in ShelterClientData.objects.filter(participant_id__in=participant_ids).order_by("pk"):
        lines = [
            f"{gettext('Asiakkaan asema')}: {sd.get_client_status_display()}",
            f"{gettext('Sukupuoli (tilasto)')}: {sd.get_gender_display()}",
            f"{gettext('Ikäryhmä tulohetkellä')}: {sd.get_age_band_display()}",
            f"{gettext('Väkivallan muodot')}: "
            + (", ".join(str(forms.get(v, v)) for v in sd.violence_forms) or "—"),
            f"{gettext('Suhde väkivallan käyttäjään')}: {sd.get_relationship_display()}",
            f"{gettext('Turvakotijakso')}: {sd.get_stay_order_display()}",
            f"{gettext('Väkivallan kesto ennen tuloa')}: {sd.get_violence_duration_display()}",
        ]
        reasons = []
        if sd.client_status == ShelterClientData.ClientStatus.USED_VIOLENCE:
            reasons.append(
                gettext("Tilastotieto kuvaa väkivaltaa, jota toinen henkilö on kokenut.")
            )
        pieces.append(
            registry.AccessRequestPiece(
                key=f"shelter_data:{sd.pk}",
                kind="shelter_data",
                participant_id=sd.participant_id,
                heading=gettext("Turvakodin tilastotiedot (THL)"),
                text="\n".join(lines),
                review_reasons=tuple(reasons),
            )
        )
    return pieces
