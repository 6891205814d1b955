"""Optimistic locking of an order's change form: a save without the version the user saw (an old
tab, a hand-made POST) must not overwrite what somebody else saved in between, and a save on an
old version shows the conflict and lets the user save again on purpose."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.conflicts import MESSAGE as CONFLICT_MESSAGE
from tupa.core.forms import VERSION_MISSING
from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.visitation import services
from tupa.visitation.forms import OrderForm
from tupa.visitation.models import MeetingOrder

from .support import family, make_order, parties, visitation_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _post_data(order: MeetingOrder) -> dict[str, str]:
    data: dict[str, str] = {}
    for key, value in OrderForm.initial_for(order).items():
        if value is None or value is False:
            continue
        if isinstance(value, Model):
            value = value.pk
        elif isinstance(value, dt.date):
            value = value.isoformat()
        data[key] = str(value)
    return data


@pytest.fixture
def world() -> dict[str, Any]:
    form = visitation_form()
    member, colleague = worker_in(form), worker_in(form)
    episode, people = family(form)
    order = make_order(member, episode, people, safety_notes="Alkuperäinen")
    return {"member": member, "colleague": colleague, "order": order, "people": people}


def test_order_edit_without_version_does_not_overwrite(
    client: Client, world: dict[str, Any]
) -> None:
    order = world["order"]
    with scopes_disabled():
        stale = _post_data(MeetingOrder.objects.get(pk=order.pk))
        services.order_update(
            actor=world["colleague"],
            order=order,
            version=order.version,
            parties=parties(world["people"]),
            security_guard=True,
            safety_notes="Kollegan muutos",
        )
    login_verified(client, world["member"])
    url = reverse("visitation:order_edit", args=[order.pk])
    data = {**stale, "safety_notes": "Vanha välilehti"}
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 400
    with scopes_disabled():
        saved = MeetingOrder.objects.get(pk=order.pk)
    assert (saved.safety_notes, saved.security_guard) == ("Kollegan muutos", True)
    assert str(VERSION_MISSING) in response.content.decode()
    # With the version it saw, the same user gets the conflict, with what was typed kept and
    # the form moved on to the saved version.
    response = client.post(url, {**stale, "safety_notes": "Vanha välilehti"})
    html = response.content.decode()
    assert response.status_code == 409
    assert str(CONFLICT_MESSAGE) in html and "Vanha välilehti</textarea>" in html
    with scopes_disabled():
        saved = MeetingOrder.objects.get(pk=order.pk)
    assert saved.safety_notes == "Kollegan muutos"
    assert f'name="version" value="{saved.version}"' in html and saved.version > int(
        stale["version"]
    )
    # Saving again from the page shown is the user's choice, and goes through.
    response = client.post(
        url, {**stale, "safety_notes": "Vanha välilehti", "version": saved.version}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert MeetingOrder.objects.get(pk=order.pk).safety_notes == "Vanha välilehti"
