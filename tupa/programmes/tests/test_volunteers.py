"""Volunteer leaders and childminders of group programmes are volunteer records (issue 12
item 7): who may be chosen, what a session refuses, the pages, the volunteer's page, and the
data migration of the free-text names."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.programmes import services
from tupa.programmes.models import GroupProgramme, Leader, Session
from tupa.volunteers.models import CheckResult, RoleKind, Status, Volunteer
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import services as screening_services
from tupa.volunteers.tests.support import coordinator_of, new_volunteer

from .support import add_session, group_form, programme, t

pytestmark = pytest.mark.django_db

migration = importlib.import_module("tupa.programmes.migrations.0003_leader_volunteer_names")


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


def volunteer_in(
    form: Any,
    first: str,
    last: str = "Hoivanen",
    *,
    started_on: dt.date = dt.date(2026, 1, 10),
    checked: bool = True,
    active: bool = True,
    role: str = RoleKind.CHILDMINDER,
) -> Volunteer:
    """A volunteer with a task in ``form``, active from 1.2.2026, with a fit check or none."""
    coordinator = coordinator_of(form)
    volunteer = new_volunteer(
        coordinator, form, role=role, first=first, last=last, started_on=started_on
    )
    with scopes_disabled():
        day = max(started_on, dt.date(2026, 2, 1))
        register_services.volunteer_set_status(
            actor=coordinator, volunteer=volunteer, status=Status.INTERVIEWED, changed_on=day
        )
        if checked:
            screening_services.record_check_add(
                actor=coordinator,
                volunteer=volunteer,
                seen_on=day,
                issued_on=day - dt.timedelta(days=10),
                seen_by=coordinator,
                result=CheckResult.FIT,
            )
        if active:
            register_services.volunteer_set_status(
                actor=coordinator, volunteer=volunteer, status=Status.ACTIVE, changed_on=day
            )
        volunteer.refresh_from_db()
    return volunteer


@pytest.fixture
def world() -> dict[str, Any]:
    form = group_form(slug="ero-lapsiperheessa", name="Ero lapsiperheessä")
    worker = worker_in(form)
    children = programme(
        form,
        worker,
        name="Erolasten vertaisryhmä",
        type=GroupProgramme.Type.PEER,
        target_group=GroupProgramme.TargetGroup.CHILDREN,
    )
    parents = programme(
        form,
        worker,
        name="Vanhempien ryhmä",
        type=GroupProgramme.Type.PEER,
        target_group=GroupProgramme.TargetGroup.ADULTS,
    )
    return {"form": form, "worker": worker, "children": children, "parents": parents}


def _add(w: dict[str, Any], prog: GroupProgramme, volunteer: Volunteer, **kw: Any) -> Leader:
    with scope(organisation=prog.organisation):
        return services.leader_add(
            actor=w["worker"], programme=prog, kind="volunteer", volunteer_id=volunteer.pk, **kw
        )


def _refused(w: dict[str, Any], prog: GroupProgramme, volunteer: Volunteer, **kw: Any) -> str:
    with pytest.raises(ValidationError) as error:
        _add(w, prog, volunteer, **kw)
    return " ".join(error.value.message_dict["volunteer"])


# --------------------------------------------------------------------------- services


def test_a_childminder_is_an_active_volunteer_of_the_form_with_a_valid_check(
    world: dict[str, Any],
) -> None:
    kaisa = volunteer_in(world["form"], "Kaisa")
    minder = _add(world, world["children"], kaisa, task="childminder")
    assert minder.volunteer_id == kaisa.pk and minder.name == ""
    assert str(minder) == "Kaisa Hoivanen"
    assert _refused(world, world["children"], kaisa) == "Vapaaehtoinen on jo ryhmän ohjaaja."


def test_who_cannot_be_a_volunteer_leader_gets_a_finnish_reason_and_nothing_is_saved(
    world: dict[str, Any],
) -> None:
    form, children, parents = world["form"], world["children"], world["parents"]
    unchecked = volunteer_in(form, "Leena", "Lapsirakas", checked=False)
    interested = volunteer_in(form, "Iida", "Innokas", active=False)
    elsewhere = volunteer_in(ServiceFormFactory.create(organisation=form.organisation), "Olli")
    other_org = volunteer_in(group_form(), "Vieras")

    assert "ei voi toimia lasten kanssa" in _refused(world, children, unchecked, task="co_leader")
    assert "rikostaustan tarkistusta" in _refused(world, parents, unchecked, task="childminder")
    assert "ei ollut aktiivinen vapaaehtoinen" in _refused(world, parents, interested)
    assert "ei voimassa olevaa vapaaehtoistehtävää työmuodossa Ero lapsiperheessä" in _refused(
        world, parents, elsewhere
    )
    assert _refused(world, parents, other_org) == "Valitse vapaaehtoinen vapaaehtoisrekisteristä."
    with scopes_disabled():
        assert not Leader.objects.filter(kind="volunteer").exists()
    # Work with adults (a co-leader of the parents' group) needs no check.
    assert _add(world, parents, unchecked, task="co_leader").volunteer_id == unchecked.pk


def test_a_session_refuses_a_volunteer_without_a_task_that_day_and_keeps_what_it_had(
    world: dict[str, Any],
) -> None:
    form, prog, worker = world["form"], world["parents"], world["worker"]
    late = volunteer_in(form, "Myöhä", started_on=dt.date(2026, 4, 15))
    leader = _add(world, prog, late, task="co_leader")
    staff = services_leader_staff(world, prog)
    early = add_session(prog, worker, t(2026, 4, 1, 17))
    with scope(organisation=form.organisation):
        services.session_record(
            actor=worker, session=early, statuses={}, leader_ids=[staff.pk], anonymous_adults=2
        )
        with pytest.raises(ValidationError) as error:
            services.session_record(
                actor=worker,
                session=early,
                statuses={},
                leader_ids=[staff.pk, leader.pk],
                anonymous_adults=5,
            )
        assert error.value.message_dict["leaders"] == [
            "Myöhä Hoivanen ei ollut aktiivinen vapaaehtoinen 1.4.2026."
        ]
        early.refresh_from_db()
        assert early.anonymous_adults == 2
        assert list(early.leaders.all()) == [staff]
        # On a day of the task the same volunteer is put on the session.
        later = add_session(prog, worker, t(2026, 5, 6, 17))
        services.session_record(
            actor=worker, session=later, statuses={}, leader_ids=[staff.pk, leader.pk]
        )
        assert set(later.leaders.all()) == {staff, leader}


def test_a_free_text_volunteer_stays_but_cannot_be_put_on_a_new_session(
    world: dict[str, Any],
) -> None:
    prog, worker = world["parents"], world["worker"]
    with scopes_disabled():
        legacy = Leader.objects.create(programme=prog, kind="volunteer", name="Vanha Nimi")
    session = add_session(prog, worker, t(2026, 5, 6, 17))
    with scope(organisation=prog.organisation), pytest.raises(ValidationError) as error:
        services.session_record(actor=worker, session=session, statuses={}, leader_ids=[legacy.pk])
    assert "Vanha Nimi ei ole vapaaehtoisrekisterissä" in error.value.message_dict["leaders"][0]


def services_leader_staff(w: dict[str, Any], prog: GroupProgramme) -> Leader:
    with scope(organisation=prog.organisation):
        return services.leader_add(
            actor=w["worker"], programme=prog, kind="staff", user=w["worker"]
        )


# --------------------------------------------------------------------------- pages


def test_the_leader_form_offers_only_who_may_be_chosen_and_keeps_bad_input(
    client: Client, world: dict[str, Any]
) -> None:
    form, prog = world["form"], world["children"]
    volunteer_in(form, "Kaisa")
    unchecked = volunteer_in(form, "Leena", "Lapsirakas", checked=False)
    volunteer_in(form, "Iida", "Innokas", active=False)
    login_verified(client, world["worker"])
    url = reverse("programmes:leader_add", args=[prog.pk])
    html = client.get(url).content.decode()
    assert "Kaisa Hoivanen" in html
    assert "Leena Lapsirakas (ei lasten kanssa" in html
    assert "Iida Innokas" not in html
    response = client.post(
        url, {"kind": "volunteer", "task": "childminder", "volunteer": str(unchecked.pk)}
    )
    assert response.status_code == 400
    assert "ei voi toimia lasten kanssa" in response.content.decode()
    with scopes_disabled():
        assert not Leader.objects.filter(programme=prog).exists()


def test_the_attendance_page_takes_a_constant_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    form, prog, worker = world["form"], world["children"], world["worker"]
    _add(world, prog, volunteer_in(form, "Kaisa"), task="childminder")
    session = add_session(prog, worker, t(2026, 5, 6, 17))
    login_verified(client, worker)
    url = reverse("programmes:session", args=[session.pk])
    with django_assert_max_num_queries(80) as captured:
        assert client.get(url).status_code == 200
    baseline = len(captured)
    for first in ("Aino", "Bea", "Cilla"):
        _add(world, prog, volunteer_in(form, first), task="childminder")
    # A volunteer whose task starts after the session day is not offered for it.
    _add(world, prog, volunteer_in(form, "Dora", started_on=dt.date(2026, 6, 1)))
    with django_assert_max_num_queries(baseline) as captured:
        html = client.get(url).content.decode()
    assert "Cilla Hoivanen" in html
    assert "Dora Hoivanen" not in html


def test_the_volunteer_page_lists_the_sessions_they_are_on(
    client: Client, world: dict[str, Any]
) -> None:
    form, prog, worker = world["form"], world["children"], world["worker"]
    kaisa = volunteer_in(form, "Kaisa")
    minder = _add(world, prog, kaisa, task="childminder")
    past = add_session(prog, worker, t(2026, 6, 10, 17), topic="Tunteet")
    add_session(prog, worker, t(2026, 6, 17, 17))
    coming = add_session(prog, worker, t(2026, 6, 24, 17))
    with scope(organisation=form.organisation):
        for session in (past, coming):
            services.session_record(
                actor=worker, session=session, statuses={}, leader_ids=[minder.pk]
            )
    login_verified(client, coordinator_of(form))
    html = client.get(reverse("volunteers:detail", args=[kaisa.pk])).content.decode()
    section = html[html.index("Ryhmät ja Perhetupa") :]
    assert "24.6.2026 17.00" in section and "10.6.2026 17.00" in section
    assert "Erolasten vertaisryhmä: Tunteet" in section
    assert "17.6.2026" not in section
    assert section.index("24.6.2026") < section.index("10.6.2026")  # upcoming first


# --------------------------------------------------------------------------- the migration


def test_the_migration_links_names_it_can_match_and_keeps_the_rest(
    world: dict[str, Any],
) -> None:
    form, prog = world["form"], world["parents"]
    kaisa = volunteer_in(form, "Kaisa")
    volunteer_in(form, "Sanna", "Sama")
    volunteer_in(form, "Sanna", "Sama")  # a namesake: not matched
    other_org = volunteer_in(group_form(), "Leena", "Lapsirakas")
    with scopes_disabled():
        rows = {
            text: Leader.objects.create(programme=prog, kind="volunteer", name=text)
            for text in ("  kaisa   HOIVANEN ", "Sanna Sama", "Leena Lapsirakas", "Tuntematon")
        }
        twice = Leader.objects.create(
            programme=world["children"], kind="volunteer", name="Kaisa Hoivanen"
        )
        Leader.objects.create(programme=world["children"], kind="volunteer", volunteer=kaisa)
        partner = Leader.objects.create(programme=prog, kind="co_worker", name="Kaisa Hoivanen")
        session = Session.objects.create(
            programme=prog, starts_at=t(2026, 5, 6, 17), ends_at=t(2026, 5, 6, 19)
        )
        session.leaders.set([rows["  kaisa   HOIVANEN "]])

        migration.link_named_volunteers(django_apps, None)

        def fresh(leader: Leader) -> Leader:
            return Leader.objects.get(pk=leader.pk)

        matched = fresh(rows["  kaisa   HOIVANEN "])
        assert (matched.volunteer_id, matched.name) == (kaisa.pk, "")
        assert list(session.leaders.all()) == [matched]
        for text in ("Sanna Sama", "Leena Lapsirakas", "Tuntematon"):
            assert (fresh(rows[text]).volunteer_id, fresh(rows[text]).name) == (None, text)
        assert fresh(twice).volunteer_id is None  # already on that programme: the text stays
        assert fresh(partner).volunteer_id is None
        assert other_org.pk not in Leader.objects.values_list("volunteer_id", flat=True)

        migration.unlink_volunteers(django_apps, None)
        assert (fresh(matched).volunteer_id, fresh(matched).name) == (None, "Kaisa Hoivanen")
        assert not Leader.objects.filter(volunteer__isnull=False).exists()
