"""What the visitation app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.organisations.models import ServiceForm
from tupa.visitation import billable


def is_visitation(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.VISITATION


registry.reports.register(
    registry.Report(
        "visitation:statistics",
        _("Tapaamisten tilastot"),
        "visitation.statistics.view",
        applies=is_visitation,
        order=50,
    ),
    registry.Report(
        "visitation:billing",
        _("Laskutettavat tapaamiset"),
        "visitation.billing.view",
        applies=is_visitation,
        category="billing",
        order=60,
    ),
)
registry.service_form_links.register(
    registry.ServiceFormLinks("visitation/_service_form_links.html", is_visitation, order=100),
)
registry.billable_sources.register(
    registry.BillableSource(
        billable.SOURCE, _("Tapaamispaikan tapaamiset"), billable.collect, order=20
    ),
)
