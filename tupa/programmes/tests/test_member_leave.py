"""Ending a participant's group period from the programme page: a date that cannot be read or is
out of range is refused with a Finnish message on the page, the typed value kept, and the period
stays open (it used to end silently today)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from tupa.core.tests.helpers import login_verified
from tupa.programmes.models import Member

from .test_views import NOW, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _leave(client: Client, people: dict[str, Any], left_on: str) -> tuple[Member, Any]:
    """The group worker ends the first member's period on ``left_on`` (as typed)."""
    member = people["members"][0]
    login_verified(client, people["worker"])
    url = reverse("programmes:member_leave", args=[member.pk])
    return member, client.post(url, {"left_on": left_on})


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "Anna päivämäärä muodossa p.k.vvvv."),
        ("kolmas maaliskuuta", "Anna päivämäärä muodossa p.k.vvvv."),
        ("2026-03-0\x00", "Anna päivämäärä muodossa p.k.vvvv."),
        ("9999-12-31", "2100"),
        ("", "Anna päivämäärä."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_leaving_day_is_refused_and_kept(
    client: Client,
    world: dict[str, Any],  # noqa: F811
    typed: str,
    message: str,
) -> None:
    member, response = _leave(client, world, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if typed and "\x00" not in typed:
        assert f'value="{typed}"' in html
    with scope(organisation=world["form"].organisation):
        assert Member.objects.get(pk=member.pk).left_on is None


@time_machine.travel(NOW, tick=False)
def test_leaving_day_before_joining_is_refused_on_the_page(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    member, response = _leave(client, world, "1.3.2026")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Lopetuspäivä ei voi olla ennen aloituspäivää." in html
    assert 'value="1.3.2026"' in html
    with scope(organisation=world["form"].organisation):
        assert Member.objects.get(pk=member.pk).left_on is None


@time_machine.travel(NOW, tick=False)
def test_finnish_leaving_day_ends_the_period(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    member, response = _leave(client, world, "5.3.2026")
    assert response.status_code == 302
    with scope(organisation=world["form"].organisation):
        assert str(Member.objects.get(pk=member.pk).left_on) == "2026-03-05"
