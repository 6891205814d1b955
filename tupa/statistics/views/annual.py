"""The annual report data pack: the year's key figures per service form beside last year's."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import statistics as access
from tupa.access.marks import login_only, user_of

from .. import exports, services
from ..annual import pack, pack_xlsx
from ..charts import paired_bars
from .common import year_or_404

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_only
@require_GET
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    user = user_of(request)
    if not access.may_see_annual_report(user):
        raise Http404
    year = year_or_404(year)
    organisation = user.organisation
    assert organisation is not None
    sections = pack(organisation_id=organisation.pk, year=year, threshold=services.THRESHOLD)
    title = _("Toimintakertomuksen luvut %(year)s – %(name)s") % {
        "year": year,
        "name": organisation.name,
    }
    fmt = request.GET.get("muoto", "")
    if fmt == "xlsx":
        response = HttpResponse(pack_xlsx(sections, title=title, year=year), content_type=_XLSX)
        response["Content-Disposition"] = f'attachment; filename="toimintakertomus-{year}.xlsx"'
        return response
    charts = {
        id(line): paired_bars(
            f"{line.indicator.title}: {year} / {year - 1}",
            [(f.form.name, *f.shown) for f in line.figures],
        )
        for section in sections
        for line in section.lines
    }
    context = {
        "title": title,
        "year": year,
        "sections": [(s, [(line, charts[id(line)]) for line in s.lines]) for s in sections],
        "threshold": services.THRESHOLD,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
    }
    if fmt == "pdf":
        html = render(request, "statistics/annual_pdf.html", context).content.decode("utf-8")
        response = HttpResponse(exports.pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="toimintakertomus-{year}.pdf"'
        return response
    if fmt:
        raise Http404
    return render(request, "statistics/annual.html", context)
