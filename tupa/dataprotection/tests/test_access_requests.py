"""The disclosure log and access requests as a reviewed workflow (703/2023 §4.2; GDPR 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import (
    AccessRequestStep,
    AppendOnlyError,
    Disclosure,
    DisclosureSubject,
)
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.disclosures.services import disclosure_record, disclosures_for_person
from tupa.episodes.models import Entry

pytestmark = pytest.mark.django_db

HKI = ZoneInfo("Europe/Helsinki")
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=HKI)
VICTIM_WORDS = "Hän pelkää, että mies löytää hänet uudesta asunnosta."


@pytest.fixture
def world() -> Any:
    with time_machine.travel(NOW, tick=False):
        shelter = ServiceFormFactory.create(name="Turvakoti", slug="tk", violence_work="victim")
        org = shelter.organisation
        jussi = ServiceFormFactory.create(
            organisation=org,
            area=shelter.area,
            name="Jussi-työ",
            slug="jussi",
            violence_work="perpetrator",
        )
        victim, stay = client_in(
            shelter, first_names="Maija", last_name="Uhrinen", hetu="010190-123A"
        )
        perp = PersonFactory.create(organisation=org, first_names="Pekka", last_name="Tekijä")
        perp_in_shelter = ParticipantFactory.create(
            episode=stay, person=perp, role="partner", violence_role="used"
        )
        jussi_ep = EpisodeFactory.create(service_form=jussi, organisation=org)
        perp_in_jussi = ParticipantFactory.create(episode=jussi_ep, person=perp)
        with scopes_disabled():
            victim_part = stay.participants.get(person=victim)
            shelter_worker = worker_in(shelter)
            jussi_worker = worker_in(jussi)
            joint = Entry.objects.create(
                episode=stay,
                type="couple_meeting",
                occurred_at=NOW,
                author=shelter_worker,
                text=f"Yhteistapaaminen. Maija kertoi: {VICTIM_WORDS}",
            )
            joint.participants.set([victim_part, perp_in_shelter])
            solo_named = Entry.objects.create(
                episode=jussi_ep,
                type="individual_meeting",
                occurred_at=NOW,
                author=jussi_worker,
                text="Pekka puhui Maijasta ja lapsista.",
            )
            solo_named.participants.set([perp_in_jussi])
            solo = Entry.objects.create(
                episode=jussi_ep,
                type="individual_meeting",
                occurred_at=NOW,
                author=jussi_worker,
                text="Pekka sitoutuu ryhmään.",
            )
            solo.participants.set([perp_in_jussi])
        yield {
            "org": org,
            "shelter": shelter,
            "jussi": jussi,
            "victim": victim,
            "perp": perp,
            "stay": stay,
            "jussi_ep": jussi_ep,
            "joint": joint,
            "solo_named": solo_named,
            "solo": solo,
            "shelter_worker": shelter_worker,
            "jussi_worker": jussi_worker,
            "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
            "other_worker": worker_in(
                ServiceFormFactory.create(organisation=org, area=shelter.area, slug="muu")
            ),
        }


def _letter_html(draft: ars.Draft) -> str:
    """Everything a released extract would print (the text of released items)."""
    parts = [e.service_form for e in draft.released_episodes()]
    for e in draft.released_episodes():
        parts += [i.output_text for i in e.items if i.released]
    return "\n".join(parts)


def _drafted(world: dict[str, Any]) -> Any:
    dpo = world["dpo"]
    ar = ars.request_create(actor=dpo, person=world["perp"], received_on=NOW.date())
    ars.identity_verify(actor=dpo, access_request=ar, method="Passi tarkistettu käynnillä")
    ars.draft_assemble(actor=dpo, access_request=ar)
    return ar


def test_perpetrator_extract_never_holds_victim_data_without_a_review_decision(world: Any) -> None:
    ar = _drafted(world)
    draft = ars.build_draft(world["perp"], ar)
    text = _letter_html(draft)
    assert "Maija" not in text and "Uhrinen" not in text
    assert VICTIM_WORDS not in text
    assert "Turvakoti" not in text  # the whole victim-side episode is withheld pending review
    assert "Pekka sitoutuu" not in text  # perpetrator work: every entry is reviewed first
    pending = {i.key for i in draft.pending()}
    assert f"entry:{world['joint'].pk}" in pending
    assert f"entry:{world['solo_named'].pk}" in pending  # names the victim
    assert f"episode:{world['stay'].pk}" in pending
    assert f"entry:{world['solo'].pk}" in pending
    # A recorded decision by a worker of the unit releases a redacted version only.
    ars.item_decide(
        actor=world["jussi_worker"],
        access_request=ar,
        item_key=f"entry:{world['solo_named'].pk}",
        decision="redact",
        released_text="Pekka puhui [peitetty] ja lapsista.",
        reason="Toisen henkilön nimi",
    )
    text = _letter_html(ars.build_draft(world["perp"], ar))
    assert "Pekka puhui [peitetty] ja lapsista." in text and "Maija" not in text


def test_a_worker_not_of_the_unit_cannot_review(world: Any) -> None:
    ar = _drafted(world)
    key = f"entry:{world['joint'].pk}"
    for outsider in (world["other_worker"], world["jussi_worker"]):  # Jussi ≠ the shelter
        with pytest.raises(ValidationError):
            ars.item_decide(actor=outsider, access_request=ar, item_key=key, decision="release")
        with pytest.raises(ValidationError):
            ars.unit_review_complete(
                actor=outsider, access_request=ar, service_form_id=world["shelter"].pk
            )
    ars.item_decide(
        actor=world["shelter_worker"],
        access_request=ar,
        item_key=key,
        decision="withhold",
        reason="Toisen henkilön kertomaa",
    )


def test_the_whole_workflow_delivers_a_partial_decision_and_logs_the_disclosure(
    world: Any, client: Client
) -> None:
    ar = _drafted(world)
    dpo, sw, jw = world["dpo"], world["shelter_worker"], world["jussi_worker"]
    with pytest.raises(ValidationError):  # pending items first
        ars.dpo_review_complete(actor=dpo, access_request=ar)
    for key in (f"episode:{world['stay'].pk}", f"entry:{world['joint'].pk}"):
        ars.item_decide(
            actor=sw,
            access_request=ar,
            item_key=key,
            decision="withhold",
            reason="Väkivaltaa kokeneen tietoja",
        )
    ars.item_decide(
        actor=jw,
        access_request=ar,
        item_key=f"entry:{world['solo_named'].pk}",
        decision="withhold",
        reason="Toisen henkilön tietoja",
    )
    ars.item_decide(
        actor=jw, access_request=ar, item_key=f"entry:{world['solo'].pk}", decision="release"
    )
    with pytest.raises(ValidationError):  # the units have not confirmed yet
        ars.dpo_review_complete(actor=dpo, access_request=ar)
    ars.unit_review_complete(actor=sw, access_request=ar, service_form_id=world["shelter"].pk)
    ars.unit_review_complete(actor=jw, access_request=ar, service_form_id=world["jussi"].pk)
    ars.dpo_review_complete(actor=dpo, access_request=ar)
    with pytest.raises(ValidationError):
        ars.decide(actor=dpo, access_request=ar, outcome="full", decision_text="")
    ars.decide(
        actor=dpo,
        access_request=ar,
        outcome="partial",
        decision_text="Toisen henkilön tiedot jätetään antamatta (TSL 34 §).",
    )
    login_verified(client, dpo)
    page = client.get(reverse("rights:access_request_letter", args=[ar.pk])).content.decode()
    assert "Pekka sitoutuu ryhmään." in page
    assert "Maija" not in page and VICTIM_WORDS not in page and "Turvakoti" not in page
    assert "tietosuojavaltuutetun" in page
    pdf = client.get(reverse("rights:access_request_letter", args=[ar.pk]) + "?muoto=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ars.deliver(actor=dpo, access_request=ar, method="annettu henkilökohtaisesti")
    rows = disclosures_for_person(person=world["perp"], date_from=NOW.date(), date_to=NOW.date())
    assert [r.kind for r in rows] == ["ote asiakkaalle (tietopyyntö)"]
    with scopes_disabled():
        kinds = list(
            AccessRequestStep.objects.filter(access_request=ar).values_list("kind", flat=True)
        )
    assert kinds[0] == "received" and kinds[-1] == "delivered"


def test_deadline_extends_by_at_most_two_months(world: Any) -> None:
    ar = ars.request_create(
        actor=world["dpo"], person=world["perp"], received_on=dt.date(2026, 3, 1)
    )
    assert ar.due_on == dt.date(2026, 4, 1)
    with pytest.raises(ValidationError) as error:
        ars.deadline_extend(
            actor=world["dpo"], access_request=ar, due_on=dt.date(2026, 6, 2), reason="x"
        )
    assert error.value.message_dict["due_on"] == ["Määräaikaa voi pidentää enintään 1.6.2026 asti."]
    ars.deadline_extend(
        actor=world["dpo"], access_request=ar, due_on=dt.date(2026, 6, 1), reason="Laaja"
    )
    assert ars.is_overdue(ar, dt.date(2026, 6, 2))


def test_a_disclosure_appears_in_the_log_extract_and_is_append_only(
    world: Any, client: Client
) -> None:
    login_verified(client, world["shelter_worker"])
    url = reverse("rights:disclosure_add", args=[world["stay"].pk])
    with scopes_disabled():
        participant = world["stay"].participants.get(person=world["victim"])
    response = client.post(
        url,
        {
            "kind": "child_protection",
            "recipient": "Esimerkkikaupungin lastensuojelu",
            "basis_kind": "law",
            "legal_basis": "LsL 25 §",
            "description": "Lastensuojeluilmoitus",
            "persons": [str(participant.pk)],
            "disclosed_on": NOW.date().isoformat(),
        },
    )
    assert response.status_code == 302
    login_verified(client, world["dpo"])
    client.post(reverse("rights:person_lookup"), {"identifier": "010190-123A"})
    page = client.get(reverse("rights:log_extract", args=[world["victim"].pk])).content.decode()
    assert "Esimerkkikaupungin lastensuojelu" in page and "LsL 25 §" in page
    listing = client.get(reverse("rights:disclosures")).content.decode()
    assert "Esimerkkikaupungin lastensuojelu" in listing
    with scopes_disabled():
        d = Disclosure.objects.get()
        with pytest.raises(AppendOnlyError):
            d.save()
        with pytest.raises(AppendOnlyError):
            Disclosure.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            DisclosureSubject.objects.all().update(person=None)
    for sql in (
        "DELETE FROM audit_disclosure",
        "DELETE FROM audit_disclosuresubject",
        "UPDATE audit_disclosure SET recipient = 'x'",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_disclosure_record_validates(world: Any) -> None:
    with pytest.raises(ValidationError):
        disclosure_record(
            actor=world["shelter_worker"],
            kind="police",
            recipient="",
            basis_kind="law",
            legal_basis="",
            description="",
            persons=[],
        )


@pytest.mark.parametrize("who", ["shelter_worker", "jussi_worker", "other_worker"])
def test_dpo_pages_answer_404_to_everybody_else(world: Any, client: Client, who: str) -> None:
    ar = _drafted(world)
    login_verified(client, world[who])
    for name, args in [
        ("rights:access_requests", []),
        ("rights:disclosures", []),
        ("rights:access_request", [ar.pk]),
        ("rights:access_request_letter", [ar.pk]),
        ("rights:access_request_create", [world["perp"].pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_review_page_by_unit(world: Any, client: Client) -> None:
    ar = _drafted(world)
    url = reverse("rights:access_request_review", args=[ar.pk])
    login_verified(client, world["other_worker"])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"item": f"entry:{world['joint'].pk}", "decision": "release"}).status_code
        == 404
    )
    login_verified(client, world["jussi_worker"])
    page = client.get(url).content.decode()
    assert "Pekka sitoutuu" in page and VICTIM_WORDS not in page  # only the Jussi unit's items
    login_verified(client, world["shelter_worker"])
    assert VICTIM_WORDS in client.get(url).content.decode()
    login_verified(client, world["other_worker"])
    assert client.get(reverse("rights:disclosure_add", args=[world["stay"].pk])).status_code == 404


def test_dpo_pages_work_for_the_dpo(world: Any, client: Client) -> None:
    login_verified(client, world["dpo"])
    client.post(reverse("rights:person_lookup"), {"identifier": "010190-123A"})
    create = reverse("rights:access_request_create", args=[world["victim"].pk])
    assert client.get(create).status_code == 200
    response = client.post(create, {"received_on": NOW.date().isoformat(), "request_text": "Kirje"})
    assert response.status_code == 302
    detail = response["Location"]
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"step": "verify", "method": "Passi"}).status_code == 302
    assert client.post(detail, {"step": "assemble"}).status_code == 302
    assert client.get(detail + "tarkastus/").status_code == 200
    assert client.get(reverse("rights:access_requests")).status_code == 200
