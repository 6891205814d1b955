"""Privacy of the access request's released extract and of the DPO's data extract.

A review decision covers the text the reviewer saw: a text changed after the decision is not
released under the old decision (it goes back to review).
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.extracts import data_extract
from tupa.dataprotection.tests import test_access_requests as base
from tupa.episodes.models import Entry
from tupa.people.models import Relationship
from tupa.visitation import services as visitation
from tupa.visitation.tests.support import parties

from .support import order_family

pytestmark = pytest.mark.django_db

NOW = base.NOW
world = base.world

SECRET_NOTE = "Äidin uusi osoite Kuusitie 5 ei saa paljastua."


@pytest.fixture
def order_world(world: Any) -> Any:
    with time_machine.travel(NOW, tick=False), scopes_disabled():
        return order_family(world["org"])


def _decided_with_order_released(world: Any, ow: Any) -> Any:
    dpo = world["dpo"]
    ar = ars.request_create(actor=dpo, person=ow["father"], received_on=NOW.date())
    ars.identity_verify(actor=dpo, access_request=ar, method="Passi")
    ars.draft_assemble(actor=dpo, access_request=ar)
    draft = ars.build_draft(ow["father"], ar)
    for item in draft.pending():
        ars.item_decide(
            actor=ow["worker"], access_request=ar, item_key=item.key, decision="release"
        )
    ars.unit_review_complete(actor=ow["worker"], access_request=ar, service_form_id=ow["form"].pk)
    ars.dpo_review_complete(actor=dpo, access_request=ar)
    ars.decide(actor=dpo, access_request=ar, outcome="full", decision_text="")
    return ar


def _update_safety_notes(ow: Any, notes: str) -> None:
    with scopes_disabled():
        order = ow["order"]
        order.refresh_from_db()
        visitation.order_update(
            actor=ow["worker"],
            order=order,
            version=order.version,
            parties=parties(ow["people"]),
            safety_notes=notes,
        )


def test_a_release_decision_does_not_release_a_text_changed_after_the_review(
    world: Any, order_world: Any, client: Client
) -> None:
    """The order was reviewed with harmless safety notes; the unit then wrote the other
    parent's new address into them. The letter, drawn afresh, must not release the new text
    under the old decision."""
    ow = order_world
    with time_machine.travel(NOW, tick=False):
        ar = _decided_with_order_released(world, ow)
        key = f"meeting_order:{ow['order'].pk}"
        draft = ars.build_draft(ow["father"], ar)
        assert draft.item(key).released  # type: ignore[union-attr]
        assert "Eri sisäänkäynnit." in draft.item(key).output_text  # type: ignore[union-attr]
        _update_safety_notes(ow, SECRET_NOTE)
        draft = ars.build_draft(ow["father"], ar)
        item = draft.item(key)
        assert item is not None and SECRET_NOTE in item.text  # the reviewer sees it
        assert not item.released and item.state == "pending"
        login_verified(client, world["dpo"])
        page = client.get(reverse("rights:access_request_letter", args=[ar.pk]))
        assert page.status_code == 200
        assert "Kuusitie" not in page.content.decode()


def test_an_unchanged_released_text_stays_released(world: Any, order_world: Any) -> None:
    ow = order_world
    with time_machine.travel(NOW, tick=False):
        ar = _decided_with_order_released(world, ow)
        key = f"meeting_order:{ow['order'].pk}"
        _update_safety_notes(ow, "Eri sisäänkäynnit.")  # saved again, same text
        item = ars.build_draft(ow["father"], ar).item(key)
        assert item is not None and item.released
        assert "Eri sisäänkäynnit." in item.output_text


def test_the_data_extract_never_prints_a_perpetrator_work_text_naming_the_victim(
    world: Any,
) -> None:
    with scopes_disabled():
        extract = data_extract(person=world["perp"])
    # The shelter episode is also the victim's: not even its form and dates are listed.
    assert [e.service_form for e in extract.episodes] == ["Jussi-työ"]
    assert extract.withheld_episodes == ["Asiakkuus koskee väkivaltaa kokenutta henkilöä."]
    entries = extract.episodes[0].entries
    assert len(entries) == 2, "the person's own entries are listed, withheld or not"
    assert not any("Maija" in e["text"] for e in entries)
    # Perpetrator work: every entry waits for the access request's review, as in its draft.
    assert all(e["withheld"] and e["text"] == "" for e in entries)
    perpetrator_work = (
        "Väkivaltaa käyttäneiden työn kirjaus voi sisältää väkivaltaa kokeneen tietoja."
    )
    assert all(perpetrator_work in e["withheld_reasons"] for e in entries)
    assert sum("Tekstissä mainitaan toinen henkilö." in e["withheld_reasons"] for e in entries) == 1


def test_the_data_extract_withholds_an_own_entry_naming_a_relative(world: Any) -> None:
    """Outside perpetrator work an entry of the person alone is printed, unless it names
    another participant of her episodes or a relative."""
    with time_machine.travel(NOW, tick=False), scopes_disabled():
        form = ServiceFormFactory.create(
            organisation=world["org"], area=world["shelter"].area, slug="avo", name="Avokriisi"
        )
        person = PersonFactory.create(
            organisation=world["org"], first_names="Sanna", last_name="Omanen"
        )
        sister = PersonFactory.create(
            organisation=world["org"], first_names="Tuulikki", last_name="Siskonen"
        )
        Relationship.objects.create(person=sister, relative=person, kind="sibling")
        episode = EpisodeFactory.create(service_form=form, organisation=world["org"])
        own = ParticipantFactory.create(episode=episode, person=person)
        worker = worker_in(form)
        for hour, text in ((9, "Sanna kertoi voivansa paremmin."), (10, "Tuulikki soitti.")):
            entry = Entry.objects.create(
                episode=episode,
                type="note",
                occurred_at=NOW.replace(hour=hour),
                author=worker,
                text=text,
            )
            entry.participants.set([own])
    with scopes_disabled():
        (episode_rows,) = data_extract(person=person).episodes
    printed, named = episode_rows.entries  # in the order they occurred
    assert not printed["withheld"] and printed["text"] == "Sanna kertoi voivansa paremmin."
    assert named["withheld"] and named["text"] == ""
    assert named["withheld_reasons"] == ["Tekstissä mainitaan toinen henkilö."]


def test_the_data_extract_page_gives_the_reason_of_a_withheld_text(
    client: Client, world: Any
) -> None:
    login_verified(client, world["dpo"])
    # the DPO reaches a person's extracts through the exact lookup only
    client.post(reverse("rights:person_lookup"), {"identifier": world["perp"].temporary_id})
    page = client.get(reverse("rights:data_extract", args=[world["perp"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Maija" not in html and "Uhrinen" not in html
    assert "Väkivaltaa käyttäneiden työn kirjaus voi sisältää väkivaltaa kokeneen tietoja." in html
    assert "Turvakoti" not in html  # her shelter stay is not told to him
    assert "1 asiakkuus on jätetty pois" in html
