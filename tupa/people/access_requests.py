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
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.disclosures import disclosure_record
from tupa.audit.models import (
    AccessRequest,
    AccessRequestItemDecision,
    AccessRequestStep,
    DisclosureBasis,
    DisclosureKind,
)
from tupa.core import policy

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
    kind: str  # "episode", "entry", "goal", "network_meeting"
    episode_id: int
    service_form_id: int
    heading: str
    text: str
    review_reasons: list[str] = field(default_factory=list)
    decision: AccessRequestItemDecision | None = None

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

    @property
    def items(self) -> list[Item]:
        return [self.item, *self.entries, *self.goals, *self.network_meetings]


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
        for item in de.items:
            item.decision = decisions.get(item.key)
        episodes.append(de)
    return Draft(base=base, episodes=episodes, units=units)


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
        ar.disclosure = disclosure_record(
            actor=actor,
            kind=DisclosureKind.CLIENT_EXTRACT,
            recipient=_("Rekisteröity itse (%(method)s)") % {"method": method.strip()},
            basis_kind=DisclosureBasis.DATA_SUBJECT,
            legal_basis=_("EU:n tietosuoja-asetus 15 artikla; tietopyyntö %(number)s")
            % {"number": ar.pk},
            description=_("Ote henkilön tiedoista: %(outcome)s.")
            % {"outcome": ar.get_outcome_display()},
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
