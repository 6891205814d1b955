"""The pure rules: schedule expansion across daylight saving, staggered times, billability."""

from __future__ import annotations

import datetime as dt

import pytest

from tupa.core.wallclock import HELSINKI
from tupa.visitation import rules
from tupa.visitation.models import MeetingType, Outcome, PartyRole

from .support import t

UTC = dt.UTC


def test_schedule_keeps_local_time_across_spring_dst() -> None:
    # Summer time starts on Sunday 29.3.2026 at 03:00 (EET +2 → EEST +3).
    starts = rules.schedule_starts(
        first_day=dt.date(2026, 3, 19), time=dt.time(17, 0), interval_weeks=1, count=3
    )
    assert [s.astimezone(HELSINKI).strftime("%d.%m. %H:%M") for s in starts] == [
        "19.03. 17:00",
        "26.03. 17:00",
        "02.04. 17:00",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [15, 15, 14]


def test_schedule_keeps_local_time_across_autumn_dst() -> None:
    # Summer time ends on Sunday 25.10.2026 at 04:00 (EEST +3 → EET +2).
    starts = rules.schedule_starts(
        first_day=dt.date(2026, 10, 17), time=dt.time(10, 30), interval_weeks=2, count=2
    )
    assert [s.astimezone(UTC) for s in starts] == [
        dt.datetime(2026, 10, 17, 7, 30, tzinfo=UTC),
        dt.datetime(2026, 10, 31, 8, 30, tzinfo=UTC),
    ]


def test_schedule_stops_at_validity_end() -> None:
    starts = rules.schedule_starts(
        first_day=dt.date(2026, 5, 1),
        time=dt.time(9, 0),
        interval_weeks=2,
        count=10,
        valid_until=dt.date(2026, 5, 29),
    )
    # 1.5., 15.5., 29.5. (the last day of validity still counts), not 12.6.
    assert [s.date() for s in starts] == [
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 15),
        dt.date(2026, 5, 29),
    ]


def test_local_moment_of_a_non_existent_time_moves_forward() -> None:
    moment = rules.local_moment(dt.date(2026, 3, 29), dt.time(3, 30))
    assert moment.astimezone(UTC) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert moment.astimezone(HELSINKI).hour == 4


def test_staggered_times_of_a_supervised_meeting() -> None:
    start = t(2026, 4, 2, 17, 0)
    times = rules.party_times(
        meeting_type=MeetingType.SUPERVISED,
        starts_at=start,
        duration_minutes=120,
        arrival_offset=15,
        departure_offset=20,
        roles=[PartyRole.VISITING_PARENT, PartyRole.CHILD, PartyRole.RESIDENT_PARENT],
    )
    got = {p.role: (p.arrives.strftime("%H:%M"), p.leaves.strftime("%H:%M")) for p in times}
    assert got == {
        PartyRole.CHILD: ("16:45", "19:00"),
        PartyRole.RESIDENT_PARENT: ("16:45", "19:00"),
        PartyRole.VISITING_PARENT: ("17:00", "19:20"),
    }
    assert [p.role for p in times] == [
        PartyRole.CHILD,
        PartyRole.RESIDENT_PARENT,
        PartyRole.VISITING_PARENT,
    ]


def test_staggered_times_of_a_supervised_exchange() -> None:
    start = t(2026, 4, 3, 16, 0)
    times = rules.party_times(
        meeting_type=MeetingType.EXCHANGE,
        starts_at=start,
        duration_minutes=15,
        arrival_offset=15,
        departure_offset=15,
        roles=[PartyRole.FOSTER_FAMILY, PartyRole.VISITING_PARENT, PartyRole.CHILD],
    )
    got = {p.role: (p.arrives.strftime("%H:%M"), p.leaves.strftime("%H:%M")) for p in times}
    assert got == {
        PartyRole.CHILD: ("15:45", "16:15"),
        PartyRole.FOSTER_FAMILY: ("15:45", "15:45"),
        PartyRole.VISITING_PARENT: ("16:00", "16:15"),
    }
    # The bringing side has left before the visiting parent arrives: they never meet.
    foster = next(p for p in times if p.role == PartyRole.FOSTER_FAMILY)
    visiting = next(p for p in times if p.role == PartyRole.VISITING_PARENT)
    assert foster.leaves < visiting.arrives


def test_default_billing_rule() -> None:
    rule = rules.billing_rule()
    assert rule is rules.DEFAULT_BILLING
    billable = {o for o in Outcome.values if rule.is_billable(o)}
    assert billable == {Outcome.TOOK_PLACE, Outcome.INTERRUPTED, Outcome.NO_SHOW}
    assert rule.is_billable(Outcome.CANCELLED_VISITING, late_cancellation=True)
    assert not rule.is_billable(Outcome.CANCELLED_VISITING, late_cancellation=False)
    assert not rule.is_billable(Outcome.CANCELLED_US, late_cancellation=True)


def test_billing_rule_from_settings(settings: pytest.FixtureRequest) -> None:
    settings.TUPA_VISITATION_BILLING = {"outcomes": ["took_place"], "late_cancellations": False}  # type: ignore[attr-defined]
    rule = rules.billing_rule()
    assert rule.is_billable(Outcome.TOOK_PLACE)
    assert not rule.is_billable(Outcome.NO_SHOW)
    assert not rule.is_billable(Outcome.CANCELLED_CHILD, late_cancellation=True)
    settings.TUPA_VISITATION_BILLING = {"outcomes": ["no_such"]}  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="no_such"):
        rules.billing_rule()
