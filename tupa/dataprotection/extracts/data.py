"""The person's own data for an access request (GDPR art. 15), third parties left out.

The reviewed access-request workflow (:mod:`tupa.dataprotection.access_requests`) builds its
draft on this extract and releases withheld texts item by item.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tupa.access import clients
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Entry, Participant
from tupa.people.models import RESTRICTED_FIELDS, Consent, Person, Relationship, Restriction
from tupa.people.restrictions import restricted_person_ids

from . import third_parties


@dataclass
class ExtractEpisode:
    service_form: str
    status: str
    role: str
    start_date: dt.date | None
    end_date: dt.date | None
    opened_at: dt.datetime
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DataExtract:
    person: Person
    restricted: bool
    contact: list[tuple[str, str]]
    relationships: list[str]
    family_types: list[str]
    episodes: list[ExtractEpisode]
    consents: list[Consent]
    restrictions: list[Restriction]
    #: Why the episodes left out are left out (one reason per episode; the episodes that are
    #: also another person's are not listed at all: their form and dates are hers as well).
    withheld_episodes: list[str] = field(default_factory=list)
    #: What the extract read to decide the above, for the access request's draft to reuse
    #: (never printed): the person's participations (oldest episode first, with the episode
    #: and its service form), the other participants of those episodes by episode id (with
    #: the person and the alias) and the pattern of the third parties' names
    #: (:func:`.third_parties.third_party_pattern`).
    participations: list[Participant] = field(default_factory=list, repr=False)
    others_by_episode: dict[int, list[Participant]] = field(default_factory=dict, repr=False)
    third_party_pattern: re.Pattern[str] | None = field(default=None, repr=False)

    @property
    def withheld_episode_reasons(self) -> list[str]:
        return list(dict.fromkeys(self.withheld_episodes))


def field_label(name: str) -> str:
    """The verbose name of a Person field, capitalised."""
    return str(getattr(Person._meta.get_field(name), "verbose_name", name)).capitalize()


def _contact_rows(person: Person, restricted: bool) -> list[tuple[str, str]]:
    rows = []
    for name in RESTRICTED_FIELDS:
        label = field_label(name)
        if restricted:
            rows.append((label, _("Suojattu tieto")))
        else:
            value = getattr(person, name)
            rows.append((label, "" if value is None else str(value)))
    return rows


def _relationship_label(kind: str, *, outgoing: bool) -> str:
    """What the *other* person is to the data subject (their name is never shown).

    ``Relationship(person=A, relative=B, kind=parent)`` reads "A is the parent of B": for A the
    other person is a child, for B a parent.
    """
    inverse = {
        Relationship.Kind.PARENT: _("lapsi"),
        Relationship.Kind.FOSTER_PARENT: _("sijaislapsi"),
        Relationship.Kind.GRANDPARENT: _("lapsenlapsi"),
        Relationship.Kind.STEP_PARENT: _("lapsipuoli"),
    }
    if outgoing and kind in inverse:
        return str(inverse[Relationship.Kind(kind)])
    return str(dict(Relationship.Kind.choices).get(kind, kind))


def data_extract(*, person: Person) -> DataExtract:
    """The person's own data for an access request (GDPR art. 15), third parties left out.

    - relationships: only the kind, never the other person's name or identity;
    - households: only the family types, never the household's name or members;
    - episodes: service form, role, dates and status; co-participants are omitted;
    - journal entries: the texts of entries where the person (or an alias later linked to them)
      is a participant, with the staff who wrote them (processing staff are not third parties);
      the text of an entry that may describe someone else is withheld, with the reasons
      (:mod:`.third_parties`: other participants in the entry, another person's name in the
      text, perpetrator work) — the reviewed access-request workflow releases it after a
      recorded review decision;
    - an episode that is also another person's (:func:`.third_parties.episode_reasons`: she
      used violence against a co-participant, or takes part as a partner or close person in
      someone else's client episode) is not listed at all — even its form and dates tell of
      the other person's stay or service — only counted, with the reason;
    - restricted fields are replaced by the placeholder while a restriction is in force (an
      address under turvakielto is never printed; it can be confirmed to the person directly).
    """
    restricted = person.pk in restricted_person_ids([person])
    relationships = sorted(
        _relationship_label(kind, outgoing=person_id == person.pk)
        for kind, person_id in Relationship.objects.filter(
            Q(person=person) | Q(relative=person)
        ).values_list("kind", "person_id")
    )
    family_types = sorted(
        {
            label
            for m in person.household_memberships.select_related("household")
            for label in m.household.family_type_labels()
        }
    )
    participations = list(
        Participant.objects.filter(Q(person=person) | Q(alias__person=person))
        .select_related("episode__service_form")
        .order_by("episode__opened_at", "pk")
    )
    participant_ids = [p.pk for p in participations]
    others_by_episode: dict[int, list[Participant]] = defaultdict(list)
    for other in (
        Participant.objects.filter(episode_id__in={p.episode_id for p in participations})
        .exclude(pk__in=participant_ids)
        .select_related("person", "alias")
    ):
        others_by_episode[other.episode_id].append(other)
    pattern = third_parties.third_party_pattern(
        person, [o for group in others_by_episode.values() for o in group]
    )
    links = list(
        Entry.participants.through.objects.filter(participant_id__in=participant_ids).values_list(
            "entry_id", "participant_id"
        )
    )
    current = {
        e.pk: e
        for e in Entry.objects.filter(pk__in={entry_id for entry_id, _p in links})
        .filter(superseded_by__isnull=True)
        .select_related("author")
        .prefetch_related("co_workers")
    }
    # An entry that may describe someone else is never copied into an extract unreviewed
    # (third_parties): the reviewed access-request workflow releases it item by item.
    shared = set(
        Entry.participants.through.objects.filter(entry_id__in=current)
        .exclude(participant_id__in=participant_ids)
        .values_list("entry_id", flat=True)
    )
    entries_by_participant: dict[int, list[Entry]] = defaultdict(list)
    for entry_id, participant_id in links:
        if entry_id in current:
            entries_by_participant[participant_id].append(current[entry_id])
    for entries in entries_by_participant.values():
        entries.sort(key=lambda e: (e.occurred_at, e.pk))
    episodes = []
    withheld_episodes = []
    for p in participations:
        ep = p.episode
        of_episode = third_parties.episode_reasons(p, others_by_episode[ep.pk])
        if of_episode:
            withheld_episodes.extend(of_episode)
            continue
        perpetrator_work = ep.service_form.violence_work == clients.PERPETRATOR
        rows = []
        for e in entries_by_participant.get(p.pk, []):
            reasons = third_parties.entry_reasons(
                text=e.text,
                other_participants=e.pk in shared,
                perpetrator_work=perpetrator_work,
                pattern=pattern,
            )
            rows.append(
                {
                    "occurred_at": e.occurred_at.astimezone(HELSINKI),
                    "type": e.get_type_display(),
                    "author": e.author.get_full_name() or e.author.username,
                    "co_workers": [u.get_full_name() or u.username for u in e.co_workers.all()],
                    "text": "" if reasons else e.text,
                    "withheld": bool(reasons),
                    "withheld_reasons": reasons,
                    "written_with_client": e.written_with_client,
                }
            )
        episodes.append(
            ExtractEpisode(
                service_form=ep.service_form.name,
                status=str(ep.get_status_display()),
                role=str(p.get_role_display()),
                start_date=ep.start_date,
                end_date=ep.end_date,
                opened_at=ep.opened_at,
                entries=rows,
            )
        )
    return DataExtract(
        person=person,
        restricted=restricted,
        contact=_contact_rows(person, restricted),
        relationships=relationships,
        family_types=family_types,
        episodes=episodes,
        consents=list(
            Consent.objects.filter(person=person).select_related(
                "recipient_service_form", "recipient_partner"
            )
        ),
        restrictions=list(Restriction.objects.filter(person=person).order_by("-valid_from")),
        withheld_episodes=withheld_episodes,
        participations=participations,
        others_by_episode=dict(others_by_episode),
        third_party_pattern=pattern,
    )
