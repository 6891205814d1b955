"""My caseload and a service form's client list (members of the form only)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import login_only, object_scoped, user_of

from .. import selectors
from ..forms.lists import ClientListFilterForm
from ._common import _log_list

PAGE_SIZE = 25
CLIENT_LIST_FILTERS = ("q", "status", "referral_source", "opened_from", "opened_to")


@login_only
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """Omat asiakkuudet: ongoing episodes of my service forms and those assigned to me."""
    user = user_of(request)
    episodes = list(selectors.caseload(user=user))
    _log_list(request, episodes)
    groups: dict[int, dict[str, Any]] = {}
    for episode in episodes:
        group = groups.setdefault(
            episode.service_form_id, {"service_form": episode.service_form, "episodes": []}
        )
        group["episodes"].append(episode)
    return render(
        request,
        "episodes/caseload.html",
        {
            "groups": list(groups.values()),
            "count": len(episodes),
            "service_forms": selectors.member_service_forms(user=user),
            "panel": selectors.dashboard_panel(user=user),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def client_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A service form's client list with filters (members of the form only).

    The name filter travels in a POST body only, never in a URL, where it would end up in
    browser history and server logs: the filter form and its page buttons post. The
    non-identifying filters work as a GET query too; a name in a query string is ignored.
    """
    user = user_of(request)
    service_form = service_form_or_404(request, slug)
    data: QueryDict
    if request.method == "POST":
        data, bound = request.POST, True
    else:
        data = request.GET.copy()
        data.pop("q", None)
        bound = any(name in data for name in CLIENT_LIST_FILTERS)
    form = ClientListFilterForm(data if bound else None)
    page = None
    if not bound or form.is_valid():
        filters = form.cleaned_data if bound else {}
        episodes = selectors.client_list(
            user=user,
            service_form=service_form,
            status=filters.get("status") or None,
            q=filters.get("q") or None,
            referral_source=filters.get("referral_source") or None,
            opened_from=filters.get("opened_from"),
            opened_to=filters.get("opened_to"),
        )
        page = Paginator(episodes, PAGE_SIZE).get_page(data.get("page"))
        _log_list(request, page.object_list)
    return render(
        request,
        "episodes/client_list.html",
        {"service_form": service_form, "form": form, "page": page},
    )
