"""The person page's data: her relatives, households, aliases and duplicates the user may see,
and the reads of the pages around it (relationship candidates, households, intake forms)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from tupa.access.clients import (
    episodes_visible_to,
    person_bases_where_shown,
    persons_visible_to,
    user_scope,
)
from tupa.access.policy import Basis
from tupa.core.shapes import Shape
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm

from ..models import Alias, Household, HouseholdMember, Person, Relationship
from .duplicates import visible_duplicates

if TYPE_CHECKING:
    from tupa.accounts.models import User


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
