"""The anomaly rules over the access log: what the data-protection officer works through weekly.

Act 703/2023 §4.3 asks the provider to *monitor* the use of client data. Each rule here is a
pure function over one period's data (:class:`PeriodData`), loaded once by
:func:`~tupa.dataprotection.anomalies.period.load_period` in a constant number of queries — never one per event, user or person —
and returns :class:`Finding` rows. A finding carries a stable ``key`` (the same finding gets
the same key every time the period is computed), which the DPO's handling
(:class:`tupa.audit.models.AnomalyReview`) refers to.

The rules (docs/security.md "Anomaly reports"):

``no_relationship``
    A read of a client (person or alias) whose recorded basis is not backed by data recorded and
    valid at its moment (memberships, assignments and sharing consents as their history recorded
    them then, so a row added or back-dated afterwards does not launder the read; ``period.py``):
    no membership in the form of the episode read (or of any episode of the person, a referral
    to the form, the alias's form), no assignment, no sharing consent in force to a form the
    user worked in, no break-the-glass covering the moment, no organisation-wide role.
``night_read``
    A read between :attr:`AnomalySettings.night_start_hour` and
    :attr:`AnomalySettings.night_end_hour` (Europe/Helsinki) by *day staff*. There is no shift
    roster, so "day staff" means: at that moment the user held no membership in a 24 h service
    form (``ServiceForm.open_24h``) and none marked as night work (``Membership.night_shift``),
    both as recorded at the read (a form made 24 h afterwards does not excuse it).
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

All settings live in :class:`~tupa.dataprotection.anomalies.config.AnomalySettings`; a deployment may
override any of them with the Django setting ``TUPA_ANOMALY_SETTINGS`` (a dict of field names to
values).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tupa.access.policy import Basis
from tupa.audit.models import BASIS_CHOICES, AnomalyRule
from tupa.core.wallclock import HELSINKI, fi_moment
from tupa.dataprotection.anomalies.config import AnomalySettings, anomaly_settings
from tupa.dataprotection.anomalies.period import PeriodData, Read, load_period
from tupa.dataprotection.anomalies.weeks import week_label


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
            if is_night(r.at, config) and not data.works_nights(r.user_id, r.at)
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
                "expires": fi_moment(b.expires_at),
                "reason": b.reason,
            }
        elif b.reviewed_at > deadline:
            detail = _("Tarkastettu myöhässä %(reviewed)s. Peruste: %(reason)s") % {
                "reviewed": fi_moment(b.reviewed_at),
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
