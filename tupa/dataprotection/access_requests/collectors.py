"""The per-app data collectors of the draft: basic forms, shelter data, meeting orders and
meetings, groups and attachments — fetched once for the whole draft, then made items per episode."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tupa.core.dates import fi_date
from tupa.core.wallclock import fi_moment, local_date
from tupa.dataprotection.extracts.third_parties import mentions, named_reason
from tupa.episodes.basic_info import display_answers
from tupa.episodes.models import Attachment
from tupa.programmes.models import Attendance, Member
from tupa.residential.models import ShelterClientData
from tupa.visitation.models import Meeting, MeetingOrder, OrderParty

from .items import DraftEpisode, Item


@dataclass
class Extra:
    """The rows of the newer item kinds, fetched once for the whole draft."""

    basic_forms: dict[int, tuple[str, list[str]]]
    shelter: list[Any]
    orders: list[Any]
    parties: dict[int, list[Any]]
    meetings: list[Any]
    members: list[Any]
    attendance: dict[int, dict[str, int]]
    attachments: list[Any]


def extra_sources(own: list[Any], own_ids: set[int], entry_ids: list[int]) -> Extra:
    """Basic-form answers, shelter data, meeting orders, groups, attachments (scopes off)."""
    basic_forms: dict[int, tuple[str, list[str]]] = {}
    for p in own:
        episode = p.episode
        if episode.pk in basic_forms:
            continue
        definition, answers = display_answers(episode)
        if definition is not None and answers:
            basic_forms[episode.pk] = (
                definition.title,
                [f"{a.label}: {a.value}" for a in answers],
            )
    order_ids = set(
        OrderParty.objects.filter(participant_id__in=own_ids).values_list("order_id", flat=True)
    )
    parties: dict[int, list[Any]] = defaultdict(list)
    for party in (
        OrderParty.objects.filter(order_id__in=order_ids)
        .select_related("participant__person", "participant__alias")
        .order_by("pk")
    ):
        parties[party.order_id].append(party)
    members = list(
        Member.objects.filter(Q(participant_id__in=own_ids) | Q(child_id__in=own_ids))
        .select_related("programme")
        .order_by("joined_on", "pk")
    )
    attendance: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Attendance.objects.filter(member__in=members, session__cancelled=False)
        .values("member_id", "status")
        .annotate(n=Count("pk"))
    ):
        attendance[row["member_id"]][row["status"]] = row["n"]
    return Extra(
        basic_forms=basic_forms,
        shelter=list(ShelterClientData.objects.filter(participant_id__in=own_ids).order_by("pk")),
        orders=list(
            MeetingOrder.objects.filter(pk__in=order_ids)
            .select_related("authority")
            .order_by("valid_from", "pk")
        ),
        parties=parties,
        meetings=list(Meeting.objects.filter(order_id__in=order_ids).order_by("starts_at", "pk")),
        members=members,
        attendance=attendance,
        attachments=list(
            Attachment.objects.filter(entry_id__in=entry_ids).order_by("uploaded_at", "pk")
        ),
    )


def _party_name(party: Any) -> str:
    participant = party.participant
    if participant.person is not None:
        return f"{participant.person.first_names} {participant.person.last_name}".strip()
    return str(participant.alias or "")


def add_extra_items(
    de: DraftEpisode,
    p: Any,
    extra: Extra,
    *,
    has_others: bool,
    pattern: re.Pattern[str] | None,
    entry_reasons: dict[str, list[str]],
) -> None:
    """The newer item kinds of one episode of the person (participant ``p``)."""
    ep_id, sf_id = de.item.episode_id, de.item.service_form_id
    p_id = p.pk
    named = named_reason()

    def item(key: str, kind: str, heading: str, text: str, reasons: list[str]) -> Item:
        if mentions(text, pattern) and named not in reasons:
            reasons.append(named)
        return Item(
            key=key,
            kind=kind,
            episode_id=ep_id,
            service_form_id=sf_id,
            heading=heading,
            text=text,
            review_reasons=reasons,
        )

    if ep_id in extra.basic_forms:
        title, lines = extra.basic_forms[ep_id]
        de.basic_form.append(
            item(
                f"basic_form:{ep_id}",
                "basic_form",
                title or _("Perustiedot"),
                "\n".join(lines),
                [_("Asiakkuudessa on muita osallistujia.")] if has_others else [],
            )
        )
    for sd in extra.shelter:
        if sd.participant_id != p_id:
            continue
        forms = dict(ShelterClientData.ViolenceForm.choices)
        lines = [
            f"{_('Asiakkaan asema')}: {sd.get_client_status_display()}",
            f"{_('Sukupuoli (tilasto)')}: {sd.get_gender_display()}",
            f"{_('Ikäryhmä tulohetkellä')}: {sd.get_age_band_display()}",
            f"{_('Väkivallan muodot')}: "
            + (", ".join(str(forms.get(v, v)) for v in sd.violence_forms) or "—"),
            f"{_('Suhde väkivallan käyttäjään')}: {sd.get_relationship_display()}",
            f"{_('Turvakotijakso')}: {sd.get_stay_order_display()}",
            f"{_('Väkivallan kesto ennen tuloa')}: {sd.get_violence_duration_display()}",
        ]
        reasons = []
        if sd.client_status == ShelterClientData.ClientStatus.USED_VIOLENCE:
            reasons.append(_("Tilastotieto kuvaa väkivaltaa, jota toinen henkilö on kokenut."))
        de.shelter_data.append(
            item(
                f"shelter_data:{sd.pk}",
                "shelter_data",
                _("Turvakodin tilastotiedot (THL)"),
                "\n".join(lines),
                reasons,
            )
        )
    for order in extra.orders:
        if order.episode_id != ep_id:
            continue
        parties = extra.parties.get(order.pk, [])
        mine = [x for x in parties if x.participant_id == p_id]
        if not mine:
            continue
        others = [x for x in parties if x.participant_id != p_id]
        o = order
        authority = o.authority.name if o.authority else o.authority_name
        lines = [
            f"{_('Peruste')}: {o.get_basis_display()} {fi_date(o.basis_date)}"
            + (f", {o.basis_reference}" if o.basis_reference else "")
            + (f" ({authority})" if authority else ""),
            f"{_('Tapaamisen laji')}: {o.get_meeting_type_display()}",
            f"{_('Voimassa')}: {fi_date(o.valid_from)}–"
            + (fi_date(o.valid_until) if o.valid_until else ""),
            f"{_('Oma rooli')}: {mine[0].get_role_display()}",
        ]
        if others:
            lines.append(
                f"{_('Muut osapuolet')}: "
                + ", ".join(f"{_party_name(x)} ({x.get_role_display()})" for x in others)
            )
        if o.safety_notes:
            lines.append(f"{_('Turvallisuusjärjestelyt')}: {o.safety_notes}")
        if o.notes:
            lines.append(f"{_('Muistiinpanot')}: {o.notes}")
        order_reasons = (
            [_("Järjestelyssä on muita osapuolia; heidän tietonsa ovat toisen henkilön tietoja.")]
            if others
            else []
        )
        de.meeting_orders.append(
            item(
                f"meeting_order:{o.pk}",
                "meeting_order",
                f"{_('Tapaamisjärjestely')} {fi_date(o.valid_from)}",
                "\n".join(lines),
                order_reasons,
            )
        )
        for m in extra.meetings:
            mt = m
            if mt.order_id != o.pk:
                continue
            parts = [f"{o.get_meeting_type_display()}, {mt.duration_minutes} min"]
            if mt.location:
                parts.append(mt.location)
            if mt.outcome:
                parts.append(f"{_('Toteutuminen')}: {mt.get_outcome_display()}")
            if mt.no_show_role:
                parts.append(f"{_('Kuka ei saapunut')}: {mt.get_no_show_role_display()}")
            if mt.interruption_reason:
                parts.append(f"{_('Keskeyttämisen syy')}: {mt.get_interruption_reason_display()}")
            if mt.outcome_note:
                parts.append(mt.outcome_note)
            de.meetings.append(
                item(
                    f"meeting:{mt.pk}",
                    "meeting",
                    f"{_('Valvottu tapaaminen')} {fi_moment(mt.starts_at)}",
                    "\n".join(parts),
                    [_("Tapaamisen tiedot koskevat myös muita osapuolia.")] if others else [],
                )
            )
    for member in extra.members:
        mb = member
        if p_id not in {mb.participant_id, mb.child_id}:
            continue
        counts = extra.attendance.get(mb.pk, {})
        text = (
            f"{mb.programme.get_type_display()}, {fi_date(mb.joined_on)}–"
            + (fi_date(mb.left_on) if mb.left_on else "")
            + "\n"
            + _("Läsnä %(present)s, poissa %(absent)s, poissa ilmoittaen %(excused)s kertaa.")
            % {
                "present": counts.get("present", 0),
                "absent": counts.get("absent", 0),
                "excused": counts.get("excused", 0),
            }
        )
        de.groups.append(
            item(
                f"group:{mb.pk}",
                "group",
                f"{_('Ryhmä')}: {mb.programme.name}",
                text,
                [],
            )
        )
    for attachment in extra.attachments:
        at = attachment
        entry_key = f"entry:{at.entry_id}"
        if entry_key not in entry_reasons:
            continue
        reasons = [
            *entry_reasons[entry_key],
            _("Liitteen sisältö tarkastetaan ennen luovutusta."),
        ]
        att_item = item(
            f"attachment:{at.pk}",
            "attachment",
            f"{_('Liite')}: {at.original_name} ({at.get_kind_display()}, "
            f"{fi_date(local_date(at.uploaded_at))})",
            "",
            reasons,
        )
        att_item.attachment_id = at.pk
        de.attachments.append(att_item)
