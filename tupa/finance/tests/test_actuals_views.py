"""Budget against actuals pages: the board's view, exports, the budget rows, the import's two
steps, the account ranges; 404 for others, query counts, URL classes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import ActualEntry, ActualsImport, BudgetItem
from tupa.finance.models.budget import CostType
from tupa.finance.tests.test_actuals_services import (
    COST,
    INCOME,
    csv_bytes,
    do_import,
    item,
    setup_org,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _data(ctx: dict[str, Any]) -> None:
    item(ctx, kind=INCOME, amount=D("1200"), service_form=ctx["a"], funder=ctx["kunnat"])
    item(ctx, kind=COST, amount=D("1200"), service_form=ctx["a"], cost_type=CostType.PERSONNEL)
    do_import(
        ctx,
        csv_bytes(
            "2018-01;ensikoti;3000;x;110,00",
            "2018-01;ensikoti;5000;x;90,00",
            "2018-02;ensikoti;3000;x;95,00",
        ),
    )


def test_board_for_finance_director_and_administrator(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    url = reverse("finance:actuals_board", args=[2018])
    login_verified(client, ctx["finance"])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ensikoti" in body and "<svg" in body and 'role="img"' in body
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]  # CSP-safe chart
    board = response.context["board"]
    # February: income 100 vs 95; Jan–Feb 200 vs 205.
    assert board.month == 2
    assert board.total.income.ytd_actual == D("205.00")
    assert reverse("finance:actuals_import") in body
    for role in (Role.EXECUTIVE_DIRECTOR, Role.ADMINISTRATOR):
        login_verified(client, org_role_user(ctx["org"], role))
        response = client.get(url)
        assert response.status_code == 200
        assert reverse("finance:actuals_import") not in response.content.decode()
        assert client.get(reverse("finance:actuals_import")).status_code == 404
        assert client.get(reverse("finance:budget_item_create", args=[2018])).status_code == 404


def test_index_redirects_to_the_newest_year_and_month_param(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:actuals_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:actuals_board", args=[2018])
    response = client.get(reverse("finance:actuals_board", args=[2018]), {"kk": "1"})
    assert response.context["board"].month == 1
    response = client.get(reverse("finance:actuals_board", args=[2018]), {"kk": "x"})
    assert response.context["board"].month == 2
    assert client.get(reverse("finance:actuals_board", args=[1999])).status_code == 404


def test_worker_dpo_and_other_organisation_get_404_or_nothing(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    with scopes_disabled():
        row = BudgetItem.objects.first()
    assert row is not None
    for role in (Role.DATA_PROTECTION_OFFICER,):
        login_verified(client, org_role_user(ctx["org"], role))
        for name, args in [
            ("finance:actuals_index", []),
            ("finance:actuals_board", [2018]),
            ("finance:actuals_board_csv", [2018]),
            ("finance:actuals_board_xlsx", [2018]),
            ("finance:budget_items", [2018]),
            ("finance:budget_item_edit", [2018, row.pk]),
            ("finance:actuals_import", []),
            ("finance:account_ranges", []),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404, name
    other = OrganisationFactory()
    other_finance = org_role_user(other, Role.FINANCE)
    login_verified(client, other_finance)
    response = client.get(reverse("finance:actuals_board", args=[2018]))
    assert response.status_code == 200
    assert "Ensikoti" not in response.content.decode()
    assert not response.context["board"].has_data
    assert client.get(reverse("finance:budget_item_edit", args=[2018, row.pk])).status_code == 404
    response = client.post(reverse("finance:budget_item_delete", args=[2018, row.pk]))
    assert response.status_code == 404
    with scopes_disabled():
        assert BudgetItem.objects.filter(pk=row.pk).exists()


def test_board_query_count_does_not_grow_with_forms_and_rows(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    ctx = setup_org()
    _data(ctx)
    login_verified(client, ctx["finance"])
    url = reverse("finance:actuals_board", args=[2018])
    with django_assert_max_num_queries(20) as captured:
        client.get(url)
    baseline = len(captured.captured_queries)
    for n in range(5):
        form = ServiceFormFactory(area__organisation=ctx["org"], slug=f"lisa-{n}")
        item(ctx, kind=COST, amount=D("120"), service_form=form, cost_type=CostType.OTHER)
        do_import(ctx, csv_bytes(f"2018-03;lisa-{n};7000;x;10,00", f"2018-04;lisa-{n};7000;x;9"))
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


def test_csv_and_xlsx_exports(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    login_verified(client, org_role_user(ctx["org"], Role.EXECUTIVE_DIRECTOR))
    response = client.get(reverse("finance:actuals_board_csv", args=[2018]), {"kk": "2"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('talous-toteuma-2018-02.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    income = next(r for r in rows if r[:2] == ["Ensikoti", "Tuotot"])
    # Month 100 vs 95; Jan–Feb 200 vs 205; +5 = 2,5 %; forecast 205 + 10 × 100 = 1 205.
    assert income[2:11] == [
        "100,00",
        "95,00",
        "200,00",
        "205,00",
        "5,00",
        "2,5",
        "1205,00",
        "1200,00",
        "5,00",
    ]
    response = client.get(reverse("finance:actuals_board_xlsx", args=[2018]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    result = next(r for r in values if r[0] == "Yhteensä" and r[1] == "Tulos")
    # Result Jan–Feb: income 205 − costs 90 = 115; budget 200 − 200 = 0.
    assert float(result[5]) == 115.0


def test_budget_rows_page_and_form_keep_what_was_typed(client: Any) -> None:
    ctx = setup_org()
    _data(ctx)
    login_verified(client, ctx["finance"])
    response = client.get(reverse("finance:budget_items", args=[2018]))
    assert response.status_code == 200
    table = response.context["table"]
    assert [(g.name, g.income, g.cost) for g in table.groups] == [
        ("Ensikoti", D("1200.00"), D("1200.00"))
    ]
    url = reverse("finance:budget_item_create", args=[2018])
    post = {
        "service_form": ctx["b"].pk,
        "kind": "income",
        "funder": "",
        "cost_type": "",
        "amount": "2 400,00",
        "description": "Turvakodin rahoitus",
        **{f"m{n}": "" for n in range(1, 13)},
    }
    response = client.post(url, post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Valitse tuoton rahoituslähde." in body
    assert "Turvakodin rahoitus" in body and "2 400,00" in body
    post["funder"] = ctx["valtio"].pk
    post["m1"] = "100"
    response = client.post(url, post)
    assert response.status_code == 400
    assert "Anna kaikkien kahdentoista kuukauden summat" in response.content.decode()
    post["m1"] = ""
    response = client.post(url, post)
    assert response.status_code == 302
    with scopes_disabled():
        found = BudgetItem.objects.get(service_form=ctx["b"])
    assert found.amount == D("2400.00") and found.phasing == []
    edit = reverse("finance:budget_item_edit", args=[2018, found.pk])
    assert client.get(edit).status_code == 200
    assert client.get(reverse("finance:budget_item_edit", args=[2019, found.pk])).status_code == 404
    post.update({f"m{n}": "200" for n in range(1, 13)})
    assert client.post(edit, post).status_code == 302
    response = client.post(reverse("finance:budget_item_delete", args=[2018, found.pk]))
    assert response.status_code == 302
    with scopes_disabled():
        assert not BudgetItem.objects.filter(pk=found.pk).exists()


def _upload(client: Any, data: bytes, name: str = "tammikuu.csv", **extra: Any) -> Any:
    return client.post(
        reverse("finance:actuals_import"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **extra},
    )


def test_import_dry_run_then_confirm_then_the_same_file_is_refused(client: Any) -> None:
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    assert client.get(reverse("finance:actuals_import")).status_code == 200
    bad = csv_bytes("2018-01;tuntematon;3000;x;1,00", "2018-01;ensikoti;3000;x;abc")
    response = _upload(client, bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Rivi 2: tuntematon kustannuspaikka" in body
    assert "Rivi 3: summa" in body
    assert "Tallenna toteuma" not in body
    good = csv_bytes("2018-01;ensikoti;3000;x;-110,00", "2018-01;yhteiset;7000;x;20,00")
    response = _upload(client, good, income_negative="on")
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.ok and plan.income == D("110.00") and plan.cost == D("20.00")
    with scopes_disabled():
        assert ActualEntry.objects.count() == 0  # a dry run writes nothing
    response = client.post(reverse("finance:actuals_import_confirm"), {"sha256": "väärä"})
    assert response.status_code == 302
    with scopes_disabled():
        assert ActualEntry.objects.count() == 0
    response = client.post(
        reverse("finance:actuals_import_confirm"), {"sha256": plan.sha256, "tallenna": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:actuals_board", args=[2018]) + "?kk=1"
    with scopes_disabled():
        batch = ActualsImport.objects.get()
        assert batch.file_name == "tammikuu.csv" and batch.income_negative
        assert ActualEntry.objects.count() == 2
    response = _upload(client, good, income_negative="on")
    assert response.status_code == 400
    assert "Sama tiedosto on jo tuotu" in response.content.decode()
    page = client.get(reverse("finance:actuals_import")).content.decode()
    assert "tammikuu.csv" in page  # the audit trail lists the import
    fixed = csv_bytes("2018-01;ensikoti;3000;x;115,00")
    response = _upload(client, fixed, name="tammikuu-korjattu.csv")
    assert "Kyllä: 2 riviä (tammikuu.csv)" in response.content.decode()
    sha = response.context["plan"].sha256
    client.post(reverse("finance:actuals_import_confirm"), {"sha256": sha, "tallenna": "1"})
    page = client.get(reverse("finance:actuals_import")).content.decode()
    assert "2018-01: tammikuu.csv (2 riviä)" in page
    with scopes_disabled():
        assert list(ActualEntry.objects.values_list("amount", flat=True)) == [D("115.00")]


def test_import_cancel_stores_nothing(client: Any) -> None:
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    response = _upload(client, csv_bytes("2018-01;ensikoti;3000;x;1,00"))
    sha = response.context["plan"].sha256
    response = client.post(reverse("finance:actuals_import_confirm"), {"sha256": sha, "peru": "1"})
    assert response.status_code == 302
    response = client.post(reverse("finance:actuals_import_confirm"), {"sha256": sha})
    with scopes_disabled():
        assert ActualsImport.objects.count() == 0


def test_account_ranges_page(client: Any) -> None:
    ctx = setup_org()
    login_verified(client, ctx["finance"])
    url = reverse("finance:account_ranges")
    response = client.get(url)
    assert response.status_code == 200
    assert "3000–3999" in response.content.decode()  # the defaults
    response = client.post(
        url, {"first_account": "3000", "last_account": "3499", "kind": "income", "funder": ""}
    )
    assert response.status_code == 302
    response = client.post(
        url, {"first_account": "3400", "last_account": "3600", "kind": "income", "funder": ""}
    )
    assert response.status_code == 400
    assert "päällekkäin" in response.content.decode()
    found = response.context["ranges"][0]
    other = org_role_user(OrganisationFactory(), Role.FINANCE)
    login_verified(client, other)
    assert client.post(reverse("finance:account_range_delete", args=[found.pk])).status_code == 404
    login_verified(client, ctx["finance"])
    assert client.post(reverse("finance:account_range_delete", args=[found.pk])).status_code == 302


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("finance:actuals_index", {}, "login_only"),
        ("finance:actuals_board", {"year": 2018}, "login_only"),
        ("finance:actuals_board_csv", {"year": 2018}, "login_only"),
        ("finance:actuals_board_xlsx", {"year": 2018}, "login_only"),
        ("finance:budget_items", {"year": 2018}, "login_only"),
        ("finance:budget_item_create", {"year": 2018}, "login_only"),
        ("finance:budget_item_edit", {"year": 2018, "pk": 1}, "object_scoped"),
        ("finance:budget_item_delete", {"year": 2018, "pk": 1}, "object_scoped"),
        ("finance:actuals_import", {}, "login_only"),
        ("finance:actuals_import_confirm", {}, "login_only"),
        ("finance:account_ranges", {}, "login_only"),
        ("finance:account_range_delete", {"pk": 1}, "object_scoped"),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any], expected: str) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == expected


def test_budget_rows_and_import_pages_query_counts(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    ctx = setup_org()
    _data(ctx)
    login_verified(client, ctx["finance"])
    urls = [reverse("finance:budget_items", args=[2018]), reverse("finance:actuals_import")]
    baselines = []
    for url in urls:
        with django_assert_max_num_queries(25) as captured:
            assert client.get(url).status_code == 200
        baselines.append(len(captured.captured_queries))
    for n in range(4):
        form = ServiceFormFactory(area__organisation=ctx["org"], slug=f"lisa-{n}")
        item(ctx, kind=INCOME, amount=D("10"), service_form=form, funder=ctx["kunnat"])
        item(ctx, kind=COST, amount=D("10"), service_form=form, cost_type=CostType.MATERIALS)
        do_import(ctx, csv_bytes(f"2018-0{n + 3};lisa-{n};4000;x;1,00"))
    for url, baseline in zip(urls, baselines, strict=True):
        with django_assert_max_num_queries(baseline):
            assert client.get(url).status_code == 200
