"""What the residential indicators share: stay chains, person rows, periods."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from django.db.models import OuterRef, QuerySet, Subquery

from tupa.core.shapes import Shape, Slots
from tupa.core.wallclock import day_bounds, local_date, local_day, local_midnight
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.commitments import selectors as billing_selectors
from tupa.residential.models import (
    ShelterClientData,
    Stay,
    StayMember,
)
from tupa.residential.stays.selectors import (
    MemberRow,
    PersonKey,
    member_values,
    members_between,
    present_between,
)
from tupa.residential.thl import variables as thl

from ..base import Params
from ..dimensions import (
    ADULT,
    CHILD,
    month_value,
)
from ..reads import candidate_forms, period_rows, shared_read

Data = ShelterClientData

#: Values of the stays' "began" dimension.
BEGAN: Final = "began"
EARLIER: Final = "earlier"
#: Values of the turn-aways' destination dimension (THL counts those sent to another shelter).
OTHER_SHELTER: Final = "other_shelter"
ELSEWHERE: Final = "elsewhere"
#: Values of the payer dimension besides the payers' partner ids (billing's groups).
STATE: Final = billing_selectors.STATE
NO_COMMITMENT: Final = billing_selectors.MISSING

#: The participant roles whose person speaks for the family (the episode's municipality).
MAIN_ROLES: Final = (Participant.Role.CLIENT, Participant.Role.EXPECTANT_PARENT)


def is_residential(form: Any) -> bool:
    return bool(form.kind == ServiceForm.Kind.RESIDENTIAL)


# --------------------------------------------------------------------------- shared reads


def main_client_home() -> Subquery:
    """The home municipality of the main client (the first named client or expectant parent)
    of the row's episode (``episode_id``): the municipality of a family's stay."""
    return Subquery(
        Participant.objects.filter(
            episode_id=OuterRef("episode_id"), role__in=MAIN_ROLES, person__isnull=False
        )
        .order_by("pk")
        .values("person__municipality_id")[:1]
    )


@dataclass(frozen=True)
class StayRow:
    pk: int
    episode_id: int
    referral_source: str
    arrived_at: dt.datetime
    departed_at: dt.datetime | None
    moved_from_id: int | None
    started_in_pregnancy: bool
    pregnancy_stays: bool
    #: The episode's home municipality (:func:`main_client_home`).
    home: int | None = None


@dataclass
class Chains:
    """The residence chains (stays joined by moves) of which some part lies in the period."""

    by_pk: dict[int, StayRow]
    #: Chain head (first stay) of every stay of the episodes read.
    head_of: dict[int, int]
    #: Last stay of each chain, by head.
    tail_of: dict[int, int]
    #: Heads of the chains that overlap the period, in order of arrival.
    heads: list[int]

    def head(self, pk: int) -> StayRow:
        return self.by_pk[self.head_of[pk]]

    def tail(self, head_pk: int) -> StayRow:
        return self.by_pk[self.tail_of[head_pk]]

    @functools.cached_property
    def municipalities(self) -> dict[int, int | None]:
        """The home municipality of the episode of each chain in the period
        (:func:`main_client_home`, read with the stays)."""
        return {self.by_pk[h].episode_id: self.by_pk[h].home for h in self.heads}


def _stays(s: Slots) -> QuerySet[Stay, tuple[Any, ...]]:
    """Every stay of the episodes with a stay in the period in the forms (for :func:`chains`)."""
    of_forms = Stay.objects.filter(
        organisation_id=s.organisation, place__service_form_id__in=s.forms
    )
    in_period = of_forms.filter(present_between(s.lower, s.upper))
    return (
        of_forms.filter(episode_id__in=in_period.values("episode_id"))
        .annotate(home=main_client_home())
        .order_by("arrived_at", "pk")
        .values_list(
            "pk",
            "episode_id",
            "episode__referral_source",
            "arrived_at",
            "departed_at",
            "moved_from_id",
            "started_in_pregnancy",
            "place__service_form__pregnancy_stays",
            "home",
        )
    )


_STAYS: Final = Shape(_stays)


@shared_read
def chains(params: Params) -> Chains:
    """Every stay of the episodes with a stay overlapping the period in the selected forms,
    grouped into chains, with each episode's home municipality. One query."""
    rows = [StayRow(*values) for values in period_rows(_STAYS, params)]
    by_pk = {r.pk: r for r in rows}
    head_of: dict[int, int] = {}
    for r in rows:
        head = r.pk
        while (previous := by_pk[head].moved_from_id) is not None and previous in by_pk:
            head = previous
        head_of[r.pk] = head
    tail_of: dict[int, int] = {}
    for r in rows:  # in order of arrival: the last stay of a chain comes last
        tail_of[head_of[r.pk]] = r.pk
    lower, upper = day_bounds(params.start, params.end)
    heads: dict[int, None] = {}
    for r in rows:
        if r.arrived_at < upper and (r.departed_at is None or r.departed_at > lower):
            heads.setdefault(head_of[r.pk], None)
    return Chains(by_pk, head_of, tail_of, sorted(heads, key=lambda h: by_pk[h].arrived_at))


_DATA_FIELDS: Final = (*thl.PERSON_VARIABLES, "violence_forms")


@dataclass(frozen=True)
class PersonRow:
    """One person of the period as THL counts them: the stay-member period that describes them
    (their first one in the period with THL data, else their first one) and its data."""

    key: PersonKey
    person_id: int | None
    municipality_id: int | None
    episode_id: int
    referral_source: str
    group: str  # dimensions.ADULT or CHILD
    data: dict[str, Any] | None


class PeriodMember(NamedTuple):
    """A stay member's presence in one of the return's forms that can touch the period."""

    member: MemberRow
    service_form_id: int
    arrived_on: dt.date  # the local date of arrival


def _members_of_period(s: Slots) -> QuerySet[StayMember]:
    """The stay members of the forms whose presence can touch the period (``members_in``)."""
    return StayMember.objects.filter(
        stay__organisation_id=s.organisation, stay__place__service_form_id__in=s.forms
    ).filter(members_between(s.lower, s.upper))


def _period_members(s: Slots) -> QuerySet[StayMember, tuple[Any, ...]]:
    return member_values(
        _members_of_period(s)
        .annotate(arrived_on=local_day("arrived_at"))
        .order_by("arrived_at", "pk"),
        "stay__place__service_form_id",
        "arrived_on",
    )


_PERIOD_MEMBERS: Final = Shape(_period_members)


@shared_read
def period_members(params: Params) -> list[PeriodMember]:
    """Every stay member's presence that can count a care day in the period, in the selected
    forms, in order of arrival: the care-day ledger's rows
    (:func:`~tupa.residential.stays.selectors.member_values`), read once for the persons of the
    period (:func:`person_rows`) and their residence days. One query."""
    return [
        PeriodMember(MemberRow(*values[:-2]), *values[-2:])
        for values in period_rows(_PERIOD_MEMBERS, params)
    ]


def _participants(s: Slots) -> QuerySet[Participant, tuple[Any, ...]]:
    """The participants of the members of :func:`_period_members` (for :func:`person_rows`)."""
    members = _members_of_period(s).values("participant_id")
    return Participant.objects.filter(pk__in=members).values_list(
        "pk",
        "person_id",
        "alias_id",
        "role",
        "person__birth_date",
        "alias__birth_year",
        "person__municipality_id",
        "episode_id",
        "episode__referral_source",
        "shelter_data__id",
        *(f"shelter_data__{name}" for name in _DATA_FIELDS),
    )


_PARTICIPANTS: Final = Shape(_participants)


@shared_read
def person_rows(params: Params) -> list[PersonRow]:
    """Every person with a stay-member period overlapping the period in the selected forms.

    The rows in order of arrival, the first one with THL data chosen, adult or child by
    :func:`~tupa.residential.thl.variables.is_child` (the rules of the package docstring).
    The periods are :func:`period_members` (a departure at the period's first midnight is not
    in the period here); one query more for their participants, when there are any.
    """
    lower = local_midnight(params.start)
    members = [
        (m.member.participant_id, m.arrived_on)
        for m in period_members(params)
        if m.member.departed_at is None or m.member.departed_at > lower
    ]
    if not members:
        return []
    participants = {pk: rest for pk, *rest in period_rows(_PARTICIPANTS, params)}
    per_person: dict[PersonKey, list[tuple[Any, ...]]] = defaultdict(list)
    for participant_id, arrived_on in members:
        row = (*participants[participant_id], arrived_on)
        person_id, alias_id = row[0], row[1]
        key: PersonKey = ("person", person_id) if person_id is not None else ("alias", alias_id)
        per_person[key].append(row)
    result = []
    for key, member_rows in per_person.items():
        chosen = next((r for r in member_rows if r[8] is not None), member_rows[0])
        (
            person_id,
            _alias_id,
            role,
            birth_date,
            birth_year,
            municipality_id,
            episode_id,
            referral_source,
            data_id,
            *values,
            arrived_on,
        ) = chosen
        data = dict(zip(_DATA_FIELDS, values, strict=True)) if data_id is not None else None
        age = thl.age_at(birth_date=birth_date, birth_year=birth_year, on=arrived_on)
        child = thl.is_child(
            age_band=data["age_band"] if data else Data.AgeBand.UNKNOWN,
            fallback_age_band=thl.age_band_for(age),
            role=role,
        )
        result.append(
            PersonRow(
                key=key,
                person_id=person_id,
                municipality_id=municipality_id,
                episode_id=episode_id,
                referral_source=referral_source,
                group=CHILD if child else ADULT,
                data=data,
            )
        )
    return result


def forms_of(params: Params) -> list[ServiceForm]:
    """The forms of ``params`` by id (read once per run: :func:`~..reads.candidate_forms`)."""
    return sorted(candidate_forms(params), key=lambda form: form.pk)


def month_of(moment: dt.datetime) -> str:
    return month_value(local_date(moment))
