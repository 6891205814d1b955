"""The decision letter of an access request (GDPR 15) is frozen when the DPO decides.

What was decided and sent must be what the letter shows afterwards: a later change to the
person's data, or to an item's text, does not change it. The letter keeps its content, the
moment it was frozen and a SHA-256 of the content, and is never changed (append-only).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.audit.models import AccessRequest
from tupa.core.tests.helpers import login_verified
from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.models import AccessRequestLetter, AccessRequestLetterFrozenError
from tupa.dataprotection.tests import test_access_requests as base
from tupa.people.models import Person

pytestmark = pytest.mark.django_db

NOW = base.NOW
world = base.world


def _decided(world: dict[str, Any]) -> AccessRequest:
    """The perpetrator's request, every item released, reviewed and decided in full."""
    dpo = world["dpo"]
    ar = base._drafted(world)
    for item in ars.build_draft(world["perp"], ar).pending():
        ars.item_decide(actor=dpo, access_request=ar, item_key=item.key, decision="release")
    ars.unit_review_complete(
        actor=world["shelter_worker"], access_request=ar, service_form_id=world["shelter"].pk
    )
    ars.unit_review_complete(
        actor=world["jussi_worker"], access_request=ar, service_form_id=world["jussi"].pk
    )
    ars.dpo_review_complete(actor=dpo, access_request=ar)
    ars.decide(actor=dpo, access_request=ar, outcome="full", decision_text="")
    return ar


def _letter(client: Client, ar: AccessRequest) -> str:
    page = client.get(reverse("rights:access_request_letter", args=[ar.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_a_later_change_to_the_persons_data_does_not_change_the_letter_sent(
    world: Any, client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        ar = _decided(world)
        login_verified(client, world["dpo"])
        before = _letter(client, ar)
        assert "Tekijä" in before and "Pekka sitoutuu ryhmään." in before
        with scopes_disabled():
            Person.objects.filter(pk=world["perp"].pk).update(
                last_name="Uusinimi", first_names="Petteri"
            )
        ars.deliver(actor=world["dpo"], access_request=ar, method="kirjeellä")
        after = _letter(client, ar)
    assert "Uusinimi" not in after and "Petteri" not in after
    assert "Tekijä" in after and "Pekka sitoutuu ryhmään." in after


def test_the_frozen_letter_shows_its_moment_and_hash(world: Any, client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        ar = _decided(world)
        login_verified(client, world["dpo"])
        page = _letter(client, ar)
    with scopes_disabled():
        letter = AccessRequestLetter.objects.get(access_request=ar)
    assert letter.frozen_at == NOW
    assert letter.content_hash == hashlib.sha256(letter.html.encode()).hexdigest()
    assert letter.content_hash in page
    assert "15.3.2026 12.00" in page


def test_the_frozen_letter_cannot_be_changed(world: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        ar = _decided(world)
    with scopes_disabled():
        letter = AccessRequestLetter.objects.get(access_request=ar)
        letter.html = "<p>toinen</p>"
        with pytest.raises(AccessRequestLetterFrozenError):
            letter.save()
        with pytest.raises(AccessRequestLetterFrozenError):
            AccessRequestLetter.objects.filter(pk=letter.pk).update(html="")
        with pytest.raises(AccessRequestLetterFrozenError):
            letter.delete()
