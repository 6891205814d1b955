"""What the residential app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.organisations.models import ServiceForm
from tupa.residential import access_request
from tupa.residential.commitments import billable
from tupa.residential.models import PaymentCommitment, Stay, is_shelter


def is_residential(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.RESIDENTIAL


registry.reports.register(
    registry.Report(
        "residential:thl_summary_default",
        _("THL:n turvakotitilasto"),
        "residential.thl_summary.view",
        applies=is_shelter,
        order=10,
    ),
    registry.Report(
        "residential:turnaway_stats",
        _("Käännytetyt pyynnöt"),
        "residential.turnaway.stats",
        applies=is_residential,
        order=20,
    ),
    registry.Report(
        "residential:billing",
        _("Laskutettavat hoitovuorokaudet"),
        "residential.billing.view",
        applies=is_residential,
        category="billing",
        order=30,
    ),
)

# Order 20 is kept for the occupancy and telephone-line links still written inline in
# organisations/service_form.html.
registry.service_form_links.register(
    registry.ServiceFormLinks("residential/_links_occupancy_line.html", is_residential, order=20),
    registry.ServiceFormLinks("residential/_links_thl.html", is_residential, order=21),
    registry.ServiceFormLinks("residential/_links_turnaway_shift.html", is_residential, order=22),
    registry.ServiceFormLinks("residential/_links_ensikoti.html", is_residential, order=23),
    registry.ServiceFormLinks("residential/_links_calendar.html", is_residential, order=24),
)
registry.billable_sources.register(
    registry.BillableSource(
        billable.SOURCE, _("Ensikodin hoitovuorokaudet"), billable.collect, order=10
    ),
)

# The free texts of the stays and commitments (the erasure clears them,
# tupa.dataprotection.erasure); the commitment's decision reference is kept.
registry.episode_texts.register(
    registry.EpisodeText(
        "stays", _("Asumisjaksot"), Stay, "episode_id", ("destination_note",), order=80
    ),
    registry.EpisodeText(
        "payment_commitments",
        _("Maksusitoumukset"),
        PaymentCommitment,
        "episode_id",
        ("note",),
        order=90,
    ),
)


registry.access_request_sources.register(
    registry.AccessRequestSource("shelter_data", access_request.shelter_data_pieces, order=10),
)
