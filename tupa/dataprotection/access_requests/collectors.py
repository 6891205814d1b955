"""The rows of the draft beyond the journal: basic forms and attachments (the client record's),
and what the feature apps register (``tupa.core.registry.access_request_sources``: shelter
data, meeting orders and meetings, groups) — fetched once for the whole draft, then made items
per episode."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tupa.core import registry
from tupa.core.dates import fi_date
from tupa.core.wallclock import local_date
from tupa.dataprotection.extracts.third_parties import mentions, named_reason
from tupa.episodes.basic_info import display_answers
from tupa.episodes.models import Attachment

from .items import DraftEpisode, Item

#: The draft's section of each kind a feature app contributes.
SECTIONS = {
    "shelter_data": "shelter_data",
    "meeting_order": "meeting_orders",
    "meeting": "meetings",
    "group": "groups",
}


@dataclass
class Extra:
    """The rows of the newer item kinds, fetched once for the whole draft."""

    basic_forms: dict[int, tuple[str, list[str]]]
    #: What the feature apps contributed, by the person's participation.
    pieces: dict[int, list[registry.AccessRequestPiece]]
    attachments: list[Any]


def extra_sources(own: list[Any], own_ids: set[int], entry_ids: list[int]) -> Extra:
    """Basic-form answers, the feature apps' pieces, attachments (scopes off)."""
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
    pieces: dict[int, list[registry.AccessRequestPiece]] = defaultdict(list)
    for source in registry.access_request_sources.all():
        for piece in source.collect(participant_ids=own_ids):
            if piece.kind not in SECTIONS:
                raise ValueError(f"{source.key}: unknown access-request kind {piece.kind!r}")
            pieces[piece.participant_id].append(piece)
    return Extra(
        basic_forms=basic_forms,
        pieces=pieces,
        attachments=list(
            Attachment.objects.filter(entry_id__in=entry_ids).order_by("uploaded_at", "pk")
        ),
    )


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
    for piece in extra.pieces.get(p.pk, []):
        section: list[Item] = getattr(de, SECTIONS[piece.kind])
        section.append(
            item(piece.key, piece.kind, piece.heading, piece.text, list(piece.review_reasons))
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
