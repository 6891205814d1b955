"""The annual report data pack: the year's key figures per service form beside last year's, and
the year's goals of the plan with their status and assessment.

The PDF is the page's body: each figure's chart (the page's inline SVG, its ``<title>`` the
figure's text alternative) above its table, written tagged PDF/UA by :mod:`tupa.core.pdf`. The
CSV (a direct download, as the returns' CSV) is the workbook's sheet of figures."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import statistics as access
from tupa.access.marks import login_only, user_of
from tupa.core.pdf import html_to_pdf
from tupa.organisations.models import Organisation
from tupa.planning.selectors import OwnerPlan

from .. import services
from ..annual import SECTIONS, PackSection, pack, pack_csv, pack_goals, pack_xlsx
from ..charts import paired_bars
from ..jobs import CONTENT_TYPES, Output, Progress
from .common import year_or_404
from .returns import attachment

#: Rendering steps after the figures: the workbook or the CSV; or the charts, the pages and
#: the PDF.
RENDER_STEPS = {"xlsx": 1, "csv": 1, "pdf": 3}


def annual_title(organisation: Organisation, year: int) -> str:
    return _("Toimintakertomuksen luvut %(year)s – %(name)s") % {
        "year": year,
        "name": organisation.name,
    }


def _context(
    title: str,
    year: int,
    sections: list[PackSection],
    goals: list[OwnerPlan],
    progress: Progress,
) -> dict[str, Any]:
    progress.begin(_("Piirretään kaavioita"))
    charts = {
        id(line): paired_bars(
            f"{line.indicator.title}: {year} / {year - 1}",
            [(f.form.name, *f.shown) for f in line.figures],
            legend=(str(year), str(year - 1)),
            hidden=f"< {services.THRESHOLD}",
            decimals=line.indicator.decimals,
        )
        for section in sections
        for line in section.lines
    }
    progress.advance()
    return {
        "title": title,
        "year": year,
        "sections": [(s, [(line, charts[id(line)]) for line in s.lines]) for s in sections],
        "goals": goals,
        "threshold": services.THRESHOLD,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
    }


def annual_output(
    organisation: Organisation, year: int, fmt: str, progress: Progress | None = None
) -> Output:
    """The pack as XLSX, CSV or PDF (the direct download and a background job both make it
    here; CSV is only a direct download)."""
    if fmt not in RENDER_STEPS:
        raise Http404
    progress = progress or Progress()
    progress.plan(sum(len(ids) for _title, ids in SECTIONS) + RENDER_STEPS[fmt])
    sections = pack(
        organisation_id=organisation.pk,
        year=year,
        threshold=services.THRESHOLD,
        progress=progress.lines,
    )
    goals = pack_goals(organisation_id=organisation.pk, year=year)
    title = annual_title(organisation, year)
    if fmt == "xlsx":
        progress.begin(_("Kootaan Excel-tiedostoa"))
        body = pack_xlsx(sections, title=title, year=year, goals=goals)
    elif fmt == "csv":
        progress.begin(_("Kootaan CSV-tiedostoa"))
        body = pack_csv(sections, year=year)
    else:
        context = _context(title, year, sections, goals, progress)
        progress.begin(_("Muotoillaan sivuja"))
        html = render_to_string("statistics/annual_pdf.html", context)
        progress.advance()
        progress.begin(_("Tehdään PDF-tiedostoa"))
        body = html_to_pdf(html)
    progress.advance()
    return Output(body, f"toimintakertomus-{year}.{fmt}", CONTENT_TYPES[fmt])


@login_only
@require_GET
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    user = user_of(request)
    if not access.may_see_annual_report(user):
        raise Http404
    year = year_or_404(year)
    organisation = user.organisation
    assert organisation is not None
    fmt = request.GET.get("muoto", "")
    if fmt:  # the direct download (bookmarks); the page prepares them as background jobs
        return attachment(annual_output(organisation, year, fmt))
    sections = pack(organisation_id=organisation.pk, year=year, threshold=services.THRESHOLD)
    goals = pack_goals(organisation_id=organisation.pk, year=year)
    context = _context(annual_title(organisation, year), year, sections, goals, Progress())
    return render(request, "statistics/annual.html", context)
