"""Person screens: the access matrix, the access log, the wall, forms and conflicts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Episode, Participant
from tupa.people import services
from tupa.people.models import Alias, Household, Person, Relationship, Restriction
from tupa.people.tests.support import create_data, edit_data, mothers_code_typed

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the world


def _events(**filters: Any) -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.filter(**filters).order_by("pk"))


def _person_ct() -> ContentType:
    return ContentType.objects.get_for_model(Person)


def _logged_person_ids(user: Any, action: str) -> list[int]:
    return sorted(
        int(e.subject_id) for e in _events(user=user, action=action, subject_type=_person_ct())
    )


# --------------------------------------------------------------------------- access matrix


#: (URL builder, users answered 200, method) — everyone else with a login gets 404.
def _urls(w: dict[str, Any]) -> list[tuple[str, str, set[str]]]:
    mother, man = w["persons"]["mother"], w["persons"]["man"]
    duplicate = w["persons"]["duplicate"]
    household = w["household"]
    members_of_shelter = {"shelter_worker", "shelter_lead"}
    return [
        ("detail", reverse("people:detail", args=[mother.pk]), members_of_shelter),
        ("detail-man", reverse("people:detail", args=[man.pk]), {"jussi_worker"}),
        ("edit", reverse("people:edit", args=[mother.pk]), members_of_shelter),
        (
            "merge",
            reverse("people:merge", args=[mother.pk, duplicate.pk]),
            {"shelter_lead"},
        ),
        ("alias", reverse("people:alias_link", args=[w["alias"].pk]), members_of_shelter),
        ("relative", reverse("people:relationship_add", args=[mother.pk]), members_of_shelter),
        ("household", reverse("people:household_create", args=[mother.pk]), members_of_shelter),
        (
            "household-member",
            reverse("people:household_add_member", args=[mother.pk, household.pk]),
            members_of_shelter,
        ),
        (
            "create",
            reverse("people:create"),
            {
                "shelter_worker",
                "shelter_lead",
                "lapsityo_worker",
                "jussi_worker",
                "alvari_worker",
                "foreign_worker",
            },
        ),
    ]


ALL_USERS = [
    "shelter_worker",
    "shelter_lead",
    "lapsityo_worker",
    "jussi_worker",
    "alvari_worker",
    "foreign_worker",
    "admin",
    "dpo",
    "director",
    "finance",
]


@pytest.mark.parametrize("user_key", ALL_USERS)
def test_access_matrix(client: Client, world: dict[str, Any], user_key: str) -> None:
    user = world["users"][user_key]
    login_verified(client, user)
    for name, url, allowed in _urls(world):
        response = client.get(url)
        expected = 200 if user_key in allowed else 404
        assert response.status_code == expected, f"{name} {url} as {user_key}"


def test_bad_ids_answer_404_like_hidden_ones(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["users"]["shelter_worker"])
    for url in (
        reverse("people:detail", args=[987654]),
        reverse("people:edit", args=[987654]),
        reverse("people:alias_link", args=[987654]),
        reverse("people:merge", args=[world["persons"]["mother"].pk, 987654]),
    ):
        assert client.get(url).status_code == 404


def test_anonymous_users_go_to_the_login_page(client: Client, world: dict[str, Any]) -> None:
    for _name, url, _allowed in _urls(world):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.get(reverse("people:search"))
    assert response.status_code == 302


@pytest.mark.parametrize("user_key", ["admin", "dpo", "director", "finance"])
def test_search_is_not_for_roles_without_client_work(
    client: Client, world: dict[str, Any], user_key: str
) -> None:
    login_verified(client, world["users"][user_key])
    assert client.post(reverse("people:search"), {"q": "Meikäläinen"}).status_code == 404


def test_ended_membership_takes_effect_on_the_next_request(
    client: Client, world: dict[str, Any]
) -> None:
    worker = world["users"]["shelter_worker"]
    login_verified(client, worker)
    url = reverse("people:detail", args=[world["persons"]["mother"].pk])
    assert client.get(url).status_code == 200
    with scopes_disabled():
        worker.memberships.update(valid_until=dt.date.today() - dt.timedelta(days=1))
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- person page


def test_person_page_shows_identity_episodes_family_and_logs_each_person_once(
    client: Client, world: dict[str, Any]
) -> None:
    worker = world["users"]["shelter_worker"]
    mother, child = world["persons"]["mother"], world["persons"]["child"]
    login_verified(client, worker)
    response = client.get(reverse("people:detail", args=[mother.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    assert "131052-308T" in html  # membership basis: the full code
    assert "Keksitty katu 1" in html  # no restriction: the address shows
    assert "Turvakoti" in html
    assert "Lapsityö" not in html  # the child's Lapsityö episode is not the mother's
    assert "Eetu" in html and "lapsi" in html  # her child, read from her side
    assert "Matti" not in html and "Virtanen" not in html  # the partner is behind the wall
    assert "Mahdollinen kaksoiskappale" in html  # the duplicate (visible to her workers)
    shown = sorted([mother.pk, child.pk, world["persons"]["duplicate"].pk])
    assert _logged_person_ids(worker, "view") == shown
    assert {e.basis for e in _events(user=worker, action="view")} == {"membership"}


def test_the_wall_jussi_worker_never_sees_the_partner(
    client: Client, world: dict[str, Any]
) -> None:
    jussi_worker = world["users"]["jussi_worker"]
    man, mother, child = (world["persons"][k] for k in ("man", "mother", "child"))
    login_verified(client, jussi_worker)
    response = client.get(reverse("people:detail", args=[man.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Matti" in html
    assert "Maija" not in html and "Meikäläinen" not in html  # not even via the household name
    assert "Eetu" not in html
    assert "Turvakoti" not in html
    assert _logged_person_ids(jussi_worker, "view") == [man.pk]
    # ... and her page is simply not there.
    assert client.get(reverse("people:detail", args=[mother.pk])).status_code == 404
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 404


def test_a_restricted_person_shows_the_banner_and_no_contact_data(
    client: Client, world: dict[str, Any]
) -> None:
    worker = world["users"]["shelter_worker"]
    mother = world["persons"]["mother"]
    with scopes_disabled():
        Restriction.objects.create(
            person=mother,
            kind="turvakielto",
            source="VTJ",
            valid_from=dt.date(2025, 1, 1),
            created_by=worker,
        )
    login_verified(client, worker)
    html = client.get(reverse("people:detail", args=[mother.pk])).content.decode()
    assert "Turvakielto" in html
    assert "Keksitty katu 1" not in html
    assert "040 000 0001" not in html
    assert "Suojattu tieto" in html
    edit = client.get(reverse("people:edit", args=[mother.pk])).content.decode()
    assert "Keksitty katu 1" not in edit and 'name="street_address"' not in edit


def test_merged_person_redirects_to_the_kept_one(client: Client, world: dict[str, Any]) -> None:
    lead = world["users"]["shelter_lead"]
    mother, duplicate = world["persons"]["mother"], world["persons"]["duplicate"]
    services.person_merge(actor=lead, keep=mother, merge=duplicate)
    login_verified(client, lead)
    response = client.get(reverse("people:detail", args=[duplicate.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[mother.pk])
    login_verified(client, world["users"]["jussi_worker"])
    assert client.get(reverse("people:detail", args=[duplicate.pk])).status_code == 404


def test_merge_link_only_for_the_lead(client: Client, world: dict[str, Any]) -> None:
    mother = world["persons"]["mother"]
    merge_url = reverse("people:merge", args=[mother.pk, world["persons"]["duplicate"].pk])
    login_verified(client, world["users"]["shelter_worker"])
    assert merge_url not in client.get(reverse("people:detail", args=[mother.pk])).content.decode()
    login_verified(client, world["users"]["shelter_lead"])
    assert merge_url in client.get(reverse("people:detail", args=[mother.pk])).content.decode()


# --------------------------------------------------------------------------- merge view


def test_merge_view(client: Client, world: dict[str, Any]) -> None:
    lead = world["users"]["shelter_lead"]
    mother, duplicate = world["persons"]["mother"], world["persons"]["duplicate"]
    login_verified(client, lead)
    url = reverse("people:merge", args=[mother.pk, duplicate.pk])
    response = client.post(url, {"keep": str(mother.pk)})
    assert response.status_code == 200
    assert "Vahvista, että kyseessä on sama ihminen." in response.content.decode()
    response = client.post(url, {"keep": str(mother.pk), "confirm": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Person.objects.get(pk=duplicate.pk).merged_into_id == mother.pk
        assert Participant.objects.filter(person=mother).count() == 2
    # A worker (not a lead) cannot even POST.
    login_verified(client, world["users"]["shelter_worker"])
    other = PersonFactory(organisation=world["org"])
    ParticipantFactory(
        episode=EpisodeFactory(service_form=world["forms"]["shelter"], organisation=world["org"]),
        person=other,
    )
    assert (
        client.post(
            reverse("people:merge", args=[mother.pk, other.pk]),
            {"keep": str(mother.pk), "confirm": "on"},
        ).status_code
        == 404
    )


# --------------------------------------------------------------------------- create


def test_create_makes_a_person_and_an_enquiry(client: Client, world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    login_verified(client, worker)
    response = client.post(reverse("people:create"), create_data(world, hetu="010594y308v"))
    assert response.status_code == 302
    with scopes_disabled():
        person = Person.objects.get(last_name="Keksitty")
        episode = Episode.objects.get(participants__person=person)
    assert person.hetu == "010594Y308V"
    assert person.birth_date == dt.date(1994, 5, 1)
    assert episode.status == "enquiry"
    assert episode.service_form == world["forms"]["shelter"]
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert client.get(response["Location"]).status_code == 200


def test_create_keeps_typed_data_and_explains_errors_in_finnish(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["users"]["shelter_worker"])
    response = client.post(
        reverse("people:create"),
        create_data(
            world, first_names="", hetu="131052-308U", phone="040 555 1234", email="ei-osoite"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kirjoita etunimet." in html
    assert "tarkistusmerkki" in html
    assert "Sähköpostiosoite ei ole kelvollinen" in html
    assert 'value="040 555 1234"' in html
    assert 'value="131052-308U"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_first_names_error"' in html
    with scopes_disabled():
        assert not Person.objects.filter(last_name="Keksitty").exists()


def test_create_warns_about_a_visible_duplicate_first(
    client: Client, world: dict[str, Any]
) -> None:
    worker = world["users"]["shelter_worker"]
    login_verified(client, worker)
    data = create_data(world, first_names="Maija", last_name="Meikäläinen", birth_date="1952-10-13")
    response = client.post(reverse("people:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mahdollinen kaksoiskappale" in html
    with scopes_disabled():
        assert (
            Person.objects.filter(last_name__iexact="Meikäläinen", first_names="Maija").count() == 1
        )
    # Choosing the existing person opens the enquiry for her; no new record.
    mother = world["persons"]["mother"]
    response = client.post(reverse("people:create"), {**data, "dup-choice": str(mother.pk)})
    assert response.status_code == 302
    with scopes_disabled():
        assert Participant.objects.filter(person=mother).count() == 2
        assert Person.objects.filter(birth_date=dt.date(1952, 10, 13)).count() == 2  # unchanged
    # "A different person" saves a new record.
    response = client.post(reverse("people:create"), {**data, "dup-choice": "new"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Person.objects.filter(birth_date=dt.date(1952, 10, 13)).count() == 3


def test_create_with_a_hidden_persons_code_reveals_nothing(
    client: Client, world: dict[str, Any]
) -> None:
    """An Alvari worker typing the mother's code and name opens an enquiry on her record without
    seeing anything of her shelter stay or family."""
    alvari_worker = world["users"]["alvari_worker"]
    login_verified(client, alvari_worker)
    data = mothers_code_typed(world, "alvari")
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 302  # no duplicate warning: she is not visible to him
    html = client.get(response["Location"]).content.decode()
    assert "Turvakoti" not in html  # the shelter stay stays hidden
    assert "Eetu" not in html and "Matti" not in html
    with scopes_disabled():
        assert Person.objects.filter(hetu="131052-308T").count() == 1


def test_an_enquiry_on_a_reused_record_shows_none_of_her_stored_contact_data(
    client: Client, world: dict[str, Any]
) -> None:
    """Knowing a client's identity code and name is not a reason to read where she lives: the
    Alvari worker's new enquiry reuses the shelter client's record without saying so, and the
    page he lands on does not show the address and phone the shelter stored (they wait for a
    lead's confirmation, ``test_contact_holds.py``)."""
    alvari_worker = world["users"]["alvari_worker"]
    login_verified(client, alvari_worker)
    data = mothers_code_typed(world, "alvari")
    response = client.post(reverse("people:create"), data)
    html = client.get(response["Location"]).content.decode()
    assert "Keksitty katu 1" not in html and "040 000 0001" not in html


def test_the_wall_refuses_taking_over_a_victim_clients_record(
    client: Client, world: dict[str, Any]
) -> None:
    """A Jussi worker typing the partner's code and name gets the same neutral refusal as for a
    code that does not match the name — never her record with its contact data."""
    jussi_worker = world["users"]["jussi_worker"]
    login_verified(client, jussi_worker)
    data = mothers_code_typed(world, "jussi")
    walled = client.post(reverse("people:create"), data)
    mismatch = client.post(reverse("people:create"), {**data, "first_names": "Pekka"})
    assert walled.status_code == mismatch.status_code == 200
    message = "Henkilötunnus ja nimi eivät täsmää rekisterissä olevaan tietoon."
    assert message in walled.content.decode() and message in mismatch.content.decode()
    assert "Keksitty katu 1" not in walled.content.decode()
    with scopes_disabled():
        assert not Participant.objects.filter(
            person=world["persons"]["mother"], episode__service_form=world["forms"]["jussi"]
        ).exists()


# --------------------------------------------------------------------------- edit


def test_edit_and_a_friendly_conflict(client: Client, world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    mother = world["persons"]["mother"]
    login_verified(client, worker)
    url = reverse("people:edit", args=[mother.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(mother, 1, phone="040 999 9999"))
    assert response.status_code == 302
    with scopes_disabled():
        assert Person.objects.get(pk=mother.pk).phone == "040 999 9999"
    # A second form loaded at version 1 now conflicts: the typed data stays on the form.
    response = client.post(url, edit_data(mother, 1, phone="040 777 7777"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Joku muu on tallentanut muutoksia sillä välin" in html
    assert 'value="040 777 7777"' in html  # what the user typed
    assert "040 999 9999" in html  # what is saved now
    assert 'name="version" value="2"' in html  # resubmitting overwrites deliberately
    with scopes_disabled():
        assert Person.objects.get(pk=mother.pk).phone == "040 999 9999"
    response = client.post(url, edit_data(mother, 2, phone="040 777 7777"))
    assert response.status_code == 302


def test_edit_refuses_a_birth_date_that_disagrees_with_the_code(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["users"]["shelter_worker"])
    mother = world["persons"]["mother"]
    response = client.post(
        reverse("people:edit", args=[mother.pk]), edit_data(mother, 1, birth_date="1952-10-14")
    )
    assert "tunnuksen mukaan syntymäaika on 13.10.1952" in response.content.decode()


def test_edit_refuses_birth_year_1800_and_keeps_the_input(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["users"]["shelter_worker"])
    mother = world["persons"]["mother"]
    response = client.post(
        reverse("people:edit", args=[mother.pk]),
        edit_data(mother, 1, hetu="", birth_date="1800-06-01", phone="040 123 4567"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == [
        "Syntymäaika ei voi olla ennen vuotta 1900."
    ]
    html = response.content.decode()
    assert 'value="1800-06-01"' in html and 'value="040 123 4567"' in html
    with scopes_disabled():
        assert Person.objects.get(pk=mother.pk).birth_date != dt.date(1800, 6, 1)


# --------------------------------------------------------------------------- alias link


def test_alias_link_view(client: Client, world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    alias = world["alias"]
    login_verified(client, worker)
    url = reverse("people:alias_link", args=[alias.pk])
    response = client.get(url)
    assert response.status_code == 200
    with scopes_disabled():
        alias_ct = ContentType.objects.get_for_model(Alias)
    assert [e.subject_id for e in _events(user=worker, subject_type=alias_ct)] == [str(alias.pk)]
    data = {
        "first_names": "Sanna",
        "last_name": "Keksitty",
        "hetu": "",
        "birth_date": "",
        "gender": "female",
        "reason": "",
    }
    response = client.post(url, data)
    assert "Kirjoita tunnistamisen peruste." in response.content.decode()
    assert 'value="Sanna"' in response.content.decode()
    response = client.post(url, {**data, "reason": "Kertoi nimensä aamulla"})
    assert response.status_code == 302
    with scopes_disabled():
        person = Person.objects.get(first_names="Sanna")
        assert Alias.objects.get(pk=alias.pk).person_id == person.pk
        assert Participant.objects.filter(person=person).count() == 1
    assert client.get(response["Location"]).status_code == 200


# --------------------------------------------------------------------------- relationships


def test_add_relationship_and_household_member(client: Client, world: dict[str, Any]) -> None:
    worker = world["users"]["shelter_worker"]
    mother, child = world["persons"]["mother"], world["persons"]["child"]
    login_verified(client, worker)
    url = reverse("people:relationship_add", args=[mother.pk])
    html = client.get(url).content.decode()
    assert "Eetu" in html and "Matti" not in html  # only visible persons are offered
    response = client.post(url, {"relative": str(world["persons"]["man"].pk), "kind": "partner"})
    assert "Valitse läheinen listasta." in response.content.decode()  # the hidden one is refused
    response = client.post(url, {"relative": str(child.pk), "kind": "sibling"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Relationship.objects.filter(person=child, relative=mother, kind="sibling").exists()
    response = client.post(
        reverse("people:household_create", args=[mother.pk]),
        {"name": "Uusi perhe", "family_types": ["single_parent"], "members": [str(child.pk)]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        household = Household.objects.get(name="Uusi perhe")
        assert household.family_types == ["single_parent"]
        assert set(household.members.values_list("person_id", flat=True)) == {mother.pk, child.pk}


def test_html_has_no_inline_styles_or_scripts(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["users"]["shelter_lead"])
    mother = world["persons"]["mother"]
    for url in (
        reverse("people:detail", args=[mother.pk]),
        reverse("people:edit", args=[mother.pk]),
        reverse("people:create"),
        reverse("people:search") + "?q=Maija",
        reverse("people:merge", args=[mother.pk, world["persons"]["duplicate"].pk]),
    ):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert not re.search(r"<script(?![^>]*nonce=)", html), url
        assert "<title>" in html and "– Tupa</title>" in html
