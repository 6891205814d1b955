"""The programme rules as pure functions, each warning checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tupa.programmes.models import OPEN_GROUP_RULES, PEUKALOINEN_RULES
from tupa.programmes.rules import (
    MemberFacts,
    ProgrammeFacts,
    evaluate,
    full_months,
    invitation_cutoff,
    peak_members,
)

D = dt.date


def facts(**kwargs: object) -> ProgrammeFacts:
    base: dict[str, object] = {
        "starts_on": D(2026, 1, 1),
        "today": D(2026, 2, 10),
        "ends_on": D(2026, 6, 30),  # exactly six months
        "aftercare_until": D(2026, 12, 31),  # exactly six months after
        "planned_hours_per_week": Decimal("15"),
        "members": tuple(MemberFacts(i, D(2026, 1, 1), motivation_meetings=3) for i in range(1, 5)),
    }
    base.update(kwargs)
    return ProgrammeFacts(**base)  # type: ignore[arg-type]


def codes(rules: dict, f: ProgrammeFacts) -> list[str]:
    return [w.code for w in evaluate(rules, f)]


def test_a_programme_that_follows_every_peukaloinen_rule_has_no_warnings() -> None:
    assert evaluate(PEUKALOINEN_RULES, facts()) == []


def test_no_rules_no_warnings_even_for_a_bad_programme() -> None:
    bad = facts(ends_on=None, aftercare_until=None, planned_hours_per_week=None)
    assert evaluate({}, bad) == []


def test_motivation_meetings_below_three_name_the_members() -> None:
    members = (
        MemberFacts(1, D(2026, 1, 1), motivation_meetings=3),
        MemberFacts(2, D(2026, 1, 1), motivation_meetings=2),
        MemberFacts(3, D(2026, 1, 1), motivation_meetings=0),
        MemberFacts(4, D(2026, 1, 1), motivation_meetings=5),
    )
    [warning] = evaluate(PEUKALOINEN_RULES, facts(members=members))
    assert warning.code == "motivation"
    assert warning.level == "warning"
    assert warning.member_ids == (2, 3)
    assert warning.message == (
        "2 osallistujalla on alle 3 motivointitapaamista ennen ryhmän aloitusta."
    )


def test_hours_per_week_below_fifteen_and_missing() -> None:
    [low] = evaluate(PEUKALOINEN_RULES, facts(planned_hours_per_week=Decimal("14.5")))
    assert low.code == "hours"
    assert low.message == "Suunniteltu tuntimäärä 14,5 h viikossa on alle tavoitteen 15 h."
    assert codes(PEUKALOINEN_RULES, facts(planned_hours_per_week=Decimal("15.0"))) == []
    assert codes(PEUKALOINEN_RULES, facts(planned_hours_per_week=None)) == ["hours_missing"]


def test_pairs_five_is_a_warning_six_is_an_error() -> None:
    five = tuple(MemberFacts(i, D(2026, 1, 1), motivation_meetings=3) for i in range(5))
    [w] = evaluate(PEUKALOINEN_RULES, facts(members=five))
    assert (w.code, w.level) == ("pairs", "warning")
    assert w.message == "Ryhmässä on 5 paria, tavoite on 4."
    six = (*five, MemberFacts(9, D(2026, 3, 1), motivation_meetings=3))
    [e] = evaluate(PEUKALOINEN_RULES, facts(members=six))
    assert (e.code, e.level, e.is_error) == ("pairs_max", "error", True)
    assert e.message == "Ryhmässä on 6 paria, enimmäismäärä on 5."


def test_pairs_count_the_peak_not_everyone_who_ever_took_part() -> None:
    # Rolling intake: 6 pairs over the period, but at most 4 at the same time.
    members = (
        MemberFacts(1, D(2026, 1, 1), D(2026, 2, 28), 3),
        MemberFacts(2, D(2026, 1, 1), D(2026, 3, 31), 3),
        MemberFacts(3, D(2026, 1, 1), None, 3),
        MemberFacts(4, D(2026, 1, 1), None, 3),
        MemberFacts(5, D(2026, 3, 1), None, 3),  # 2, 3, 4, 5 on 1.3. → 4
        MemberFacts(6, D(2026, 4, 1), None, 3),  # 3, 4, 5, 6 on 1.4. → 4
    )
    assert peak_members(members) == 4
    assert evaluate(PEUKALOINEN_RULES, facts(members=members)) == []
    # Leaving on 1.3. still counts on 1.3. (the last day in the group): 5 that day.
    members2 = (MemberFacts(1, D(2026, 1, 1), D(2026, 3, 1), 3), *members[1:])
    assert peak_members(members2) == 5


def test_capacity_is_checked_without_any_rule() -> None:
    members = tuple(MemberFacts(i, D(2026, 1, 1)) for i in range(3))
    [w] = evaluate({}, facts(members=members, capacity=2))
    assert w.code == "capacity"
    assert w.message == "Osallistujia on 3, paikkoja 2."


def test_duration_of_six_months_inclusive() -> None:
    # 1.1.–30.6. is six months; 1.1.–29.6. is not.
    assert codes(PEUKALOINEN_RULES, facts(ends_on=D(2026, 6, 30))) == []
    short = facts(ends_on=D(2026, 6, 29), aftercare_until=D(2026, 12, 31))
    assert codes(PEUKALOINEN_RULES, short) == ["duration"]
    # Month-end start: 31.8. + 6 months = 28.2. → the end must be 27.2. or later.
    late = facts(starts_on=D(2025, 8, 31), ends_on=D(2026, 2, 27), aftercare_until=D(2026, 8, 27))
    assert codes(PEUKALOINEN_RULES, late) == []
    assert codes(PEUKALOINEN_RULES, facts(ends_on=None, aftercare_until=D(2026, 12, 31))) == [
        "duration_missing"
    ]


def test_aftercare_missing_or_short() -> None:
    [w] = evaluate(PEUKALOINEN_RULES, facts(aftercare_until=None))
    assert w.code == "aftercare_missing"
    assert w.message == "Jälkitukea ei ole suunniteltu (6 kk ryhmän jälkeen)."
    assert codes(PEUKALOINEN_RULES, facts(aftercare_until=D(2026, 12, 30))) == ["aftercare"]


def test_open_group_twice_a_month_counts_full_months_only() -> None:
    # Open group from 15.1.2026, open-ended, today 10.4.2026: the full months are Feb, Mar
    # and Apr (through the end of the current month). January is partial and not checked.
    sessions = [
        D(2026, 1, 22),
        D(2026, 2, 5),
        D(2026, 2, 19),  # Feb: 2 ✓
        D(2026, 3, 5),  # Mar: 1 ✗
        D(2026, 4, 2),
        D(2026, 4, 16),
        D(2026, 4, 30),  # Apr: 3 ✓
    ]
    f = ProgrammeFacts(starts_on=D(2026, 1, 15), today=D(2026, 4, 10), session_days=sessions)
    [w] = evaluate(OPEN_GROUP_RULES, f)
    assert w.code == "sessions_per_month"
    assert w.message == "Ryhmä kokoontuu alle 2 kertaa kuukaudessa 1 kuukautena: 3/2026."
    # With an end date of 31.3.: Feb and Mar are checked, April is not.
    f2 = ProgrammeFacts(
        starts_on=D(2026, 1, 15),
        today=D(2026, 4, 10),
        ends_on=D(2026, 3, 31),
        session_days=sessions[:4],
    )
    assert [w.message for w in evaluate(OPEN_GROUP_RULES, f2)] == [w.message]


def test_errors_come_first() -> None:
    six = tuple(MemberFacts(i, D(2026, 1, 1), motivation_meetings=0) for i in range(6))
    assert codes(PEUKALOINEN_RULES, facts(members=six, aftercare_until=None)) == [
        "pairs_max",
        "motivation",
        "aftercare_missing",
    ]


def test_date_helpers() -> None:
    assert invitation_cutoff(D(2026, 3, 10), 2) == D(2024, 3, 10)
    assert invitation_cutoff(D(2024, 2, 29), 2) == D(2022, 2, 28)
    assert full_months(D(2026, 1, 1), D(2026, 3, 30)) == [D(2026, 1, 1), D(2026, 2, 1)]
    assert full_months(D(2026, 1, 2), D(2026, 3, 31)) == [D(2026, 2, 1), D(2026, 3, 1)]
    assert full_months(D(2026, 1, 2), D(2026, 1, 31)) == []
