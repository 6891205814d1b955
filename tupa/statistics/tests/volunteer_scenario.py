"""A small volunteer world whose 2025 figures are computed by hand in the tests.

Built straight with the ORM (the rows the volunteer services would write), so the statistics
tests do not depend on the volunteer app's services. Period: the year 2025.

Form A (Mieskaveritoiminta, kind volunteer), form B (Perhetupa), form D (no volunteers), and a
form of another organisation with a volunteer, an hour entry and a match (never counted).

Volunteers (task, status steps):
- v1 Aalto Antti, man: A mieskaveri from 1.5.2024, open; interested 1.5.2024, active 1.9.2024.
- v2 Berg Bertta, woman: B perhetupa from 10.3.2025, open; interested 10.3., interviewed 1.4.,
  active 1.5.2025 — new in B (March).
- v3 Certo Cecilia, woman: A childminder 1.1.2023–30.6.2025 and B perhetupa 1.2.2024–30.6.2025;
  interested 1.1.2023, active 1.2.2023, ended 30.6.2025 — ended in A and in B (June).
- v4 Dahl Daniel, man: A mieskaveri from 15.2.2025, open; interested 15.2., in training 1.3.,
  active 20.4.2025, paused 10.1.2026 (after the period) — new in A (February), active at the end.
- v5 Eklund Eero, gender not told: A mieskaveri 1.1.2022–31.12.2024; ended 31.12.2024 — not in
  2025 at all.
- v6 Forss Frans, man: A mieskaveri 1.1.2024–28.2.2025, then A group co-leader from 1.3.2025,
  open; interested 1.1.2024, active 1.2.2024 — neither new nor ended, two roles in 2025.

Activity (Helsinki wall clock):
- A: v1 session 5.3.2025 17.00–19.30 (150 min), v1 outing 29.3.2025 10.00–10.10 (10 min),
  v4 camp 26.10.2025 00.00–06.00 (the autumn night: 7 h), v1 session 31.12.2024 (not 2025).
- B: v2 session 2.4.2025 09.00–12.00 (3 h).

Courses: A Mieskaveri basic K0 1.10.–1.11.2024 (v1 completed 1.11.2024); A Mieskaveri basic K1
1.2.–15.3.2025 (v4 completed 15.3.2025, v6 not completed); B other K2 20.12.2025–10.1.2026.

Matching in A (families e1…e4 are episodes of A):
- c5 e4 applied 1.6.2024, v6 matched 1.8.2024, ended 31.12.2024 successful (nothing in 2025);
- c1 e1 applied 1.11.2024, v1 matched 15.1.2025, ended 30.9.2025 successful;
- c2 e2 applied 1.2.2025, v6 matched 20.3.2025, ended 31.5.2025 not successful;
- c3 e3 applied 10.4.2025, v4 matched 1.6.2025, open;
- c4 e2 again applied 1.7.2025, withdrawn (no match).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    AreaFactory,
    EpisodeFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.organisations.models import ServiceForm
from tupa.volunteers.models import (
    Assignment,
    CaseStatus,
    CourseParticipant,
    HoursEntry,
    Match,
    MatchingCase,
    StatusChange,
    TrainingCourse,
    Volunteer,
)

YEAR = 2025
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))

d = dt.date


def volunteer(
    org_id: int,
    recorder: User,
    first: str,
    last: str,
    gender: str,
    steps: list[tuple[str, dt.date]],
) -> Volunteer:
    """A volunteer with its status steps (the last one is the current status)."""
    v = Volunteer.objects.create(
        organisation_id=org_id,
        first_names=first,
        last_name=last,
        gender=gender,
        status=steps[-1][0],
        status_since=steps[-1][1],
    )
    previous = ""
    for status, day in steps:
        StatusChange.objects.create(
            organisation_id=org_id,
            volunteer=v,
            status=status,
            previous=previous,
            changed_on=day,
            recorded_by=recorder,
        )
        previous = status
    return v


def task(
    v: Volunteer, form: ServiceForm, role: str, start: dt.date, end: dt.date | None = None
) -> Assignment:
    return Assignment.objects.create(  # type: ignore[no-any-return]
        organisation_id=v.organisation_id,
        volunteer=v,
        service_form=form,
        role=role,
        started_on=start,
        ended_on=end,
    )


def hours(
    v: Volunteer,
    form: ServiceForm,
    kind: str,
    day: dt.date,
    starts: dt.time,
    ends: dt.time,
    recorder: User,
) -> HoursEntry:
    return HoursEntry.objects.create(  # type: ignore[no-any-return]
        organisation_id=v.organisation_id,
        volunteer=v,
        service_form=form,
        kind=kind,
        date=day,
        starts=starts,
        ends=ends,
        recorded_by=recorder,
    )


def course(form: ServiceForm, kind: str, name: str, starts: dt.date, ends: dt.date) -> Any:
    return TrainingCourse.objects.create(
        organisation_id=form.organisation_id,
        service_form=form,
        kind=kind,
        name=name,
        starts_on=starts,
        ends_on=ends,
    )


def case(
    form: ServiceForm,
    episode: Any,
    applied: dt.date,
    recorder: User,
    *,
    friend: Volunteer | None = None,
    matched: dt.date | None = None,
    ended: dt.date | None = None,
    successful: bool | None = None,
    withdrawn: bool = False,
) -> MatchingCase:
    if withdrawn:
        status, since = CaseStatus.WITHDRAWN, applied
    elif ended is not None:
        status, since = CaseStatus.ENDED, ended
    elif matched is not None:
        status, since = CaseStatus.MATCHED, matched
    else:
        status, since = CaseStatus.APPLIED, applied
    c = MatchingCase.objects.create(
        organisation_id=form.organisation_id,
        service_form=form,
        episode=episode,
        applied_on=applied,
        status=status,
        status_since=since,
        ended_on=ended,
        successful=successful,
    )
    if friend is not None and matched is not None:
        Match.objects.create(
            organisation_id=form.organisation_id,
            case=c,
            volunteer=friend,
            started_on=matched,
            ended_on=ended,
            created_by=recorder,
        )
    return c


def build() -> dict[str, Any]:
    a = ServiceFormFactory.create(
        kind=ServiceForm.Kind.VOLUNTEER, name="Mieskaveritoiminta", slug="mieskaveri"
    )
    org = a.organisation
    area = AreaFactory.create(organisation=org)
    b = ServiceFormFactory.create(
        organisation=org, area=area, kind=ServiceForm.Kind.DROP_IN, name="Perhetupa"
    )
    empty = ServiceFormFactory.create(organisation=org, area=area, name="Ei vapaaehtoisia")
    other = ServiceFormFactory.create(kind=ServiceForm.Kind.VOLUNTEER, name="Toinen yhdistys")
    users = {
        "coordinator": worker_in(a, role=Role.VOLUNTEER_COORDINATOR),
        "coordinator_b": worker_in(b, role=Role.VOLUNTEER_COORDINATOR),
        "lead": worker_in(a, role=Role.LEAD),
        "worker_b": worker_in(b),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    }
    me = users["coordinator"]
    t = dt.time
    with scopes_disabled():
        v1 = volunteer(
            org.pk,
            me,
            "Antti",
            "Aalto",
            "man",
            [("interested", d(2024, 5, 1)), ("active", d(2024, 9, 1))],
        )
        v2 = volunteer(
            org.pk,
            me,
            "Bertta",
            "Berg",
            "woman",
            [
                ("interested", d(2025, 3, 10)),
                ("interviewed", d(2025, 4, 1)),
                ("active", d(2025, 5, 1)),
            ],
        )
        v3 = volunteer(
            org.pk,
            me,
            "Cecilia",
            "Certo",
            "woman",
            [
                ("interested", d(2023, 1, 1)),
                ("active", d(2023, 2, 1)),
                ("ended", d(2025, 6, 30)),
            ],
        )
        v4 = volunteer(
            org.pk,
            me,
            "Daniel",
            "Dahl",
            "man",
            [
                ("interested", d(2025, 2, 15)),
                ("in_training", d(2025, 3, 1)),
                ("active", d(2025, 4, 20)),
                ("paused", d(2026, 1, 10)),
            ],
        )
        v5 = volunteer(
            org.pk,
            me,
            "Eero",
            "Eklund",
            "",
            [("interested", d(2022, 1, 1)), ("ended", d(2024, 12, 31))],
        )
        v6 = volunteer(
            org.pk,
            me,
            "Frans",
            "Forss",
            "man",
            [("interested", d(2024, 1, 1)), ("active", d(2024, 2, 1))],
        )
        task(v1, a, "mieskaveri", d(2024, 5, 1))
        task(v2, b, "perhetupa", d(2025, 3, 10))
        task(v3, a, "childminder", d(2023, 1, 1), d(2025, 6, 30))
        task(v3, b, "perhetupa", d(2024, 2, 1), d(2025, 6, 30))
        task(v4, a, "mieskaveri", d(2025, 2, 15))
        task(v5, a, "mieskaveri", d(2022, 1, 1), d(2024, 12, 31))
        task(v6, a, "mieskaveri", d(2024, 1, 1), d(2025, 2, 28))
        task(v6, a, "group_co_leader", d(2025, 3, 1))

        hours(v1, a, "session", d(2025, 3, 5), t(17), t(19, 30), me)
        hours(v1, a, "outing", d(2025, 3, 29), t(10), t(10, 10), me)
        hours(v4, a, "camp", d(2025, 10, 26), t(0), t(6), me)
        hours(v1, a, "session", d(2024, 12, 31), t(10), t(11), me)
        hours(v2, b, "session", d(2025, 4, 2), t(9), t(12), me)

        k0 = course(a, "mieskaveri_basic", "K0", d(2024, 10, 1), d(2024, 11, 1))
        k1 = course(a, "mieskaveri_basic", "K1", d(2025, 2, 1), d(2025, 3, 15))
        course(b, "other", "K2", d(2025, 12, 20), d(2026, 1, 10))
        CourseParticipant.objects.create(
            organisation_id=org.pk, course=k0, volunteer=v1, completed_on=d(2024, 11, 1)
        )
        CourseParticipant.objects.create(
            organisation_id=org.pk, course=k1, volunteer=v4, completed_on=d(2025, 3, 15)
        )
        CourseParticipant.objects.create(organisation_id=org.pk, course=k1, volunteer=v6)

        e1, e2, e3, e4 = (EpisodeFactory.create(service_form=a) for _ in range(4))
        case(
            a,
            e4,
            d(2024, 6, 1),
            me,
            friend=v6,
            matched=d(2024, 8, 1),
            ended=d(2024, 12, 31),
            successful=True,
        )
        case(
            a,
            e1,
            d(2024, 11, 1),
            me,
            friend=v1,
            matched=d(2025, 1, 15),
            ended=d(2025, 9, 30),
            successful=True,
        )
        case(
            a,
            e2,
            d(2025, 2, 1),
            me,
            friend=v6,
            matched=d(2025, 3, 20),
            ended=d(2025, 5, 31),
            successful=False,
        )
        case(a, e3, d(2025, 4, 10), me, friend=v4, matched=d(2025, 6, 1))
        case(a, e2, d(2025, 7, 1), me, withdrawn=True)

        # Another organisation: counted nowhere here.
        stranger = worker_in(other, role=Role.VOLUNTEER_COORDINATOR)
        x = volunteer(
            other.organisation_id, stranger, "Xavier", "Muualta", "man", [("active", d(2025, 1, 1))]
        )
        task(x, other, "mieskaveri", d(2025, 1, 1))
        hours(x, other, "session", d(2025, 3, 5), t(10), t(12), stranger)
        ex = EpisodeFactory.create(service_form=other)
        case(other, ex, d(2025, 2, 1), stranger, friend=x, matched=d(2025, 3, 1))
    return {
        "a": a,
        "b": b,
        "empty": empty,
        "other": other,
        "org": org,
        "volunteers": {"v1": v1, "v2": v2, "v3": v3, "v4": v4, "v5": v5, "v6": v6},
        **users,
    }
