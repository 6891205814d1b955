"""What the prevention app adds to the shared pages (see ``tupa.core.registry``): the links of
the activity register on a prevention form's page, which its members reach from the front page
("Omat työmuodot") and the main navigation."""

from __future__ import annotations

from tupa.core import registry
from tupa.organisations.models import ServiceForm


def is_prevention(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.PREVENTION


registry.service_form_links.register(
    registry.ServiceFormLinks("prevention/_service_form_links.html", is_prevention, order=90),
)
