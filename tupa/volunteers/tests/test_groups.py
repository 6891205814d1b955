"""Volunteer groups and meetings (VOL-08): the service rules, who sees what (404 for everyone
else), attendance on the volunteer's page, and a constant number of queries for the list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.volunteers.groups import services
from tupa.volunteers.models import GroupKind, GroupMeeting, MeetingAttendance, RoleKind

from .support import coordinator_of, new_volunteer, volunteer_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Doulatoiminta")
    coordinator = coordinator_of(form)
    doula = new_volunteer(coordinator, form, role=RoleKind.DOULA, first="Dora", last="Doula")
    other = new_volunteer(coordinator, form, role=RoleKind.DOULA, first="Olga", last="Muu")
    with scopes_disabled():
        group = services.group_create(
            actor=coordinator,
            service_form=form,
            kind=GroupKind.DOULA_MEETINGS,
            name="Doulatapaamiset",
            started_on=dt.date(2026, 1, 1),
        )
        services.member_add(
            actor=coordinator, group=group, volunteer=doula, joined_on=dt.date(2026, 1, 15)
        )
        meeting = services.meeting_add(
            actor=coordinator,
            group=group,
            date=dt.date(2026, 2, 3),
            starts_at=dt.time(17, 30),
            ends_at=dt.time(19),
            place="Perhekeskus",
            topic="Synnytyskertomukset",
            leader=coordinator,
        )
    return {
        "form": form,
        "coordinator": coordinator,
        "doula": doula,
        "other": other,
        "group": group,
        "meeting": meeting,
    }


# --------------------------------------------------------------------------- services


def test_attendance_is_for_members_on_the_day(world: dict[str, Any]) -> None:
    c, meeting = world["coordinator"], world["meeting"]
    with scopes_disabled():
        services.attendance_set(actor=c, meeting=meeting, present=[world["doula"]])
        assert list(MeetingAttendance.objects.values_list("volunteer_id", flat=True)) == [
            world["doula"].pk
        ]
        with pytest.raises(ValidationError) as error:
            services.attendance_set(actor=c, meeting=meeting, present=[world["other"]])
        assert "Vain ryhmän jäsenet" in str(error.value)
        early = services.meeting_add(
            actor=c,
            group=world["group"],
            date=dt.date(2026, 1, 10),
            starts_at=dt.time(18),
            leader=c,
        )
        with pytest.raises(ValidationError):  # joined on 15.1.
            services.attendance_set(actor=c, meeting=early, present=[world["doula"]])


def test_no_attendance_for_a_future_meeting(world: dict[str, Any]) -> None:
    c = world["coordinator"]
    with scopes_disabled():
        future = services.meeting_add(
            actor=c, group=world["group"], date=dt.date(2026, 7, 1), starts_at=dt.time(18), leader=c
        )
        with pytest.raises(ValidationError) as error:
            services.attendance_set(actor=c, meeting=future, present=[world["doula"]])
    assert "tulevalle" in str(error.value)


def test_a_closed_group_takes_no_later_meetings_nor_members(world: dict[str, Any]) -> None:
    c, group = world["coordinator"], world["group"]
    with scopes_disabled():
        with pytest.raises(ValidationError) as error:
            services.group_update(
                actor=c,
                group=group,
                kind=group.kind,
                name=group.name,
                started_on=group.started_on,
                closed_on=dt.date(2026, 2, 1),
            )
        assert "tapaaminen 3.2.2026" in str(error.value)
        services.group_update(
            actor=c,
            group=group,
            kind=group.kind,
            name=group.name,
            started_on=group.started_on,
            closed_on=dt.date(2026, 3, 1),
        )
        with pytest.raises(ValidationError) as error:
            services.meeting_add(
                actor=c, group=group, date=dt.date(2026, 3, 2), starts_at=dt.time(18), leader=c
            )
        assert "lopetettu 1.3.2026" in str(error.value)
        with pytest.raises(ValidationError):
            services.member_add(
                actor=c, group=group, volunteer=world["other"], joined_on=dt.date(2026, 2, 1)
            )


def test_meeting_rules(world: dict[str, Any]) -> None:
    c, group = world["coordinator"], world["group"]
    with scopes_disabled():
        with pytest.raises(ValidationError) as error:
            services.meeting_add(
                actor=c,
                group=group,
                date=dt.date(2026, 3, 2),
                starts_at=dt.time(18),
                ends_at=dt.time(17),
                leader=c,
            )
        assert "ends_at" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.meeting_add(
                actor=c, group=group, date=dt.date(2025, 12, 1), starts_at=dt.time(18), leader=c
            )
        assert "date" in error.value.message_dict


def test_a_member_needs_a_task_in_the_form_and_joins_once(world: dict[str, Any]) -> None:
    c, group = world["coordinator"], world["group"]
    org = world["form"].organisation
    saro = volunteer_form(org, name="Särö")
    everywhere = org_role_user(org, Role.VOLUNTEER_COORDINATOR)
    with scopes_disabled():
        with pytest.raises(ValidationError) as error:
            services.member_add(
                actor=c, group=group, volunteer=world["doula"], joined_on=dt.date(2026, 2, 1)
            )
        assert "jo ryhmän jäsen" in str(error.value)
        saro_group = services.group_create(
            actor=everywhere,
            service_form=saro,
            kind=GroupKind.MONTHLY,
            name="Särön kuukausitapaamiset",
            started_on=dt.date(2026, 1, 1),
        )
        with pytest.raises(ValidationError) as error:
            services.member_add(
                actor=everywhere,
                group=saro_group,
                volunteer=world["doula"],
                joined_on=dt.date(2026, 2, 1),
            )
        assert "ei ole tehtävää työmuodossa Särö" in str(error.value)
        with pytest.raises(PermissionDenied):  # Särö's own coordinator does not manage her
            services.member_add(
                actor=coordinator_of(saro),
                group=saro_group,
                volunteer=world["doula"],
                joined_on=dt.date(2026, 2, 1),
            )


def test_a_coordinator_of_another_form_may_not_write(world: dict[str, Any]) -> None:
    stranger = coordinator_of(volunteer_form(world["form"].organisation, name="Särö"))
    with scopes_disabled(), pytest.raises(PermissionDenied):
        services.meeting_add(
            actor=stranger,
            group=world["group"],
            date=dt.date(2026, 3, 1),
            starts_at=dt.time(18),
            leader=stranger,
        )


# --------------------------------------------------------------------------- screens


def test_who_sees_a_group(client: Client, world: dict[str, Any]) -> None:
    form, group = world["form"], world["group"]
    org = form.organisation
    urls = [
        reverse("volunteers:group_detail", args=[group.pk]),
        reverse("volunteers:group_meeting_add", args=[group.pk]),
        reverse("volunteers:group_attendance", args=[world["meeting"].pk]),
    ]
    expected = {
        "coordinator": (200, 200, 200),
        "coordinator organisation-wide": (200, 200, 200),
        "executive director": (200, 404, 404),
        "coordinator of another form": (404, 404, 404),
        "client worker": (404, 404, 404),
    }
    users = {
        "coordinator": world["coordinator"],
        "coordinator organisation-wide": org_role_user(org, Role.VOLUNTEER_COORDINATOR),
        "executive director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "coordinator of another form": coordinator_of(volunteer_form(org, name="Särö")),
        "client worker": worker_in(form),
    }
    for who, user in users.items():
        login_verified(client, user)
        got = tuple(client.get(url).status_code for url in urls)
        assert got == expected[who], who
        listed = client.get(reverse("volunteers:group_list"))
        if listed.status_code == 200:
            shown = urls[0] in listed.content.decode()
            assert shown == (who != "coordinator of another form"), who
        else:
            assert who == "client worker" and listed.status_code == 404
        client.logout()


def test_a_meeting_with_bad_input_keeps_what_was_typed(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    response = client.post(
        reverse("volunteers:group_meeting_add", args=[world["group"].pk]),
        {
            "date": "2026-03-04",
            "starts_at": "18:00",
            "ends_at": "17:00",
            "place": "Kirjasto",
            "topic": "Imetystuki",
            "leader": world["coordinator"].pk,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tapaaminen ei voi päättyä ennen kuin se alkaa." in html
    assert 'value="Imetystuki"' in html and 'value="Kirjasto"' in html
    with scopes_disabled():
        assert GroupMeeting.objects.count() == 1


def test_attendance_on_the_volunteers_page(client: Client, world: dict[str, Any]) -> None:
    c = world["coordinator"]
    login_verified(client, c)
    response = client.post(
        reverse("volunteers:group_attendance", args=[world["meeting"].pk]),
        {"present": [world["doula"].pk]},
    )
    assert response.status_code == 302
    page = client.get(reverse("volunteers:detail", args=[world["doula"].pk])).content.decode()
    assert "Doulatapaamiset" in page and "läsnä 1/1 tapaamisessa" in page
    detail = client.get(reverse("volunteers:group_detail", args=[world["group"].pk]))
    assert "Dora Doula" in detail.content.decode()
    with scopes_disabled():
        logged = set(
            AccessEvent.objects.filter(user=c, action="view").values_list("subject_id", flat=True)
        )
    assert str(world["doula"].pk) in logged


def test_the_group_list_takes_a_constant_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    c, form = world["coordinator"], world["form"]
    login_verified(client, c)
    url = reverse("volunteers:group_list")
    detail = reverse("volunteers:group_detail", args=[world["group"].pk])
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    list_count = len(captured)
    with django_assert_max_num_queries(60) as captured:
        assert client.get(detail).status_code == 200
    detail_count = len(captured)
    with scopes_disabled():
        for i in range(4):
            g = services.group_create(
                actor=c,
                service_form=form,
                kind=GroupKind.PEER,
                name=f"Vertaisryhmä {i}",
                started_on=dt.date(2026, 1, 1),
            )
            v = new_volunteer(c, form, role=RoleKind.DOULA, first=f"Lisä{i}")
            services.member_add(actor=c, group=g, volunteer=v, joined_on=dt.date(2026, 1, 2))
            services.member_add(
                actor=c, group=world["group"], volunteer=v, joined_on=dt.date(2026, 1, 2)
            )
            m = services.meeting_add(
                actor=c,
                group=world["group"],
                date=dt.date(2026, 4, i + 1),
                starts_at=dt.time(18),
                leader=c,
            )
            services.attendance_set(actor=c, meeting=m, present=[v])
    with django_assert_max_num_queries(list_count, info=url):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(detail_count, info=detail):
        assert client.get(detail).status_code == 200
