"""Other income pages: the register, donor names only for finance, the CSV without names, the
fund's statement and forms; 404 for others, query counts, URL classes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import resolve, reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import FundUse, OtherIncome
from tupa.finance.tests.test_income_services import S, income, setup_org, use

pytestmark = pytest.mark.django_db
Day = dt.date
DONOR = "Salainen Lahjoittaja"


def _data(ctx: dict[str, Any]) -> None:
    income(
        ctx,
        "500",
        Day(2018, 3, 1),
        fund=ctx["fund"],
        donor_name=DONOR,
        description="Kiitoskirje lähetetty",
    )
    income(
        ctx,
        "250",
        Day(2018, 5, 10),
        source_kind=S.ORGANISATION,
        source_name="Lahden Yritys Oy",
    )
    use(ctx, "300", Day(2018, 4, 1), "Pääsiäisretki")


def test_register_donor_name_only_for_finance(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    url = reverse("finance:income_register") + "?vuosi=2018"
    login_verified(client, ctx["finance"])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert DONOR in body and "Lahden Yritys Oy" in body and "Lasten virkistys" in body
    # 500 + 250 = 750 in 2018; the fund: 500 in, 300 used, 200 left.
    assert response.context["register"].total == 750
    fund = response.context["register"].funds[0]
    assert (fund.received, fund.used, fund.closing) == (500, 300, 200)
    director = org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert DONOR not in body and "yksityishenkilö" in body
    assert reverse("finance:income_create") not in body
    fund_page = client.get(reverse("finance:fund", args=[ctx["fund"].pk])).content.decode()
    assert "Pääsiäisretki" in fund_page and DONOR not in fund_page
    assert client.get(reverse("finance:income_create")).status_code == 404
    assert client.get(reverse("finance:fund_use_create", args=[ctx["fund"].pk])).status_code == 404


def test_csv_never_has_a_private_name_or_the_description(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:income_register_csv"), {"vuosi": "2018"})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert DONOR not in text and "Kiitoskirje" not in text
    assert "yksityishenkilö" in text and "Lahden Yritys Oy" in text
    # Donations 2 × = 750,00; the fund 0 + 500 − 300 = 200.
    assert "Lahjoitus;2;750,00" in text
    assert "Lasten virkistys;0,00;500,00;300,00;200,00" in text


def test_others_get_404(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    with scopes_disabled():
        row = OtherIncome.objects.first()
    assert row is not None
    form = ServiceFormFactory(area__organisation=ctx["org"])
    for user in (
        worker_in(form),
        worker_in(form, role=Role.LEAD),
        org_role_user(ctx["org"], Role.ADMINISTRATOR),
        org_role_user(ctx["org"], Role.DATA_PROTECTION_OFFICER),
    ):
        login_verified(client, user)
        for name, args in [
            ("finance:income_register", []),
            ("finance:income_register_csv", []),
            ("finance:income_create", []),
            ("finance:income_edit", [row.pk]),
            ("finance:fund", [ctx["fund"].pk]),
            ("finance:fund_create", []),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404, name
    login_verified(client, org_role_user(OrganisationFactory(), Role.FINANCE))
    assert client.get(reverse("finance:fund", args=[ctx["fund"].pk])).status_code == 404
    assert client.get(reverse("finance:income_edit", args=[row.pk])).status_code == 404
    response = client.post(
        reverse("finance:fund_use_create", args=[ctx["fund"].pk]),
        {"event": "x", "used_on": "2018-06-01", "amount": "1"},
    )
    assert response.status_code == 404
    response = client.get(reverse("finance:income_register"), {"vuosi": "2018"})
    assert DONOR not in response.content.decode()
    assert response.context["register"].incomes == []


def test_register_query_count_is_constant(client: Any, django_assert_max_num_queries: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    login_verified(client, ctx["finance"])
    url = reverse("finance:income_register") + "?vuosi=2018"
    with django_assert_max_num_queries(25) as captured:
        client.get(url)
    baseline = len(captured.captured_queries)
    for n in range(6):
        income(ctx, "10", Day(2018, 7, n + 1), fund=ctx["fund"], kind=OtherIncome.Kind.SPONSOR)
        use(ctx, "5", Day(2018, 8, n + 1), f"Tapahtuma {n}")
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(baseline):
        assert client.get(reverse("finance:fund", args=[ctx["fund"].pk])).status_code == 200


def test_income_form_keeps_what_was_typed_and_saves(client: Any) -> None:
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    url = reverse("finance:income_create")
    assert client.get(url).status_code == 200
    post = {
        "kind": "sponsor",
        "received_on": "2018-02-01",
        "amount": "1 500,00",
        "source_kind": "organisation",
        "source_name": "",
        "donor_name": "",
        "funder": "",
        "fund": "",
        "description": "Mieskaveritoiminnan yhteistyö",
    }
    response = client.post(url, post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Anna yrityksen tai yhteisön nimi." in body
    assert "Mieskaveritoiminnan yhteistyö" in body and "1 500,00" in body
    post["source_name"] = "Urheiluseura ry"
    response = client.post(url, post)
    assert response.status_code == 302
    assert response["Location"].endswith("?vuosi=2018")
    with scopes_disabled():
        found = OtherIncome.objects.get()
    assert str(found.amount) == "1500.00"
    edit = reverse("finance:income_edit", args=[found.pk])
    assert client.get(edit).status_code == 200
    post["amount"] = "1 600,00"
    assert client.post(edit, post).status_code == 302


def test_fund_pages_and_overdraw_error(client: Any) -> None:
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    response = client.post(
        reverse("finance:fund_create"), {"name": "Joulujuhla", "purpose": "Perheiden joulujuhla"}
    )
    assert response.status_code == 302
    income(ctx, "100", Day(2018, 1, 1), fund=ctx["fund"])
    url = reverse("finance:fund_use_create", args=[ctx["fund"].pk])
    assert client.get(url).status_code == 200
    post = {"event": "Kesäleiri", "used_on": "2018-06-01", "amount": "150,00", "event_link": ""}
    response = client.post(url, post)
    # 100 in, 150 out: −50 on 1.6.
    assert response.status_code == 400
    body = response.content.decode()
    assert "saldo menisi 1.6.2018 miinukselle (-50,00 €)" in body
    assert "Kesäleiri" in body
    post["amount"] = "100,00"
    assert client.post(url, post).status_code == 302
    with scopes_disabled():
        assert FundUse.objects.get().amount == 100
    page = client.get(reverse("finance:fund", args=[ctx["fund"].pk]))
    assert page.context["statement"].balance == 0
    edit = reverse("finance:fund_edit", args=[ctx["fund"].pk])
    response = client.post(edit, {"name": "Lasten virkistys", "purpose": "x"})  # active unticked
    assert response.status_code == 302
    assert (
        client.get(reverse("finance:fund", args=[ctx["fund"].pk])).context["fund"].active is False
    )


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("finance:income_register", {}, "login_only"),
        ("finance:income_register_csv", {}, "login_only"),
        ("finance:income_create", {}, "login_only"),
        ("finance:income_edit", {"pk": 1}, "object_scoped"),
        ("finance:fund_create", {}, "login_only"),
        ("finance:fund", {"pk": 1}, "object_scoped"),
        ("finance:fund_edit", {"pk": 1}, "object_scoped"),
        ("finance:fund_use_create", {"pk": 1}, "object_scoped"),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any], expected: str) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == expected


@pytest.mark.parametrize("fund", ["²", "١٢", "99999999999999999999", "-1", " 1"])
def test_a_spoilt_fund_in_the_address_is_ignored(client: Any, fund: str) -> None:
    """``?rahasto=`` preselects a fund; a superscript passed ``str.isdigit()`` and then
    ``int()`` refused it (a 500)."""
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:income_create"), {"rahasto": fund})
    assert response.status_code == 200
