"""What the drop-in app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.organisations.models import ServiceForm

from . import billable
from .models import IdentificationConsent
from .selectors import volunteer_sessions


def is_drop_in(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.DROP_IN


registry.reports.register(
    registry.Report(
        "dropin:statistics",
        _("Kävijätilastot"),
        "dropin.statistics.view",
        applies=is_drop_in,
        order=40,
    ),
)
registry.service_form_links.register(
    registry.ServiceFormLinks("dropin/_service_form_links.html", is_drop_in, order=90),
)
registry.volunteer_sessions.register(
    registry.VolunteerSessions("dropin", volunteer_sessions, order=20),
)
registry.billable_sources.register(
    registry.BillableSource(
        billable.SOURCE, _("Perhetuvan tilavuokrat"), billable.collect, order=40
    ),
)

# The consent text of an identified drop-in client (the erasure clears it,
# tupa.dataprotection.erasure).
registry.episode_texts.register(
    registry.EpisodeText(
        "identification_consents",
        _("Suostumukset asiakkaaksi tunnistamiseen"),
        IdentificationConsent,
        "episode_id",
        ("consent_text",),
        order=190,
    ),
)
