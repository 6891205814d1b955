"""The board's plan against actual (*suunnitelma ja toteuma*, ADR 0030 item 4).

Per service form the year's key figures from 1 January to the end of a chosen quarter (or today,
when that is earlier) beside the same days of last year — the overview's figures and
drill-downs (:func:`.overview.figures_to_date`) — and beside them the form's goals of the year's plan
by theme, with their status, assessment and evidence (:mod:`tupa.planning.selectors`). At the
top, how the whole organisation's goals stand per theme, and the association's and working
groups' own goals. For the executive director (``statistics.organisation.view``, as the
organisation-wide returns); everyone else gets 404.

Nothing here is personal data: the figures are aggregates and the goals are the plan's
sentences. The CSV (``?muoto=csv``, the Finnish way) and the workbook (``?muoto=xlsx``) are
written by :mod:`tupa.core.spreadsheets`; the PDF (``?muoto=pdf``) is the page's tables without
their links, under the facts of the copy and above how the figures are counted, written as every
PDF of Tupa (:func:`tupa.core.pdf.html_to_pdf`: tagged PDF/UA). Each is one organisation's year,
a few queries and pages, so each is a direct download (the annual pack's and the returns' PDFs
are also prepared as background jobs, :mod:`..jobs`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from tupa.access.marks import login_only, user_of
from tupa.access.policy import decide
from tupa.core.dates import fi_date
from tupa.core.months import add_months, month_end
from tupa.core.params import plain_int
from tupa.core.pdf import html_to_pdf, pdf_response
from tupa.core.spreadsheets import Sheet, csv_response, finnish_csv, xlsx, xlsx_response
from tupa.core.suppression import scaled
from tupa.core.wallclock import fi_moment
from tupa.organisations.models import Organisation, ServiceForm
from tupa.planning import selectors as plan
from tupa.planning.models import AnnualGoal, GoalStatus

from ..indicators.base import Indicator
from .common import ORGANISATION, year_or_404
from .overview import Figure, figures_for, figures_to_date

#: The query parameter of the quarter (1–4) whose end the figures count to.
QUARTER = "neljannes"
#: The query parameter of the export format.
FORMAT = "muoto"
#: The formats of :data:`FORMAT` (without it, the page).
FORMATS = ("csv", "xlsx", "pdf")
#: The board's quarterly return, linked from the page.
BOARD_RETURN = "board.key_figures"


def _quarter_or_404(request: HttpRequest, year: int, today: dt.date) -> int:
    """``?neljannes=1..4``; by default this year's current quarter, a past year's fourth."""
    raw = request.GET.get(QUARTER)
    if raw is None:
        return (today.month - 1) // 3 + 1 if year == today.year else 4
    quarter = plain_int(raw)
    if quarter is None or not 1 <= quarter <= 4:
        raise Http404
    return quarter


def period_end(year: int, quarter: int, today: dt.date) -> dt.date:
    """The last day counted: the quarter's last day, or today when that is earlier."""
    return min(month_end(year, quarter * 3), today)


@dataclass
class FormRow:
    """One service form: its key figures to the period's end and its goals by theme."""

    form: ServiceForm
    figures: list[Figure]
    goals: plan.OwnerPlan | None


def _forms(organisation_id: int, goal_form_ids: set[int]) -> list[ServiceForm]:
    """The organisation's active forms with key figures or goals of the year, by name (and a
    form no longer active when it has goals of the year: they are not left unshown)."""
    forms = ServiceForm.objects.filter(
        Q(active=True) | Q(pk__in=goal_form_ids), organisation_id=organisation_id
    ).order_by("name")
    return [f for f in forms if f.pk in goal_form_ids or figures_for(f) != (None, None)]


def plan_actual_context(organisation_id: int, year: int, until: dt.date) -> dict[str, Any]:
    """The page's contents: the forms' figures to ``until`` and the year's goals (a fixed
    number of queries: one for the goals, one for the forms, the figures' runs per indicator)."""
    goals = list(plan.goals_of_year(organisation_id, year))
    owners = plan.grouped(goals)
    by_key = {o.key: o for o in owners}
    forms = _forms(organisation_id, {g.service_form_id for g in goals if g.service_form_id})
    figures = figures_to_date([f for f in forms if figures_for(f) != (None, None)], until)
    rows = []
    for form in forms:
        ids = [i for i in figures_for(form) if i is not None]
        rows.append(
            FormRow(
                form,
                [figures[(form.pk, i)] for i in ids if (form.pk, i) in figures],
                by_key.get(f"form-{form.pk}"),
            )
        )
    summary = plan.theme_summary(goals)
    statuses = [(s.value, s.label) for s in plan.STATUS_ORDER]
    totals = [sum(t.count(value) for t in summary) for value, _label in statuses]
    return {
        "year": year,
        "until": until,
        "last_until": add_months(until, -12),
        "rows": rows,
        "own_goals": [o for o in owners if o.service_form is None],
        # Each theme with its count per status, in the order of ``statuses``.
        "summary": [(t, [t.count(value) for value, _label in statuses]) for t in summary],
        "statuses": statuses,
        "status_totals": totals,
        "goal_count": len(goals),
    }


def _theme_label(goal: AnnualGoal) -> str:
    return str(goal.theme) if goal.theme is not None else str(plan.OTHER_LABEL)


def _goal_rows(owner: str, goals: Sequence[AnnualGoal]) -> Iterator[list[Any]]:
    for goal in goals:
        status = GoalStatus(goal.status).label
        yield [owner, goal.text, None, None, _theme_label(goal), str(status), goal.assessment]


def csv_rows(context: dict[str, Any]) -> Iterator[list[Any]]:
    """The page as rows: form, indicator or goal, this year, last year, theme, status,
    assessment (a figure's row leaves the last three empty, a goal's the two numbers)."""
    for owner in context["own_goals"]:
        yield from _goal_rows(str(owner.label), owner.goals)
    for row in context["rows"]:
        for figure in row.figures:
            decimals = figure.indicator.decimals
            yield [
                row.form.name,
                str(figure.indicator.title),
                scaled(figure.this_year, decimals),
                scaled(figure.last_year, decimals),
                None,
                None,
                None,
            ]
        if row.goals is not None:
            yield from _goal_rows(row.form.name, row.goals.goals)


def _header(context: dict[str, Any]) -> list[str]:
    year, until, last = context["year"], context["until"], context["last_until"]
    return [
        _("Työmuoto"),
        _("Luku tai tavoite"),
        f"{year} (1.1.–{fi_date(until)})",
        f"{year - 1} (1.1.–{fi_date(last)})",
        _("Painopiste"),
        _("Tila"),
        pgettext("tavoitteen arvio", "Arvio"),
    ]


def _csv(context: dict[str, Any], quarter: int) -> HttpResponse:
    year = context["year"]
    return csv_response(
        finnish_csv(_header(context), csv_rows(context)),
        f"suunnitelma-ja-toteuma-{year}-q{quarter}.csv",
    )


def _facts(context: dict[str, Any], quarter: int) -> list[tuple[str, Any]]:
    """The facts of an exported copy: the year, the quarter, the two periods, the goals."""
    year, until, last = context["year"], context["until"], context["last_until"]
    return [
        (_("Vuosi"), year),
        (_("Vuosineljännes"), quarter),
        (_("Luvut"), f"1.1.–{fi_date(until)}"),
        (_("Vertailu"), f"1.1.–{fi_date(last)}"),
        (_("Tavoitteita"), context["goal_count"]),
    ]


def _xlsx(context: dict[str, Any], quarter: int) -> HttpResponse:
    """The same rows as the CSV in a workbook (numbers as numbers), and a sheet of facts."""
    year = context["year"]
    facts = Sheet(_("Tiedot"), _facts(context, quarter))
    content = xlsx(_("Suunnitelma ja toteuma"), _header(context), csv_rows(context), more=[facts])
    return xlsx_response(content, f"suunnitelma-ja-toteuma-{year}-q{quarter}.xlsx")


def _title(organisation: Organisation, year: int) -> str:
    return _("Suunnitelma ja toteuma %(year)s – %(name)s") % {
        "year": year,
        "name": organisation.name,
    }


def _definitions(rows: Sequence[FormRow]) -> list[Indicator]:
    """The indicators of the figures, each once, in the order they first appear."""
    seen: dict[str, Indicator] = {}
    for row in rows:
        for figure in row.figures:
            seen.setdefault(figure.indicator.id, figure.indicator)
    return list(seen.values())


def _pdf(context: dict[str, Any], quarter: int, organisation: Organisation) -> HttpResponse:
    """The page as a PDF for the board, as the annual pack's is made: the facts of the copy
    (with when the figures were counted), the page's tables without their links or the goals'
    evidence (as the CSV), and how the figures are counted."""
    year = context["year"]
    html = render_to_string(
        "statistics/plan_actual_pdf.html",
        context
        | {
            "title": _title(organisation, year),
            "facts": [*_facts(context, quarter), (_("Laskettu"), fi_moment(timezone.now()))],
            "definitions": _definitions(context["rows"]),
        },
    )
    filename = f"suunnitelma-ja-toteuma-{year}-q{quarter}.pdf"
    return pdf_response(html_to_pdf(html), filename)


@login_only
@require_GET
def plan_actual(request: HttpRequest, year: int) -> HttpResponse:
    """The plan against actual of ``year`` to the end of ``?neljannes=`` (or its CSV, workbook
    or PDF: ``?muoto=``), behind the one access decision of the page."""
    user = user_of(request)
    if user.organisation_id is None or not decide(user, "statistics.organisation.view"):
        raise Http404
    year = year_or_404(year)
    today = timezone.localdate()
    quarter = _quarter_or_404(request, year, today)
    fmt = request.GET.get(FORMAT, "")
    if fmt not in ("", *FORMATS):
        raise Http404
    context = plan_actual_context(user.organisation_id, year, period_end(year, quarter, today))
    if fmt == "csv":
        return _csv(context, quarter)
    if fmt == "xlsx":
        return _xlsx(context, quarter)
    if fmt == "pdf":
        assert user.organisation is not None  # as its id, checked above
        return _pdf(context, quarter, user.organisation)
    # The quarters that have begun (a past year: all four).
    begun = 4 if year < today.year else (today.month - 1) // 3 + 1
    context |= {
        "quarter": quarter,
        "quarters": list(range(1, begun + 1)),
        "years": list(range(today.year, today.year - 6, -1)),
        "board_return": (BOARD_RETURN, ORGANISATION),
    }
    return render(request, "statistics/plan_actual.html", context)
