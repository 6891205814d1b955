"""Purchase-service agreement pages: happy paths, 404 for others, query counts, URL classes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from django_scopes import scope

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Agreement, PriceRow
from tupa.finance.models.agreements import PricedItem
from tupa.finance.tests.test_agreements_services import agreement, buyer, price, setup_org

pytestmark = pytest.mark.django_db


def _form_post(ctx: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "buyer": ctx["buyer"].pk,
        "number": "OPS-9",
        "title": "Tapaamispaikan ostopalvelu",
        "service_forms": [ctx["form"].pk],
        "valid_from": "2026-01-01",
        "valid_until": "",
        "invoicing_interval": "monthly",
        "payment_term_days": "14",
        "einvoice_address": "003712345671",
        "einvoice_operator": "003721291126",
        "buyer_reference": "KP 4410",
        "billing_street": "Kunnantie 2",
        "billing_postcode": "15110",
        "billing_town": "Lahti",
        "contact_notes": "",
    }
    values.update(overrides)
    return values


def test_list_and_detail_for_finance_and_director(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    year_start = timezone.localdate().replace(month=1, day=1)
    found = agreement(ctx, valid_from=year_start)
    price(ctx, found, "200.00", year_start)
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:agreements"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "OPS-1" in body and "Kuntayhtymä" in body
    response = client.get(reverse("finance:agreement", args=[found.pk]))
    assert response.status_code == 200
    assert 'aria-current="true"' in response.content.decode()
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    assert client.get(reverse("finance:agreement", args=[found.pk])).status_code == 200
    assert client.get(reverse("finance:agreement_create")).status_code == 404
    assert client.get(reverse("finance:agreement_price", args=[found.pk])).status_code == 404
    assert client.get(reverse("finance:agreement_edit", args=[found.pk])).status_code == 404


def test_worker_and_other_organisation_get_404(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    found = agreement(ctx)
    login_verified(client, worker_in(ctx["form"]))
    for name, args in [
        ("finance:agreements", []),
        ("finance:agreement", [found.pk]),
        ("finance:agreement_create", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    other = OrganisationFactory()
    login_verified(client, org_role_user(other, Role.FINANCE))
    assert client.get(reverse("finance:agreement", args=[found.pk])).status_code == 404
    assert client.get(reverse("finance:agreement_edit", args=[found.pk])).status_code == 404
    response = client.post(
        reverse("finance:agreement_price", args=[found.pk]),
        {
            "item": PricedItem.CARE_DAY_MOTHER,
            "amount": "1",
            "vat_rate": "0",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 404
    assert "OPS-1" not in client.get(reverse("finance:agreements")).content.decode()


def test_create_edit_and_new_price(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    assert client.get(reverse("finance:agreement_create")).status_code == 200
    response = client.post(reverse("finance:agreement_create"), _form_post(ctx))
    assert response.status_code == 302
    with scope(organisation=ctx["org"].pk):
        found = Agreement.objects.get(number="OPS-9")
    assert found.buyer_reference == "KP 4410"
    assert (found.billing_street, found.billing_postcode, found.billing_town) == (
        "Kunnantie 2",
        "15110",
        "Lahti",
    )
    response = client.post(
        reverse("finance:agreement_edit", args=[found.pk]),
        _form_post(ctx, payment_term_days="30"),
    )
    assert response.status_code == 302
    url = reverse("finance:agreement_price", args=[found.pk])
    assert client.get(url, {"item": "meeting", "meeting_type": "supervised"}).status_code == 200
    response = client.post(
        url,
        {
            "item": "care_day_child",
            "meeting_type": "",
            "amount": "95,50",
            "vat_rate": "0",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "item": "care_day_child",
            "meeting_type": "",
            "amount": "99,00",
            "vat_rate": "0",
            "valid_from": "2026-07-01",
        },
    )
    assert response.status_code == 302
    with scope(organisation=ctx["org"].pk):
        rows = list(PriceRow.objects.filter(agreement=found).order_by("valid_from"))
        found.refresh_from_db()
    assert found.payment_term_days == 30
    assert [(r.amount, r.valid_until) for r in rows] == [
        (Decimal("95.50"), dt.date(2026, 6, 30)),
        (Decimal("99.00"), None),
    ]


def test_refused_input_keeps_what_was_typed(client) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    response = client.post(
        reverse("finance:agreement_create"), _form_post(ctx, einvoice_address="003712345672")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body and 'value="003712345672"' in body
    found = agreement(ctx)
    price(ctx, found, "200.00", dt.date(2026, 1, 1))
    price(ctx, found, "210.00", dt.date(2026, 7, 1))
    response = client.post(
        reverse("finance:agreement_price", args=[found.pk]),
        {
            "item": "care_day_mother",
            "meeting_type": "",
            "amount": "205,00",
            "vat_rate": "0",
            "valid_from": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert "päättynyttä hintaa ei muuteta" in response.content.decode()


def _agreements(ctx: dict[str, Any], count: int) -> None:
    today = timezone.localdate()
    for n in range(count):
        other_buyer = buyer(ctx["org"], f"Kunta {n}")
        form = ServiceFormFactory(area__organisation=ctx["org"])
        found = agreement(
            ctx,
            buyer=other_buyer,
            number=f"N-{n}",
            service_forms=[form, ctx["form"]],
            valid_from=today.replace(month=1, day=1),
        )
        price(ctx, found, "200.00", found.valid_from)
        price(ctx, found, "90.00", found.valid_from, item=PricedItem.CARE_DAY_CHILD)


def test_list_query_count_is_bounded(client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    _agreements(ctx, 1)
    login_verified(client, ctx["finance"])
    url = reverse("finance:agreements")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _agreements_more = 4
    for n in range(_agreements_more):
        other_buyer = buyer(ctx["org"], f"Lisäkunta {n}")
        found = agreement(ctx, buyer=other_buyer, number=f"M-{n}")
        price(ctx, found, "200.00", found.valid_from)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(20):
        client.get(url)


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    ctx = setup_org()
    found = agreement(ctx)
    for month in range(1, 13):
        price(ctx, found, f"{200 + month}.00", dt.date(2026, month, 1))
    login_verified(client, ctx["finance"])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("finance:agreement", args=[found.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("finance:agreements", {}, "login_only"),
        ("finance:agreement_create", {}, "login_only"),
        ("finance:agreement", {"pk": 1}, "object_scoped"),
        ("finance:agreement_edit", {"pk": 1}, "object_scoped"),
        ("finance:agreement_price", {"pk": 1}, "object_scoped"),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, int], expected: str) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == expected
