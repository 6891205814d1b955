"""Outpatient work's internal follow-up report.

Lapsityö's "work done" is reviewed every six months with the line manager and the executive
director (seed-spec §4.2.3, REP-07); the same half-yearly view serves every outpatient form.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import ServiceForm

from ..base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Section

WORK_DONE = ReturnTemplate(
    id="internal.work_done",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Tehty työ puolivuosittain"),
    description=_(
        "Avopalvelun tehty työ puolen vuoden jaksoissa esihenkilön ja toiminnanjohtajan "
        "kanssa käytävää arviointia varten: tapaamiset ja yhteydenotot lajeittain, tavatut "
        "lapset. Sisäinen raportti: lukuja ei salata."
    ),
    applies=lambda form: form.kind == ServiceForm.Kind.OUTPATIENT,
    period=Period.HALF_YEAR,
    outgoing=False,
    visible="statistics.form.view",
    sections=(
        Section(
            _("Tehty työ"),
            (
                Line("outpatient.work_done", 1, ("work_type", "met")),
                Line("outpatient.work_done", 1, ("month",), label=_("Tehty työ kuukausittain")),
                Line("outpatient.children_met", 1, ("gender",)),
            ),
        ),
        Section(
            _("Asiakkaat"),
            (
                Line("outpatient.clients", 1, ("adult_child", "new_or_continuing")),
                Line("outpatient.no_shows", 1, ("month",)),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(WORK_DONE)
