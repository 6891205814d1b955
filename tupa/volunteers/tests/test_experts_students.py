"""Experience experts (VOL-12) and students (VOL-13, STF-06): consents given and withdrawn in
order, no link to any client record, placements with a valid period, and who sees them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.volunteers.experts import services as expert_services
from tupa.volunteers.models import (
    ExpertConsent,
    PlacementKind,
    RoleKind,
    StudentPlacement,
)
from tupa.volunteers.students import services as student_services

from .support import coordinator_of, new_volunteer, volunteer_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Alvari")
    coordinator = coordinator_of(form)
    expert = new_volunteer(
        coordinator, form, role=RoleKind.EXPERIENCE_EXPERT, first="Eeva", last="Kokemus"
    )
    student = new_volunteer(coordinator, form, role=RoleKind.STUDENT, first="Olli", last="Opis")
    return {"form": form, "coordinator": coordinator, "expert": expert, "student": student}


def _give(world: dict[str, Any], **kwargs: Any) -> ExpertConsent:
    with scopes_disabled():
        return expert_services.expert_consent_give(
            actor=world["coordinator"],
            volunteer=world["expert"],
            service_form=world["form"],
            **{"given_on": dt.date(2026, 2, 1), "scope": "Kehittämistyö", **kwargs},
        )


def test_an_expert_consent_has_no_link_to_a_client() -> None:
    names = {f.name for f in ExpertConsent._meta.get_fields()}
    related = {
        f.related_model._meta.label
        for f in ExpertConsent._meta.get_fields()
        if f.is_relation and f.related_model is not None
    }
    assert not {"person", "client", "episode"} & names
    assert not {"people.Person", "episodes.Episode"} & related


def test_an_expert_consent_is_given_once_and_withdrawn_after_it_was_given(
    world: dict[str, Any],
) -> None:
    consent = _give(world, former_client=True)
    with pytest.raises(ValidationError) as error:
        _give(world)
    assert "jo voimassa" in str(error.value)
    with scopes_disabled():
        with pytest.raises(ValidationError) as error:
            expert_services.expert_consent_withdraw(
                actor=world["coordinator"], consent=consent, withdrawn_on=dt.date(2026, 1, 31)
            )
        assert "ennen kuin se on annettu" in str(error.value)
        expert_services.expert_consent_withdraw(
            actor=world["coordinator"], consent=consent, withdrawn_on=dt.date(2026, 5, 1)
        )
    with pytest.raises(ValidationError) as error:  # a new one may not overlap the old one
        _give(world, given_on=dt.date(2026, 4, 1))
    assert "peruttiin 1.5.2026" in str(error.value)
    _give(world, given_on=dt.date(2026, 6, 1))


def test_an_expert_consent_needs_a_scope_a_task_and_no_future_date(
    world: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError) as error:
        _give(world, scope="  ")
    assert "scope" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _give(world, given_on=dt.date(2026, 7, 1))
    assert "given_on" in error.value.message_dict
    other = volunteer_form(world["form"].organisation, name="Ensikoti")
    everywhere = org_role_user(world["form"].organisation, Role.VOLUNTEER_COORDINATOR)
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        expert_services.expert_consent_give(
            actor=everywhere,
            volunteer=world["expert"],
            service_form=other,
            given_on=dt.date(2026, 2, 1),
            scope="Koulutukset",
        )
    assert "ei ole tehtävää" in str(error.value)


def _place(world: dict[str, Any], **kwargs: Any) -> StudentPlacement:
    values: dict[str, Any] = {
        "kind": PlacementKind.STUDY_CREDIT,
        "school": "Lahden ammattikorkeakoulu",
        "degree_programme": "Sosionomi (AMK)",
        "supervisor": world["coordinator"],
        "starts_on": dt.date(2026, 1, 12),
        "ends_on": dt.date(2026, 5, 29),
        "credits": Decimal("5"),
        **kwargs,
    }
    with scopes_disabled():
        return student_services.placement_create(
            actor=world["coordinator"],
            volunteer=world["student"],
            service_form=world["form"],
            **values,
        )


def test_a_placement_period_ends_after_it_starts(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        _place(world, ends_on=dt.date(2026, 1, 11))
    assert error.value.message_dict["ends_on"] == ["Jakso ei voi päättyä ennen kuin se alkaa."]
    with pytest.raises(ValidationError) as error:
        _place(world, credits=Decimal("0"))
    assert "credits" in error.value.message_dict
    placement = _place(world)
    assert placement.credits == Decimal("5")


def test_a_coordinator_of_another_form_may_not_place_a_student(world: dict[str, Any]) -> None:
    stranger = coordinator_of(volunteer_form(world["form"].organisation, name="Särö"))
    with scopes_disabled(), pytest.raises(PermissionDenied):
        student_services.placement_create(
            actor=stranger,
            volunteer=world["student"],
            service_form=world["form"],
            kind=PlacementKind.PRACTICAL_TRAINING,
            school="Koulu",
            degree_programme="Ohjelma",
            supervisor=stranger,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 2, 1),
        )


def test_who_sees_students_and_experts(client: Client, world: dict[str, Any]) -> None:
    placement = _place(world)
    consent = _give(world)
    org = world["form"].organisation
    urls = [
        reverse("volunteers:student_list"),
        reverse("volunteers:expert_list"),
        reverse("volunteers:placement_edit", args=[placement.pk]),
        reverse("volunteers:expert_consent_withdraw", args=[consent.pk]),
    ]
    users = {
        "coordinator": (world["coordinator"], (200, 200, 200, 200), True),
        "executive director": (
            org_role_user(org, Role.EXECUTIVE_DIRECTOR),
            (200, 200, 404, 404),
            True,
        ),
        "coordinator of another form": (
            coordinator_of(volunteer_form(org, name="Särö")),
            (200, 200, 404, 404),
            False,
        ),
        "client worker": (worker_in(world["form"]), (404, 404, 404, 404), False),
    }
    for who, (user, expected, sees) in users.items():
        login_verified(client, user)
        responses = [client.get(url) for url in urls]
        assert tuple(r.status_code for r in responses) == expected, who
        if expected[0] == 200:
            assert ("Olli" in responses[0].content.decode()) == sees, who
            assert ("Eeva" in responses[1].content.decode()) == sees, who
        client.logout()


def test_bad_placement_input_keeps_what_was_typed(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["coordinator"])
    response = client.post(
        reverse("volunteers:placement_create"),
        {
            "volunteer": world["student"].pk,
            "service_form": world["form"].pk,
            "kind": PlacementKind.PRACTICAL_TRAINING,
            "school": "Lahden ammattikorkeakoulu",
            "degree_programme": "Sosionomi (AMK)",
            "supervisor": world["coordinator"].pk,
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "credits": "10",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Jakso ei voi päättyä ennen kuin se alkaa." in html
    assert 'value="Lahden ammattikorkeakoulu"' in html and 'value="2026-02-01"' in html
    with scopes_disabled():
        assert not StudentPlacement.objects.exists()


def test_the_volunteer_page_shows_consent_and_placement(
    client: Client, world: dict[str, Any]
) -> None:
    _give(world, scope="Oma tarina koulutuksissa")
    login_verified(client, world["coordinator"])
    page = client.get(reverse("volunteers:detail", args=[world["expert"].pk])).content.decode()
    assert "Oma tarina koulutuksissa" in page and "Peru suostumus" in page
    _place(world)
    page = client.get(reverse("volunteers:detail", args=[world["student"].pk])).content.decode()
    assert "Lahden ammattikorkeakoulu" in page
