"""GDPR art. 18: a family with a person whose processing is restricted is left out of the
Tapaamispaikka's lists (orders, the coming meetings, episodes without an order), as out of the
client lists, and nobody of it is logged as listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.people.models import Person
from tupa.visitation import services

from .support import family, make_order, visitation_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def world() -> dict[str, Any]:
    form = visitation_form()
    member = worker_in(form)
    episode_a, people_a = family(form, names=("Aliisa", "Artturi"))
    episode_b, people_b = family(form, names=("Rajoitettu", "Rauno"))
    _episode_c, people_c = family(form, names=("Suvi", "Sulevi"))  # no order
    _episode_d, people_d = family(form, names=("Kielletty", "Kalle"))  # no order
    order_a = make_order(member, episode_a, people_a)
    order_b = make_order(member, episode_b, people_b)
    with scopes_disabled():
        for order in (order_a, order_b):
            services.meetings_schedule(
                actor=member, order=order, first_day=dt.date(2026, 6, 20), time=dt.time(17), count=1
            )
        Person.objects.filter(
            pk__in=[people_b["father"].person_id, people_d["father"].person_id]
        ).update(processing_restricted=True)
    return {
        "form": form,
        "member": member,
        "order_b": order_b,
        "shown": [people_a, people_c],
        "hidden": [people_b, people_d],
    }


def _person_ids(families: list[dict[str, Any]]) -> set[str]:
    ids = set()
    for people in families:
        ids |= {str(people["mother"].person_id), str(people["father"].person_id)}
        ids |= {str(c.person_id) for c in people["children"]}
    return ids


def test_front_page_leaves_restricted_families_out(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    for query in ("", "?kaikki=1"):
        response = client.get(reverse("visitation:order_list", args=[world["form"].slug]) + query)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Aliisa" in html and "Suvi" in html
        for name in ("Rajoitettu", "Rauno", "Kielletty", "Kalle"):
            assert name not in html
        assert reverse("visitation:order_detail", args=[world["order_b"].pk]) not in html
    with scopes_disabled():
        logged = set(
            AccessEvent.objects.filter(user=world["member"]).values_list("subject_id", flat=True)
        )
    assert logged == _person_ids(world["shown"])
    assert not logged & _person_ids(world["hidden"])
