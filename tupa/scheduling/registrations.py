"""What the scheduling app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.organisations.models import ServiceForm
from tupa.scheduling import billable
from tupa.scheduling.models import Appointment

registry.nav_links.register(
    registry.NavLink("scheduling:my_calendar", _("Kalenteri"), "client_work.access", order=30),
)
registry.service_form_links.register(
    registry.ServiceFormLinks(
        "scheduling/_service_form_links.html",
        lambda form: form.kind == ServiceForm.Kind.OUTPATIENT,
        order=70,
    ),
)
registry.billable_sources.register(
    registry.BillableSource(
        billable.SOURCE, _("Ostopalveluna tehty perhetyö"), billable.collect, order=30
    ),
)

# The free texts of an appointment (the erasure clears them, tupa.dataprotection.erasure).
registry.episode_texts.register(
    registry.EpisodeText(
        "appointments",
        _("Ajanvaraukset"),
        Appointment,
        "episode_id",
        ("note", "place_note", "outcome_note"),
        order=70,
    ),
)
