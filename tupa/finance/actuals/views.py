"""Budget against actuals under /talous/toteuma/ (FIN-07; ``docs/finance-budget.md``).

- the board's view of a year (rule ``budget.view``: the finance manager, the executive director
  who presents it to the board, the administrator) with its chart and CSV/XLSX export;
- the budget rows by service form, and their form (``finance.actuals.manage``: finance);
- the monthly import of the accounting system's CSV: dry run, then confirm (finance); between
  the steps the file waits in the user's session (never on disk);
- the account ranges that map accounts to income or costs (finance).

The figures are organisation data, not client data: nothing is access-logged. A budget row or
account range of another organisation answers 404.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import policy
from tupa.access.finance import account_range_access, budget_item_access
from tupa.access.marks import login_only, object_scoped, organisation_id_of, user_of
from tupa.core.forms import apply_errors, form_page, saved_redirect
from tupa.core.spreadsheets import csv_response, xlsx_response
from tupa.finance.actuals import charts, exports, parsing, selectors, services
from tupa.finance.actuals.forms import (
    AccountRangeForm,
    BudgetItemForm,
    UploadForm,
    budget_item_initial,
)
from tupa.finance.models import AccountRange, BudgetItem
from tupa.finance.models.budget import BudgetKind, CostType
from tupa.organisations.models import Funder, ServiceForm

VIEW = "budget.view"
MANAGE = services.MANAGE
SESSION_KEY = "finance_actuals_import"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _budget_item(request: HttpRequest, year: int, pk: int) -> BudgetItem:
    return budget_item_access(request, year, pk).obj


def _account_range(request: HttpRequest, pk: int) -> AccountRange:
    return account_range_access(request, pk).obj


def board_url(year: int, month: int | None = None) -> str:
    url = reverse("finance:actuals_board", args=[year])
    return f"{url}?kk={month}" if month else url


def _month(request: HttpRequest) -> int | None:
    try:
        month = int(request.GET.get("kk", ""))
    except ValueError:
        return None
    return month if 0 <= month <= 12 else None


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The newest year with a budget or actuals (this year when there is none)."""
    policy.require(user_of(request), VIEW)
    years = selectors.board_years(organisation_id=organisation_id_of(request))
    return HttpResponseRedirect(board_url(years[0] if years else timezone.localdate().year))


@login_only
@require_GET
def board(request: HttpRequest, year: int) -> HttpResponse:
    """The board's view: month, year to date, variance, forecast; per service form and total."""
    user = user_of(request)
    policy.require(user, VIEW)
    organisation_id = organisation_id_of(request)
    found = selectors.board(
        organisation_id=organisation_id, year=_year(year), month=_month(request)
    )
    labels = [c.label for c in found.cumulative]
    context: dict[str, Any] = {
        "board": found,
        "years": selectors.board_years(organisation_id=organisation_id),
        "may_manage": bool(policy.decide(user, MANAGE)),
        "month_choices": [(0, _("ei kuukautta"))]
        + [(n, str(selectors.MONTH_NAMES[n - 1]).capitalize()) for n in range(1, 13)],
    }
    if found.has_data:
        context["income_chart"] = charts.cumulative_chart(
            title=_("Tuotot kertymänä %(year)s: talousarvio ja toteuma") % {"year": year},
            labels=labels,
            budget=[c.income_budget for c in found.cumulative],
            actual=[c.income_actual for c in found.cumulative],
            budget_label=_("Talousarvio"),
            actual_label=_("Toteuma"),
        )
        context["cost_chart"] = charts.cumulative_chart(
            title=_("Kulut kertymänä %(year)s: talousarvio ja toteuma") % {"year": year},
            labels=labels,
            budget=[c.cost_budget for c in found.cumulative],
            actual=[c.cost_actual for c in found.cumulative],
            budget_label=_("Talousarvio"),
            actual_label=_("Toteuma"),
        )
    return render(request, "finance/actuals/board.html", context)


def _export(request: HttpRequest, year: int) -> selectors.Board:
    policy.require(user_of(request), VIEW)
    return selectors.board(
        organisation_id=organisation_id_of(request), year=_year(year), month=_month(request)
    )


@login_only
@require_GET
def board_csv(request: HttpRequest, year: int) -> HttpResponse:
    found = _export(request, year)
    return csv_response(exports.board_csv(found), f"talous-toteuma-{year}-{found.month:02d}.csv")


@login_only
@require_GET
def board_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    found = _export(request, year)
    return xlsx_response(exports.board_xlsx(found), f"talous-toteuma-{year}-{found.month:02d}.xlsx")


# --- the budget rows -----------------------------------------------------------------------


def _item_form(request: HttpRequest, **kwargs: Any) -> BudgetItemForm:
    organisation_id = organisation_id_of(request)
    return BudgetItemForm(
        request.POST if request.method == "POST" else None,
        service_forms=ServiceForm.objects.filter(organisation_id=organisation_id),
        funders=Funder.objects.filter(organisation_id=organisation_id).order_by("category", "name"),
        **kwargs,
    )


@login_only
@require_GET
def budget_items(request: HttpRequest, year: int) -> HttpResponse:
    """The year's budget rows by service form, with the sums of income, costs and result."""
    user = user_of(request)
    policy.require(user, VIEW)
    return render(
        request,
        "finance/actuals/budget_items.html",
        {
            "year": _year(year),
            "table": selectors.budget_items(organisation_id=organisation_id_of(request), year=year),
            "may_manage": bool(policy.decide(user, MANAGE)),
        },
    )


def _items_url(year: int) -> str:
    return reverse("finance:budget_items", args=[year])


def _item_page(
    request: HttpRequest,
    form: BudgetItemForm,
    save: Callable[[services.BudgetItemData], object],
    *,
    year: int,
    item: BudgetItem | None,
) -> HttpResponse:
    """The form page of a new or a changed budget row: both are saved with the same message and
    lead back to the year's rows. ``save`` gets the form's data for the service."""
    saved = saved_redirect(
        request,
        form,
        lambda _data: save(form.data_for_service()),
        success=_("Talousarvion rivi on tallennettu."),
        next_url=_items_url(year),
        denied_as_404=True,
    )
    return saved or form_page(
        request, "finance/actuals/budget_item_form.html", form, {"year": year, "item": item}
    )


@login_only
@require_http_methods(["GET", "POST"])
def budget_item_create(request: HttpRequest, year: int) -> HttpResponse:
    user = user_of(request)
    policy.require(user, MANAGE)
    _year(year)
    return _item_page(
        request,
        _item_form(request, initial={"kind": "income"}),
        lambda data: services.budget_item_create(actor=user, year=year, data=data),
        year=year,
        item=None,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def budget_item_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    item = _budget_item(request, year, pk)
    user = user_of(request)
    return _item_page(
        request,
        _item_form(request, initial=budget_item_initial(item)),
        lambda data: services.budget_item_update(actor=user, item=item, data=data),
        year=year,
        item=item,
    )


@object_scoped
@require_POST
def budget_item_delete(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    item = _budget_item(request, year, pk)
    services.budget_item_delete(actor=user_of(request), item=item)
    messages.success(request, _("Talousarvion rivi on poistettu."))
    return HttpResponseRedirect(_items_url(year))


# --- the import ----------------------------------------------------------------------------


def _import_page(
    request: HttpRequest,
    form: UploadForm,
    plan: services.ImportPlan | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "finance/actuals/import.html",
        {
            "form": form,
            "plan": plan,
            "imports": selectors.recent_imports(organisation_id=organisation_id_of(request)),
        },
        status=status,
    )


@login_only
@require_http_methods(["GET", "POST"])
def actuals_import(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the file; the dry run shows every row's problem or what will be stored."""
    user = user_of(request)
    policy.require(user, MANAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form, None)
    if not form.is_valid():
        return _import_page(request, form, None, status=400)
    upload = form.cleaned_data["file"]
    raw = upload.read(parsing.MAX_BYTES + 1)
    name = str(upload.name)[:200]
    income_negative = bool(form.cleaned_data.get("income_negative"))
    plan = services.actuals_plan(
        organisation_id=organisation_id_of(request),
        file_name=name,
        data=raw,
        income_negative=income_negative,
    )
    if plan.ok:
        request.session[SESSION_KEY] = {
            "file": base64.b64encode(raw).decode("ascii"),
            "name": name,
            "sha256": plan.sha256,
            "income_negative": income_negative,
        }
    else:
        request.session.pop(SESSION_KEY, None)
    again = UploadForm(initial={"income_negative": income_negative})
    return _import_page(request, again, plan, status=200 if plan.ok else 400)


@login_only
@require_POST
def actuals_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: store the previewed file, all rows or none (or cancel)."""
    user = user_of(request)
    policy.require(user, MANAGE)
    pending = request.session.get(SESSION_KEY)
    if "peru" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("Tuonti peruttiin; mitään ei tallennettu."))
        return HttpResponseRedirect(reverse("finance:actuals_import"))
    if not pending or pending.get("sha256") != request.POST.get("sha256"):
        messages.error(
            request, _("Valitse tiedosto uudelleen: esikatseltua tiedostoa ei löytynyt.")
        )
        return HttpResponseRedirect(reverse("finance:actuals_import"))
    raw = base64.b64decode(pending["file"])
    try:
        batch = services.actuals_import(
            actor=user,
            file_name=pending["name"],
            data=raw,
            income_negative=bool(pending.get("income_negative")),
        )
    except ValidationError as error:
        request.session.pop(SESSION_KEY, None)
        form = UploadForm()
        apply_errors(form, error)
        plan = services.actuals_plan(
            organisation_id=organisation_id_of(request),
            file_name=pending["name"],
            data=raw,
            income_negative=bool(pending.get("income_negative")),
        )
        return _import_page(request, form, plan, status=400)
    request.session.pop(SESSION_KEY, None)
    replaced = len({r["month"] for r in batch.replaced})
    text = _("Tuotiin %(rows)s riviä tiedostosta %(name)s.") % {
        "rows": batch.row_count,
        "name": batch.file_name,
    }
    if replaced:
        text += " " + _("Korvattiin %(n)s kuukauden aiempi toteuma.") % {"n": replaced}
    messages.success(request, text)
    last = batch.months[-1]
    return HttpResponseRedirect(board_url(int(last[:4]), int(last[5:7])))


# --- account ranges ------------------------------------------------------------------------


@login_only
@require_http_methods(["GET", "POST"])
def account_ranges(request: HttpRequest) -> HttpResponse:
    """The account ranges (the defaults while none is stored) and the form to add one."""
    user = user_of(request)
    policy.require(user, MANAGE)
    organisation_id = organisation_id_of(request)
    form = AccountRangeForm(
        request.POST or None,
        funders=Funder.objects.filter(organisation_id=organisation_id).order_by("category", "name"),
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.account_range_add(
            actor=user,
            first_account=data["first_account"],
            last_account=data["last_account"],
            kind=data["kind"],
            funder=data.get("funder"),
            cost_type=data.get("cost_type") or "",
        ),
        success=_("Tiliväli on tallennettu."),
        next_url=reverse("finance:account_ranges"),
        denied_as_404=True,
    )
    if saved is not None:
        return saved
    stored = selectors.account_ranges(organisation_id=organisation_id)
    return form_page(
        request,
        "finance/actuals/account_ranges.html",
        form,
        {
            "ranges": stored,
            "defaults": [] if stored else services.ranges_of(organisation_id),
            "cost_types": dict(CostType.choices),
            "kinds": dict(BudgetKind.choices),
        },
    )


@object_scoped
@require_POST
def account_range_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = _account_range(request, pk)
    services.account_range_delete(actor=user_of(request), account_range=found)
    messages.success(request, _("Tiliväli on poistettu."))
    return HttpResponseRedirect(reverse("finance:account_ranges"))
