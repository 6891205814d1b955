from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tupa.access import policy
from tupa.access.marks import login_only, user_of

from . import selectors


@login_only
@require_GET
def budget(request: HttpRequest) -> HttpResponse:
    policy.require(user_of(request), "budget.view")
    years = selectors.budget_years()
    try:
        year = int(request.GET.get("vuosi", ""))
    except ValueError:
        year = years[0] if years else 0
    summary = selectors.budget_summary(year=year) if year in years else None
    return render(
        request, "finance/budget.html", {"years": years, "year": year, "summary": summary}
    )
