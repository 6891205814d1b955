"""Services and selectors of group programmes, checked against hand-computed values.

Scenario (now 8.3.2026 12:00 Helsinki; the invitation list reads it):
- Programme A (pairs): m1 = parent1 + child1, m2 = parent2 + child2, m3 = adult p3 alone.
  s1 2.3.: m1 present, m2 present, m3 absent; 2 anonymous adults, 1 child.
  s2 4.3.: m1 present, m2 excused, m3 present; 0 adults, 3 children.
  s3 6.3.: cancelled.  s4 9.3.: in the future (m1 marked present): not held.
- Programme B (adults): m4 = the same person p3 (another membership).
  s5 28.2. 23:30 local (February), s6 1.3. 00:30 local (March): m4 present in both.
- Programme C of another service form: one present mark on 3.3.

The group statistics of this scenario (sessions held, visits, participants, persons, attendance
…) are counted by the statistics engine's indicators; their hand-computed figures are asserted
in ``tupa/statistics/tests/test_indicators_programmes.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, UserFactory, org_role_user, worker_in
from tupa.episodes.models import Entry
from tupa.programmes import selectors, services
from tupa.programmes.models import GroupProgramme, Leader, Session

from .support import add_member, add_session, group_form, pair, programme, record, t

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)
P, A, E = "present", "absent", "excused"


@pytest.fixture
def world() -> dict[str, Any]:
    form = group_form()
    worker = worker_in(form)
    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC), tick=False):
        prog_a = programme(form, worker, name="A")
        prog_b = programme(
            form,
            worker,
            name="B",
            type=GroupProgramme.Type.OPEN,
            target_group=GroupProgramme.TargetGroup.ADULTS,
            starts_on=dt.date(2026, 2, 1),
        )
        p1, c1 = pair(form)
        p2, c2 = pair(form)
        p3, _none = pair(form, child=False)
        m1 = add_member(prog_a, worker, p1, c1)
        m2 = add_member(prog_a, worker, p2, c2)
        m3 = add_member(prog_a, worker, p3)
        m4 = add_member(prog_b, worker, p3)
        s1 = add_session(prog_a, worker, t(2026, 3, 2))
        s2 = add_session(prog_a, worker, t(2026, 3, 4))
        s3 = add_session(prog_a, worker, t(2026, 3, 6))
        s4 = add_session(prog_a, worker, t(2026, 3, 9))
        s5 = add_session(prog_b, worker, t(2026, 2, 28, 23, 30), hours=1)
        s6 = add_session(prog_b, worker, t(2026, 3, 1, 0, 30), hours=1)
        record(s1, worker, {m1: P, m2: P, m3: A}, anonymous_adults=2, anonymous_children=1)
        record(s2, worker, {m1: P, m2: E, m3: P}, anonymous_children=3)
        record(s3, worker, {}, cancelled=True)
        record(s4, worker, {m1: P}, anonymous_adults=9)
        record(s5, worker, {m4: P}, anonymous_adults=4)
        record(s6, worker, {m4: P})
        other = group_form(organisation=form.organisation)
        other_worker = worker_in(other)
        prog_c = programme(other, other_worker, name="C")
        oc, _k = pair(other, child=False)
        mc = add_member(prog_c, other_worker, oc)
        record(add_session(prog_c, other_worker, t(2026, 3, 3)), other_worker, {mc: P})
    return {
        "form": form,
        "worker": worker,
        "a": prog_a,
        "b": prog_b,
        "members": (m1, m2, m3, m4),
        "persons": (p1, c1, p2, c2, p3),
    }


@time_machine.travel(NOW, tick=False)
def test_invitation_list_last_two_years(world: dict[str, Any]) -> None:
    form, worker = world["form"], world["worker"]
    p1, c1, p2, c2, p3 = world["persons"]
    with time_machine.travel(dt.datetime(2024, 3, 1, tzinfo=dt.UTC), tick=False):
        old = programme(form, worker, name="Vanha", starts_on=dt.date(2024, 3, 1))
        p5, _ = pair(form, child=False)
        p6, _ = pair(form, child=False)
        m5 = add_member(old, worker, p5)
        m6 = add_member(old, worker, p6)
        # Cutoff is 8.3.2024: the 7.3. session is too old, the 8.3. one (local) is in.
        record(add_session(old, worker, t(2024, 3, 7, 22)), worker, {m5: P})
        record(add_session(old, worker, t(2024, 3, 8, 0, 30)), worker, {m6: P})
    aftercare = programme(
        form,
        worker,
        name="Jälkiryhmä",
        starts_on=dt.date(2026, 3, 8),
        rules={"invitation_years": 2},
    )
    add_member(aftercare, worker, p2, c2)
    with scope(organisation=form.organisation):
        invitees = selectors.invitation_list(programme=aftercare, years=2)
    names = {i.person.pk: i for i in invitees}
    assert set(names) == {p1.person_id, c1.person_id, p3.person_id, p6.person_id}
    # p3 was last present on 4.3. (A) – the 8.3./9.3. marks of A are m1's; B's 1.3. is older.
    assert names[p3.person_id].last_attended == dt.date(2026, 3, 4)
    assert names[p3.person_id].programmes == ("A", "B")
    # m1's future session (9.3.) is not "taking part" yet: last presence 4.3.
    assert names[p1.person_id].last_attended == dt.date(2026, 3, 4)


def test_motivation_meetings_counted_before_joining(world: dict[str, Any]) -> None:
    form, worker = world["form"], world["worker"]
    parent, _kid = pair(form, child=False)
    prog = programme(form, worker, name="Peukaloinen", rules={"min_motivation_meetings": 3})
    with scopes_disabled():
        episode = parent.episode

        def entry(when: dt.datetime, type: str = "motivation", **kw: Any) -> Entry:
            return Entry.objects.create(
                episode=episode, type=type, occurred_at=when, author=worker, text="x", **kw
            )

        entry(t(2026, 2, 10))
        first = entry(t(2026, 2, 17))
        entry(t(2026, 2, 18), supersedes=first, correction_reason="aika")  # a correction
        entry(t(2026, 2, 20), type="home_visit")  # another type
        entry(t(2026, 3, 9, 0, 1))  # on the joining day: not *before* it
    member = add_member(prog, worker, parent, joined_on=dt.date(2026, 3, 9))
    with scope(organisation=form.organisation):
        assert selectors.motivation_counts([member]) == {member.pk: 2}
        facts = selectors.programme_facts(
            programme=prog, members=[member], today=dt.date(2026, 3, 9)
        )
    assert facts.members[0].motivation_meetings == 2


# --------------------------------------------------------------------------- writes


def test_weekly_sessions_keep_wall_clock_time_across_dst() -> None:
    form = group_form()
    worker = worker_in(form)
    prog = programme(form, worker, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31))
    with scope(organisation=form.organisation):
        created = services.sessions_create_weekly(
            actor=worker,
            programme=prog,
            first_day=dt.date(2026, 3, 16),
            weeks=3,
            weekdays=[0, 3],  # Mondays and Thursdays
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
    # 16.3., 19.3., 23.3., 26.3., 30.3. (2.4. is after the programme ends).
    utc = [s.starts_at.astimezone(dt.UTC) for s in created]
    assert [u.strftime("%d.%m %H:%M") for u in utc] == [
        "16.03 07:00",
        "19.03 07:00",
        "23.03 07:00",
        "26.03 07:00",
        "30.03 06:00",  # summer time from 29.3.2026: 09:00 local is 06:00 UTC
    ]
    assert all((s.ends_at - s.starts_at) == dt.timedelta(hours=3) for s in created)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"name": " "}, "name", "Anna ryhmälle nimi."),
        ({"type": "party"}, "type", "Valitse ryhmän laji."),
        (
            {"ends_on": dt.date(2026, 3, 1)},
            "ends_on",
            "Päättymispäivä ei voi olla ennen alkamispäivää.",
        ),
        (
            {"ends_on": dt.date(2026, 8, 31), "aftercare_until": dt.date(2026, 8, 30)},
            "aftercare_until",
            "Jälkituki ei voi päättyä ennen ryhmäjakson päättymistä.",
        ),
        (
            {"planned_hours_per_week": Decimal("61")},
            "planned_hours_per_week",
            "Tuntimäärän on oltava 0,5–60 tuntia viikossa.",
        ),
    ],
)
def test_programme_validation_in_finnish(kwargs: dict, field: str, message: str) -> None:
    form = group_form()
    with pytest.raises(ValidationError) as info:
        programme(form, worker_in(form), **kwargs)
    assert info.value.message_dict[field] == [message]


def test_rules_are_cleaned() -> None:
    form = group_form()
    prog = programme(
        form, worker_in(form), rules={"pairs_max": "5", "pairs_target": 0, "unknown": 3}
    )
    assert prog.rules == {"pairs_max": 5}


@time_machine.travel(NOW, tick=False)
def test_member_validation() -> None:
    form = group_form()
    worker = worker_in(form)
    prog = programme(form, worker, ends_on=dt.date(2026, 8, 31))
    parent, child = pair(form)
    _other_parent, other_child = pair(form)
    elsewhere, _ = pair(ServiceFormFactory.create(organisation=form.organisation), child=False)
    with pytest.raises(ValidationError) as info:
        add_member(prog, worker, elsewhere)
    assert info.value.message_dict == {
        "participant": ["Valitse työmuodon asiakkuuden tunnistettu osallistuja."]
    }
    with pytest.raises(ValidationError) as info:
        add_member(prog, worker, parent, other_child)
    assert info.value.message_dict == {"child": ["Parin lapsen on oltava saman asiakkuuden lapsi."]}
    with pytest.raises(ValidationError) as info:
        add_member(prog, worker, parent, child, joined_on=dt.date(2026, 3, 1))
    assert info.value.message_dict == {
        "joined_on": ["Aloituspäivä ei voi olla ennen ryhmän alkamista."]
    }
    add_member(prog, worker, parent, child, joined_on=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as info:
        add_member(prog, worker, parent, joined_on=dt.date(2026, 3, 2))
    assert info.value.message_dict == {"participant": ["Henkilö on jo ryhmässä."]}


def test_leaders_staff_and_co_worker_and_no_free_text_volunteer() -> None:
    form = group_form(kind="group", slug="ero-lapsiperheessa")
    worker = worker_in(form)
    prog = programme(
        form,
        worker,
        type=GroupProgramme.Type.PEER,
        target_group=GroupProgramme.TargetGroup.CHILDREN,
    )
    partner = worker_in(ServiceFormFactory.create(organisation=form.organisation))
    with scope(organisation=form.organisation):
        services.leader_add(actor=worker, programme=prog, kind="staff", user=worker)
        services.leader_add(actor=worker, programme=prog, kind="co_worker", user=partner)
        services.leader_add(actor=worker, programme=prog, kind="co_worker", name="Neuvolan th")
        for kwargs, field, message in [
            ({"kind": "volunteer"}, "volunteer", "Valitse vapaaehtoinen."),
            (
                {"kind": "volunteer", "name": "Vapaa Ehtoinen"},
                "name",
                "Vapaaehtoinen valitaan vapaaehtoisrekisteristä, ei nimellä.",
            ),
            ({"kind": "staff"}, "user", "Valitse työntekijä."),
            ({"kind": "staff", "user": worker}, "user", "Työntekijä on jo ryhmän ohjaaja."),
            ({"kind": "co_worker"}, "name", "Valitse työntekijä tai anna työparin nimi."),
            (
                {"kind": "staff", "user": UserFactory.create()},
                "user",
                "Valitse organisaation työntekijä.",
            ),
        ]:
            with pytest.raises(ValidationError) as info:
                services.leader_add(actor=worker, programme=prog, **kwargs)
            assert info.value.message_dict[field] == [message], kwargs
        assert Leader.objects.filter(programme=prog).count() == 3


def test_session_record_validation_and_cancel_clears(world: dict[str, Any]) -> None:
    worker = world["worker"]
    m1, _m2, _m3, m4 = world["members"]
    with scope(organisation=world["form"].organisation):
        session = Session.objects.filter(programme=world["a"]).order_by("starts_at").first()
        assert session is not None
        with pytest.raises(ValidationError) as info:
            services.session_record(actor=worker, session=session, statuses={m4.pk: P})
        assert info.value.message_dict == {"statuses": ["Osallistuja ei kuulu ryhmään."]}
        with pytest.raises(ValidationError) as info:
            services.session_record(
                actor=worker, session=session, statuses={m1.pk: P}, anonymous_adults=501
            )
        assert info.value.message_dict == {"anonymous_adults": ["Anna lukumäärä 0–500."]}
        with pytest.raises(ValidationError) as info:
            services.session_record(
                actor=worker, session=session, statuses={m1.pk: P}, cancelled=True
            )
        assert info.value.message_dict == {
            "cancelled": ["Peruttuun kokoontumiseen ei voi merkitä läsnäoloja."]
        }
        services.session_record(actor=worker, session=session, statuses={}, cancelled=True)
        session.refresh_from_db()
        assert session.cancelled and session.anonymous_adults == 0
        assert not session.attendances.exists()


def test_session_outside_programme_and_too_long() -> None:
    form = group_form()
    worker = worker_in(form)
    prog = programme(form, worker, ends_on=dt.date(2026, 3, 31))
    with pytest.raises(ValidationError) as info:
        add_session(prog, worker, t(2026, 4, 1))
    assert info.value.message_dict == {
        "starts_at": ["Kokoontumisen on oltava ryhmän voimassaoloaikana."]
    }
    with pytest.raises(ValidationError) as info:
        add_session(prog, worker, t(2026, 3, 10), hours=13)
    assert info.value.message_dict == {"ends_at": ["Kokoontuminen voi kestää enintään 12 tuntia."]}


@pytest.mark.parametrize("who", ["other_form", "other_org", "admin", "executive"])
def test_only_members_of_the_form_may_write(who: str) -> None:
    form = group_form()
    prog = programme(form, worker_in(form))
    actor = {
        "other_form": lambda: worker_in(ServiceFormFactory.create(organisation=form.organisation)),
        "other_org": lambda: worker_in(ServiceFormFactory.create()),
        "admin": lambda: org_role_user(form.organisation, Role.ADMINISTRATOR),
        "executive": lambda: org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
    }[who]()
    with pytest.raises(PermissionDenied):
        programme(form, actor)
    with pytest.raises(PermissionDenied):
        add_session(prog, actor, t(2026, 3, 3))
