"""The Tapaamispaikka order pages: the payer municipality under turvakielto.

The payer of an order is the child's home municipality. The order page hides it when a party has
a restriction in force ("Suojattu tieto"); every other page of the order must hide it too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Partner
from tupa.people.models import Restriction
from tupa.visitation.models import MeetingOrder

from .support import family, make_order, municipality, visitation_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def world() -> dict[str, Any]:
    form = visitation_form()
    member = worker_in(form)
    episode, people = family(form)
    payer = municipality("998", "Piilokunta")
    order = make_order(member, episode, people, payer_municipality=payer)
    with scopes_disabled():
        Restriction.objects.create(
            person=people["children"][0].person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2026, 1, 1),
            created_by=member,
        )
    return {
        "form": form,
        "member": member,
        "order": order,
        "payer": payer,
    }


def test_order_page_hides_the_payer_of_a_restricted_family(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["member"])
    html = client.get(reverse("visitation:order_detail", args=[world["order"].pk])).content.decode()
    assert "Suojattu tieto" in html and "Piilokunta" not in html


def test_change_page_does_not_preselect_the_payer_of_a_restricted_family(
    client: Client, world: dict[str, Any]
) -> None:
    """The change form preselected the hidden payer municipality in its select."""
    login_verified(client, world["member"])
    html = client.get(reverse("visitation:order_edit", args=[world["order"].pk])).content.decode()
    assert f'value="{world["payer"].pk}" selected' not in html


def test_saving_the_change_form_without_a_payer_keeps_the_hidden_payer(
    client: Client, world: dict[str, Any]
) -> None:
    """Hiding the payer must not lose it: an empty payer on the change form keeps the order's."""
    order = world["order"]
    login_verified(client, world["member"])
    url = reverse("visitation:order_edit", args=[order.pk])
    response = client.get(url)
    form = response.context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if not isinstance(value, bool) or value
    }
    data.update(
        {
            "basis_date": "2.1.2026",
            "valid_from": "5.1.2026",
            "valid_until": "31.12.2026",
            "notes": "muutettu",
        }
    )
    data.pop("payer_municipality", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    with scopes_disabled():
        saved = MeetingOrder.objects.get(pk=order.pk)
    assert saved.notes == "muutettu"
    assert saved.payer_municipality_id == world["payer"].pk


def test_a_restricted_participant_who_is_no_party_hides_the_payer_too(client: Client) -> None:
    """The family is the episode's (:func:`tupa.people.restrictions.protected_episode_ids`):
    before, only the order's parties were asked, so a protected sibling outside the order left
    the home municipality shown."""
    form = visitation_form()
    member = worker_in(form)
    episode, people = family(form, children=2)
    payer = municipality("997", "Kotikunta")
    party_children, (sibling,) = people["children"][:1], people["children"][1:]
    order = make_order(
        member, episode, {**people, "children": party_children}, payer_municipality=payer
    )
    login_verified(client, member)
    url = reverse("visitation:order_detail", args=[order.pk])
    assert "Kotikunta" in client.get(url).content.decode()
    with scopes_disabled():
        Restriction.objects.create(
            person=sibling.person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2026, 1, 1),
            created_by=member,
        )
    html = client.get(url).content.decode()
    assert "Suojattu tieto" in html and "Kotikunta" not in html
    edit = client.get(reverse("visitation:order_edit", args=[order.pk])).content.decode()
    assert f'value="{payer.pk}" selected' not in edit


def test_the_invoiced_partner_is_hidden_with_the_payer(client: Client) -> None:
    """The invoiced partner (*laskutettava yhteistyötaho*) is the home municipality's own social
    services (a partner of kind "municipality"): under turvakielto it told the municipality the
    hidden payer stood for, on the order's page and preselected on its change form."""
    form = visitation_form()
    member = worker_in(form)
    episode, people = family(form)
    home = municipality("996", "Salakunta")
    with scopes_disabled():
        partner = Partner.objects.create(
            organisation=form.organisation,
            name="Salakunnan perhepalvelut",
            kind=Partner.Kind.MUNICIPALITY,
            municipality=home,
        )
    order = make_order(member, episode, people, payer_municipality=home, payer_partner=partner)
    with scopes_disabled():
        Restriction.objects.create(
            person=people["mother"].person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2026, 1, 1),
            created_by=member,
        )
    login_verified(client, member)
    html = client.get(reverse("visitation:order_detail", args=[order.pk])).content.decode()
    assert "Suojattu tieto" in html and "Salakun" not in html
    url = reverse("visitation:order_edit", args=[order.pk])
    edit = client.get(url)
    assert f'value="{partner.pk}" selected' not in edit.content.decode()
    # Saved without choosing, the order keeps its invoiced partner (and payer).
    data = {
        name: ("" if value is None else value)
        for name, value in edit.context["form"].initial.items()
        if not isinstance(value, bool) or value
    }
    data.update({"basis_date": "2.1.2026", "valid_from": "5.1.2026", "valid_until": "31.12.2026"})
    data.pop("payer_municipality", None)
    data.pop("payer_partner", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    with scopes_disabled():
        saved = MeetingOrder.objects.get(pk=order.pk)
    assert (saved.payer_municipality_id, saved.payer_partner_id) == (home.pk, partner.pk)
