"""Anomaly rules over the access log: what the data-protection officer works through weekly.

Act 703/2023 §4.3 asks the provider to *monitor* the use of client data. Each rule here is a
pure function over one period's data (:class:`PeriodData`), loaded once by
:func:`load_period` in a constant number of queries — never one per event, user or person —
and returns :class:`Finding` rows. A finding carries a stable ``key`` (the same finding gets
the same key every time the period is computed), which the DPO's handling
(:class:`tupa.audit.models.AnomalyReview`) refers to.

The rules (docs/security.md "Anomaly reports"):

``no_relationship``
    A read of a client (person or alias) whose recorded basis is not backed by data valid at the
    time: no membership in the form of the episode read (or of any episode of the person, a
    referral to the form, the alias's form), no assignment, no sharing consent in force to a form
    the user worked in, no break-the-glass covering the moment, no organisation-wide role.
``night_read``
    A read between :attr:`AnomalySettings.night_start_hour` and
    :attr:`AnomalySettings.night_end_hour` (Europe/Helsinki) by *day staff*. There is no shift
    roster, so "day staff" means: on that date the user held no membership in a 24 h service form
    (``ServiceForm.open_24h``) and none marked as night work (``Membership.night_shift``).
``many_persons``
    More than :attr:`AnomalySettings.many_persons` distinct clients read by one user within
    :attr:`AnomalySettings.many_minutes` minutes, counting only the actions in
    :attr:`AnomalySettings.many_actions` (a list page logs every person it shows, so lists and
    searches would flag ordinary work).
``break_glass_unreviewed``
    A break-the-glass that started in the period and has not been reviewed by the lead although
    it has ended and :attr:`AnomalySettings.break_glass_review_hours` have passed since it
    started — or was reviewed only after that (a late review stays a finding, so a handled
    finding does not vanish when the lead catches up).
``restricted_person``
    A read of a person whose restricted fields are hidden on that day (turvakielto and the other
    restrictions, as :func:`tupa.people.restrictions.restricted_person_ids` decides) on a basis
    other than membership.
``same_surname`` **[verify]**
    A read of a person whose last name equals the reading user's (case-insensitive; or shares a
    part of a double name of three letters or more). A heuristic for "reads of staff members'
    own family": it misses relatives with other names and flags common names.

All settings live in :class:`AnomalySettings`; a deployment may override any of them with the
Django setting ``TUPA_ANOMALY_SETTINGS`` (a dict of field names to values).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope, scopes_disabled

from tupa.access.policy import Basis
from tupa.accounts.models import SERVICE_FORM_ROLES, Membership, User
from tupa.audit.models import BASIS_CHOICES, AccessEvent, Action, AnomalyRule
from tupa.audit.selectors import HELSINKI
from tupa.episodes.models import Assignment, BreakGlass, Episode, Participant, Referral
from tupa.people.models import Alias, Consent, Person
from tupa.people.restrictions import restricted_person_ids

# --- Settings (the one place) ------------------------------------------------------------------


@dataclass(frozen=True)
class AnomalySettings:
    """Thresholds of the rules. Override with ``settings.TUPA_ANOMALY_SETTINGS``."""

    #: Night is from this local hour (inclusive) ...
    night_start_hour: int = 22
    #: ... to this local hour (exclusive), Europe/Helsinki.
    night_end_hour: int = 7
    #: More than this many distinct clients ...
    many_persons: int = 30
    #: ... within this many minutes is a finding.
    many_minutes: int = 10
    #: The actions counted for ``many_persons`` (one event per record opened).
    many_actions: frozenset[str] = frozenset(
        {Action.VIEW, Action.PRINT, Action.REVEAL, Action.BREAK_THE_GLASS, Action.API}
    )
    #: A break-the-glass not reviewed this many hours after it started is a finding.
    break_glass_review_hours: int = 48
    #: Clock tolerance when matching a read to a break-the-glass period.
    break_glass_slack_seconds: int = 60


DEFAULTS = AnomalySettings()


def anomaly_settings() -> AnomalySettings:
    overrides: dict[str, Any] = dict(getattr(settings, "TUPA_ANOMALY_SETTINGS", None) or {})
    known = {f.name for f in fields(AnomalySettings)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"unknown TUPA_ANOMALY_SETTINGS keys: {sorted(unknown)}")
    if "many_actions" in overrides:
        overrides["many_actions"] = frozenset(overrides["many_actions"])
    return replace(DEFAULTS, **overrides)


# --- Periods: ISO weeks ------------------------------------------------------------------------

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_label(year: int, week: int) -> str:
    return f"{year:04d}-W{week:02d}"


def parse_week(value: str) -> tuple[int, int] | None:
    """``"2026-W05"`` → (2026, 5); None for anything else (also week 53 of a 52-week year)."""
    match = _WEEK.match(value.strip())
    if match is None:
        return None
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return monday.isocalendar()[0], week


def last_full_week(today: dt.date) -> tuple[int, int]:
    """The last ISO week that has ended before ``today``."""
    iso = (today - dt.timedelta(days=7)).isocalendar()
    return iso[0], iso[1]


def week_bounds(year: int, week: int) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00, Europe/Helsinki (half-open)."""
    monday = dt.date.fromisocalendar(year, week, 1)
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=HELSINKI)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=HELSINKI)
    return start, end


# --- The period's data (loaded once) -----------------------------------------------------------


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


@dataclass(frozen=True)
class MembershipRow:
    service_form_id: int | None
    role: str
    valid_from: dt.date
    valid_until: dt.date | None
    night_shift: bool
    open_24h: bool

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


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
    recipient_form_id: int
    given_on: dt.date
    valid_until: dt.date | None
    withdrawn_on: dt.date | None

    def in_force_on(self, day: dt.date) -> bool:
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.given_on <= day and (self.valid_until is None or self.valid_until >= day)


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
    #: user id → [(episode, valid from, valid until)]
    assignments: dict[int, list[tuple[int, dt.date, dt.date | None]]] = field(default_factory=dict)
    consents: dict[int, list[ConsentRow]] = field(default_factory=dict)
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

    def client_forms(self, user_id: int, day: dt.date) -> set[int]:
        return {
            m.service_form_id
            for m in self.memberships.get(user_id, ())
            if m.service_form_id is not None and m.role in _CLIENT_WORK_ROLES and m.active_on(day)
        }

    def has_organisation_role(self, user_id: int, day: dt.date) -> bool:
        return any(
            m.service_form_id is None and m.active_on(day)
            for m in self.memberships.get(user_id, ())
        )

    def works_nights(self, user_id: int, day: dt.date) -> bool:
        return any(
            (m.open_24h or m.night_shift) and m.active_on(day)
            for m in self.memberships.get(user_id, ())
        )

    def backed(self, read: Read) -> bool:
        """Is the read's recorded basis backed by data valid at the time of the read?"""
        day = read.local.date()
        basis = read.basis
        if basis == Basis.ORGANISATION_ROLE:
            return self.has_organisation_role(read.user_id, day)
        if basis not in _RELATIONSHIP_BASES:
            return False  # "none", "self" (a client is never the user) or unknown
        episodes = {read.episode_id} if read.episode_id is not None else self.subject_episodes(read)
        if basis == Basis.MEMBERSHIP:
            forms = self.client_forms(read.user_id, day)
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
                episode in episodes
                and valid_from <= day
                and (valid_until is None or valid_until >= day)
                for episode, valid_from, valid_until in self.assignments.get(read.user_id, ())
            )
        if basis == Basis.CONSENT:
            forms = self.client_forms(read.user_id, day)
            return any(
                c.recipient_form_id in forms and c.in_force_on(day)
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


_CLIENT_WORK_ROLES = frozenset(str(r) for r in SERVICE_FORM_ROLES)
_RELATIONSHIP_BASES = frozenset(
    {Basis.MEMBERSHIP, Basis.ASSIGNMENT, Basis.CONSENT, Basis.BREAK_THE_GLASS}
)


def _ids(values: Iterable[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


def load_period(
    *,
    organisation_id: int,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    config: AnomalySettings = DEFAULTS,
) -> PeriodData:
    """Everything the rules need for ``[start, end)``, in a constant number of queries.

    Queries: the reads; users; memberships; persons; aliases; participations; the episodes the
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
        for (
            user_id,
            sf_id,
            role,
            valid_from,
            valid_until,
            night_shift,
            open_24h,
        ) in Membership.objects.filter(organisation_id=organisation_id).values_list(
            "user_id",
            "service_form_id",
            "role",
            "valid_from",
            "valid_until",
            "night_shift",
            "service_form__open_24h",
        ):
            data.memberships.setdefault(user_id, []).append(
                MembershipRow(sf_id, role, valid_from, valid_until, night_shift, bool(open_24h))
            )

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
        for user_id, episode_id, valid_from, valid_until in (
            Assignment.objects.filter(
                episode__organisation_id=organisation_id, valid_from__lte=last_day
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
            .values_list("user_id", "episode_id", "valid_from", "valid_until")
        ):
            data.assignments.setdefault(user_id, []).append((episode_id, valid_from, valid_until))
        for episode_id, form_id, given_on, valid_until, withdrawn_on in (
            Consent.objects.filter(
                person__organisation_id=organisation_id,
                purpose=Consent.Purpose.SHARING,
                episode__isnull=False,
                recipient_service_form__isnull=False,
                given_on__lte=last_day,
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
            .values_list(
                "episode_id", "recipient_service_form_id", "given_on", "valid_until", "withdrawn_on"
            )
        ):
            data.consents.setdefault(episode_id, []).append(
                ConsentRow(form_id, given_on, valid_until, withdrawn_on)
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


# --- Findings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    rule: str
    key: str
    user_id: int
    first_at: dt.datetime
    last_at: dt.datetime
    #: The subjects as the access log names them: (content type id, id), distinct, in order.
    subjects: tuple[tuple[int, str], ...]
    reads: int
    detail: str

    @property
    def rule_label(self) -> str:
        return str(AnomalyRule(self.rule).label)


def _distinct(subjects: Iterable[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    return tuple(dict.fromkeys(subjects))


_BASIS_LABELS = dict(BASIS_CHOICES)


def _basis_list(reads: Iterable[Read]) -> str:
    labels = dict.fromkeys(str(_BASIS_LABELS.get(r.basis, r.basis)) for r in reads)
    return ", ".join(labels)


def _grouped(
    data: PeriodData,
    rule: str,
    reads: Iterable[Read],
    key_of: Callable[[Read], tuple[Any, ...]],
    detail: Callable[[list[Read]], str],
) -> list[Finding]:
    groups: dict[tuple[Any, ...], list[Read]] = defaultdict(list)
    for read in reads:
        groups[key_of(read)].append(read)
    findings = []
    for key, group in groups.items():
        findings.append(
            Finding(
                rule=rule,
                key=":".join([rule, *(str(part) for part in key)]),
                user_id=group[0].user_id,
                first_at=group[0].at,
                last_at=group[-1].at,
                subjects=_distinct(r.subject for r in group),
                reads=len(group),
                detail=detail(group),
            )
        )
    return findings


def _reads_label(group: list[Read]) -> str:
    return ngettext("%(count)d luku", "%(count)d lukua", len(group)) % {"count": len(group)}


def reads_without_relationship(data: PeriodData, config: AnomalySettings) -> list[Finding]:
    """(a) Reads whose recorded basis no membership, assignment, consent or break-the-glass
    valid at the time backs. One finding per user, subject and day."""
    return _grouped(
        data,
        AnomalyRule.NO_RELATIONSHIP,
        (r for r in data.reads if not data.backed(r)),
        lambda r: (f"u{r.user_id}", f"{r.subject_type_id}-{r.subject_id}", r.local.date()),
        lambda group: (
            _("Kirjattu peruste: %(basis)s. %(reads)s.")
            % {"basis": _basis_list(group), "reads": _reads_label(group)}
        ),
    )


def is_night(moment: dt.datetime, config: AnomalySettings) -> bool:
    hour = moment.astimezone(HELSINKI).hour
    start, end = config.night_start_hour, config.night_end_hour
    if start <= end:
        return start <= hour < end
    return hour >= start or hour < end


def night_reads_by_day_staff(data: PeriodData, config: AnomalySettings) -> list[Finding]:
    """(b) Reads at night by users who on that date worked in no 24 h form and no night work.
    One finding per user and night (named by the date the night began)."""

    def night_of(read: Read) -> dt.date:
        local = read.local
        wraps = config.night_start_hour > config.night_end_hour
        return local.date() - _DAY if wraps and local.hour < config.night_end_hour else local.date()

    def detail(group: list[Read]) -> str:
        return _("Klo %(first)s–%(last)s, %(persons)s. %(reads)s.") % {
            "first": f"{group[0].local:%H.%M}",
            "last": f"{group[-1].local:%H.%M}",
            "persons": _persons_label(len(_distinct(r.subject for r in group))),
            "reads": _reads_label(group),
        }

    return _grouped(
        data,
        AnomalyRule.NIGHT_READ,
        (
            r
            for r in data.reads
            if is_night(r.at, config) and not data.works_nights(r.user_id, r.local.date())
        ),
        lambda r: (f"u{r.user_id}", night_of(r)),
        detail,
    )


_DAY = dt.timedelta(days=1)


def _persons_label(count: int) -> str:
    return ngettext("%(count)d henkilö", "%(count)d henkilöä", count) % {"count": count}


def many_persons_in_short_time(data: PeriodData, config: AnomalySettings) -> list[Finding]:
    """(c) More than N distinct clients read by one user within M minutes. Overlapping windows
    make one finding (named by its first read)."""
    span = dt.timedelta(minutes=config.many_minutes)
    by_user: dict[int, list[Read]] = defaultdict(list)
    for read in data.reads:
        if read.action in config.many_actions:
            by_user[read.user_id].append(read)
    findings = []
    for user_id, reads in by_user.items():
        window: deque[Read] = deque()
        counts: Counter[tuple[int, str]] = Counter()
        bursts: list[dict[int, Read]] = []  # read id → read, in order
        for read in reads:
            window.append(read)
            counts[read.subject] += 1
            while window[0].at < read.at - span:
                old = window.popleft()
                counts[old.subject] -= 1
                if not counts[old.subject]:
                    del counts[old.subject]
            if len(counts) <= config.many_persons:
                continue
            last = bursts[-1] if bursts else None
            if last is not None and window[0].at <= next(reversed(last.values())).at:
                for r in window:
                    last.setdefault(r.id, r)
            else:
                bursts.append({r.id: r for r in window})
        for burst in bursts:
            group = list(burst.values())
            persons = _distinct(r.subject for r in group)
            findings.append(
                Finding(
                    rule=AnomalyRule.MANY_PERSONS,
                    key=f"{AnomalyRule.MANY_PERSONS}:u{user_id}:e{group[0].id}",
                    user_id=user_id,
                    first_at=group[0].at,
                    last_at=group[-1].at,
                    subjects=persons,
                    reads=len(group),
                    detail=_(
                        "%(persons)s klo %(first)s–%(last)s (raja: yli %(limit)d / %(minutes)d min)."
                    )
                    % {
                        "persons": _persons_label(len(persons)),
                        "first": f"{group[0].local:%H.%M}",
                        "last": f"{group[-1].local:%H.%M}",
                        "limit": config.many_persons,
                        "minutes": config.many_minutes,
                    },
                )
            )
    return findings


def break_glass_unreviewed(data: PeriodData, config: AnomalySettings) -> list[Finding]:
    """(d) Break-the-glass uses of the period not reviewed in time (see the module doc)."""
    window = dt.timedelta(hours=config.break_glass_review_hours)
    findings = []
    for b in data.break_glass:
        if not (data.start <= b.started_at < data.end):
            continue
        deadline = max(b.expires_at, b.started_at + window)
        if b.reviewed_at is None:
            if data.now < deadline:
                continue
            detail = _("Päättyi %(expires)s; ei tarkastettu. Peruste: %(reason)s") % {
                "expires": f"{b.expires_at.astimezone(HELSINKI):%d.%m.%Y %H.%M}",
                "reason": b.reason,
            }
        elif b.reviewed_at > deadline:
            detail = _("Tarkastettu myöhässä %(reviewed)s. Peruste: %(reason)s") % {
                "reviewed": f"{b.reviewed_at.astimezone(HELSINKI):%d.%m.%Y %H.%M}",
                "reason": b.reason,
            }
        else:
            continue
        findings.append(
            Finding(
                rule=AnomalyRule.BREAK_GLASS_UNREVIEWED,
                key=f"{AnomalyRule.BREAK_GLASS_UNREVIEWED}:b{b.id}",
                user_id=b.user_id,
                first_at=b.started_at,
                last_at=b.expires_at,
                subjects=((data.episode_ct_id, str(b.episode_id)),),
                reads=0,
                detail=detail,
            )
        )
    return findings


def restricted_person_reads(data: PeriodData, config: AnomalySettings) -> list[Finding]:
    """(e) Reads of persons with hidden restricted fields on a basis other than membership.
    One finding per user, subject and day."""

    def restricted(read: Read) -> bool:
        if read.basis == Basis.MEMBERSHIP:
            return False
        person_id = data.person_of(read)
        return person_id is not None and (read.local.date(), person_id) in data.restricted

    return _grouped(
        data,
        AnomalyRule.RESTRICTED_PERSON,
        (r for r in data.reads if restricted(r)),
        lambda r: (f"u{r.user_id}", f"{r.subject_type_id}-{r.subject_id}", r.local.date()),
        lambda group: (
            _("Peruste: %(basis)s. %(reads)s.")
            % {"basis": _basis_list(group), "reads": _reads_label(group)}
        ),
    )


_NAME_PARTS = re.compile(r"[\s\-]+")


def surnames_match(a: str, b: str) -> bool:
    """Equal last names (case-insensitive), or a shared part (≥ 3 letters) of a double name."""
    a, b = a.strip().casefold(), b.strip().casefold()
    if not a or not b:
        return False
    if a == b:
        return True
    parts_a = {p for p in _NAME_PARTS.split(a) if len(p) >= 3}
    parts_b = {p for p in _NAME_PARTS.split(b) if len(p) >= 3}
    return bool(parts_a & parts_b)


def same_surname_reads(data: PeriodData, config: AnomalySettings) -> list[Finding]:
    """(f) [verify] Reads of a person whose last name matches the reading user's.
    One finding per user, person and ISO week."""

    def matches(read: Read) -> bool:
        if read.subject_type_id != data.person_ct_id or not read.subject_id.isdigit():
            return False
        person = data.persons.get(int(read.subject_id))
        user = data.users.get(read.user_id)
        return person is not None and user is not None and surnames_match(person[0], user.last_name)

    def week_of(read: Read) -> str:
        iso = read.local.isocalendar()
        return week_label(iso[0], iso[1])

    return _grouped(
        data,
        AnomalyRule.SAME_SURNAME,
        (r for r in data.reads if matches(r)),
        lambda r: (f"u{r.user_id}", f"{r.subject_type_id}-{r.subject_id}", week_of(r)),
        lambda group: (
            _("Sama sukunimi kuin käyttäjällä (tarkistettava). %(reads)s.")
            % {"reads": _reads_label(group)}
        ),
    )


#: The rules, in the order the list shows them within a moment.
RULES: tuple[Callable[[PeriodData, AnomalySettings], list[Finding]], ...] = (
    reads_without_relationship,
    night_reads_by_day_staff,
    many_persons_in_short_time,
    break_glass_unreviewed,
    restricted_person_reads,
    same_surname_reads,
)


def find_anomalies(
    *,
    organisation_id: int,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    config: AnomalySettings | None = None,
) -> list[Finding]:
    """Every finding of ``[start, end)``, oldest first."""
    config = config or anomaly_settings()
    data = load_period(
        organisation_id=organisation_id, start=start, end=end, now=now, config=config
    )
    findings = [finding for rule in RULES for finding in rule(data, config)]
    order = {str(r): i for i, r in enumerate(AnomalyRule)}
    return sorted(findings, key=lambda f: (f.first_at, order[f.rule], f.key))
