"""The pieces of an access request's draft extract: items, episodes, the draft itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tupa.audit.models import AccessRequestItemDecision
from tupa.dataprotection.extracts import DataExtract

Decision = AccessRequestItemDecision.Decision


@dataclass
class Item:
    """One reviewable piece of the draft extract."""

    key: str
    kind: str  # "episode", "entry", "goal", "network_meeting", "meeting_order", "meeting",
    # "basic_form", "shelter_data", "group", "attachment"
    episode_id: int
    service_form_id: int
    heading: str
    text: str
    review_reasons: list[str] = field(default_factory=list)
    decision: AccessRequestItemDecision | None = None
    attachment_id: int | None = None

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reasons)

    @property
    def state(self) -> str:
        if self.decision is not None:
            if self.decision_outdated:
                return "pending"
            return self.decision.decision
        return "pending" if self.needs_review else Decision.RELEASE

    @property
    def decision_outdated(self) -> bool:
        """A release decision covers the text the reviewer saw (kept in ``released_text``):
        a text changed since then (a meeting order's safety notes edited, or written where
        there were none) is reviewed again. A redaction releases only its own text."""
        d = self.decision
        return d is not None and d.decision == Decision.RELEASE and d.released_text != self.text

    @property
    def released(self) -> bool:
        return self.state in {Decision.RELEASE, Decision.REDACT}

    @property
    def output_text(self) -> str:
        if self.state == Decision.REDACT and self.decision is not None:
            return self.decision.released_text
        return self.text if self.state == Decision.RELEASE else ""


@dataclass
class DraftEpisode:
    item: Item
    service_form: str
    status: str
    role: str
    start_date: dt.date | None
    end_date: dt.date | None
    stays: list[dict[str, object]] = field(default_factory=list)
    appointments: list[dict[str, object]] = field(default_factory=list)
    entries: list[Item] = field(default_factory=list)
    goals: list[Item] = field(default_factory=list)
    network_meetings: list[Item] = field(default_factory=list)
    basic_form: list[Item] = field(default_factory=list)
    shelter_data: list[Item] = field(default_factory=list)
    meeting_orders: list[Item] = field(default_factory=list)
    meetings: list[Item] = field(default_factory=list)
    groups: list[Item] = field(default_factory=list)
    attachments: list[Item] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [
            self.item,
            *self.basic_form,
            *self.shelter_data,
            *self.entries,
            *self.attachments,
            *self.goals,
            *self.network_meetings,
            *self.meeting_orders,
            *self.meetings,
            *self.groups,
        ]

    @property
    def released_attachments(self) -> list[Item]:
        return [i for i in self.attachments if i.released]

    @property
    def other_items(self) -> list[Item]:
        """Items of the kinds printed as "heading: text" (not entries, goals, meetings)."""
        return [
            *self.basic_form,
            *self.shelter_data,
            *self.meeting_orders,
            *self.meetings,
            *self.groups,
        ]


@dataclass
class Draft:
    base: DataExtract
    episodes: list[DraftEpisode]
    units: dict[int, str]

    @property
    def items(self) -> list[Item]:
        return [i for e in self.episodes for i in e.items]

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def pending(self, unit_ids: set[int] | None = None) -> list[Item]:
        return [
            i
            for i in self.items
            if i.state == "pending" and (unit_ids is None or i.service_form_id in unit_ids)
        ]

    def withheld(self) -> list[Item]:
        """Items left out of the extract (a withheld episode counts once, not its contents)."""
        out = []
        for e in self.episodes:
            if not e.item.released:
                out.append(e.item)
                continue
            out += [i for i in e.items[1:] if not i.released]
        return out

    def redacted(self) -> list[Item]:
        return [i for i in self.items if i.state == Decision.REDACT]

    def released_episodes(self) -> list[DraftEpisode]:
        return [e for e in self.episodes if e.item.released]

    def released_attachment_ids(self) -> list[int]:
        """Attachments released for delivery (of released episodes only)."""
        return [
            i.attachment_id
            for e in self.released_episodes()
            for i in e.attachments
            if i.released and i.attachment_id is not None
        ]
