"""Other income and earmarked funds under /talous/tuotot/ (rules ``finance.income.view``:
the finance manager and the executive director; ``finance.income.manage``: finance).

The register of a year (sums by kind, the funds' movements, every income row), the income form,
a fund's statement with its running balance and the form for a use. A private donor's name is
shown only to the finance manager (who holds ``finance.income.manage``) and never exported.
Organisation data, not client data: nothing is access-logged. A row or fund of another
organisation answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access.finance import fund_access, income_access
from tupa.access.marks import login_only, object_scoped, organisation_id_of, user_of
from tupa.core.forms import form_page, saved_redirect
from tupa.core.params import plain_int, year_param
from tupa.core.spreadsheets import csv_response
from tupa.finance.income import exports, selectors, services
from tupa.finance.income.forms import FundForm, FundUseForm, IncomeForm, income_initial
from tupa.finance.models import EarmarkedFund, OtherIncome
from tupa.organisations.models import Funder

VIEW = "finance.income.view"
MANAGE = services.MANAGE


def _income(request: HttpRequest, pk: int) -> OtherIncome:
    return income_access(request, pk).obj


def _fund(request: HttpRequest, pk: int, action: str) -> EarmarkedFund:
    return fund_access(request, pk, action).obj


def _year(request: HttpRequest) -> tuple[int, list[int]]:
    """The year asked for (``?vuosi=``, one with income or this year; else the newest) and the
    years to choose from: the register and its CSV alike."""
    years = selectors.income_years(
        organisation_id=organisation_id_of(request), today=timezone.localdate()
    )
    return year_param(request, years, years[0]), years


@login_only
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, VIEW)
    year, years = _year(request)
    may_manage = bool(policy.decide(user, MANAGE))
    return render(
        request,
        "finance/income/register.html",
        {
            "year": year,
            "years": years,
            "register": selectors.register(organisation_id=organisation_id_of(request), year=year),
            "may_manage": may_manage,
            "show_donor": may_manage,
        },
    )


@login_only
@require_GET
def register_csv(request: HttpRequest) -> HttpResponse:
    """The year's summary, funds and rows for the board: never a private donor's name."""
    policy.require(user_of(request), VIEW)
    year, _years = _year(request)
    found = selectors.register(organisation_id=organisation_id_of(request), year=year)
    return csv_response(exports.register_csv(found), f"muut-tuotot-{year}.csv")


def _income_form(request: HttpRequest, current: OtherIncome | None = None, **kw: Any) -> IncomeForm:
    organisation_id = organisation_id_of(request)
    funds = EarmarkedFund.objects.filter(organisation_id=organisation_id, active=True)
    if current is not None and current.fund_id:
        funds = EarmarkedFund.objects.filter(organisation_id=organisation_id).filter(
            pk__in=[*funds.values_list("pk", flat=True), current.fund_id]
        )
    return IncomeForm(
        request.POST if request.method == "POST" else None,
        funders=Funder.objects.filter(organisation_id=organisation_id).order_by("category", "name"),
        funds=funds.order_by("name"),
        **kw,
    )


def _register_url(income: OtherIncome) -> str:
    """The register of the year the income was received in (where the saved row is shown)."""
    return f"{reverse('finance:income_register')}?vuosi={income.received_on.year}"


def _fund_url(fund: EarmarkedFund) -> str:
    return reverse("finance:fund", args=[fund.pk])


@login_only
@require_http_methods(["GET", "POST"])
def income_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, MANAGE)
    initial: dict[str, Any] = {
        "received_on": timezone.localdate(),
        "source_kind": OtherIncome.Source.PRIVATE,
        "kind": OtherIncome.Kind.DONATION,
    }
    fund_pk = plain_int(request.GET.get("rahasto"))
    if fund_pk is not None:
        initial["fund"] = fund_pk
    form = _income_form(request, initial=initial)
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.income_create(actor=user, data=form.data_for_service()),
        success=_("Tuotto on kirjattu."),
        next_url=_register_url,
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/income/income_form.html", form, {"income": None})


@object_scoped
@require_http_methods(["GET", "POST"])
def income_edit(request: HttpRequest, pk: int) -> HttpResponse:
    income = _income(request, pk)
    user = user_of(request)
    form = _income_form(request, income, initial=income_initial(income))
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.income_update(
            actor=user, income=income, data=form.data_for_service()
        ),
        success=_("Tuotto on tallennettu."),
        next_url=_register_url,
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/income/income_form.html", form, {"income": income})


@login_only
@require_http_methods(["GET", "POST"])
def fund_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, MANAGE)
    form = FundForm(request.POST or None, initial={"active": True})
    saved = saved_redirect(
        request,
        form,
        lambda data: services.fund_create(actor=user, name=data["name"], purpose=data["purpose"]),
        success=_("Rahasto on perustettu."),
        next_url=_fund_url,
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/income/fund_form.html", form, {"fund": None})


@object_scoped
@require_GET
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund's statement: every donation in and use out with the running balance."""
    fund = _fund(request, pk, VIEW)
    may_manage = bool(policy.decide(user_of(request), MANAGE))
    return render(
        request,
        "finance/income/fund_detail.html",
        {
            "fund": fund,
            "statement": selectors.fund_statement(fund),
            "may_manage": may_manage,
            "show_donor": may_manage,
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, MANAGE)
    user = user_of(request)
    form = FundForm(
        request.POST or None,
        initial={"name": fund.name, "purpose": fund.purpose, "active": fund.active},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.fund_update(
            actor=user,
            fund=fund,
            name=data["name"],
            purpose=data["purpose"],
            active=bool(data.get("active")),
        ),
        success=_("Rahasto on tallennettu."),
        next_url=_fund_url(fund),
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/income/fund_form.html", form, {"fund": fund})


@object_scoped
@require_http_methods(["GET", "POST"])
def fund_use_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Money out of the fund for an event; refused when the balance does not cover it."""
    fund = _fund(request, pk, MANAGE)
    user = user_of(request)
    form = FundUseForm(request.POST or None, initial={"used_on": timezone.localdate()})
    saved = saved_redirect(
        request,
        form,
        lambda data: services.fund_use_add(
            actor=user,
            fund=fund,
            used_on=data["used_on"],
            amount=data["amount"],
            event=data["event"],
            event_link=data.get("event_link") or "",
            description=data.get("description") or "",
        ),
        success=_("Käyttö on kirjattu."),
        next_url=_fund_url(fund),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "finance/income/fund_use_form.html",
        form,
        {"fund": fund, "statement": selectors.fund_statement(fund)},
    )
