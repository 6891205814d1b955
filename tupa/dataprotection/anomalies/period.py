"""One period's data for the anomaly rules, loaded once in a constant number of queries.

:func:`load_period` reads the access events of ``[start, end)`` and everything the rules need to
judge them (memberships, assignments, consents, break-the-glass rows, restrictions) — never one
query per event, user or person. :class:`PeriodData` answers the rules' questions from memory.

Memberships, assignments, sharing consents and a service form's ``open_24h`` are judged **as
they were recorded at the moment of the read**, from their django-simple-history versions (which
the administrator's pages cannot edit): a version is in force from its ``history_date`` until the
next version of the same row (or its removal). A row added afterwards with a back-dated
``valid_from``/``given_on``, a start moved back, a validity extended or a withdrawal cleared
afterwards, or a form made 24 h afterwards, does not back or excuse an earlier read, so the audit
cannot be laundered; and an end, a withdrawal or a removal recorded afterwards does not make a
read that was backed at its moment a finding, so a past period's findings (and the DPO's reviews
of them, keyed by finding) do not move with later edits. A row with no recorded version (written
around the ORM) backs nothing (a form with none is not 24 h).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django_scopes import scope, scopes_disabled

from tupa.access.clients import CLIENT_WORK_ROLES
from tupa.access.policy import Basis
from tupa.accounts.models import Membership, User
from tupa.audit.models import AccessEvent
from tupa.core.wallclock import HELSINKI
from tupa.dataprotection.anomalies.config import DEFAULTS, AnomalySettings
from tupa.episodes.models import Assignment, BreakGlass, Episode, Participant, Referral
from tupa.organisations.models import ServiceForm
from tupa.people.models import Alias, Consent, Person
from tupa.people.restrictions import restricted_person_ids


@dataclass(frozen=True)
class Read:
    """One access event of a client subject (a person or an alias)."""

    id: int
    user_id: int
    at: dt.datetime
    subject_type_id: int
    subject_id: str
    episode_id: int | None
    action: str
    basis: str
    reason: str

    @property
    def local(self) -> dt.datetime:
        return self.at.astimezone(HELSINKI)

    @property
    def subject(self) -> tuple[int, str]:
        return (self.subject_type_id, self.subject_id)


class _ValidWhenRecorded:
    """A version with a validity (``valid_from``..``valid_until``) recorded in
    ``[recorded_from, recorded_until)``: the membership and assignment rows."""

    valid_from: dt.date
    valid_until: dt.date | None
    recorded_from: dt.datetime
    recorded_until: dt.datetime | None

    def active_at(self, moment: dt.datetime) -> bool:
        """Recorded by ``moment``, not yet replaced, and valid on its local date."""
        return _in_force(
            self.recorded_from,
            self.recorded_until,
            self.valid_from,
            self.valid_until,
            moment,
        )


@dataclass(frozen=True)
class MembershipRow(_ValidWhenRecorded):
    """One recorded version of a membership, in force in ``[recorded_from, recorded_until)``."""

    service_form_id: int | None
    role: str
    valid_from: dt.date
    valid_until: dt.date | None
    night_shift: bool
    recorded_from: dt.datetime
    recorded_until: dt.datetime | None = None


@dataclass(frozen=True)
class AssignmentRow(_ValidWhenRecorded):
    """One recorded version of an assignment, in force in ``[recorded_from, recorded_until)``."""

    episode_id: int
    valid_from: dt.date
    valid_until: dt.date | None
    recorded_from: dt.datetime
    recorded_until: dt.datetime | None = None


#: When a version was in force: ``[recorded from, recorded until)`` (until ``None``: still is).
Recorded = tuple[dt.datetime, dt.datetime | None]


def _recorded_at(recorded: Recorded, moment: dt.datetime) -> bool:
    """Was the version recorded by ``moment`` and not yet replaced or removed?"""
    recorded_from, recorded_until = recorded
    return recorded_from <= moment and (recorded_until is None or moment < recorded_until)


def _in_force(
    recorded_from: dt.datetime,
    recorded_until: dt.datetime | None,
    valid_from: dt.date,
    valid_until: dt.date | None,
    moment: dt.datetime,
) -> bool:
    if not _recorded_at((recorded_from, recorded_until), moment):
        return False
    day = moment.astimezone(HELSINKI).date()
    return valid_from <= day and (valid_until is None or valid_until >= day)


@dataclass(frozen=True)
class BreakGlassRow:
    id: int
    user_id: int
    episode_id: int
    started_at: dt.datetime
    expires_at: dt.datetime
    reviewed_at: dt.datetime | None
    reason: str


@dataclass(frozen=True)
class ConsentRow:
    """One recorded version of a sharing consent, in force in ``[recorded_from, recorded_until)``."""

    recipient_form_id: int
    given_on: dt.date
    valid_until: dt.date | None
    withdrawn_on: dt.date | None
    recorded_from: dt.datetime
    recorded_until: dt.datetime | None = None

    def active_at(self, moment: dt.datetime) -> bool:
        """Recorded by ``moment``, not yet replaced, given and not withdrawn on its local date."""
        withdrawn = self.withdrawn_on
        if withdrawn is not None and withdrawn <= moment.astimezone(HELSINKI).date():
            return False
        return _in_force(
            self.recorded_from,
            self.recorded_until,
            self.given_on,
            self.valid_until,
            moment,
        )


@dataclass
class PeriodData:
    organisation_id: int
    start: dt.datetime
    end: dt.datetime
    now: dt.datetime
    person_ct_id: int
    alias_ct_id: int
    episode_ct_id: int
    reads: list[Read] = field(default_factory=list)
    users: dict[int, User] = field(default_factory=dict)
    #: user id → the recorded versions of her memberships (see the module doc)
    memberships: dict[int, list[MembershipRow]] = field(default_factory=dict)
    #: person id → (last name, merged into)
    persons: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    #: alias id → (linked person, its service form, linked at)
    aliases: dict[int, tuple[int | None, int, dt.datetime | None]] = field(default_factory=dict)
    episode_form: dict[int, int] = field(default_factory=dict)
    person_episodes: dict[int, set[int]] = field(default_factory=dict)
    alias_episodes: dict[int, set[int]] = field(default_factory=dict)
    #: person id → [(form referred to, when)]
    referrals: dict[int, list[tuple[int, dt.datetime]]] = field(default_factory=dict)
    #: user id → the recorded versions of her assignments
    assignments: dict[int, list[AssignmentRow]] = field(default_factory=dict)
    #: episode id → the recorded versions of its sharing consents to a service form
    consents: dict[int, list[ConsentRow]] = field(default_factory=dict)
    #: service form id → when it was recorded as 24 h (``open_24h``)
    open_24h: dict[int, list[Recorded]] = field(default_factory=dict)
    break_glass: list[BreakGlassRow] = field(default_factory=list)
    #: (local date, person id) pairs whose restricted fields were hidden on that date
    restricted: set[tuple[dt.date, int]] = field(default_factory=set)
    #: Clock tolerance when matching a read to a break-the-glass period.
    slack: dt.timedelta = dt.timedelta(seconds=DEFAULTS.break_glass_slack_seconds)

    # -- helpers used by the rules

    def person_of(self, read: Read) -> int | None:
        """The person a read concerns: the person, or the alias's person once it was linked."""
        if not read.subject_id.isdigit():
            return None
        pk = int(read.subject_id)
        if read.subject_type_id == self.person_ct_id:
            return pk
        if read.subject_type_id == self.alias_ct_id and pk in self.aliases:
            person_id, _form, linked_at = self.aliases[pk]
            if person_id is not None and linked_at is not None and linked_at <= read.at:
                return person_id
        return None

    def subject_episodes(self, read: Read) -> set[int]:
        if not read.subject_id.isdigit():
            return set()
        pk = int(read.subject_id)
        if read.subject_type_id == self.person_ct_id:
            episodes = set(self.person_episodes.get(pk, ()))
            merged_into = self.persons.get(pk, ("", None))[1]
            if merged_into is not None:
                episodes |= self.person_episodes.get(merged_into, set())
            return episodes
        if read.subject_type_id == self.alias_ct_id:
            episodes = set(self.alias_episodes.get(pk, ()))
            person_id = self.aliases.get(pk, (None, 0, None))[0]
            if person_id is not None:
                episodes |= self.person_episodes.get(person_id, set())
            return episodes
        return set()

    def client_forms(self, user_id: int, moment: dt.datetime) -> set[int]:
        return {
            m.service_form_id
            for m in self.memberships.get(user_id, ())
            if m.service_form_id is not None and m.role in CLIENT_WORK_ROLES and m.active_at(moment)
        }

    def has_organisation_role(self, user_id: int, moment: dt.datetime) -> bool:
        return any(
            m.service_form_id is None and m.active_at(moment)
            for m in self.memberships.get(user_id, ())
        )

    def open_24h_at(self, form_id: int | None, moment: dt.datetime) -> bool:
        """Was the form recorded as 24 h at ``moment``?"""
        if form_id is None:
            return False
        return any(_recorded_at(recorded, moment) for recorded in self.open_24h.get(form_id, ()))

    def works_nights(self, user_id: int, moment: dt.datetime) -> bool:
        return any(
            m.active_at(moment) and (m.night_shift or self.open_24h_at(m.service_form_id, moment))
            for m in self.memberships.get(user_id, ())
        )

    def backed(self, read: Read) -> bool:
        """Is the read's recorded basis backed by data recorded and valid at its moment?"""
        basis = read.basis
        if basis == Basis.ORGANISATION_ROLE:
            return self.has_organisation_role(read.user_id, read.at)
        if basis not in _RELATIONSHIP_BASES:
            return False  # "none", "self" (a client is never the user) or unknown
        episodes = {read.episode_id} if read.episode_id is not None else self.subject_episodes(read)
        if basis == Basis.MEMBERSHIP:
            forms = self.client_forms(read.user_id, read.at)
            if any(self.episode_form.get(e) in forms for e in episodes):
                return True
            if read.episode_id is not None or not read.subject_id.isdigit():
                return False
            pk = int(read.subject_id)
            if read.subject_type_id == self.alias_ct_id:
                return pk in self.aliases and self.aliases[pk][1] in forms
            return any(
                form in forms and when <= read.at for form, when in self.referrals.get(pk, ())
            )
        if basis == Basis.ASSIGNMENT:
            return any(
                a.episode_id in episodes and a.active_at(read.at)
                for a in self.assignments.get(read.user_id, ())
            )
        if basis == Basis.CONSENT:
            forms = self.client_forms(read.user_id, read.at)
            return any(
                c.recipient_form_id in forms and c.active_at(read.at)
                for e in episodes
                for c in self.consents.get(e, ())
            )
        # break-the-glass: one of the user's covers the moment of the read
        return any(
            b.user_id == read.user_id
            and b.episode_id in episodes
            and b.started_at - self.slack <= read.at <= b.expires_at + self.slack
            for b in self.break_glass
        )


_RELATIONSHIP_BASES = frozenset(
    {Basis.MEMBERSHIP, Basis.ASSIGNMENT, Basis.CONSENT, Basis.BREAK_THE_GLASS}
)


def _ids(values: Iterable[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


def _versions(
    rows: Iterable[tuple[Any, ...]],
) -> Iterator[tuple[int, tuple[dt.datetime, dt.datetime | None], str, tuple[Any, ...]]]:
    """The versions in force of history ``rows`` ``(id, history_date, history_type, *fields)``
    ordered by id and time: ``(id, (recorded from, recorded until), type, fields)``. A version is
    in force until the next version of the same row; a removal ('-') is never in force."""
    previous: tuple[Any, ...] | None = None
    for row in rows:
        if previous is not None and previous[2] != "-":
            until = row[1] if row[0] == previous[0] else None
            yield previous[0], (previous[1], until), previous[2], tuple(previous[3:])
        previous = row
    if previous is not None and previous[2] != "-":
        yield previous[0], (previous[1], None), previous[2], tuple(previous[3:])


def load_period(
    *,
    organisation_id: int,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    config: AnomalySettings = DEFAULTS,
) -> PeriodData:
    """Everything the rules need for ``[start, end)``, in a constant number of queries.

    Queries: the reads; users; memberships; the service forms' ``open_24h``; persons; aliases; participations; the episodes the
    reads name; referrals; assignments; consents; break-the-glass rows; and the restriction
    check once per local day with reads to check (at most the days of the period, each one to
    three queries — never per event or person).
    """
    cts = ContentType.objects.get_for_models(Person, Alias, Episode)
    data = PeriodData(
        organisation_id=organisation_id,
        start=start,
        end=end,
        now=now,
        person_ct_id=cts[Person].pk,
        alias_ct_id=cts[Alias].pk,
        episode_ct_id=cts[Episode].pk,
        slack=dt.timedelta(seconds=config.break_glass_slack_seconds),
    )
    slack = data.slack
    with scopes_disabled():
        data.reads = [
            Read(*row)
            for row in AccessEvent.objects.filter(
                organisation_id=organisation_id,
                occurred_at__gte=start,
                occurred_at__lt=end,
                subject_type_id__in=[data.person_ct_id, data.alias_ct_id],
            )
            .order_by("occurred_at", "id")
            .values_list(
                "id",
                "user_id",
                "occurred_at",
                "subject_type_id",
                "subject_id",
                "episode_id",
                "action",
                "basis",
                "reason",
            )
        ]
        data.users = {
            u.pk: u
            for u in User.objects.filter(organisation_id=organisation_id).only(
                "id", "username", "first_name", "last_name", "organisation_id"
            )
        }
        # Every recorded version up to the end of the period, oldest first per row: a version
        # is in force until the next one (a version cannot be dropped for its dates, as it
        # ends the one before it).
        membership_versions = (
            Membership.history.filter(organisation_id=organisation_id, history_date__lt=end)
            .order_by("id", "history_date", "history_id")
            .values_list(
                "id",
                "history_date",
                "history_type",
                "user_id",
                "service_form_id",
                "role",
                "valid_from",
                "valid_until",
                "night_shift",
            )
        )
        for _pk, recorded, _kind, rest in _versions(membership_versions):
            user_id, sf_id, role, valid_from, valid_until, night_shift = rest
            data.memberships.setdefault(user_id, []).append(
                MembershipRow(sf_id, role, valid_from, valid_until, night_shift, *recorded)
            )
        # The forms' own versions: whether a form is 24 h is judged as recorded at the read, not
        # by the version the membership's join would give (the form as it is now). One query
        # more than a join, as the form's versions have intervals of their own.
        form_versions = (
            ServiceForm.history.filter(organisation_id=organisation_id, history_date__lt=end)
            .order_by("id", "history_date", "history_id")
            .values_list("id", "history_date", "history_type", "open_24h")
        )
        for form_id, recorded, _kind, (open_24h,) in _versions(form_versions):
            if open_24h:
                data.open_24h.setdefault(form_id, []).append(recorded)

        person_ids = _ids(
            r.subject_id for r in data.reads if r.subject_type_id == data.person_ct_id
        )
        alias_ids = _ids(r.subject_id for r in data.reads if r.subject_type_id == data.alias_ct_id)
        data.persons = {
            pk: (last_name, merged_into)
            for pk, last_name, merged_into in Person.objects.filter(
                organisation_id=organisation_id, pk__in=person_ids
            ).values_list("pk", "last_name", "merged_into_id")
        }
        data.aliases = {
            pk: (person_id, form_id, linked_at)
            for pk, person_id, form_id, linked_at in Alias.objects.filter(
                organisation_id=organisation_id, pk__in=alias_ids
            ).values_list("pk", "person_id", "service_form_id", "linked_at")
        }
        related_persons = (
            person_ids
            | {m for _n, m in data.persons.values() if m is not None}
            | {p for p, _f, _l in data.aliases.values() if p is not None}
        )
        for person_id, alias_id, episode_id, form_id in Participant.objects.filter(
            Q(person_id__in=related_persons) | Q(alias_id__in=alias_ids),
            episode__organisation_id=organisation_id,
        ).values_list("person_id", "alias_id", "episode_id", "episode__service_form_id"):
            data.episode_form[episode_id] = form_id
            if person_id is not None:
                data.person_episodes.setdefault(person_id, set()).add(episode_id)
            if alias_id is not None:
                data.alias_episodes.setdefault(alias_id, set()).add(episode_id)
        named = {r.episode_id for r in data.reads if r.episode_id is not None}
        missing = named - set(data.episode_form)
        if missing:
            data.episode_form.update(
                Episode.objects.filter(organisation_id=organisation_id, pk__in=missing).values_list(
                    "pk", "service_form_id"
                )
            )
        for person_id, form_id, created_at in Referral.objects.filter(
            organisation_id=organisation_id, person_id__in=person_ids
        ).values_list("person_id", "to_service_form_id", "created_at"):
            data.referrals.setdefault(person_id, []).append((form_id, created_at))

        first_day, last_day = start.astimezone(HELSINKI).date(), end.astimezone(HELSINKI).date()
        assignment_versions = (
            Assignment.history.filter(
                episode__organisation_id=organisation_id, history_date__lt=end
            )
            .order_by("id", "history_date", "history_id")
            .values_list(
                "id",
                "history_date",
                "history_type",
                "user_id",
                "episode_id",
                "valid_from",
                "valid_until",
            )
        )
        for _pk, recorded, _kind, (user_id, episode_id, valid_from, valid_until) in _versions(
            assignment_versions
        ):
            data.assignments.setdefault(user_id, []).append(
                AssignmentRow(episode_id, valid_from, valid_until, *recorded)
            )
        # Every version of the consents that some version recorded before the end made a
        # sharing consent to a form that may hold in the period (a subquery: the same query
        # count). The versions are not filtered themselves, as each one ends the one before
        # it (a consent turned to another purpose stops backing reads when so recorded).
        sharing = (
            Consent.history.filter(
                person__organisation_id=organisation_id,
                purpose=Consent.Purpose.SHARING,
                episode__isnull=False,
                recipient_service_form__isnull=False,
                given_on__lte=last_day,
                history_date__lt=end,
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
            .values("id")
        )
        consent_versions = (
            Consent.history.filter(id__in=sharing, history_date__lt=end)
            .order_by("id", "history_date", "history_id")
            .values_list(
                "id",
                "history_date",
                "history_type",
                "purpose",
                "episode_id",
                "recipient_service_form_id",
                "given_on",
                "valid_until",
                "withdrawn_on",
            )
        )
        for _pk, recorded, _kind, rest in _versions(consent_versions):
            purpose, episode_id, form_id, given_on, valid_until, withdrawn_on = rest
            if purpose != Consent.Purpose.SHARING or episode_id is None or form_id is None:
                continue
            data.consents.setdefault(episode_id, []).append(
                ConsentRow(form_id, given_on, valid_until, withdrawn_on, *recorded)
            )
        data.break_glass = [
            BreakGlassRow(*row)
            for row in BreakGlass.objects.filter(
                episode__organisation_id=organisation_id,
                started_at__lt=end,
                expires_at__gt=start - slack,
            )
            .order_by("started_at", "id")
            .values_list(
                "id",
                "user_id",
                "episode_id",
                "started_at",
                "expires_at",
                "reviewed_at",
                "reason",
            )
        ]

    # Restrictions as restrictions.py decides them, for the reads that rule 'restricted_person'
    # looks at (not on a membership basis), day by day.
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    for read in data.reads:
        if read.basis == Basis.MEMBERSHIP:
            continue
        read_person = data.person_of(read)
        if read_person is not None:
            by_day[read.local.date()].add(read_person)
    if by_day:
        with scope(organisation=organisation_id):
            for day, ids in sorted(by_day.items()):
                data.restricted |= {(day, pk) for pk in restricted_person_ids(ids, on=day)}
    return data
