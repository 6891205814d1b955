"""The newer kinds of draft items: meeting orders, basic forms, shelter data, groups, attachments."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.helpers import login_verified
from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.tests import test_access_requests as base
from tupa.episodes.models import Attachment, BasicFormDefinition
from tupa.programmes.models import Attendance, GroupProgramme, Member, Session
from tupa.residential.models import ShelterClientData
from tupa.visitation.models import Meeting
from tupa.visitation.tests.support import t

from .support import order_family

pytestmark = pytest.mark.django_db

NOW, _drafted, _letter_html = base.NOW, base._drafted, base._letter_html
world = base.world


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _state(draft: ars.Draft, key: str) -> str:
    item = draft.item(key)
    assert item is not None, key
    return str(item.state)


@pytest.fixture
def visits(world: Any) -> Any:
    with time_machine.travel(NOW, tick=False), scopes_disabled():
        made = order_family(world["org"])
        form, episode, order = made["form"], made["episode"], made["order"]
        meeting = Meeting.objects.create(
            organisation=world["org"],
            order=order,
            starts_at=t(2026, 2, 1, 10),
            duration_minutes=120,
            outcome="took_place",
            outcome_note="Sujui hyvin.",
        )
        definition = BasicFormDefinition.objects.create(
            organisation=world["org"],
            service_form=form,
            title="Perustiedot",
            fields=[{"code": "need", "label": "Tarve", "type": "text"}],
        )
        episode.basic_form = {
            "definition_id": definition.pk,
            "version": 1,
            "answers": {"need": "Tapaamiset lapsen kanssa"},
        }
        episode.save(update_fields=["basic_form"])
    return {**made, "meeting": meeting}


def test_order_and_meetings_are_withheld_and_the_other_partys_name_never_leaks(
    world: Any,
    visits: Any,
    client: Client,
) -> None:
    dpo = world["dpo"]
    ar = ars.request_create(actor=dpo, person=visits["mother"], received_on=NOW.date())
    ars.identity_verify(actor=dpo, access_request=ar, method="Passi")
    ars.draft_assemble(actor=dpo, access_request=ar)
    draft = ars.build_draft(visits["mother"], ar)
    order_key, meeting_key = (
        f"meeting_order:{visits['order'].pk}",
        f"meeting:{visits['meeting'].pk}",
    )
    basic_key = f"basic_form:{visits['episode'].pk}"
    assert _state(draft, order_key) == "pending"
    assert "Kalevi" in draft.item(order_key).text  # type: ignore[union-attr]  # for the reviewer
    assert _state(draft, meeting_key) == "pending"
    assert _state(draft, basic_key) == "pending"  # an episode with other participants
    assert "Kalevi" not in _letter_html(draft)
    # Release everything but the order; the letter still never names the other party.
    for key in (meeting_key, basic_key):
        ars.item_decide(actor=visits["worker"], access_request=ar, item_key=key, decision="release")
    ars.item_decide(
        actor=visits["worker"],
        access_request=ar,
        item_key=order_key,
        decision="redact",
        released_text="Käräjäoikeuden päätös; toinen osapuoli [peitetty].",
        reason="Toisen vanhemman nimi",
    )
    ars.unit_review_complete(
        actor=visits["worker"], access_request=ar, service_form_id=visits["form"].pk
    )
    ars.dpo_review_complete(actor=dpo, access_request=ar)
    ars.decide(actor=dpo, access_request=ar, outcome="partial", decision_text="Nimi peitetty.")
    login_verified(client, dpo)
    page = client.get(reverse("rights:access_request_letter", args=[ar.pk])).content.decode()
    assert "toinen osapuoli [peitetty]" in page and "Sujui hyvin." in page
    assert "Tapaamiset lapsen kanssa" in page
    assert "Kalevi" not in page


def test_shelter_data_groups_and_attachments_in_the_draft(world: Any, client: Client) -> None:
    with time_machine.travel(NOW, tick=False), scopes_disabled():
        victim_part = world["stay"].participants.get(person=world["victim"])
        perp_part = world["stay"].participants.get(person=world["perp"])
        own = ShelterClientData.objects.create(
            participant=victim_part,
            client_status="victim",
            violence_forms=["physical"],
            updated_by=world["shelter_worker"],
        )
        used = ShelterClientData.objects.create(
            participant=perp_part, client_status="used_violence", updated_by=world["shelter_worker"]
        )
        jussi_part = world["jussi_ep"].participants.get(person=world["perp"])
        programme = GroupProgramme.objects.create(
            organisation=world["org"],
            service_form=world["jussi"],
            name="Miesten ryhmä",
            type="closed",
            target_group="adults",
            starts_on=NOW.date(),
            created_by=world["jussi_worker"],
        )
        member = Member.objects.create(
            programme=programme,
            participant=jussi_part,
            joined_on=NOW.date(),
            added_by=world["jussi_worker"],
        )
        session = Session.objects.create(
            programme=programme, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=1)
        )
        Attendance.objects.create(session=session, member=member, status="present")
        attachment = Attachment(
            entry=world["solo"],
            kind="scanned",
            original_name="sopimus.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
            uploaded_by=world["jussi_worker"],
        )
        attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
        attachment.save()
    # The victim: her own shelter data is released as is.
    victim_ar = ars.request_create(
        actor=world["dpo"], person=world["victim"], received_on=NOW.date()
    )
    victim_draft = ars.build_draft(world["victim"], victim_ar)
    assert _state(victim_draft, f"shelter_data:{own.pk}") == "release"
    assert "fyysinen" in _letter_html(victim_draft)
    # The perpetrator: shelter data of the one who used violence waits for review; the group
    # (name, dates, attendance counts) is released; the attachment waits for review.
    ar = _drafted(world)
    draft = ars.build_draft(world["perp"], ar)
    assert _state(draft, f"shelter_data:{used.pk}") == "pending"
    group = draft.item(f"group:{member.pk}")
    assert group is not None and group.state == "release"
    assert "Miesten ryhmä" in group.heading and "Läsnä 1" in group.text
    att_key = f"attachment:{attachment.pk}"
    assert _state(draft, att_key) == "pending"
    assert draft.released_attachment_ids() == []
    ars.item_decide(
        actor=world["jussi_worker"], access_request=ar, item_key=att_key, decision="release"
    )
    assert ars.build_draft(world["perp"], ar).released_attachment_ids() == [attachment.pk]


def test_released_attachments_download_as_a_logged_zip(world: Any, client: Client) -> None:
    with scopes_disabled():
        attachment = Attachment(
            entry=world["solo"],
            kind="scanned",
            original_name="sopimus.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
            uploaded_by=world["jussi_worker"],
        )
        attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
        attachment.save()
    ar = _drafted(world)
    dpo, sw, jw = world["dpo"], world["shelter_worker"], world["jussi_worker"]
    for item in ars.build_draft(world["perp"], ar).pending():
        actor = sw if item.service_form_id == world["shelter"].pk else jw
        decision = "release" if item.kind in {"entry", "attachment"} else "withhold"
        ars.item_decide(
            actor=actor, access_request=ar, item_key=item.key, decision=decision, reason="x"
        )
    ars.unit_review_complete(actor=sw, access_request=ar, service_form_id=world["shelter"].pk)
    ars.unit_review_complete(actor=jw, access_request=ar, service_form_id=world["jussi"].pk)
    ars.dpo_review_complete(actor=dpo, access_request=ar)
    ars.decide(actor=dpo, access_request=ar, outcome="partial", decision_text="Osittain.")
    login_verified(client, dpo)
    url = reverse("rights:access_request_letter", args=[ar.pk])
    assert "sopimus.pdf" in client.get(url).content.decode()
    with scopes_disabled():
        before = AccessEvent.objects.filter(action="export").count()
    response = client.get(url + "?muoto=zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == ["01-sopimus.pdf"]
    with scopes_disabled():
        assert AccessEvent.objects.filter(action="export").count() == before + 1
    ars.deliver(actor=dpo, access_request=ar, method="annettu")
    with scopes_disabled():
        ar.refresh_from_db()
        assert "Liitteitä 1" in ar.disclosure.description  # type: ignore[union-attr]
