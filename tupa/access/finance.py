"""Who may read and change the finance records (:mod:`tupa.finance`).

Agreements, grants, invoices and payments are organisation data, not client data: the policy
rows ``finance.agreements.*``, ``finance.grants.*``, ``finance.invoicing.*``,
``finance.actuals.manage`` and ``finance.income.*`` decide (finance manager, executive
director). An invoice carries amounts and the buyer's case references, never a client record;
the finance roles open no episode. A service-form lead approves the billable basis of their
own form only (``finance.basis.approve``, scope service form). An object of another
organisation, or one the user may not act on, answers 404 whether it exists or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.http import Http404, HttpRequest

from tupa.access import policy
from tupa.access.fetch import Granted, service_form_access
from tupa.access.marks import organisation_id_of, user_of
from tupa.finance.actuals.selectors import account_range_of, budget_item_of
from tupa.finance.agreements.selectors import agreement_of
from tupa.finance.grants.selectors import grant_of
from tupa.finance.income.selectors import fund_of, income_of
from tupa.finance.invoicing.selectors import invoice_of, run_of
from tupa.finance.models import Agreement, Grant, Invoice, InvoiceRun, Payment
from tupa.finance.models.actuals import AccountRange
from tupa.finance.models.budget import BudgetItem
from tupa.finance.models.income import EarmarkedFund, OtherIncome
from tupa.finance.payments.selectors import payment_of
from tupa.organisations.models import ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

T = TypeVar("T")

#: The pages of the "Talous" hub and the policy action that opens each (``finance:index``).
FINANCE_PAGES: tuple[tuple[str, str], ...] = (
    ("invoicing", "finance.invoicing.view"),
    ("invoicing_manage", "finance.invoicing.manage"),
    ("agreements", "finance.agreements.view"),
    ("grants", "finance.grants.view"),
    ("budget", "budget.view"),
    ("actuals", "budget.view"),
    ("income", "finance.income.view"),
)


def may_see_finance(user: User) -> bool:
    """Whether the "Talous" hub (and its navigation link) is for ``user``."""
    return any(policy.decide(user, action) for _name, action in FINANCE_PAGES)


def _granted(request: HttpRequest, found: T | None, action: str) -> Granted[T]:
    if found is None:
        raise Http404
    decision = policy.require(user_of(request), action, found)
    return Granted(found, decision.basis)


def agreement_access(request: HttpRequest, pk: int, action: str) -> Granted[Agreement]:
    """Agreement ``pk`` of the user's organisation if ``action`` is allowed; else 404."""
    policy.require(user_of(request), action)
    return _granted(request, agreement_of(organisation_id_of(request), pk), action)


def grant_access(request: HttpRequest, pk: int, action: str) -> Granted[Grant]:
    """Grant ``pk`` of the user's organisation if ``action`` is allowed; else 404."""
    return _granted(request, grant_of(organisation_id_of(request), pk), action)


def invoice_access(request: HttpRequest, pk: int, action: str) -> Granted[Invoice]:
    """Invoice ``pk`` of the user's organisation if ``action`` is allowed; else 404."""
    policy.require(user_of(request), action)
    return _granted(request, invoice_of(organisation_id_of(request), pk), action)


def run_access(request: HttpRequest, pk: int, action: str) -> Granted[InvoiceRun]:
    """Invoicing run ``pk`` of the user's organisation if ``action`` is allowed; else 404."""
    policy.require(user_of(request), action)
    return _granted(request, run_of(organisation_id_of(request), pk), action)


def payment_access(request: HttpRequest, pk: int, action: str) -> Granted[Payment]:
    """Payment ``pk`` of the user's organisation if ``action`` is allowed; else 404."""
    policy.require(user_of(request), action)
    return _granted(request, payment_of(organisation_id_of(request), pk), action)


def basis_access(request: HttpRequest, slug: str) -> Granted[ServiceForm]:
    """Service form ``slug`` of the user's organisation if the user may approve its billable
    basis (its lead); else 404."""
    return service_form_access(request, slug, rule="finance.basis.approve")


def basis_forms(request: HttpRequest) -> list[ServiceForm]:
    """The service forms whose billable basis the user may approve (none for most users)."""
    return basis_forms_of(user_of(request))


def may_approve_some_basis(user: User) -> bool:
    """Whether the user holds a role that approves some form's billable basis (a lead): the
    navigation's "Laskutusperuste" link and the dashboard panel. No query beyond the user's
    memberships, which the request caches."""
    roles = policy.RULES["finance.basis.approve"].roles
    return any(m.role in roles for m in policy.active_memberships(user))


def basis_forms_of(user: User) -> list[ServiceForm]:
    """The forms whose basis ``user`` may approve, by name (also for the dashboard panel)."""
    if user.organisation_id is None or not may_approve_some_basis(user):
        return []
    forms = ServiceForm.objects.filter(organisation_id=user.organisation_id).order_by("name")
    return [form for form in forms if policy.decide(user, "finance.basis.approve", form)]


def budget_item_access(request: HttpRequest, year: int, pk: int) -> Granted[BudgetItem]:
    """Row ``pk`` of the organisation's budget of ``year`` if the user manages the budget."""
    action = "finance.actuals.manage"
    policy.require(user_of(request), action)
    return _granted(request, budget_item_of(organisation_id_of(request), year, pk), action)


def account_range_access(request: HttpRequest, pk: int) -> Granted[AccountRange]:
    """Account range ``pk`` of the organisation if the user manages the budget."""
    action = "finance.actuals.manage"
    policy.require(user_of(request), action)
    return _granted(request, account_range_of(organisation_id_of(request), pk), action)


def income_access(request: HttpRequest, pk: int) -> Granted[OtherIncome]:
    """Income row ``pk`` of the organisation if the user records income."""
    action = "finance.income.manage"
    policy.require(user_of(request), action)
    return _granted(request, income_of(organisation_id_of(request), pk), action)


def fund_access(request: HttpRequest, pk: int, action: str) -> Granted[EarmarkedFund]:
    """Earmarked fund ``pk`` of the organisation if ``action`` is allowed."""
    policy.require(user_of(request), action)
    return _granted(request, fund_of(organisation_id_of(request), pk), action)
