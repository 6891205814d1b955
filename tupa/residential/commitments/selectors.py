"""Reads of payment commitments and the billable care days per payer and month (issue 4 item 9).

Billing rule
------------
The care days are the ledger's (:func:`tupa.residential.care_days.care_days`, the same counting
rule and the same merging of a person's touching intervals as
:func:`tupa.residential.stays.selectors.ledger_for_service_form`), one per person per date. Each day
is labelled with the stay it belongs to and then attributed:

1. the stay's payer category is **state** (the shelter's state compensation) → the *state*
   group, shown separately and never invoiced to a municipality;
2. otherwise the episode's commitment that **covers that date** (not cancelled,
   ``valid_from <= date <= valid_until``) decides the payer;
3. no covering commitment → the group **"ei maksusitoumusta"**: listed so that a worker
   records the commitment before invoicing — never dropped.

So the groups always add up to the ledger total of the same period. Lines are per
(payer, episode, commitment, month): a commitment changing mid-month gives two lines, each
priced with its own daily price (amount = price × days when a price is set).

Runs a constant number of queries (inside the organisation scope) whatever the period.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Partner, ServiceForm
from tupa.residential.care_days import DEFAULT_RULE, care_days, last_complete_date
from tupa.residential.commitments.services import PAYER_KINDS
from tupa.residential.models import PayerCategory, PaymentCommitment
from tupa.residential.stays.selectors import member_intervals

_ONE_DAY = dt.timedelta(days=1)

#: Group kinds of the billing table.
COMMITMENT = "commitment"
MISSING = "missing"
STATE = "state"

#: A person in the ledger: ("person", Person.pk) or ("alias", Alias.pk).
PersonKey = tuple[str, int]


# --------------------------------------------------------------------------- commitments


def payer_choices(*, organisation_id: int, include: Partner | None = None) -> QuerySet[Partner]:
    """Active wellbeing services counties and municipalities (plus ``include``, the current)."""
    q = Q(active=True, kind__in=PAYER_KINDS)
    if include is not None:
        q |= Q(pk=include.pk)
    return Partner.objects.filter(q, organisation_id=organisation_id).order_by("name")


def commitments_of_episode(*, episode: Episode) -> list[tuple[PaymentCommitment, list[Any]]]:
    """The episode's commitments (cancelled ones too), oldest validity first, each with its
    change history (newest first: who, when, why and the values then). Two queries."""
    commitments = list(
        PaymentCommitment.objects.filter(episode=episode)
        .select_related("payer", "municipality", "created_by")
        .order_by("valid_from", "pk")
    )
    history: dict[int, list[Any]] = defaultdict(list)
    if commitments:
        records = (
            PaymentCommitment.history.filter(id__in=[c.pk for c in commitments])
            .select_related("history_user", "payer")
            .order_by("-history_date", "-history_id")
        )
        for record in records:
            history[record.id].append(record)
    return [(c, history.get(c.pk, [])) for c in commitments]


# --------------------------------------------------------------------------- billing


@dataclass
class BillingLine:
    """Care days of one episode billed on one commitment (or none) in one month."""

    group: str
    episode_id: int
    commitment: PaymentCommitment | None
    month: tuple[int, int]
    #: Care days per participant (a person of the family) on this line.
    person_days: Counter[int] = field(default_factory=Counter)
    #: The dates of those care days per participant (invoicing prices each day by the price
    #: row valid on it).
    person_dates: dict[int, list[dt.date]] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return sum(self.person_days.values())

    @property
    def daily_price(self) -> Decimal | None:
        return self.commitment.daily_price if self.commitment is not None else None

    @property
    def amount(self) -> Decimal | None:
        price = self.daily_price
        return None if price is None else price * self.days


@dataclass
class PayerGroup:
    kind: str
    payer: Partner | None = None
    lines: list[BillingLine] = field(default_factory=list)

    @property
    def days(self) -> int:
        return sum(line.days for line in self.lines)

    @property
    def amount(self) -> Decimal | None:
        """Sum of the priced lines (None when no line has a price)."""
        amounts = [line.amount for line in self.lines if line.amount is not None]
        return sum(amounts, Decimal("0")) if amounts else None

    @property
    def unpriced_days(self) -> int:
        return sum(line.days for line in self.lines if line.amount is None)


@dataclass
class Billing:
    period_start: dt.date
    period_end: dt.date
    rule: str
    payers: list[PayerGroup] = field(default_factory=list)
    missing: PayerGroup = field(default_factory=lambda: PayerGroup(MISSING))
    state: PayerGroup = field(default_factory=lambda: PayerGroup(STATE))
    open_stay_ids: list[int] = field(default_factory=list)
    #: Care days the open stays would add after now up to ``period_end`` (not billed).
    expected_days: int = 0

    @property
    def groups(self) -> list[PayerGroup]:
        return [*self.payers, self.missing, self.state]

    @property
    def total_days(self) -> int:
        return sum(g.days for g in self.groups)

    @property
    def participant_ids(self) -> set[int]:
        return {pid for g in self.groups for line in g.lines for pid in line.person_days}

    @property
    def episode_ids(self) -> set[int]:
        return {line.episode_id for g in self.groups for line in g.lines}


def _covering(commitments: Iterable[PaymentCommitment], day: dt.date) -> PaymentCommitment | None:
    return next((c for c in commitments if c.covers(day)), None)


def billable_days(
    *,
    service_form: ServiceForm,
    period_start: dt.date,
    period_end: dt.date,
    rule: str = DEFAULT_RULE,
    as_of: dt.datetime | None = None,
) -> Billing:
    """Billable care days of ``service_form`` by payer, episode and month. Two queries.

    The same intervals and counting as the occupancy ledger: open stays are billed up to the
    last complete care day at ``as_of`` (default: now); the nights still ahead in the period
    are ``expected_days``, never billed."""
    open_until = last_complete_date(as_of or timezone.now(), rule=rule)
    per_person, open_stays = member_intervals(
        service_form=service_form,
        period_start=period_start,
        period_end=period_end,
        label=lambda row: (row.episode_id, row.payer_category, row.participant_id),
    )
    episode_ids = {
        interval.label[0]  # type: ignore[index]
        for intervals in per_person.values()
        for interval in intervals
    }

    by_episode: dict[int, list[PaymentCommitment]] = defaultdict(list)
    if episode_ids:
        commitments = (
            PaymentCommitment.objects.filter(
                episode_id__in=episode_ids, cancelled_on__isnull=True, valid_from__lte=period_end
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=period_start))
            .select_related("payer", "municipality")
            .order_by("valid_from", "pk")
        )
        for item in commitments:
            by_episode[item.episode_id].append(item)

    billing = Billing(period_start=period_start, period_end=period_end, rule=rule)
    lines: dict[tuple[str, int, int | None, tuple[int, int]], BillingLine] = {}
    for intervals in per_person.values():
        days = care_days(
            intervals,
            period_start=period_start,
            period_end=period_end,
            rule=rule,
            open_until=open_until,
        )
        billing.expected_days += len(days.expected)
        for day, label in days.days.items():
            assert isinstance(label, tuple)
            episode_id, payer_category, participant_id = label
            commitment: PaymentCommitment | None = None
            if payer_category == PayerCategory.STATE:
                group = STATE
            else:
                commitment = _covering(by_episode.get(episode_id, ()), day)
                group = COMMITMENT if commitment is not None else MISSING
            month = (day.year, day.month)
            line_key = (group, episode_id, commitment.pk if commitment else None, month)
            line = lines.get(line_key)
            if line is None:
                line = lines[line_key] = BillingLine(group, episode_id, commitment, month)
            line.person_days[participant_id] += 1
            line.person_dates.setdefault(participant_id, []).append(day)

    payers: dict[int, PayerGroup] = {}
    for line in sorted(
        lines.values(),
        key=lambda ln: (
            ln.month,
            ln.episode_id,
            ln.commitment.valid_from if ln.commitment else dt.date.min,
        ),
    ):
        if line.group == STATE:
            billing.state.lines.append(line)
        elif line.group == MISSING:
            billing.missing.lines.append(line)
        else:
            assert line.commitment is not None
            partner = line.commitment.payer
            payers.setdefault(partner.pk, PayerGroup(COMMITMENT, partner)).lines.append(line)
    billing.payers = sorted(payers.values(), key=lambda g: (g.payer.name if g.payer else "", id(g)))
    billing.open_stay_ids = sorted(open_stays)
    return billing


def billing_participants(billing: Billing) -> dict[int, Participant]:
    """The participants named on the billing lines, with person or alias. One query."""
    ids = billing.participant_ids
    if not ids:
        return {}
    return {
        p.pk: p for p in Participant.objects.filter(pk__in=ids).select_related("person", "alias")
    }
