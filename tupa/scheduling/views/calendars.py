"""My calendar and the team's week (day or week views)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import clients, policy
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.scheduling import may_plan
from tupa.audit.models import Action
from tupa.organisations.models import ServiceForm
from tupa.scheduling import selectors
from tupa.scheduling.forms import WeekForm
from tupa.scheduling.views.common import log_page


def _week_days(first: dt.date, days: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(days)]


def _period(request: HttpRequest) -> tuple[str, dt.date, list[dt.date]]:
    form = WeekForm(request.GET)
    today = timezone.localdate()
    day, mode = today, "viikko"
    if form.is_valid():
        day = form.cleaned_data.get("paiva") or today
        mode = form.cleaned_data.get("nakyma") or "viikko"
    else:
        # A date outside 2000–2100 (or no date at all) shows today, and says why.
        problems = " ".join(str(m) for errors in form.errors.values() for m in errors)
        messages.warning(
            request, _("%(problem)s Kalenteri näyttää tämän päivän.") % {"problem": problems}
        )
    if mode == "paiva":
        return mode, day, [day]
    return mode, day, _week_days(selectors.monday_of(day), 7)


def _navigation(mode: str, day: dt.date) -> dict[str, Any]:
    step = dt.timedelta(days=1 if mode == "paiva" else 7)
    return {
        "mode": mode,
        "day": day,
        "previous": (day - step).isoformat(),
        "next": (day + step).isoformat(),
        "today": timezone.localdate(),
    }


# --------------------------------------------------------------------------- calendars


@object_scoped
@require_GET
def my_calendar(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, "client_work.access")
    mode, day, days = _period(request)
    start, end = selectors.local_bounds(days[0], len(days))
    page = selectors.present(
        viewer=user,
        appointments=selectors.appointments_of_users(user_ids=[user.pk], start=start, end=end),
    )
    log_page(request, page, action=Action.LIST)
    member_forms = ServiceForm.objects.filter(
        pk__in=clients.user_scope(user).member_form_ids
    ).order_by("name")
    return render(
        request,
        "scheduling/my_calendar.html",
        {
            "days": page.by_day(days),
            "member_forms": member_forms,
            **_navigation(mode, day),
        },
    )


@object_scoped
@require_GET
def team_week(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = service_form_or_404(request, slug, rule=may_plan)
    user = user_of(request)
    _mode, day, days = _period(request)
    days = _week_days(selectors.monday_of(day), 7)
    start, end = selectors.local_bounds(days[0], 7)
    members = selectors.team_members(service_form)
    page = selectors.present(
        viewer=user,
        appointments=selectors.appointments_of_users(
            user_ids=[m.pk for m in members], start=start, end=end
        ),
    )
    log_page(request, page, action=Action.LIST)
    # cells[day][member] = items (an appointment shows under each of its workers).
    rows = []
    for weekday, items in page.by_day(days):
        cells = []
        for member in members:
            cells.append(
                [
                    item
                    for item in items
                    if item.appointment.organiser_id == member.pk
                    or any(u.pk == member.pk for u in item.appointment.co_workers.all())
                ]
            )
        rows.append({"day": weekday, "items": items, "cells": cells})
    return render(
        request,
        "scheduling/team_week.html",
        {
            "service_form": service_form,
            "members": members,
            "rows": rows,
            **_navigation("viikko", day),
        },
    )
