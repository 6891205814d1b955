"""The matching screens: who sees what (404 for everyone else, no family data without the
client-access rules), access-log rows, query counts and bad input kept with Finnish errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ParticipantFactory,
    UserFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.people.models import Person
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import CaseStatus, MatchingCase, Volunteer

from .support import (
    active_volunteer,
    coordinator_of,
    family_coordinator,
    new_volunteer,
    volunteer_form,
    waiting_case,
)

pytestmark = pytest.mark.django_db

BOY = "Kanarialapsi"
WISH = "Toive-kanaria"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


def _family(form: Any, born: dt.date = dt.date(2019, 5, 1)) -> tuple[Any, Any]:
    _mother, episode = client_in(form, first_names="Kanariaäiti")
    boy = ParticipantFactory.create(
        episode=episode, role="child", person__birth_date=born, person__first_names=BOY
    )
    return episode, boy


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = family_coordinator(form)
    episode, boy = _family(form)
    friend = active_volunteer(coordinator, form, first="Matti")
    case = waiting_case(coordinator, episode, boy, area="", applied_wishes=WISH, wishes=WISH)
    with scopes_disabled():
        matching_services.volunteer_match(
            actor=coordinator, case=case, volunteer=friend, started_on=dt.date(2026, 5, 1)
        )
    return {
        "form": form,
        "coordinator": coordinator,
        "episode": episode,
        "friend": friend,
        "case": case,
    }


def _urls(w: dict[str, Any]) -> dict[str, list[str]]:
    pk = w["case"].pk
    return {
        "read": [reverse("volunteers:cases"), reverse("volunteers:case_detail", args=[pk])],
        "write": [
            reverse("volunteers:case_create", args=[w["episode"].pk]),
            *(
                reverse(f"volunteers:{name}", args=[pk])
                for name in (
                    "case_intake",
                    "case_status",
                    "case_match",
                    "match_note",
                    "activity_add",
                    "follow_up_add",
                    "case_end",
                )
            ),
        ],
    }


def test_who_sees_the_cases_and_the_family(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    users = {
        "coordinator who sees the family": (world["coordinator"], 200, 200, True),
        "coordinator without client work": (coordinator_of(form), 200, 404, False),
        "executive director": (
            org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
            200,
            404,
            False,
        ),
        "client worker of the form": (worker_in(form), 404, 404, False),
        "lead of the form": (worker_in(form, role=Role.LEAD), 404, 404, False),
        "coordinator of another form": (
            coordinator_of(volunteer_form(form.organisation)),
            None,
            404,
            False,
        ),
        "coordinator in another organisation": (coordinator_of(volunteer_form()), None, 404, False),
        "finance": (org_role_user(form.organisation, Role.FINANCE), 404, 404, False),
        "no memberships": (UserFactory.create(organisation=form.organisation), 404, 404, False),
    }
    urls = _urls(world)
    for label, (user, read, write, sees_family) in users.items():
        client.logout()
        login_verified(client, user)
        for url in urls["read"]:
            response = client.get(url)
            if read is None:  # their own list opens, this form's case is not in it
                expected = 200 if url == urls["read"][0] else 404
                assert response.status_code == expected, (label, url)
                assert "Matti" not in response.content.decode(), (label, url)
                continue
            assert response.status_code == read, (label, url)
            html = response.content.decode()
            for canary in (BOY, WISH, "Kanariaäiti"):
                assert (canary in html) == (sees_family and url == urls["read"][1]), (
                    label,
                    url,
                    canary,
                )
        for url in urls["write"]:
            assert client.get(url).status_code == write, (label, url)
            if write == 404:
                assert client.post(url, {}).status_code == 404, (label, url)


def test_reading_a_case_logs_the_family_as_client_data_and_the_friend(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    assert client.get(reverse("volunteers:case_detail", args=[world["case"].pk])).status_code == 200
    with scopes_disabled():
        person_ct = ContentType.objects.get_for_model(Person)
        volunteer_ct = ContentType.objects.get_for_model(Volunteer)
        family_rows = AccessEvent.objects.filter(subject_type=person_ct)
        assert family_rows.count() == 2  # the mother and the boy
        assert {r.episode_id for r in family_rows} == {world["episode"].pk}
        assert {r.basis for r in family_rows} == {"membership"}
        assert AccessEvent.objects.filter(
            subject_type=volunteer_ct, subject_id=world["friend"].pk
        ).exists()
    # The executive director reads the case without the family: no client rows for her.
    client.logout()
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    assert client.get(reverse("volunteers:case_detail", args=[world["case"].pk])).status_code == 200
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=director, subject_type=person_ct).exists()
        assert AccessEvent.objects.filter(
            user=director, subject_type=volunteer_ct, basis="organisation_role"
        ).exists()


def test_the_case_list_takes_a_constant_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    coordinator, form = world["coordinator"], world["form"]
    login_verified(client, coordinator)
    url = reverse("volunteers:cases")
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    baseline = len(captured)
    with scopes_disabled():
        for i in range(3):
            episode, _boy = _family(form)
            matching_services.case_open(
                actor=coordinator, episode=episode, applied_on=dt.date(2026, 5, i + 1)
            )
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


def test_a_child_under_four_shows_the_warning_and_a_confirm_box_keeping_the_input(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator = world["coordinator"]
    episode, toddler = _family(world["form"], born=dt.date(2023, 3, 1))
    with scopes_disabled():
        case = matching_services.case_open(
            actor=coordinator, episode=episode, applied_on=dt.date(2026, 6, 1)
        )
    login_verified(client, coordinator)
    url = reverse("volunteers:case_intake", args=[case.pk])
    data = {
        "intake_on": "2026-06-10",
        "child": toddler.pk,
        "contact_with_men": "false",
        "area": "Heinola",
        "wishes": "Retkeilevä kaveri",
        "family_situation": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Lapsi on alle 4-vuotias (3 v)" in html
    assert 'name="confirm"' in html
    assert "Retkeilevä kaveri" in html and 'value="Heinola"' in html
    with scopes_disabled():
        case.refresh_from_db()
        assert case.status == CaseStatus.APPLIED
    assert client.post(url, {**data, "confirm": "on"}).status_code == 302
    with scopes_disabled():
        case.refresh_from_db()
        assert case.status == CaseStatus.INTAKE and "alle 4-vuotias" in case.confirmed_warnings


def test_a_friend_without_the_check_is_refused_in_finnish(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, form = world["coordinator"], world["form"]
    episode, boy = _family(form)
    newcomer = new_volunteer(coordinator, form, first="Uuno")
    with scopes_disabled():
        case = matching_services.case_open(
            actor=coordinator, episode=episode, applied_on=dt.date(2026, 6, 1)
        )
        matching_services.case_intake(
            actor=coordinator,
            case=case,
            intake_on=dt.date(2026, 6, 2),
            child=boy,
            contact_with_men=False,
        )
        matching_services.case_set_status(
            actor=coordinator, case=case, status=CaseStatus.WAITING, changed_on=dt.date(2026, 6, 3)
        )
    login_verified(client, coordinator)
    response = client.post(
        reverse("volunteers:case_match", args=[case.pk]),
        {"volunteer": newcomer.pk, "started_on": "2026-06-10", "note_for_volunteer": "Hei"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vapaaehtoista ei voi yhdistää: hänellä ei ole voimassa olevaa rikostaustan" in html
    with scopes_disabled():
        assert MatchingCase.objects.get(pk=case.pk).status == CaseStatus.WAITING


def test_an_end_before_the_start_is_refused_and_kept(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["coordinator"])
    url = reverse("volunteers:case_end", args=[world["case"].pk])
    response = client.post(url, {"ended_on": "2026-04-30", "reason": "muutto", "successful": "yes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Päättymispäivä ei voi olla ennen kaverisuhteen alkua (1.5.2026)" in html
    assert 'value="muutto"' in html
    assert (
        client.post(
            url, {"ended_on": "2026-06-10", "reason": "muutto", "successful": "yes"}
        ).status_code
        == 302
    )
    with scopes_disabled():
        case = MatchingCase.objects.get(pk=world["case"].pk)
        assert case.status == CaseStatus.ENDED and case.successful is True


def test_a_family_link_shows_the_note_never_the_family(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, form, friend = world["coordinator"], world["form"], world["friend"]
    episode, _boy = _family(form)
    add = reverse("volunteers:family_link_add", args=[episode.pk])
    outsiders = [
        coordinator_of(form),  # no client work: does not see the family
        org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        worker_in(form),  # sees the family, does not manage volunteers
        coordinator_of(volunteer_form()),
        UserFactory.create(organisation=form.organisation),
    ]
    for outsider in outsiders:
        client.logout()
        login_verified(client, outsider)
        assert client.get(add).status_code == 404
        assert client.post(add, {}).status_code == 404
    client.logout()
    login_verified(client, coordinator)
    response = client.post(
        add,
        {
            "volunteer": friend.pk,
            "role": "mieskaveri",
            "started_on": "2026-06-01",
            "note_for_volunteer": "Viesti-kanaria",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        link = friend.family_links.get()
    edit = reverse("volunteers:family_link_edit", args=[link.pk])
    for outsider in outsiders:
        client.logout()
        login_verified(client, outsider)
        assert client.get(edit).status_code == 404
    # The volunteer's page shows the note and the role, never who the family is; the ED too.
    for reader in (coordinator_of(form), org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)):
        client.logout()
        login_verified(client, reader)
        html = client.get(reverse("volunteers:detail", args=[friend.pk])).content.decode()
        assert "Viesti-kanaria" in html
        assert "Kanariaäiti" not in html and BOY not in html
    client.logout()
    login_verified(client, coordinator)
    response = client.post(edit, {"note_for_volunteer": "Uusi", "ended_on": "2026-05-01"})
    assert response.status_code == 400
    assert "Linkki ei voi päättyä ennen kuin se alkaa." in response.content.decode()
