"""Reads of persons: quick search, the person page, duplicates. Permission-aware by construction.

Everything here starts from :func:`tupa.access.clients.persons_visible_to` or
:func:`~tupa.access.clients.episodes_visible_to` — never from ``Person.objects`` alone — so a
person the user may not see is never found, listed or counted (ARCHITECTURE.md §6: "search never
reveals that a hidden person is a client").

Name matching is case- and diacritics-insensitive on SQLite and PostgreSQL alike: both the
column and the search word are *folded* (:mod:`tupa.people.folding`: lower case, common Latin
diacritics removed, ``Hämäläinen`` → ``hamalainen``). The search matches a person's stored
``search_name``, folded by the database when the names are written.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from tupa.access.clients import (
    EpisodeVisibility,
    episode_visibility,
    episodes_visible_to,
    person_bases,
    person_bases_where_shown,
    persons_visible_to,
    user_scope,
)
from tupa.access.policy import Basis
from tupa.core.shapes import Shape
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm

from . import hetu as hetu_rules
from .folding import Fold, fold
from .models import (
    CONTACT_FIELDS,
    Alias,
    ContactHold,
    Household,
    HouseholdMember,
    Person,
    Relationship,
)
from .processing import exclude_restricted_persons

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: At most this many rows per search; the page asks to narrow the search beyond it.
SEARCH_LIMIT = 50
MIN_QUERY_LENGTH = 2

# --------------------------------------------------------------------------- building blocks


def _visible_participations(visibility: EpisodeVisibility) -> QuerySet[Participant]:
    """The participations in episodes the user may see, newest first, with the episode and its
    service form. The condition is on the participation's own episode (joined for its service
    form anyway), so PostgreSQL starts from the persons' participations, not from the visible
    episodes."""
    return (
        Participant.objects.filter(visibility.through("episode"))
        .select_related("episode__service_form")
        .order_by("-episode__opened_at", "-episode__pk")
    )


def visible_participations(
    *, user: User, visibility: EpisodeVisibility | None = None
) -> Prefetch[Any]:
    """Prefetch of a person's (or alias's) participations in episodes the user may see
    (:func:`_visible_participations`), set as ``visible_participations``. ``visibility``: the
    user's :func:`episode_visibility`, when the caller has it already."""
    if visibility is None:
        visibility = episode_visibility(user=user)
    return Prefetch(
        "participations",
        queryset=_visible_participations(visibility),
        to_attr="visible_participations",
    )


#: What a search result shows of a person and what the access log records of it: nothing else
#: of the person is read (no identity code, address or phone for a list of names).
SEARCH_PERSON_FIELDS = ("pk", "organisation_id", "first_names", "last_name", "birth_date")


def visible_forms(visibility: EpisodeVisibility) -> Prefetch[Any]:
    """:func:`visible_participations` reading only the episode's service form and its name: a
    list that shows each person with the forms of their episodes (the search) needs nothing
    else."""
    return Prefetch(
        "participations",
        queryset=_visible_participations(visibility).only(
            "person_id", "alias_id", "episode__service_form__name"
        ),
        to_attr="visible_participations",
    )


def visible_person(*, user: User, pk: int) -> Person | None:
    """The person if the user may see them (else None → 404), with visible participations."""
    visibility = episode_visibility(user=user)
    return (
        persons_visible_to(user=user, episodes=visibility.episodes())
        .filter(pk=pk)
        .select_related("municipality")
        .prefetch_related(visible_participations(user=user, visibility=visibility))
        .first()
    )


def merged_target(*, user: User, pk: int) -> Person | None:
    """For a merged person's old id: the person it was merged into, when the user sees that one."""
    row = Person.objects.filter(pk=pk, merged_into__isnull=False).only("merged_into_id").first()
    if row is None:
        return None
    target = row
    for _hop in range(5):  # merges may chain; follow a few hops
        if target.merged_into_id is None:
            break
        nxt = Person.objects.filter(pk=target.merged_into_id).first()
        if nxt is None:
            return None
        target = nxt
    return visible_person(user=user, pk=target.pk)


def bases_for(
    *, user: User, persons: Iterable[Person], known: Mapping[int, Basis] | None = None
) -> dict[Basis, list[Person]]:
    """Group persons by the basis the access log records (persons without one are dropped).

    ``known``: the bases already decided in this request for (at least) these persons, by
    :func:`~tupa.access.clients.person_bases` (the person page decides them once)."""
    people = list({p.pk: p for p in persons}.values())
    if known is not None and all(p.pk in known or p.pk is None for p in people):
        bases: Mapping[int, Basis] = known
    else:
        bases = person_bases(user=user, persons=people)
    grouped: dict[Basis, list[Person]] = {}
    for person in people:
        basis = bases.get(person.pk)
        if basis is not None:
            grouped.setdefault(basis, []).append(person)
    return grouped


def visible_alias(*, user: User, pk: int) -> Alias | None:
    """An alias with a participation in an episode the user may see (else None → 404)."""
    visibility = episode_visibility(user=user)
    return (
        Alias.objects.filter(pk=pk, participations__episode__in=visibility.episodes().values("pk"))
        .select_related("service_form", "person")
        .prefetch_related(visible_participations(user=user, visibility=visibility))
        .distinct()
        .first()
    )


def _name_filter(words: list[str]) -> Q:
    """Every (folded) word occurs in the person's folded names: ``Person.search_name``."""
    q = Q()
    for word in words:
        q &= Q(search_name__contains=word)
    return q


def find_duplicates(person: Person) -> QuerySet[Person]:
    """Other (unmerged) persons of the organisation that may be the same human.

    Same identity code, or the same folded last name, the same first given name and the same
    birth date. NOT permission-filtered: callers intersect with :func:`visible_duplicates` before
    showing anything. (The candidates are narrowed by the indexed code and birth date first;
    names are compared in Python with :func:`fold`.)
    """
    ids = _duplicate_ids(person)
    if not ids:
        return Person.objects.none()
    return Person.objects.filter(pk__in=ids).order_by("last_name", "first_names", "pk")


def _duplicate_ids(person: Person) -> list[int]:
    """The ids of :func:`find_duplicates` (one query, none without a code or a name and date)."""
    code = hetu_rules.normalise_hetu(person.hetu)
    first = fold(person.first_names or "").split()[:1]
    last = fold(person.last_name or "")
    q = Q()
    if code:
        q |= Q(hetu=code)
    if person.birth_date and first and last:
        q |= Q(birth_date=person.birth_date)
    if not q:
        return []
    candidates = Person.objects.filter(
        q, organisation_id=person.organisation_id, merged_into__isnull=True
    )
    if person.pk is not None:
        candidates = candidates.exclude(pk=person.pk)
    ids = []
    for pk, hetu, birth_date, first_names, last_name in candidates.values_list(
        "pk", "hetu", "birth_date", "first_names", "last_name"
    ):
        same_code = bool(code) and hetu == code
        same_name = (
            bool(first)
            and birth_date == person.birth_date
            and fold(last_name) == last
            and fold(first_names).split()[:1] == first
        )
        if same_code or same_name:
            ids.append(pk)
    return ids


def visible_duplicates(*, user: User, person: Person) -> list[Person]:
    """Possible duplicates of ``person`` that the user may see (hidden ones stay hidden)."""
    ids = _duplicate_ids(person)
    if not ids:
        return []  # no candidates (the usual case): nothing to decide visibility for
    visibility = episode_visibility(user=user)
    return list(
        persons_visible_to(user=user, episodes=visibility.episodes())
        .filter(pk__in=ids)
        .order_by("last_name", "first_names", "pk")
        .prefetch_related(visible_participations(user=user, visibility=visibility))
    )


# --------------------------------------------------------------------------- quick search


@dataclass
class SearchResults:
    query: str
    searched: bool = False
    too_short: bool = False
    persons: list[Person] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.persons and not self.aliases


_DATE_PATTERNS = (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"),)
_TEMPORARY_ID = re.compile(r"^T-[0-9A-F]{4,}$")


def _parse_date(text: str) -> date | None:
    if not any(p.match(text) for p in _DATE_PATTERNS):
        return None
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        return None


#: Control characters in a typed query (C0, DEL and C1): treated as spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def search_persons(*, user: User, query: str) -> SearchResults:
    """Persons (and unidentified aliases) matching ``query`` among those visible to ``user``.

    - an identity code: exact match on the normalised code;
    - a temporary identifier (``T-…``): exact match;
    - a date ``pp.kk.vvvv``: birth date;
    - otherwise words: every word must occur in the first names or the last name, and aliases
      (labels of anonymous clients) match the same way.

    A hidden person is simply not there: the result has the same shape, and nothing counts or
    orders by hidden rows. Restricted persons are sorted by name like everyone else.
    Control characters (a NUL byte, which PostgreSQL refuses in a text parameter) separate
    words like spaces: no name holds them.
    """
    text = " ".join(_CONTROL.sub(" ", query or "").split())
    results = SearchResults(query=text)
    if len(fold(text)) < MIN_QUERY_LENGTH:
        results.too_short = bool(text)
        return results
    results.searched = True
    visibility = episode_visibility(user=user)  # reads the grants once for the search
    visible_episodes = visibility.episodes()
    # GDPR art. 18: a restricted person is not found (the DPO uses the exact lookup). The words
    # filter the visible persons' query itself, not ``pk IN (visible persons)``: that form
    # joined the persons table to itself and looked up every visible person twice.
    persons = exclude_restricted_persons(persons_visible_to(user=user, episodes=visible_episodes))
    aliases: QuerySet[Alias] | None = None
    upper = text.upper()
    born = _parse_date(text)
    if hetu_rules.looks_like_hetu(text):
        persons = persons.filter(hetu=hetu_rules.normalise_hetu(text))
    elif _TEMPORARY_ID.match(upper):
        persons = persons.filter(temporary_id=upper)
    elif born is not None:
        persons = persons.filter(birth_date=born)
    else:
        words = fold(text).split()
        matching_aliases = Alias.objects.annotate(al=Fold("label"))
        for word in words:
            matching_aliases = matching_aliases.filter(al__contains=word)
        # The organisation's aliases (labels of anonymous clients: few) whose label matches, read
        # first and alone: nothing of them is shown, but the person query is simpler without
        # them, and the visible-alias query is needed only when one is unidentified.
        member_forms = user_scope(user).member_form_ids
        linked: list[int] = []
        unidentified: list[int] = []
        for pk, person_id, form_id in matching_aliases.values_list(
            "pk", "person_id", "service_form_id"
        ):
            if person_id is None:
                unidentified.append(pk)
            elif form_id in member_forms:
                # Identified aliases of the user's own service forms lead to their person.
                linked.append(person_id)
        names = _name_filter(words)
        persons = persons.filter(names | Q(pk__in=linked) if linked else names)
        aliases = (
            Alias.objects.filter(
                pk__in=unidentified,
                participations__episode__in=visible_episodes.values("pk"),
            )
            .distinct()
            .select_related("service_form")
            .prefetch_related(visible_participations(user=user, visibility=visibility))
            .order_by("label", "pk")
            if unidentified
            else Alias.objects.none()
        )
    found = list(
        persons.order_by("last_name", "first_names", "pk")
        .only(*SEARCH_PERSON_FIELDS)
        .prefetch_related(visible_forms(visibility))[: SEARCH_LIMIT + 1]
    )
    results.truncated = len(found) > SEARCH_LIMIT
    results.persons = found[:SEARCH_LIMIT]
    if aliases is not None:
        found_aliases = list(aliases[: SEARCH_LIMIT + 1])
        results.truncated = results.truncated or len(found_aliases) > SEARCH_LIMIT
        results.aliases = found_aliases[:SEARCH_LIMIT]
    return results


def service_forms_of_rows(participations: Iterable[Participant]) -> list[Any]:
    """Distinct service forms of the given participations, in order of appearance."""
    seen: dict[int, Any] = {}
    for part in participations:
        seen.setdefault(part.episode.service_form_id, part.episode.service_form)
    return list(seen.values())


# --------------------------------------------------------------------------- person page


def _inverse_labels() -> dict[str, Any]:
    """How the *other* person reads when the page's person is the relationship's ``person``."""
    from django.utils.translation import gettext_lazy as _

    return {
        Relationship.Kind.PARENT: _("lapsi"),
        Relationship.Kind.FOSTER_PARENT: _("sijaislapsi"),
        Relationship.Kind.GRANDPARENT: _("lapsenlapsi"),
        Relationship.Kind.STEP_PARENT: _("lapsipuoli"),
    }


@dataclass
class RelatedRow:
    person: Person
    label: Any
    relationship: Relationship


@dataclass
class HouseholdRow:
    household: Household
    members: list[HouseholdMember]
    valid_until: date | None


@dataclass
class PersonPage:
    person: Person
    basis: Basis | None
    participations: list[Participant]
    relatives: list[RelatedRow]
    households: list[HouseholdRow]
    aliases: list[Alias]
    duplicates: list[Person]
    #: The basis of every person with one among those the page considered (all of
    #: :attr:`shown_persons` among them), decided once for the page, its access log and its
    #: reveal check.
    bases: dict[int, Basis] = field(default_factory=dict)

    @property
    def shown_persons(self) -> list[Person]:
        """Everyone whose data the page shows (for the access log)."""
        shown = [self.person]
        shown += [r.person for r in self.relatives]
        for row in self.households:
            shown += [m.person for m in row.members]
        shown += self.duplicates
        return list({p.pk: p for p in shown}.values())


def relationship_label(relationship: Relationship, *, page_person_id: int) -> Any:
    """How the other person reads on the page of ``page_person_id`` ("lapsi", "vanhempi"…)."""
    if relationship.person_id == page_person_id and relationship.kind not in Relationship.SYMMETRIC:
        return _inverse_labels().get(relationship.kind, relationship.get_kind_display())
    return relationship.get_kind_display()


# The person page's own reads of her relationships, households and aliases: asked on every
# view, so shapes compiled once per connection (ADR 0026, second addendum), each filtering by
# the organisation itself as the organisation scope would. Who may be shown is decided after.
_RELATIONSHIPS: Final = Shape(
    lambda s: (
        Relationship.objects.filter(
            Q(person_id=s.person) | Q(relative_id=s.person), person__organisation_id=s.organisation
        )
        .select_related("person", "relative")
        .order_by("kind", "pk")
    ),
    name="a person's relationships",
)
_HOUSEHOLDS: Final = Shape(
    lambda s: (
        HouseholdMember.objects.filter(
            person_id=s.person, household__organisation_id=s.organisation
        )
        .select_related("household")
        .order_by("household__name", "pk")
    ),
    name="a person's households",
)
_ALIASES: Final = Shape(
    lambda s: (
        Alias.objects.filter(
            person_id=s.person, organisation_id=s.organisation, service_form_id__in=s.forms
        )
        .select_related("service_form", "linked_by")
        .order_by("-linked_at", "pk")
    ),
    name="a person's aliases in the user's forms",
)


def person_page(*, user: User, person: Person) -> PersonPage:
    """What the person page shows, for a person from :func:`visible_person` (her visible
    participations prefetched). Related persons appear only when the user may see them too.

    (The wall: a perpetrator-work worker looking at his client never sees the partner who is a
    shelter client — the partner is not in his ``persons_visible_to``.)

    The person's few relationships and household members are read first, then one
    :func:`~tupa.access.clients.person_bases_where_shown` decides for all of them (and the
    duplicates) at once: a person is visible exactly when they are not merged away and have a basis, which is
    what ``persons_visible_to`` selects. The bases are kept for the access log of the page.
    """
    own: dict[str, Any] = {"person": person.pk, "organisation": person.organisation_id}
    relationships = _RELATIONSHIPS.instances(**own)
    memberships = _HOUSEHOLDS.instances(**own)
    prefetch_related_objects(
        memberships,
        Prefetch(
            "household__members",
            queryset=HouseholdMember.objects.exclude(person=person)
            .select_related("person")
            .order_by("person__last_name", "person__first_names", "pk"),
            to_attr="other_members",
        ),
    )
    duplicates = visible_duplicates(user=user, person=person)
    others = [rel.relative if rel.person_id == person.pk else rel.person for rel in relationships]
    others += [
        member.person
        for m in memberships
        for member in m.household.other_members  # type: ignore[attr-defined]
    ]
    # The person is shown through her visible participations (prefetched by visible_person):
    # a member of one of their forms sees her on membership without another query.
    participations = list(person.visible_participations)  # type: ignore[attr-defined]
    own_forms = {p.episode.service_form_id for p in participations}
    bases = person_bases_where_shown(
        user=user, shown=[(person, own_forms), *((other, ()) for other in [*others, *duplicates])]
    )

    def visible(other: Person) -> bool:
        return other.pk in bases and other.merged_into_id is None

    relatives = []
    for rel in relationships:
        other = rel.relative if rel.person_id == person.pk else rel.person
        if not visible(other):
            continue
        relatives.append(
            RelatedRow(
                person=other,
                label=relationship_label(rel, page_person_id=person.pk),
                relationship=rel,
            )
        )
    relatives.sort(key=lambda r: (r.person.last_name, r.person.first_names, r.person.pk))
    households = [
        HouseholdRow(
            household=m.household,
            members=[
                member
                for member in m.household.other_members  # type: ignore[attr-defined]
                if visible(member.person)
            ],
            valid_until=m.valid_until,
        )
        for m in memberships
    ]
    aliases = _ALIASES.instances(**own, forms=tuple(sorted(user_scope(user).member_form_ids)))
    return PersonPage(
        person=person,
        basis=bases.get(person.pk),
        participations=participations,
        relatives=relatives,
        households=households,
        aliases=aliases,
        duplicates=duplicates,
        bases=bases,
    )


def relationship_candidates(*, user: User, person: Person) -> QuerySet[Person]:
    """Persons the user may link to ``person``: visible persons who share a visible episode
    with them or are already their (visible) relatives. Never anyone the user cannot see."""
    episodes = episodes_visible_to(user=user)
    shared = Participant.objects.filter(
        episode__in=episodes.values("pk"),
        episode__participants__person=person,
        person__isnull=False,
    ).values("person_id")
    related = Person.objects.filter(
        Q(relationships_from__relative=person) | Q(relationships_to__person=person)
    ).values("pk")
    return (
        persons_visible_to(user=user, episodes=episodes)
        .filter(Q(pk__in=shared) | Q(pk__in=related))
        .exclude(pk=person.pk)
        .order_by("last_name", "first_names", "pk")
    )


def households_of(*, persons: Iterable[Person]) -> QuerySet[Household]:
    ids = [p.pk for p in persons]
    return Household.objects.filter(members__person_id__in=ids).distinct().order_by("name")


def intake_service_forms(*, user: User) -> list[ServiceForm]:
    """The active service forms where the user does client work (where a new client can start)."""
    ids = user_scope(user).member_form_ids
    return list(ServiceForm.objects.filter(pk__in=ids, active=True).order_by("name"))


def as_given(person: Person, hold: ContactHold) -> Person:
    """A copy of ``person`` for display and the edit form, whose contact data are the ones
    given to the held form (``hold.given``) instead of the stored ones; never saved."""
    shown = copy.copy(person)
    for name in CONTACT_FIELDS:
        if name == "municipality":
            shown.municipality_id = hold.given.get(name)
            shown._state.fields_cache.pop(name, None)
        else:
            setattr(shown, name, hold.given.get(name, ""))
    return shown


def hold_queue(*, user: User) -> QuerySet[ContactHold]:
    """Open holds of the forms the user leads that someone else opened (for confirming)."""
    return (
        ContactHold.objects.filter(
            service_form_id__in=user_scope(user).lead_form_ids, confirmed_at__isnull=True
        )
        .exclude(created_by=user)
        .select_related("person", "service_form", "created_by")
        .order_by("created_at", "pk")
    )


def holds_confirmed(*, user: User, limit: int = 20) -> list[ContactHold]:
    """The latest confirmed holds of the forms the user leads."""
    return list(
        ContactHold.objects.filter(
            service_form_id__in=user_scope(user).lead_form_ids, confirmed_at__isnull=False
        )
        .select_related("person", "service_form", "created_by", "confirmed_by")
        .order_by("-confirmed_at", "-pk")[:limit]
    )
