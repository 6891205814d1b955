"""Every outpatient form's own statistics (issue 11): *Avopalvelun tilastot*.

Avokriisityö, Jussi-työ, Lapsityö, Alvari, Baby blues — whatever funds them — follow their
clients and new clients (adults and children), their visits by type and place, no-shows, the
clients' referral sources and group participation over any date range (the year by default;
a half-year for the six-monthly review). The lines are the outpatient lines of STEA's report
(``stea.outpatient``): the same indicator versions and dimensions, so the figures here and in a
STEA-funded form's report agree, and no counting of their own. Internal: nothing is suppressed,
nothing is sent. The half-yearly *tehty työ* is :data:`.outpatient.WORK_DONE`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import ServiceForm

from ..base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Section


def is_outpatient(form: ServiceForm) -> bool:
    return bool(form.kind == ServiceForm.Kind.OUTPATIENT)


OUTPATIENT = ReturnTemplate(
    id="internal.outpatient",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Avopalvelun tilastot"),
    description=_(
        "Avopalvelun asiakkaat ja uudet asiakkaat aikuisittain ja lapsittain, asiakkaiden "
        "ohjaajat, toteutuneet tapaamiset lajeittain ja paikoittain, tapaamiset, joihin asiakas "
        "ei saapunut, yhteydenotot sekä ryhmiin osallistuneet valitulta aikaväliltä. Samat "
        "luvut kuin STEA:n tuloksellisuusraportissa. Sisäinen raportti: lukuja ei salata."
    ),
    applies=is_outpatient,
    period=Period.RANGE,
    outgoing=False,
    visible="statistics.form.view",
    sections=(
        Section(
            _("Asiakkaat"),
            (
                Line("outpatient.clients", 1, ("adult_child", "gender")),
                Line(
                    "outpatient.clients",
                    1,
                    ("adult_child", "new_or_continuing"),
                    label=_("Uudet asiakkaat"),
                ),
                Line("outpatient.clients", 1, ("referral_source",), label=_("Ohjaajat")),
            ),
        ),
        Section(
            _("Tapaamiset"),
            (
                Line("outpatient.visits", 1, ("month",), label=_("Käynnit kuukausittain")),
                Line("outpatient.visits", 1, ("type",), label=_("Käynnit lajeittain")),
                Line("outpatient.visits", 1, ("place_kind",), label=_("Käynnit paikoittain")),
                Line("outpatient.no_shows", 1, ("month",)),
                Line("outpatient.contacts", 1, ("type",)),
            ),
        ),
        Section(
            _("Ryhmät"),
            (Line("programmes.participants", 1, ("adult_child",)),),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(OUTPATIENT)
