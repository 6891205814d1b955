"""A reused record's stored contact data are withheld until a lead confirms the client
(docs/security.md "Intake reuse", :mod:`tupa.access.contact`).

The world: Maija is a Turvakoti client whose address "Keksitty katu 1" and phone
"040 000 0001" the shelter stored. An Alvari worker types her identity code and name into a new
enquiry; the intake reuses her record without telling him it existed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.access import contact
from tupa.access.contact import withheld_contact
from tupa.access.episodes import may_merge
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.conflicts import MESSAGE as CONFLICT_MESSAGE
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Participant
from tupa.people.models import ContactHold, Person
from tupa.people.tests.support import edit_data, mothers_code_typed

pytestmark = pytest.mark.django_db

STORED = ("Keksitty katu 1", "040 000 0001")
GIVEN_PHONE = "050 111 2222"


def _intake(client: Client, world: dict[str, Any], user: str = "alvari_worker", **typed: str):  # type: ignore[no-untyped-def]
    login_verified(client, world["users"][user])
    data = {**mothers_code_typed(world, "alvari"), **typed}
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def alvari_lead(world: dict[str, Any]) -> Any:
    return worker_in(world["forms"]["alvari"], role=Role.LEAD)


def _hold(world: dict[str, Any]) -> ContactHold:
    with scopes_disabled():
        return ContactHold.objects.get(person=world["persons"]["mother"])


def _stored(world: dict[str, Any]) -> Person:
    with scopes_disabled():
        return Person.objects.get(pk=world["persons"]["mother"].pk)


def test_the_new_unit_sees_the_contact_data_it_was_given_and_the_shelter_its_own(
    client: Client, world: dict[str, Any]
) -> None:
    response = _intake(client, world, phone=GIVEN_PHONE, email="maija@example.invalid")
    html = client.get(response["Location"]).content.decode()
    assert GIVEN_PHONE in html and "maija@example.invalid" in html
    assert not any(value in html for value in STORED)
    # Nothing typed was written into her record: the shelter reads what it stored.
    assert _stored(world).phone == "040 000 0001" and _stored(world).email == ""
    login_verified(client, world["users"]["shelter_worker"])
    page = reverse("people:detail", args=[world["persons"]["mother"].pk])
    html = client.get(page).content.decode()
    assert all(value in html for value in STORED) and GIVEN_PHONE not in html


def test_the_edit_form_shows_and_changes_the_given_data_never_the_stored(
    client: Client, world: dict[str, Any]
) -> None:
    _intake(client, world, phone=GIVEN_PHONE)
    mother = _stored(world)
    url = reverse("people:edit", args=[mother.pk])
    html = client.get(url).content.decode()
    assert f'value="{GIVEN_PHONE}"' in html and not any(value in html for value in STORED)
    data = edit_data(mother, mother.version, street_address="", phone="050 999 8888")
    response = client.post(url, {**data, "languages": "suomi, arabia"})
    assert response.status_code == 302
    after = _stored(world)
    assert (after.phone, after.street_address) == STORED[::-1]  # untouched
    assert after.languages == "suomi, arabia"  # her other data are changed as usual
    assert _hold(world).given == {"phone": "050 999 8888"}
    html = client.get(response["Location"]).content.decode()
    assert "050 999 8888" in html and not any(value in html for value in STORED)


def test_a_conflict_on_the_edit_form_shows_the_given_data_not_the_stored(
    client: Client, world: dict[str, Any]
) -> None:
    _intake(client, world, phone=GIVEN_PHONE)
    mother = _stored(world)
    stale = edit_data(mother, mother.version, street_address="", phone="050 999 8888")
    with scopes_disabled():  # the shelter saved her data after the form was loaded
        Person.objects.filter(pk=mother.pk).update(version=mother.version + 1)
    response = client.post(reverse("people:edit", args=[mother.pk]), stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert str(CONFLICT_MESSAGE) in html
    assert not any(value in html for value in STORED)
    assert 'value="050 999 8888"' in html  # what was typed stays on the form
    assert f"<dd>{GIVEN_PHONE}</dd>" in html  # what is saved now: the given phone
    assert _hold(world).given == {"phone": GIVEN_PHONE}  # the refused save changed nothing


def test_revealing_and_merging_wait_for_the_confirmation(
    client: Client, world: dict[str, Any], alvari_lead: Any
) -> None:
    _intake(client, world)
    mother, duplicate = world["persons"]["mother"], world["persons"]["duplicate"]
    worker = world["users"]["alvari_worker"]
    with scope(organisation=world["org"].pk):
        assert not contact.may_reveal_person(user=worker, person=mother)
        assert contact.may_reveal_person(user=world["users"]["shelter_worker"], person=mother)
        # The Alvari lead sees both records (the duplicate joins an Alvari episode too).
        Participant.objects.create(
            episode=Participant.objects.get(
                person=mother, episode__service_form__slug="alvari"
            ).episode,
            person=duplicate,
            role="child",
        )
        assert not may_merge(user=alvari_lead, keep=mother, merge=duplicate)
    login_verified(client, alvari_lead)
    client.post(
        reverse("people:hold_confirm", args=[_hold(world).pk]),
        {f"h{_hold(world).pk}-note": "Henkilöllisyys tarkistettu ajokortista."},
    )
    with scope(organisation=world["org"].pk):
        assert contact.may_reveal_person(user=worker, person=mother)
        assert may_merge(user=alvari_lead, keep=mother, merge=duplicate)


def test_a_lead_confirms_and_the_unit_then_reads_the_stored_data(
    client: Client, world: dict[str, Any], alvari_lead: Any
) -> None:
    response = _intake(client, world, phone=GIVEN_PHONE, email="maija@example.invalid")
    hold = _hold(world)
    confirm = reverse("people:hold_confirm", args=[hold.pk])
    assert confirm not in client.get(response["Location"]).content.decode()  # not the worker
    login_verified(client, alvari_lead)
    person_page = client.get(response["Location"]).content.decode()
    assert "Asiakas odottaa vahvistustasi" in person_page and confirm in person_page
    assert not any(value in person_page for value in STORED)
    queue = client.get(reverse("people:hold_queue"))
    assert queue.status_code == 200
    html = queue.content.decode()
    assert "Maija" in html and GIVEN_PHONE in html and not any(v in html for v in STORED)
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "1 vahvistettava" in dashboard
    url = reverse("people:hold_confirm", args=[hold.pk])
    refused = client.post(url, {f"h{hold.pk}-note": "ok"})
    assert refused.status_code == 400
    assert "vähintään 10 merkkiä" in refused.content.decode()
    assert f'id="id_h{hold.pk}-note"' in refused.content.decode()
    assert _hold(world).confirmed_at is None
    note = "Tavattu, henkilöllisyys tarkistettu passista."
    done = client.post(url, {f"h{hold.pk}-note": note}, follow=True)
    page = done.content.decode()
    assert "Asiakkuus vahvistettu" in page
    # The differing phone is named to the lead; the e-mail filled a blank field, so it is not.
    assert "poikkeavat tallennetuista (puhelin: 050 111 2222)" in page
    hold = _hold(world)
    assert hold.confirmed_by_id == alvari_lead.pk and hold.confirmation_note == note
    after = _stored(world)
    assert after.phone == "040 000 0001"  # a differing given value never overwrites
    assert after.email == "maija@example.invalid"  # a blank one is filled
    login_verified(client, world["users"]["alvari_worker"])
    html = client.get(reverse("people:detail", args=[after.pk])).content.decode()
    assert all(value in html for value in STORED)
    with scopes_disabled():
        assert AccessEvent.objects.filter(
            user=alvari_lead, action="list", subject_id=str(after.pk)
        ).exists()


def test_only_another_lead_of_the_held_form_confirms(
    client: Client, world: dict[str, Any], alvari_lead: Any
) -> None:
    _intake(client, world)
    hold = _hold(world)
    url = reverse("people:hold_confirm", args=[hold.pk])
    data = {f"h{hold.pk}-note": "Henkilöllisyys tarkistettu ajokortista."}
    # The worker who opened it leads nothing; the shelter's lead does not lead Alvari.
    assert client.get(reverse("people:hold_queue")).status_code == 404
    assert client.post(url, data).status_code == 404
    login_verified(client, world["users"]["shelter_lead"])
    assert "Maija" not in client.get(reverse("people:hold_queue")).content.decode()
    assert client.post(url, data).status_code == 404
    # A lead who opened the hold herself does not confirm it.
    with scopes_disabled():
        ContactHold.objects.filter(pk=hold.pk).update(created_by=alvari_lead)
    login_verified(client, alvari_lead)
    assert "Maija" not in client.get(reverse("people:hold_queue")).content.decode()
    assert client.post(url, data).status_code == 404
    assert _hold(world).confirmed_at is None


def test_an_intake_in_a_second_form_does_not_escape_the_hold(
    client: Client, world: dict[str, Any]
) -> None:
    """The Alvari worker also works in Avokriisityö. She sees Maija now — through the held
    Alvari enquiry only — and opens a second enquiry for her there (the duplicate warning offers
    her; the worker chooses her): the stored data stay withheld, with a hold for each form."""
    avokriisi = ServiceFormFactory(
        organisation=world["org"], area=world["forms"]["alvari"].area, slug="avokriisi"
    )
    worker = world["users"]["alvari_worker"]
    with scopes_disabled():
        from tupa.core.tests.factories import MembershipFactory

        MembershipFactory(
            user=worker, organisation=world["org"], service_form=avokriisi, role=Role.WORKER
        )
    _intake(client, world)
    mother = world["persons"]["mother"]
    data = {**mothers_code_typed(world, "alvari"), "service_form": str(avokriisi.pk)}
    warned = client.post(reverse("people:create"), data)
    assert "Mahdollinen kaksoiskappale" in warned.content.decode()
    chosen = client.post(reverse("people:create"), {**data, "dup-choice": str(mother.pk)})
    assert chosen.status_code == 302
    with scopes_disabled():
        assert set(
            ContactHold.objects.filter(person=mother).values_list("service_form__slug", flat=True)
        ) == {"alvari", "avokriisi"}
        assert mother.pk in withheld_contact(user=worker, persons=[mother])
    html = client.get(chosen["Location"]).content.decode()
    assert not any(value in html for value in STORED)


def test_a_worker_who_sees_her_already_opens_no_hold(client: Client, world: dict[str, Any]) -> None:
    """A shelter worker's new enquiry for his own client: she is offered as a duplicate, he
    chooses her, and he reads her data as before."""
    login_verified(client, world["users"]["shelter_worker"])
    data = mothers_code_typed(world, "shelter")
    mother = world["persons"]["mother"]
    response = client.post(reverse("people:create"), {**data, "dup-choice": str(mother.pk)})
    assert response.status_code == 302
    with scopes_disabled():
        assert not ContactHold.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert all(value in html for value in STORED)


def test_withheld_contact_costs_one_query_when_nobody_is_held(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    persons = list(world["persons"].values())
    with scope(organisation=world["org"].pk), django_assert_num_queries(1):
        assert withheld_contact(user=world["users"]["alvari_worker"], persons=persons) == {}


def test_every_reuse_path_opens_the_hold(world: dict[str, Any]) -> None:
    """The episode intake and a stay's new member reuse through the same service as the
    new-client form: a person the actor does not see is held for the actor's form."""
    from tupa.episodes.services.subjects import NewPerson, person_for_intake

    worker = world["users"]["alvari_worker"]
    mother = world["persons"]["mother"]
    new = NewPerson(first_names="Maija", last_name="Meikäläinen", hetu="131052-308T")
    with scope(organisation=world["org"].pk):
        assert person_for_intake(actor=worker, service_form=world["forms"]["alvari"], new=new) == (
            mother
        )
        hold = ContactHold.objects.get(person=mother)
    assert (hold.service_form_id, hold.created_by_id, hold.given) == (
        world["forms"]["alvari"].pk,
        worker.pk,
        {},
    )
