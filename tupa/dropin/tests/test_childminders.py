"""Perhetupa's volunteer childminders are volunteer records (issue 12 item 7): who may be named,
the count of volunteer carers derived or checked, the pages and their query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.dropin import services
from tupa.dropin.models import ChildcareSession
from tupa.programmes.tests.test_volunteers import volunteer_in
from tupa.volunteers.models import RoleKind

from .support import house, t

pytestmark = pytest.mark.django_db

COUNTS = {"children_under_1": 1, "children_1_2": 2, "children_3_6": 0, "staff_carers": 1}


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = house()
    return {"form": form, "worker": worker_in(form)}


def _record(w: dict[str, Any], ids: list[int], **kw: Any) -> ChildcareSession:
    return services.childcare_record(
        actor=w["worker"],
        service_form=w["form"],
        starts_at=t(2026, 6, 10, 9),
        ends_at=t(2026, 6, 10, 12),
        volunteer_ids=ids,
        **{**COUNTS, **kw},
    )


def test_named_childminders_and_the_derived_count(world: dict[str, Any]) -> None:
    kaisa = volunteer_in(world["form"], "Kaisa", role=RoleKind.PERHETUPA)
    leena = volunteer_in(world["form"], "Leena", role=RoleKind.CHILDMINDER)
    session = _record(world, [kaisa.pk, leena.pk], volunteer_carers=None)
    with scopes_disabled():
        assert set(session.volunteers.all()) == {kaisa, leena}
    assert (session.volunteer_carers, session.carers) == (2, 3)
    # One more helper outside the register is counted, not named.
    assert _record(world, [kaisa.pk], volunteer_carers=2).volunteer_carers == 2
    with pytest.raises(ValidationError) as error:
        _record(world, [kaisa.pk, leena.pk], volunteer_carers=1)
    assert error.value.message_dict["volunteer_carers"] == [
        "Vapaaehtoisia lastenhoitajia on nimetty 2; määrä ei voi olla pienempi."
    ]


def test_a_childminder_without_a_valid_check_or_a_task_is_refused(world: dict[str, Any]) -> None:
    form = world["form"]
    unchecked = volunteer_in(form, "Leena", "Lapsirakas", checked=False, role=RoleKind.PERHETUPA)
    late = volunteer_in(form, "Myöhä", started_on=dt.date(2026, 6, 12))
    with pytest.raises(ValidationError) as error:
        _record(world, [unchecked.pk, late.pk], volunteer_carers=None)
    message = " ".join(error.value.message_dict["volunteers"])
    assert "Leena Lapsirakas ei voi toimia lasten kanssa" in message
    assert "Myöhä Hoivanen ei ollut aktiivinen vapaaehtoinen 10.6.2026." in message
    with scopes_disabled():
        assert not ChildcareSession.objects.exists()


def test_an_update_keeps_a_named_volunteer_whose_check_has_since_lapsed(
    world: dict[str, Any],
) -> None:
    kaisa = volunteer_in(world["form"], "Kaisa")
    session = _record(world, [kaisa.pk], volunteer_carers=None)
    with time_machine.travel(dt.datetime(2028, 6, 15, 12), tick=False):
        updated = services.childcare_update(
            actor=world["worker"],
            session=session,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            note="Korjattu",
            **COUNTS,
            volunteer_carers=1,
        )
    with scopes_disabled():
        assert list(updated.volunteers.all()) == [kaisa]


def test_the_childcare_pages(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    form = world["form"]
    kaisa = volunteer_in(form, "Kaisa")
    unchecked = volunteer_in(form, "Leena", "Lapsirakas", checked=False)
    login_verified(client, world["worker"])
    url = reverse("dropin:childcare_new", args=[form.slug])
    html = client.get(url).content.decode()
    assert "Kaisa Hoivanen" in html and "Leena Lapsirakas" not in html
    data = {
        "day": "2026-06-10",
        "start": "09:00",
        "end": "12:00",
        "children_under_1": "1",
        "children_1_2": "2",
        "children_3_6": "0",
        "staff_carers": "1",
        "volunteer_carers": "",
        "volunteers": [str(unchecked.pk)],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Valitse vapaaehtoinen luettelosta." in response.content.decode()
    assert client.post(url, {**data, "volunteers": [str(kaisa.pk)]}).status_code == 302
    with scopes_disabled():
        saved = ChildcareSession.objects.get()
    assert saved.volunteer_carers == 1
    listing = reverse("dropin:childcare_list", args=[form.slug]) + "?month=2026-06"
    with django_assert_max_num_queries(60) as captured:
        assert "Kaisa Hoivanen" in client.get(listing).content.decode()
    baseline = len(captured)
    for day in (3, 4, 5):
        services.childcare_record(
            actor=world["worker"],
            service_form=form,
            starts_at=t(2026, 6, day, 9),
            ends_at=t(2026, 6, day, 12),
            volunteer_ids=[kaisa.pk],
            volunteer_carers=None,
            **COUNTS,
        )
    with django_assert_max_num_queries(baseline):
        assert client.get(listing).status_code == 200
    # The volunteer's page lists the childcare sessions.
    from tupa.volunteers.tests.support import coordinator_of

    login_verified(client, coordinator_of(form))
    page = client.get(reverse("volunteers:detail", args=[kaisa.pk])).content.decode()
    assert "Tilapäinen lastenhoito (Perhetupa), lastenhoitaja" in page
