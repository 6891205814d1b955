"""The group statistics' old address: it leads to the service form's group statistics report.

The figures are counted by the statistics engine (``internal.programmes``); bookmarks of
``?start=&end=`` keep their period. Whoever may not read the statistics gets 404, as before.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.views.decorators.http import require_GET

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped
from tupa.access.programmes import may_view_statistics
from tupa.core.report_links import old_range_report_url

REPORT = "internal.programmes"


@object_scoped
@require_GET
def form_statistics(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    service_form_or_404(request, slug, rule=may_view_statistics)
    return HttpResponseRedirect(old_range_report_url(request, REPORT, slug))
