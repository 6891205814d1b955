"""The place calendar and the monthly occupancy chart of a residential unit (issue 4, items 1, 4).

Members of the residential service form only (404 otherwise). The calendar names a family only
when the viewer may see its episode, and logs every person named; others are "Varattu" — as is a
family with a participant whose processing is restricted (GDPR art. 18), left out of the lists
like the client lists (``exclude_restricted_episodes``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import clients
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.audit.models import Action
from tupa.core.months import month_end
from tupa.core.wallclock import local_date
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.calendar import selectors as cal
from tupa.residential.calendar.charts import bar_chart_svg
from tupa.residential.stays.views import log_shown, subjects_of

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month_param(request: HttpRequest, name: str) -> tuple[int, int]:
    """``?kuukausi=YYYY-MM``; anything else (or nothing) is the current month."""
    today = timezone.localdate()
    match = _MONTH.match(request.GET.get(name, ""))
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def _shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_label(year: int, month: int) -> str:
    return formats.date_format(dt.date(year, month, 1), "YEAR_MONTH_FORMAT")


@object_scoped
@require_GET
def place_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = service_form_or_404(request, slug, kind=ServiceForm.Kind.RESIDENTIAL)
    year, month = _month_param(request, "kuukausi")
    start = dt.date(year, month, 1)
    days = month_end(year, month).day
    calendar = cal.place_calendar(service_form=service_form, start=start, days=days)

    bases = clients.episode_bases(
        user=user_of(request), episode_ids={s.episode_id for s in calendar.stays}
    )
    bases = clients.listed_bases(bases)  # GDPR art. 18: a restricted family is not named
    by_episode: dict[int, list[Participant]] = defaultdict(list)
    visible_ids = [pk for pk in bases]
    for participant in (
        Participant.objects.filter(episode_id__in=visible_ids, role=Participant.Role.CLIENT)
        .select_related("person", "alias")
        .order_by("pk")
    ):
        by_episode[participant.episode_id].append(participant)
    legend = []
    to_log: dict[str, list[Participant]] = defaultdict(list)
    numbers: dict[int, int] = {}
    for number, stay in enumerate(calendar.stays, start=1):
        numbers[stay.pk] = number
        basis = bases.get(stay.episode_id)
        shown = by_episode.get(stay.episode_id, []) if basis is not None else []
        if shown:
            to_log[str(basis)].extend(shown)
        legend.append(
            {
                "number": number,
                "stay": stay,
                "visible": basis is not None,
                "clients": shown,
                "arrived": local_date(stay.arrived_at),
                "departed": local_date(stay.departed_at) if stay.departed_at else None,
            }
        )
    for basis_value, participants in to_log.items():
        log_shown(request, subjects_of(participants), basis=basis_value, action=Action.LIST)

    today = timezone.localdate()
    rows = []
    for row in calendar.rows:
        cells = []
        previous_pk: int | None = None
        for day, cell in zip(calendar.days, row.cells, strict=True):
            pk = cell.pk if cell is not None else None
            cells.append(
                {
                    "day": day,
                    "number": numbers[pk] if pk is not None else None,
                    "starts": pk is not None and pk != previous_pk,
                }
            )
            previous_pk = pk
        rows.append({"place": row.place, "cells": cells})
    previous, following = _shift(year, month, -1), _shift(year, month, 1)
    return render(
        request,
        "residential/calendar.html",
        {
            "service_form": service_form,
            "month_label": _month_label(year, month),
            "days": calendar.days,
            "today": today,
            "rows": rows,
            "legend": legend,
            "previous": f"{previous[0]:04d}-{previous[1]:02d}",
            "following": f"{following[0]:04d}-{following[1]:02d}",
            "previous_label": _month_label(*previous),
            "following_label": _month_label(*following),
        },
    )


@object_scoped
@require_GET
def occupancy_chart(request: HttpRequest, slug: str) -> HttpResponse:
    """Occupancy % for the 12 months ending with ``?kuukausi=YYYY-MM``: a chart and a table."""
    service_form = service_form_or_404(request, slug, kind=ServiceForm.Kind.RESIDENTIAL)
    year, month = _month_param(request, "kuukausi")
    months = cal.months_back(dt.date(year, month, 1), 12)
    figures = cal.occupancy_by_month(service_form=service_form, months=months)
    labels = [f"{m.month}/{m.year % 100:02d}" for m in figures]
    title = _("Käyttöaste kuukausittain, %(first)s – %(last)s") % {
        "first": _month_label(*months[0]),
        "last": _month_label(*months[-1]),
    }
    chart = bar_chart_svg(
        labels=labels,
        values=[m.occupancy_percent for m in figures],
        title=title,
        title_id="occupancy-chart-title",
        y_label=_("käyttöaste %"),
        y_max=100,
    )
    previous, following = _shift(year, month, -12), _shift(year, month, 12)
    return render(
        request,
        "residential/occupancy_chart.html",
        {
            "service_form": service_form,
            "title": title,
            "chart": chart,
            "figures": [(m, _month_label(m.year, m.month)) for m in figures],
            "previous": f"{previous[0]:04d}-{previous[1]:02d}",
            "following": f"{following[0]:04d}-{following[1]:02d}",
        },
    )
