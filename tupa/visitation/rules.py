"""The rules of the Tapaamispaikka in one place: billing, schedule expansion, staggered times.

Pure functions (no database), unit-tested with hand-computed values in ``tests/test_rules.py``.

**Billing [verify].** Which meeting outcomes are billed to the child's home municipality is a
contract question (seed-spec §2.12 and FIN-02 give no prices or billing units). The default here:

- billable: *took place*, *interrupted* (the meeting started and the staff's time was used) and
  *no-show* (the slot was reserved and staffed), and a *late cancellation* by a family party;
- not billable: a timely cancellation by a family party and every cancellation by us.

Override per installation with the setting ``TUPA_VISITATION_BILLING = {"outcomes": [...],
"late_cancellations": bool}``; nothing else decides billability.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tupa.core.wallclock import HELSINKI

from .models import FAMILY_CANCELLATIONS, RESIDENT_SIDE, MeetingType, Outcome, PartyRole

StrOrPromise = str | Promise

#: How many meetings one scheduling run may create at most.
MAX_SCHEDULE_COUNT = 52


# --------------------------------------------------------------------------- billing


@dataclass(frozen=True)
class BillingRule:
    outcomes: frozenset[str]
    late_cancellations: bool

    def is_billable(self, outcome: str, *, late_cancellation: bool = False) -> bool:
        if outcome in self.outcomes:
            return True
        return bool(
            self.late_cancellations and late_cancellation and outcome in FAMILY_CANCELLATIONS
        )


DEFAULT_BILLING = BillingRule(
    outcomes=frozenset({Outcome.TOOK_PLACE, Outcome.INTERRUPTED, Outcome.NO_SHOW}),
    late_cancellations=True,
)


def billing_rule() -> BillingRule:
    """The installation's billing rule (the setting ``TUPA_VISITATION_BILLING``, else default)."""
    configured = getattr(settings, "TUPA_VISITATION_BILLING", None)
    if not configured:
        return DEFAULT_BILLING
    outcomes = frozenset(str(o) for o in configured.get("outcomes", DEFAULT_BILLING.outcomes))
    unknown = outcomes - set(Outcome.values)
    if unknown:
        raise ValueError(f"TUPA_VISITATION_BILLING: unknown outcomes {sorted(unknown)}")
    return BillingRule(
        outcomes=outcomes,
        late_cancellations=bool(
            configured.get("late_cancellations", DEFAULT_BILLING.late_cancellations)
        ),
    )


# --------------------------------------------------------------------------- schedule


def local_moment(day: dt.date, time: dt.time) -> dt.datetime:
    """The wall-clock ``time`` on ``day`` in Helsinki as an aware datetime.

    A time that does not exist (the spring-forward hour 03:00–04:00) moves an hour later; an
    ambiguous autumn time takes its first (summer-time) occurrence. Meetings are in the
    daytime, so this only matters in principle.
    """
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=HELSINKI, fold=0)
    # Round-trip through UTC: a non-existent wall time comes back shifted.
    return aware.astimezone(dt.UTC).astimezone(HELSINKI)


def schedule_starts(
    *,
    first_day: dt.date,
    time: dt.time,
    interval_weeks: int,
    count: int,
    valid_until: dt.date | None = None,
) -> list[dt.datetime]:
    """``count`` start moments every ``interval_weeks`` weeks from ``first_day`` at local ``time``.

    The local wall-clock time is kept across daylight-saving changes (a 17:00 meeting stays at
    17:00 in Helsinki, so its UTC time moves by an hour). Days after ``valid_until`` are left
    out: the list may be shorter than ``count``.
    """
    if interval_weeks < 1:
        raise ValueError("interval_weeks must be at least 1")
    starts = []
    for k in range(count):
        day = first_day + dt.timedelta(weeks=interval_weeks * k)
        if valid_until is not None and day > valid_until:
            break
        starts.append(local_moment(day, time))
    return starts


# --------------------------------------------------------------------------- staggered times


@dataclass(frozen=True)
class PartyTimes:
    """When one party arrives and leaves, and what they do then."""

    role: str
    arrives: dt.datetime
    leaves: dt.datetime
    arrival_label: StrOrPromise
    departure_label: StrOrPromise

    @property
    def role_label(self) -> str:
        return str(PartyRole(self.role).label)


def party_times(
    *,
    meeting_type: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    arrival_offset: int,
    departure_offset: int,
    roles: Iterable[str],
) -> list[PartyTimes]:
    """The staggered arrival and departure of each party role, so that the parties do not meet.

    Meeting (supervised or supported), start S, duration D, offsets a (arrival) and b (departure):

    - the child and the resident side (resident parent, foster family) arrive at S − a; the
      resident side leaves the child and comes back for the child at S + D;
    - the visiting parent (and other close persons, who come with the visiting parent) arrive
      at S and leave at S + D + b, after the child has been collected.

    Exchange (handover), window D:

    - the resident side brings the child at S − a and leaves straight away (by S − a);
    - the visiting parent arrives at S and leaves with the child by S + D.

    Roles are returned once each, in the order child, resident side, visiting side.
    """
    a = dt.timedelta(minutes=arrival_offset)
    b = dt.timedelta(minutes=departure_offset)
    d = dt.timedelta(minutes=duration_minutes)
    wanted = list(dict.fromkeys(roles))
    order = [
        PartyRole.CHILD,
        PartyRole.RESIDENT_PARENT,
        PartyRole.FOSTER_FAMILY,
        PartyRole.VISITING_PARENT,
        PartyRole.OTHER,
    ]
    exchange = meeting_type == MeetingType.EXCHANGE
    result = []
    for role in order:
        if role not in wanted:
            continue
        if role == PartyRole.CHILD:
            times = PartyTimes(role, starts_at - a, starts_at + d, _("tuodaan"), _("lähtee"))
        elif role in RESIDENT_SIDE:
            if exchange:
                times = PartyTimes(
                    role, starts_at - a, starts_at - a, _("tuo lapsen"), _("poistuu heti")
                )
            else:
                times = PartyTimes(
                    role, starts_at - a, starts_at + d, _("tuo lapsen"), _("hakee lapsen")
                )
        elif exchange:
            times = PartyTimes(
                role, starts_at, starts_at + d, _("saapuu"), _("lähtee lapsen kanssa")
            )
        else:
            times = PartyTimes(role, starts_at, starts_at + d + b, _("saapuu"), _("lähtee"))
        result.append(times)
    return result
