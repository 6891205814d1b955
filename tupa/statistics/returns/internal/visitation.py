"""The supervised meetings' statistics (MEE-07): a visitation form's internal follow-up report.

Over any date range (the year by default): the meetings by outcome and billability, by meeting
type, paying municipality, ordering authority and basis, the interruptions by reason and the
orders in force. Billability is the billing list's (:func:`tupa.visitation.rules.billing_rule`);
the billing list itself (``visitation:billing``) stays the invoicing basis.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import ServiceForm

from ..base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Section


def is_visitation(form: ServiceForm) -> bool:
    return form.kind == ServiceForm.Kind.VISITATION


VISITATION = ReturnTemplate(
    id="internal.visitation",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Tapaamisten tilastot"),
    description=_(
        "Valvotut tapaamiset ja vaihdot valitulta aikaväliltä toteutumisen ja laskutettavuuden "
        "mukaan tapaamisen lajeittain, maksavittain kunnittain, määrääjittäin ja perusteittain. "
        "Sisäinen raportti: lukuja ei salata."
    ),
    applies=is_visitation,
    period=Period.RANGE,
    outgoing=False,
    visible="visitation.statistics.view",
    sections=(
        Section(
            _("Tapaamiset"),
            (
                Line("visitation.meetings", 1, ("meeting_type", "outcome_group")),
                Line("visitation.meetings", 1, ("meeting_type", "billable")),
                Line("visitation.meetings", 1, ("payer_municipality", "outcome_group")),
                Line("visitation.meetings", 1, ("authority", "outcome_group")),
                Line("visitation.meetings", 1, ("basis", "outcome_group")),
                Line("visitation.meetings", 1, ("month", "outcome_group")),
            ),
        ),
        Section(
            _("Keskeytykset ja määräykset"),
            (
                Line("visitation.interruptions", 1, ("interruption_reason",)),
                Line("visitation.orders", 1, ("meeting_type",)),
                Line("visitation.children", 1, ("gender",)),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(VISITATION)
