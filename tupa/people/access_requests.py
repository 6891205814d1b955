"""Access requests as a reviewed workflow (GDPR art. 15; 1050/2018 §34): services and selectors.

received → identity verified → draft extract assembled → reviewed (a worker of each unit that
holds data, then the DPO) → decided (full, partial, refused; reasoned, with the right to appeal
to the Data Protection Ombudsman) → delivered (recorded in the disclosure log). The deadline is
one month from receipt, extendable by at most two further months with a reason.

Third-party data: an item of the draft **needs review** when it may carry another person's data
— a journal entry with other participants, a text naming another participant of the person's
episodes or a relative, a network meeting, a goal of an episode with other participants, or a
whole episode in which the person is the one who used violence or only a relative. Until a
review decision is recorded such an item is **withheld** (never copied); a withheld episode does
not appear in the extract at all. Every step and every item decision is an append-only row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from tupa.access import policy
from tupa.accounts.models import Role
from tupa.audit.disclosures import disclosure_record
from tupa.audit.models import (
    AccessRequest,
    AccessRequestItemDecision,
    AccessRequestStep,
    DisclosureBasis,
    DisclosureKind,
)

from . import rights
from .models import Person, Relationship

if TYPE_CHECKING:
    from tupa.accounts.models import User

Status = AccessRequest.Status
Step = AccessRequestStep.Kind
Decision = AccessRequestItemDecision.Decision
Outcome = AccessRequest.Outcome

UNIT_ROLES = frozenset({str(Role.WORKER), str(Role.LEAD), str(Role.COORDINATOR)})
#: The deadline may be extended by at most two months (GDPR art. 12(3)).
MAX_EXTENSION_MONTHS = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31.1. + 1 → 28./29.2.)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


MIN_NAME_LENGTH = 3


# --------------------------------------------------------------------------- who may


def is_dpo(user: User) -> bool:
    return rights.is_dpo(user)


def unit_form_ids(user: User) -> set[int]:
    """Service forms in which the user does client work today (a worker *of the unit*)."""
    return {
        m.service_form_id
        for m in policy.active_memberships(user)
        if m.service_form_id is not None and m.role in UNIT_ROLES
    }


def may_review(user: User, access_request: AccessRequest, draft: Draft) -> set[int]:
    """The units whose items ``user`` may review: all for the DPO, else the user's own units."""
    if access_request.organisation_id != user.organisation_id:
        return set()
    if is_dpo(user):
        return set(draft.units)
    return unit_form_ids(user) & set(draft.units)


# --------------------------------------------------------------------------- draft


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
            return self.decision.decision
        return "pending" if self.needs_review else Decision.RELEASE

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
    base: rights.DataExtract
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


def _name_tokens(*names: str) -> set[str]:
    return {
        t.lower() for n in names for t in re.split(r"[\s\-]+", n or "") if len(t) >= MIN_NAME_LENGTH
    }


def _mentions(text: str, pattern: re.Pattern[str] | None) -> bool:
    return bool(pattern and text and pattern.search(text))


def build_draft(person: Person, access_request: AccessRequest | None = None) -> Draft:
    """The draft extract of ``person`` with the review decisions of ``access_request``."""
    from tupa.episodes.models import Entry, Goal, NetworkMeeting, Participant
    from tupa.residential.models import StayMember
    from tupa.scheduling.models import Appointment

    with scope(organisation=person.organisation_id):
        base = rights.data_extract(person=person)
    with scopes_disabled():
        own = list(
            Participant.objects.filter(Q(person=person) | Q(alias__person=person))
            .select_related("episode__service_form")
            .order_by("episode__opened_at", "pk")
        )
        own_ids = {p.pk for p in own}
        episode_ids = {p.episode_id for p in own}
        others = list(
            Participant.objects.filter(episode_id__in=episode_ids)
            .exclude(pk__in=own_ids)
            .select_related("person", "alias")
        )
        others_by_episode: dict[int, list[Participant]] = defaultdict(list)
        for o in others:
            others_by_episode[o.episode_id].append(o)
        relatives = Person.objects.filter(
            Q(pk__in=Relationship.objects.filter(person=person).values("relative_id"))
            | Q(pk__in=Relationship.objects.filter(relative=person).values("person_id"))
        )
        third = _name_tokens(
            *[f"{o.person.first_names} {o.person.last_name}" for o in others if o.person],
            *[o.alias.label for o in others if o.alias],
            *[f"{r.first_names} {r.last_name}" for r in relatives],
        ) - _name_tokens(person.first_names, person.last_name)
        pattern = (
            re.compile(
                r"\b("
                + "|".join(re.escape(t) for t in sorted(third, key=len, reverse=True))
                + r")",
                re.IGNORECASE,
            )
            if third
            else None
        )
        entry_links: dict[int, set[int]] = defaultdict(set)
        for entry_id, participant_id in Entry.participants.through.objects.filter(
            entry__episode_id__in=episode_ids
        ).values_list("entry_id", "participant_id"):
            entry_links[entry_id].add(participant_id)
        entries = list(
            Entry.objects.filter(pk__in=[e for e, ps in entry_links.items() if ps & own_ids])
            .filter(superseded_by__isnull=True)
            .select_related("author")
            .prefetch_related("co_workers")
            .order_by("occurred_at", "pk")
        )
        goals = list(Goal.objects.filter(episode_id__in=episode_ids).order_by("created_at", "pk"))
        meetings = list(
            NetworkMeeting.objects.filter(episode_id__in=episode_ids).order_by("held_on", "pk")
        )
        stays = list(
            StayMember.objects.filter(participant_id__in=own_ids)
            .select_related("stay__place")
            .order_by("arrived_at")
        )
        appointments = list(
            Appointment.objects.filter(episode_id__in=episode_ids).order_by("starts_at")
        )
        extra = _extra_sources(own, own_ids, [e.pk for e in entries])
        decisions: dict[str, AccessRequestItemDecision] = {}
        if access_request is not None and access_request.pk:
            for d in AccessRequestItemDecision.objects.filter(
                access_request=access_request
            ).order_by("decided_at", "pk"):
                decisions[d.item_key] = d  # the newest counts

    hki = rights.HELSINKI
    episodes: list[DraftEpisode] = []
    units: dict[int, str] = {}
    for p in own:
        ep = p.episode
        sf = ep.service_form
        units[sf.pk] = sf.name
        reasons = []
        if p.violence_role == Participant.ViolenceRole.USED and others_by_episode[ep.pk]:
            reasons.append(_("Asiakkuus koskee väkivaltaa kokenutta henkilöä."))
        elif p.role in {Participant.Role.PARTNER, Participant.Role.CLOSE_PERSON} and any(
            o.role == Participant.Role.CLIENT for o in others_by_episode[ep.pk]
        ):
            reasons.append(_("Henkilö on asiakkuudessa läheisenä; asiakkuus on toisen henkilön."))
        de = DraftEpisode(
            item=Item(
                key=f"episode:{ep.pk}",
                kind="episode",
                episode_id=ep.pk,
                service_form_id=sf.pk,
                heading=f"{sf.name} ({p.get_role_display()})",
                text="",
                review_reasons=reasons,
            ),
            service_form=sf.name,
            status=str(ep.get_status_display()),
            role=str(p.get_role_display()),
            start_date=ep.start_date,
            end_date=ep.end_date,
        )
        has_others = bool(others_by_episode[ep.pk])
        perpetrator_work = sf.violence_work == "perpetrator"
        for e in (e for e in entries if e.episode_id == ep.pk):
            r = []
            if entry_links[e.pk] - own_ids:
                r.append(_("Kirjauksessa on muita osallistujia."))
            if _mentions(e.text, pattern):
                r.append(_("Tekstissä mainitaan toinen henkilö."))
            if perpetrator_work:  # the victim may be named without being in the data
                r.append(
                    _(
                        "Väkivaltaa käyttäneiden työn kirjaus voi sisältää väkivaltaa kokeneen tietoja."
                    )
                )
            authors = ", ".join(
                [e.author.get_full_name() or e.author.username]
                + [u.get_full_name() or u.username for u in e.co_workers.all()]
            )
            de.entries.append(
                Item(
                    key=f"entry:{e.pk}",
                    kind="entry",
                    episode_id=ep.pk,
                    service_form_id=sf.pk,
                    heading=f"{e.occurred_at.astimezone(hki):%d.%m.%Y %H:%M} – "
                    f"{e.get_type_display()}, {authors}",
                    text=e.text,
                    review_reasons=r,
                )
            )
        for g in (g for g in goals if g.episode_id == ep.pk):
            r = []
            if has_others:
                r.append(_("Asiakkuudessa on muita osallistujia."))
            if _mentions(g.text, pattern):
                r.append(_("Tekstissä mainitaan toinen henkilö."))
            de.goals.append(
                Item(
                    key=f"goal:{g.pk}",
                    kind="goal",
                    episode_id=ep.pk,
                    service_form_id=sf.pk,
                    heading=_("Tavoite"),
                    text=g.text,
                    review_reasons=r,
                )
            )
        for m in (m for m in meetings if m.episode_id == ep.pk):
            de.network_meetings.append(
                Item(
                    key=f"network_meeting:{m.pk}",
                    kind="network_meeting",
                    episode_id=ep.pk,
                    service_form_id=sf.pk,
                    heading=f"{_('Verkostoneuvottelu')} {m.held_on:%d.%m.%Y}",
                    text=m.notes,
                    review_reasons=[_("Verkostoneuvottelussa on muita osallistujia.")],
                )
            )
        de.stays = [
            {
                "place": s.stay.place.name,
                "arrived_at": timezone.localtime(s.arrived_at),
                "departed_at": timezone.localtime(s.departed_at) if s.departed_at else None,
            }
            for s in stays
            if s.participant_id == p.pk
        ]
        de.appointments = [
            {
                "starts_at": timezone.localtime(a.starts_at),
                "type": a.get_type_display(),
                "outcome": a.get_outcome_display() if a.outcome else "",
            }
            for a in appointments
            if a.episode_id == ep.pk
        ]
        _add_extra_items(
            de,
            p,
            extra,
            has_others=has_others,
            pattern=pattern,
            entry_reasons={
                i.key: [
                    r for r in i.review_reasons if r != _("Tekstissä mainitaan toinen henkilö.")
                ]
                for i in de.entries
            },
        )
        for item in de.items:
            item.decision = decisions.get(item.key)
        episodes.append(de)
    return Draft(base=base, episodes=episodes, units=units)


@dataclass
class _Extra:
    """The rows of the newer item kinds, fetched once for the whole draft."""

    basic_forms: dict[int, tuple[str, list[str]]]
    shelter: list[Any]
    orders: list[Any]
    parties: dict[int, list[Any]]
    meetings: list[Any]
    members: list[Any]
    attendance: dict[int, dict[str, int]]
    attachments: list[Any]


def _extra_sources(own: list[Any], own_ids: set[int], entry_ids: list[int]) -> _Extra:
    """Basic-form answers, shelter data, meeting orders, groups, attachments (scopes off)."""
    from django.db.models import Count

    from tupa.episodes.basic_forms import display_answers
    from tupa.episodes.models import Attachment
    from tupa.programmes.models import Attendance, Member
    from tupa.residential.models import ShelterClientData
    from tupa.visitation.models import Meeting, MeetingOrder, OrderParty

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
    return _Extra(
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


def _add_extra_items(
    de: DraftEpisode,
    p: Any,
    extra: _Extra,
    *,
    has_others: bool,
    pattern: re.Pattern[str] | None,
    entry_reasons: dict[str, list[str]],
) -> None:
    """The newer item kinds of one episode of the person (participant ``p``)."""
    from tupa.residential.models import ShelterClientData

    ep_id, sf_id = de.item.episode_id, de.item.service_form_id
    p_id = p.pk
    mentions = _("Tekstissä mainitaan toinen henkilö.")

    def item(key: str, kind: str, heading: str, text: str, reasons: list[str]) -> Item:
        if _mentions(text, pattern) and mentions not in reasons:
            reasons.append(mentions)
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
            f"{_('Peruste')}: {o.get_basis_display()} {o.basis_date:%d.%m.%Y}"
            + (f", {o.basis_reference}" if o.basis_reference else "")
            + (f" ({authority})" if authority else ""),
            f"{_('Tapaamisen laji')}: {o.get_meeting_type_display()}",
            f"{_('Voimassa')}: {o.valid_from:%d.%m.%Y}–"
            + (f"{o.valid_until:%d.%m.%Y}" if o.valid_until else ""),
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
                f"{_('Tapaamisjärjestely')} {o.valid_from:%d.%m.%Y}",
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
                    f"{_('Valvottu tapaaminen')} {timezone.localtime(mt.starts_at):%d.%m.%Y %H:%M}",
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
            f"{mb.programme.get_type_display()}, {mb.joined_on:%d.%m.%Y}–"
            + (f"{mb.left_on:%d.%m.%Y}" if mb.left_on else "")
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
            f"{timezone.localtime(at.uploaded_at):%d.%m.%Y})",
            "",
            reasons,
        )
        att_item.attachment_id = at.pk
        de.attachments.append(att_item)


# --------------------------------------------------------------------------- services


def _step(
    ar: AccessRequest, kind: str, actor: User, note: str = "", service_form_id: int | None = None
) -> None:
    with scopes_disabled():
        AccessRequestStep(
            access_request=ar, kind=kind, actor=actor, note=note, service_form_id=service_form_id
        ).save()


def _require_dpo(actor: User, ar: AccessRequest | None = None) -> None:
    if not is_dpo(actor) or (ar is not None and ar.organisation_id != actor.organisation_id):
        raise ValidationError(_("Vain tietosuojavastaava voi tehdä tämän."))


def _require_status(ar: AccessRequest, *allowed: str) -> None:
    if ar.status not in allowed:
        raise ValidationError(_("Tietopyyntö ei ole tässä vaiheessa."))


def _save(ar: AccessRequest, *fields: str) -> None:
    with scopes_disabled():
        ar.save(update_fields=list(fields))


@transaction.atomic
def request_create(
    *, actor: User, person: Person, received_on: dt.date, request_text: str = ""
) -> AccessRequest:
    _require_dpo(actor)
    if person.organisation_id != actor.organisation_id:
        raise ValidationError(_("Henkilö ei kuulu organisaatioon."))
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Päivä ei voi olla tulevaisuudessa.")})
    ar = AccessRequest(
        organisation_id=actor.organisation_id,
        person=person,
        received_on=received_on,
        request_text=request_text.strip(),
        due_on=add_months(received_on, 1),
        created_by=actor,
    )
    with scopes_disabled():
        ar.save()
    _step(ar, Step.RECEIVED, actor, request_text.strip())
    return ar


@transaction.atomic
def identity_verify(*, actor: User, access_request: AccessRequest, method: str) -> AccessRequest:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.RECEIVED)
    if not method.strip():
        raise ValidationError({"method": _("Kerro, miten henkilöllisyys varmistettiin.")})
    ar.identity_method = method.strip()
    ar.identity_verified_by = actor
    ar.identity_verified_at = timezone.now()
    ar.status = Status.VERIFIED
    _save(ar, "identity_method", "identity_verified_by", "identity_verified_at", "status")
    _step(ar, Step.IDENTITY_VERIFIED, actor, method.strip())
    return ar


@transaction.atomic
def draft_assemble(*, actor: User, access_request: AccessRequest) -> Draft:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.VERIFIED)
    draft = build_draft(ar.person, ar)
    ar.status = Status.DRAFT
    _save(ar, "status")
    _step(
        ar,
        Step.DRAFT_ASSEMBLED,
        actor,
        _("%(items)s kohtaa, joista %(pending)s tarkastettavana.")
        % {"items": len(draft.items), "pending": len(draft.pending())},
    )
    return draft


@transaction.atomic
def item_decide(
    *,
    actor: User,
    access_request: AccessRequest,
    item_key: str,
    decision: str,
    reason: str = "",
    released_text: str = "",
) -> AccessRequestItemDecision:
    """A worker of the item's unit, or the DPO, decides on one item of the draft."""
    ar = access_request
    _require_status(ar, Status.DRAFT)
    draft = build_draft(ar.person, ar)
    item = draft.item(item_key)
    if item is None or item.service_form_id not in may_review(actor, ar, draft):
        raise ValidationError(_("Et voi tarkastaa tätä kohtaa."))
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Valitse päätös.")
    if decision in {Decision.REDACT, Decision.WITHHOLD} and not reason.strip():
        errors["reason"] = _("Kirjoita perustelu: miksi tietoja peitetään tai jätetään pois.")
    if decision == Decision.REDACT and not released_text.strip():
        errors["released_text"] = _("Kirjoita teksti sellaisena kuin se annetaan peitettynä.")
    if errors:
        raise ValidationError(errors)
    with scopes_disabled():
        row = AccessRequestItemDecision(
            access_request=ar,
            item_key=item_key,
            decision=decision,
            released_text=released_text.strip() if decision == Decision.REDACT else "",
            reason=reason.strip(),
            service_form_id=item.service_form_id,
            decided_by=actor,
        )
        row.save()
    _step(ar, Step.ITEM_DECIDED, actor, f"{item_key}: {decision}", item.service_form_id)
    return row


def reviewed_units(access_request: AccessRequest) -> set[int]:
    with scopes_disabled():
        return set(
            AccessRequestStep.objects.filter(
                access_request=access_request, kind=Step.UNIT_REVIEWED
            ).values_list("service_form_id", flat=True)
        )


@transaction.atomic
def unit_review_complete(
    *, actor: User, access_request: AccessRequest, service_form_id: int, note: str = ""
) -> None:
    """A worker of the unit confirms the unit's part of the draft (no item left pending)."""
    ar = access_request
    _require_status(ar, Status.DRAFT)
    draft = build_draft(ar.person, ar)
    if (
        ar.organisation_id != actor.organisation_id
        or service_form_id not in draft.units
        or service_form_id not in unit_form_ids(actor)
    ):
        raise ValidationError(_("Vain yksikön työntekijä voi tarkastaa yksikön tiedot."))
    if draft.pending({service_form_id}):
        raise ValidationError(_("Tee päätös jokaisesta tarkastettavasta kohdasta ensin."))
    _step(ar, Step.UNIT_REVIEWED, actor, note.strip(), service_form_id)


@transaction.atomic
def dpo_review_complete(*, actor: User, access_request: AccessRequest, note: str = "") -> None:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.DRAFT)
    draft = build_draft(ar.person, ar)
    if draft.pending():
        raise ValidationError(_("Tee päätös jokaisesta tarkastettavasta kohdasta ensin."))
    missing = set(draft.units) - reviewed_units(ar)
    if missing:
        raise ValidationError(
            _("Yksikön työntekijä ei ole vielä tarkastanut: %(units)s.")
            % {"units": ", ".join(sorted(draft.units[u] for u in missing))}
        )
    ar.status = Status.REVIEWED
    _save(ar, "status")
    _step(ar, Step.DPO_REVIEWED, actor, note.strip())


@transaction.atomic
def deadline_extend(
    *, actor: User, access_request: AccessRequest, due_on: dt.date, reason: str
) -> AccessRequest:
    """GDPR art. 12(3): at most two further months, with a reason told to the person."""
    ar = access_request
    _require_dpo(actor, ar)
    if ar.status == Status.DELIVERED:
        raise ValidationError(_("Tietopyyntö on jo toimitettu."))
    errors: dict[str, str] = {}
    latest = add_months(ar.received_on, 1 + MAX_EXTENSION_MONTHS)
    if due_on <= ar.due_on:
        errors["due_on"] = _("Uuden määräajan on oltava nykyisen jälkeen.")
    elif due_on > latest:
        errors["due_on"] = _("Määräaikaa voi pidentää enintään %(day)s asti.") % {
            "day": f"{latest:%d.%m.%Y}"
        }
    if not reason.strip():
        errors["reason"] = _("Kerro pidentämisen syy.")
    if errors:
        raise ValidationError(errors)
    ar.due_on = due_on
    ar.extension_reason = reason.strip()
    _save(ar, "due_on", "extension_reason")
    _step(ar, Step.EXTENDED, actor, f"{due_on:%d.%m.%Y}: {reason.strip()}")
    return ar


@transaction.atomic
def decide(
    *, actor: User, access_request: AccessRequest, outcome: str, decision_text: str
) -> AccessRequest:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.REVIEWED)
    draft = build_draft(ar.person, ar)
    limited = bool(draft.withheld() or draft.redacted())
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Valitse ratkaisu.")
    elif outcome == Outcome.FULL and limited:
        errors["outcome"] = _("Osa tiedoista on peitetty tai jätetty pois: ratkaisu on osittainen.")
    elif outcome == Outcome.PARTIAL and not limited:
        errors["outcome"] = _("Mitään ei ole peitetty tai jätetty pois: ratkaisu on täysi.")
    if outcome in {Outcome.PARTIAL, Outcome.REFUSED} and not decision_text.strip():
        errors["decision_text"] = _(
            "Kirjoita perusteltu päätös: mitä jätetään antamatta ja millä perusteella."
        )
    if errors:
        raise ValidationError(errors)
    ar.outcome = outcome
    ar.decision_text = decision_text.strip()
    ar.decided_by = actor
    ar.decided_at = timezone.now()
    ar.status = Status.DECIDED
    _save(ar, "outcome", "decision_text", "decided_by", "decided_at", "status")
    _step(ar, Step.DECIDED, actor, outcome)
    return ar


@transaction.atomic
def deliver(*, actor: User, access_request: AccessRequest, method: str) -> AccessRequest:
    """Record the delivery; unless refused, it is a disclosure to the person (disclosure log)."""
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.DECIDED)
    if not method.strip():
        raise ValidationError({"method": _("Kerro, miten päätös ja ote toimitettiin.")})
    if ar.outcome != Outcome.REFUSED:
        attachments = len(build_draft(ar.person, ar).released_attachment_ids())
        description = _("Ote henkilön tiedoista: %(outcome)s.") % {
            "outcome": ar.get_outcome_display()
        }
        if attachments:
            description += " " + _("Liitteitä %(count)s (ZIP).") % {"count": attachments}
        ar.disclosure = disclosure_record(
            actor=actor,
            kind=DisclosureKind.CLIENT_EXTRACT,
            recipient=_("Rekisteröity itse (%(method)s)") % {"method": method.strip()},
            basis_kind=DisclosureBasis.DATA_SUBJECT,
            legal_basis=_("EU:n tietosuoja-asetus 15 artikla; tietopyyntö %(number)s")
            % {"number": ar.pk},
            description=description,
            persons=[ar.person],
        )
    ar.delivery_method = method.strip()
    ar.delivered_by = actor
    ar.delivered_at = timezone.now()
    ar.status = Status.DELIVERED
    _save(ar, "delivery_method", "delivered_by", "delivered_at", "status", "disclosure")
    _step(ar, Step.DELIVERED, actor, method.strip())
    return ar


# --------------------------------------------------------------------------- selectors


def requests_for_dpo(*, organisation_id: int) -> list[AccessRequest]:
    with scopes_disabled():
        rows = list(
            AccessRequest.objects.filter(organisation_id=organisation_id)
            .select_related("person")
            .order_by("due_on", "pk")
        )
    return sorted(rows, key=lambda ar: ar.status == Status.DELIVERED)  # open ones first


def requests_to_review(*, user: User) -> list[tuple[AccessRequest, list[int]]]:
    """Drafts that hold data of the user's units (for the unit worker's review list)."""
    units = unit_form_ids(user)
    if not units:
        return []
    result = []
    with scopes_disabled():
        drafts = AccessRequest.objects.filter(
            organisation_id=user.organisation_id or 0, status=Status.DRAFT
        ).select_related("person")
        for ar in drafts:
            mine = sorted(units & set(build_draft(ar.person, ar).units))
            if mine:
                result.append((ar, mine))
    return result


def is_overdue(ar: AccessRequest, today: dt.date | None = None) -> bool:
    return ar.status != Status.DELIVERED and ar.due_on < (today or timezone.localdate())
