"""What the visitation app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.organisations.models import ServiceForm
from tupa.visitation import access_request, billable
from tupa.visitation.models import Contact, Meeting, MeetingOrder


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

# The free texts of the orders, meetings and contacts (the erasure clears them,
# tupa.dataprotection.erasure); the order's case number is kept.
registry.episode_texts.register(
    registry.EpisodeText(
        "meeting_orders",
        _("Tapaamismääräykset"),
        MeetingOrder,
        "episode_id",
        ("notes", "safety_notes"),
        order=100,
    ),
    registry.EpisodeText(
        "meetings",
        _("Valvotut tapaamiset ja vaihdot"),
        Meeting,
        "order__episode_id",
        ("outcome_note", "location"),
        order=110,
    ),
    registry.EpisodeText(
        "contacts",
        _("Tapaamisten yhteydenotot"),
        Contact,
        "order__episode_id",
        ("summary", "other"),
        order=120,
    ),
)


registry.access_request_sources.register(
    registry.AccessRequestSource("meeting_orders", access_request.order_pieces, order=20),
)
