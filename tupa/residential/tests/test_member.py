"""People of a stay: later arrival, early departure and a baby born, checked against care days
computed by hand; the screens' access matrix, validation and access log.

Scenario (Ensikoti, rule: every night counts): the mother arrives 30.3.2026 20:00, her child
comes a day later 31.3. 09:00 and leaves early 2.4. 15:00; the stay ends 5.4. 10:00.
Mother: nights 30.3., 31.3., 1.4., 2.4., 3.4., 4.4. = 6 (March 2, April 4).
Child: nights 31.3. and 1.4. = 2 (March 1, April 1). Together 8: March 3, April 5.
(29.3.2026 is the spring daylight-saving change; it is before the stay and changes nothing.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.people.models import Relationship
from tupa.residential.members import services as member_services
from tupa.residential.models import Destination, PayerCategory, Stay, StayMember
from tupa.residential.stays import services as stay_services
from tupa.residential.stays.selectors import ledger_for_service_form

from .support import family, place, residential_form, t
from .test_commitment import ensikoti_form

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2026, 4, 4, 12, tzinfo=dt.UTC)


@pytest.fixture
def home() -> dict[str, Any]:
    form = ensikoti_form()
    worker = worker_in(form)
    episode, (mother, child) = family(form, children=1)
    stay = stay_services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 3, 30, 20),
        members=[mother],
        payer_category=PayerCategory.MUNICIPALITY,
        started_in_pregnancy=True,
    )
    return {
        "form": form,
        "worker": worker,
        "episode": episode,
        "mother": mother,
        "child": child,
        "stay": stay,
    }


def _ledger(form: ServiceForm) -> dict[tuple[int, int], int]:
    with scope(organisation=form.organisation_id):
        ledger = ledger_for_service_form(
            service_form=form, period_start=D(2026, 3, 1), period_end=D(2026, 4, 30)
        )
    return dict(ledger.by_month)


def _member(stay: Stay, participant: Participant) -> StayMember:
    with scopes_disabled():
        return StayMember.objects.select_related("stay").get(stay=stay, participant=participant)


# --------------------------------------------------------------------------- services


def test_later_arrival_and_early_departure_change_care_days_exactly(home: dict[str, Any]) -> None:
    form, worker, stay = home["form"], home["worker"], home["stay"]
    member_services.member_arrive(
        actor=worker, stay=stay, participant=home["child"], arrived_at=t(2026, 3, 31, 9)
    )
    member_services.member_depart(
        actor=worker, member=_member(stay, home["child"]), departed_at=t(2026, 4, 2, 15)
    )
    stay_services.stay_discharge(
        actor=worker, stay=stay, departed_at=t(2026, 4, 5, 10), destination=Destination.HOME
    )
    assert _ledger(form) == {(2026, 3): 3, (2026, 4): 5}
    with scopes_disabled():
        child = _member(stay, home["child"])
        assert child.departed_at == t(2026, 4, 2, 15)
        assert child.history.count() == 2


def test_member_changes_are_validated(home: dict[str, Any]) -> None:
    worker, stay = home["worker"], home["stay"]
    with pytest.raises(ValidationError) as exc:
        member_services.member_arrive(
            actor=worker, stay=stay, participant=home["child"], arrived_at=t(2026, 3, 30, 19)
        )
    assert exc.value.message_dict["arrived_at"] == ["Henkilö ei voi tulla ennen jakson alkua."]
    with pytest.raises(ValidationError) as exc:
        member_services.member_arrive(
            actor=worker, stay=stay, participant=home["mother"], arrived_at=t(2026, 3, 31)
        )
    assert exc.value.message_dict["participant"] == ["Henkilö on jo tällä jaksolla."]
    # The last person present cannot leave on her own: that is the stay's discharge.
    with pytest.raises(ValidationError) as exc:
        member_services.member_depart(
            actor=worker, member=_member(stay, home["mother"]), departed_at=t(2026, 4, 1)
        )
    assert "Kirjaa koko perheen lähtö" in exc.value.message_dict["departed_at"][0]
    member_services.member_arrive(
        actor=worker, stay=stay, participant=home["child"], arrived_at=t(2026, 3, 31, 9)
    )
    with pytest.raises(ValidationError) as exc:
        member_services.member_depart(
            actor=worker, member=_member(stay, home["child"]), departed_at=t(2026, 3, 31, 8)
        )
    assert exc.value.message_dict["departed_at"] == ["Lähdön on oltava tulon jälkeen."]
    # A participant of another episode is refused.
    _other, (stranger,) = family(home["form"], children=0)
    with pytest.raises(ValidationError):
        member_services.member_arrive(
            actor=worker, stay=stay, participant=stranger, arrived_at=t(2026, 4, 1)
        )


def test_closed_stay_takes_no_new_members(home: dict[str, Any]) -> None:
    worker, stay = home["worker"], home["stay"]
    stay_services.stay_discharge(
        actor=worker, stay=stay, departed_at=t(2026, 4, 5, 10), destination=Destination.HOME
    )
    with pytest.raises(ValidationError) as exc:
        member_services.member_arrive(
            actor=worker, stay=stay, participant=home["child"], arrived_at=t(2026, 4, 1)
        )
    assert exc.value.message_dict["participant"] == ["Jakso on jo päättynyt."]


@time_machine.travel(NOW, tick=False)
def test_baby_born_creates_person_participant_relationship_and_member(
    home: dict[str, Any],
) -> None:
    form, worker, stay, mother = home["form"], home["worker"], home["stay"], home["mother"]
    member = member_services.baby_born(
        actor=worker,
        stay=stay,
        first_names="Vauva",
        last_name="Keksitty",
        born_at=t(2026, 4, 3, 4, 10),
        gender="female",
        mother=mother,
    )
    with scopes_disabled():
        baby = member.participant
        assert baby.role == Participant.Role.CHILD
        assert baby.episode_id == home["episode"].pk
        assert baby.joined_on == D(2026, 4, 3)
        assert baby.person is not None
        assert baby.person.birth_date == D(2026, 4, 3)
        assert baby.person.gender == "female"
        assert Relationship.objects.filter(
            person=mother.person, relative=baby.person, kind=Relationship.Kind.PARENT
        ).exists()
    assert member.arrived_at == t(2026, 4, 3, 4, 10)
    stay_services.stay_discharge(
        actor=worker, stay=stay, departed_at=t(2026, 4, 5, 10), destination=Destination.HOME
    )
    # Mother 6 nights (2 + 4); the baby the nights of 3.4. and 4.4.
    assert _ledger(form) == {(2026, 3): 2, (2026, 4): 6}


@time_machine.travel(NOW, tick=False)
def test_baby_born_is_validated(home: dict[str, Any]) -> None:
    worker, stay = home["worker"], home["stay"]
    kwargs: dict[str, Any] = {"actor": worker, "stay": stay, "first_names": "V", "last_name": "K"}
    with pytest.raises(ValidationError) as exc:
        member_services.baby_born(born_at=t(2026, 3, 29), **kwargs)
    assert exc.value.message_dict["born_at"] == [
        "Syntymäaika ei voi olla ennen asumisjakson alkua."
    ]
    with pytest.raises(ValidationError) as exc:
        member_services.baby_born(born_at=t(2026, 4, 5), **kwargs)
    assert exc.value.message_dict["born_at"] == ["Syntymäaika ei voi olla tulevaisuudessa."]
    shelter = residential_form(places=1, room_capacity=None)
    shelter_worker = worker_in(shelter)
    episode, members = family(shelter, children=0)
    shelter_stay = stay_services.stay_admit(
        actor=shelter_worker,
        episode=episode,
        place=place(shelter, "p1"),
        arrived_at=t(2026, 3, 1),
        members=members,
        payer_category=PayerCategory.STATE,
    )
    with pytest.raises(ValidationError):
        member_services.baby_born(
            actor=shelter_worker,
            stay=shelter_stay,
            first_names="V",
            last_name="K",
            born_at=t(2026, 3, 2),
        )


# --------------------------------------------------------------------------- screens


def _urls(home: dict[str, Any]) -> list[str]:
    stay = home["stay"]
    mother = _member(stay, home["mother"])
    return [
        reverse("residential:stay_members", args=[stay.pk]),
        reverse("residential:member_add", args=[stay.pk]),
        reverse("residential:member_depart", args=[stay.pk, mother.pk]),
        reverse("residential:baby_born", args=[stay.pk]),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("worker", 200),
        ("lead", 200),
        ("finance", 404),
        ("other form worker", 404),
        ("executive director", 404),
        ("admin", 404),
        ("other organisation", 404),
        ("anonymous", 302),
    ],
)
def test_access_matrix(client: Client, home: dict[str, Any], who: str, expected: int) -> None:
    form = home["form"]
    org = form.organisation
    users = {
        "worker": lambda: home["worker"],
        "lead": lambda: worker_in(form, role=Role.LEAD),
        "finance": lambda: org_role_user(org, Role.FINANCE),
        "other form worker": lambda: worker_in(
            ServiceFormFactory.create(organisation=org, kind=ServiceForm.Kind.RESIDENTIAL)
        ),
        "executive director": lambda: org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "admin": lambda: org_role_user(org, Role.ADMINISTRATOR),
        "other organisation": lambda: worker_in(ensikoti_form(slug="ensikoti-x")),
    }
    if who != "anonymous":
        login_verified(client, users[who]())
    urls = _urls(home)
    for url in urls:
        assert client.get(url).status_code == expected, (who, url)
        if expected == 404 and url != urls[0]:  # the list is GET-only (405 for POST)
            assert client.post(url, {}).status_code == 404, (who, url)


def test_bad_ids_and_shelter_baby_page_are_404(client: Client, home: dict[str, Any]) -> None:
    login_verified(client, home["worker"])
    stay = home["stay"]
    assert client.get(reverse("residential:stay_members", args=[999999])).status_code == 404
    assert (
        client.get(reverse("residential:member_depart", args=[stay.pk, 999999])).status_code == 404
    )
    shelter = residential_form(places=1, room_capacity=None)
    shelter_worker = worker_in(shelter)
    episode, members = family(shelter, children=0)
    shelter_stay = stay_services.stay_admit(
        actor=shelter_worker,
        episode=episode,
        place=place(shelter, "p1"),
        arrived_at=t(2026, 3, 1),
        members=members,
        payer_category=PayerCategory.STATE,
    )
    client.logout()
    login_verified(client, shelter_worker)
    assert client.get(reverse("residential:baby_born", args=[shelter_stay.pk])).status_code == 404
    page = client.get(reverse("residential:stay_members", args=[shelter_stay.pk])).content
    assert "Vauva syntyi" not in page.decode()


def test_later_arrival_and_early_departure_through_the_forms(
    client: Client, home: dict[str, Any]
) -> None:
    stay, child = home["stay"], home["child"]
    login_verified(client, home["worker"])
    url = reverse("residential:member_add", args=[stay.pk])
    page = client.get(url).content.decode()
    assert child.person.first_names in page
    assert home["mother"].person.first_names not in page.split("<form")[1]
    # An arrival before the stay: Finnish error, typed values kept.
    response = client.post(
        url, {"participant": str(child.pk), "arrival_date": "2026-03-30", "arrival_time": "19:00"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Henkilö ei voi tulla ennen jakson alkua." in html
    assert 'value="2026-03-30"' in html and 'value="19:00"' in html
    response = client.post(
        url, {"participant": str(child.pk), "arrival_date": "2026-03-31", "arrival_time": "09:00"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("residential:stay_members", args=[stay.pk])
    member = _member(stay, child)
    response = client.post(
        reverse("residential:member_depart", args=[stay.pk, member.pk]),
        {"departure_date": "2026-04-02", "departure_time": "15:00"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        member.refresh_from_db()
    assert member.departed_at == t(2026, 4, 2, 15)
    html = client.get(reverse("residential:stay_members", args=[stay.pk])).content.decode()
    assert "2.4.2026 15:00" in html and "31.3.2026 09:00" in html
    assert "alkoi raskausaikana" in html


@time_machine.travel(NOW, tick=False)
def test_pregnancy_admission_and_baby_born_through_the_forms(client: Client) -> None:
    form = ensikoti_form()
    worker = worker_in(form)
    episode, (mother,) = family(form, children=0)
    login_verified(client, worker)
    admit_url = reverse("residential:admit", args=[episode.pk])
    page = client.get(admit_url).content.decode()
    assert "Alkoi raskausaikana" in page
    response = client.post(
        admit_url,
        {
            "place": str(place(form, "p2").pk),
            "arrival_date": "2026-04-01",
            "arrival_time": "14:00",
            "payer_category": "municipality",
            "members": [str(mother.pk)],
            "started_in_pregnancy": "on",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        stay = Stay.objects.get(episode=episode)
    assert stay.started_in_pregnancy
    occupancy = client.get(reverse("residential:occupancy", args=[form.slug])).content.decode()
    assert "alkoi raskausaikana" in occupancy
    baby_url = reverse("residential:baby_born", args=[stay.pk])
    page = client.get(baby_url).content.decode()
    assert f'value="{mother.person.last_name}"' in page
    response = client.post(
        baby_url,
        {
            "first_names": "Vauva",
            "last_name": "Keksitty",
            "birth_date": "2026-04-03",
            "birth_time": "04:10",
            "gender": "male",
            "mother": str(mother.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()
    with scopes_disabled():
        baby = StayMember.objects.get(stay=stay, participant__role="child")
    assert baby.arrived_at == t(2026, 4, 3, 4, 10)
    html = client.get(reverse("residential:stay_members", args=[stay.pk])).content.decode()
    assert "Vauva Keksitty" in html
    with scopes_disabled():
        logged = set(
            AccessEvent.objects.filter(user=worker, episode_id=episode.pk).values_list(
                "subject_id", flat=True
            )
        )
    assert str(baby.participant.person_id) in logged
    # A birth in the future is refused with the typed values kept.
    response = client.post(
        baby_url,
        {
            "first_names": "Toinen",
            "last_name": "Keksitty",
            "birth_date": "2026-04-09",
            "birth_time": "04:10",
            "gender": "unknown",
        },
    )
    assert response.status_code == 400
    assert "Syntymäaika ei voi olla tulevaisuudessa." in response.content.decode()
    assert 'value="Toinen"' in response.content.decode()


def test_shelter_admission_has_no_pregnancy_option(client: Client) -> None:
    shelter = residential_form(places=1, room_capacity=None)
    worker = worker_in(shelter)
    episode, _members = family(shelter, children=0)
    login_verified(client, worker)
    page = client.get(reverse("residential:admit", args=[episode.pk])).content.decode()
    assert "Alkoi raskausaikana" not in page


def test_member_list_query_count(
    client: Client, home: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from tupa.core.tests.factories import ParticipantFactory

    stay, worker = home["stay"], home["worker"]
    for _ in range(5):
        extra = ParticipantFactory.create(episode=home["episode"], role="child")
        member_services.member_arrive(
            actor=worker, stay=stay, participant=extra, arrived_at=t(2026, 3, 31)
        )
    login_verified(client, worker)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("residential:stay_members", args=[stay.pk]))
    assert response.status_code == 200
    with scopes_disabled():
        assert AccessEvent.objects.filter(user=worker).count() == 6
