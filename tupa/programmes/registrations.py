"""What the group-programme app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

from tupa.core import registry
from tupa.organisations.models import ServiceForm
from tupa.programmes import access_request

from .models import GroupProgramme
from .selectors import volunteer_sessions

#: The kinds of service form whose page links to group programmes.
KINDS = {
    ServiceForm.Kind.GROUP,
    ServiceForm.Kind.OUTPATIENT,
    ServiceForm.Kind.DROP_IN,
    ServiceForm.Kind.RESIDENTIAL,
}


def can_run_programmes(form: ServiceForm) -> bool:
    """A form of a kind that can run group programmes (its page links to them, and the group
    indicators and the group statistics report apply to it)."""
    return form.kind in KINDS


def forms_with_programmes(organisation_id: int) -> Collection[int]:
    """Ids of the organisation's service forms that have group programmes (one query)."""
    return set(
        GroupProgramme.objects.filter(organisation_id=organisation_id).values_list(
            "service_form_id", flat=True
        )
    )


registry.reports.register(
    registry.Report(
        "programmes:statistics",
        _("Ryhmien tilastot"),
        "programmes.statistics.view",
        available_in=forms_with_programmes,
        order=70,
    ),
)
registry.service_form_links.register(
    registry.ServiceFormLinks("programmes/_service_form_links.html", can_run_programmes, order=80),
)
registry.volunteer_sessions.register(
    registry.VolunteerSessions("programmes", volunteer_sessions, order=10),
)


registry.access_request_sources.register(
    registry.AccessRequestSource("groups", access_request.group_pieces, order=30),
)
