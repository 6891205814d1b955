from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access.finance import FINANCE_PAGES
from tupa.access.marks import login_only, organisation_id_of, user_of
from tupa.core.forms import form_page, saved_redirect
from tupa.core.params import year_param
from tupa.finance.invoicing.profile import ProfileForm, profile_of, profile_save

from . import selectors


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """ "Talous": the finance pages the user may open, in three groups (404 when none)."""
    user = user_of(request)
    allowed = policy.allowed_actions(user, {action for _name, action in FINANCE_PAGES})
    if not allowed:
        policy.require(user, "finance.invoicing.view")  # 404
    shown = {name for name, action in FINANCE_PAGES if action in allowed}
    return render(
        request,
        "finance/index.html",
        {
            "shown": shown,
            "has_profile": profile_of(organisation_id_of(request)) is not None,
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def invoicing_profile(request: HttpRequest) -> HttpResponse:
    """ "Laskutuksen perustiedot": the seller's address, account and e-invoice address."""
    user = user_of(request)
    policy.require(user, "finance.invoicing.manage")
    organisation = user.organisation
    assert organisation is not None
    current = profile_of(organisation.pk)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=current)
    saved = saved_redirect(
        request,
        form,
        lambda data: profile_save(actor=user, organisation=organisation, data=data),
        success=_("Laskutuksen perustiedot on tallennettu."),
        next_url=reverse("finance:index"),
    )
    return saved or form_page(request, "finance/invoicing_profile.html", form, {})


@login_only
@require_GET
def budget(request: HttpRequest) -> HttpResponse:
    policy.require(user_of(request), "budget.view")
    years = selectors.budget_years()
    # A year without a budget shows the newest budget (0 and no summary when there is none).
    year = year_param(request, years, years[0] if years else 0)
    summary = selectors.budget_summary(year=year) if years else None
    return render(
        request, "finance/budget.html", {"years": years, "year": year, "summary": summary}
    )
