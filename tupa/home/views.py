"""The dashboard: the user's service forms, teams and roles, the apps' panels and reports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tupa.access.marks import login_only
from tupa.core import registry
from tupa.organisations import selectors as org_selectors

from .reports import report_links


@login_only
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = org_selectors.dashboard_for(user=user)  # type: ignore[arg-type]
    panels = registry.dashboard_panels.all()
    for panel in panels:
        context[panel.name] = panel.context(user)
    context["dashboard_panels"] = panels
    context["report_links"] = report_links(user=user)
    return render(request, "core/dashboard.html", context)
