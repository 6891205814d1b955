"""Assembling the draft extract: the person's episodes and every item that may carry another
person's data, with the review decisions recorded so far."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from tupa.access import clients
from tupa.audit.models import AccessRequest, AccessRequestItemDecision
from tupa.core.dates import fi_date
from tupa.core.wallclock import fi_moment
from tupa.dataprotection.extracts import data_extract, third_parties
from tupa.episodes.models import Entry, Goal, NetworkMeeting, Participant
from tupa.people.models import Person
from tupa.residential.models import StayMember
from tupa.scheduling.models import Appointment

from .collectors import add_extra_items, extra_sources
from .items import Draft, DraftEpisode, Item


def build_draft(person: Person, access_request: AccessRequest | None = None) -> Draft:
    """The draft extract of ``person`` with the review decisions of ``access_request``."""
    with scope(organisation=person.organisation_id):
        base = data_extract(person=person)
    # The extract has read her participations, the other participants of her episodes and
    # the third parties' names (in her organisation's scope): the draft builds on them.
    own = base.participations
    own_ids = {p.pk for p in own}
    episode_ids = {p.episode_id for p in own}
    others_by_episode: dict[int, list[Participant]] = defaultdict(list, base.others_by_episode)
    pattern = base.third_party_pattern
    with scopes_disabled():
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
        extra = extra_sources(own, own_ids, [e.pk for e in entries])
        decisions: dict[str, AccessRequestItemDecision] = {}
        if access_request is not None and access_request.pk:
            for d in AccessRequestItemDecision.objects.filter(
                access_request=access_request
            ).order_by("decided_at", "pk"):
                decisions[d.item_key] = d  # the newest counts

    episodes: list[DraftEpisode] = []
    units: dict[int, str] = {}
    for p in own:
        ep = p.episode
        sf = ep.service_form
        units[sf.pk] = sf.name
        reasons = third_parties.episode_reasons(p, others_by_episode[ep.pk])
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
        perpetrator_work = sf.violence_work == clients.PERPETRATOR
        for e in (e for e in entries if e.episode_id == ep.pk):
            r = third_parties.entry_reasons(
                text=e.text,
                other_participants=bool(entry_links[e.pk] - own_ids),
                perpetrator_work=perpetrator_work,
                pattern=pattern,
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
                    heading=f"{fi_moment(e.occurred_at)} – {e.get_type_display()}, {authors}",
                    text=e.text,
                    review_reasons=r,
                )
            )
        for g in (g for g in goals if g.episode_id == ep.pk):
            r = []
            if has_others:
                r.append(_("Asiakkuudessa on muita osallistujia."))
            if third_parties.mentions(g.text, pattern):
                r.append(third_parties.named_reason())
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
                    heading=f"{_('Verkostoneuvottelu')} {fi_date(m.held_on)}",
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
        add_extra_items(
            de,
            p,
            extra,
            has_others=has_others,
            pattern=pattern,
            entry_reasons={
                i.key: [r for r in i.review_reasons if r != third_parties.named_reason()]
                for i in de.entries
            },
        )
        for item in de.items:
            item.decision = decisions.get(item.key)
        episodes.append(de)
    return Draft(base=base, episodes=episodes, units=units)
