"""What the supervised-meetings app gives a person's access request (GDPR art. 15): the meeting
orders she is a party to and their meetings, as pieces of the DPO's draft (registered in
``registrations.py``, ``tupa.core.registry.access_request_sources``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from django.utils.translation import gettext

from tupa.core import registry
from tupa.core.dates import fi_date
from tupa.core.wallclock import fi_moment
from tupa.visitation.models import Meeting, MeetingOrder, OrderParty


def _party_name(party: OrderParty) -> str:
    participant = party.participant
    if participant.person is not None:
        return f"{participant.person.first_names} {participant.person.last_name}".strip()
    return str(participant.alias or "")


def order_pieces(*, participant_ids: Collection[int]) -> list[registry.AccessRequestPiece]:
    """The meeting orders the person is a party to, and their meetings, for her access
    request's draft (four queries). Another party's name is in the reviewer's text only: the
    order is withheld until a reviewer decides."""
    order_ids = set(
        OrderParty.objects.filter(participant_id__in=participant_ids).values_list(
            "order_id", flat=True
        )
    )
    parties: dict[int, list[OrderParty]] = defaultdict(list)
    for party in (
        OrderParty.objects.filter(order_id__in=order_ids)
        .select_related("participant__person", "participant__alias")
        .order_by("pk")
    ):
        parties[party.order_id].append(party)
    orders = list(
        MeetingOrder.objects.filter(pk__in=order_ids)
        .select_related("authority")
        .order_by("valid_from", "pk")
    )
    meetings = list(Meeting.objects.filter(order_id__in=order_ids).order_by("starts_at", "pk"))
    pieces = []
    for o in orders:
        of_order = parties.get(o.pk, [])
        for mine in of_order:
            if mine.participant_id not in participant_ids:
                continue
            if mine.participant.episode_id != o.episode_id:
                continue  # a party of another episode: not this order's
            pieces.extend(_order_pieces(o, mine, of_order, meetings))
    return pieces


def _order_pieces(
    o: MeetingOrder, mine: OrderParty, parties: list[OrderParty], meetings: list[Meeting]
) -> list[registry.AccessRequestPiece]:
    p_id = mine.participant_id
    others = [x for x in parties if x.participant_id != p_id]
    authority = o.authority.name if o.authority else o.authority_name
    lines = [
        f"{gettext('Peruste')}: {o.get_basis_display()} {fi_date(o.basis_date)}"
        + (f", {o.basis_reference}" if o.basis_reference else "")
        + (f" ({authority})" if authority else ""),
        f"{gettext('Tapaamisen laji')}: {o.get_meeting_type_display()}",
        f"{gettext('Voimassa')}: {fi_date(o.valid_from)}–"
        + (fi_date(o.valid_until) if o.valid_until else ""),
        f"{gettext('Oma rooli')}: {mine.get_role_display()}",
    ]
    if others:
        lines.append(
            f"{gettext('Muut osapuolet')}: "
            + ", ".join(f"{_party_name(x)} ({x.get_role_display()})" for x in others)
        )
    if o.safety_notes:
        lines.append(f"{gettext('Turvallisuusjärjestelyt')}: {o.safety_notes}")
    if o.notes:
        lines.append(f"{gettext('Muistiinpanot')}: {o.notes}")
    pieces = [
        registry.AccessRequestPiece(
            key=f"meeting_order:{o.pk}",
            kind="meeting_order",
            participant_id=p_id,
            heading=f"{gettext('Tapaamisjärjestely')} {fi_date(o.valid_from)}",
            text="\n".join(lines),
            review_reasons=(
                gettext(
                    "Järjestelyssä on muita osapuolia; heidän tietonsa ovat toisen henkilön "
                    "tietoja."
                ),
            )
            if others
            else (),
        )
    ]
    for mt in (m for m in meetings if m.order_id == o.pk):
        parts = [f"{o.get_meeting_type_display()}, {mt.duration_minutes} min"]
        if mt.location:
            parts.append(mt.location)
        if mt.outcome:
            parts.append(f"{gettext('Toteutuminen')}: {mt.get_outcome_display()}")
        if mt.no_show_role:
            parts.append(f"{gettext('Kuka ei saapunut')}: {mt.get_no_show_role_display()}")
        if mt.interruption_reason:
            parts.append(f"{gettext('Keskeyttämisen syy')}: {mt.get_interruption_reason_display()}")
        if mt.outcome_note:
            parts.append(mt.outcome_note)
        pieces.append(
            registry.AccessRequestPiece(
                key=f"meeting:{mt.pk}",
                kind="meeting",
                participant_id=p_id,
                heading=f"{gettext('Valvottu tapaaminen')} {fi_moment(mt.starts_at)}",
                text="\n".join(parts),
                review_reasons=(gettext("Tapaamisen tiedot koskevat myös muita osapuolia."),)
                if others
                else (),
            )
        )
    return pieces
