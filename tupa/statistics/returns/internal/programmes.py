"""A service form's group statistics: the internal follow-up report of its group programmes.

Over any date range (the year by default): sessions held and cancelled, attendances and
absences (absent and excused: the attendance rate is visits / (visits + absences)), members
and persons present and the anonymous participants, in total and per programme — what the
programme page's figures box showed (the page links here over the programme's period). The
counts drill down to the participants' episodes only for a viewer who may see them anyway.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.programmes.registrations import can_run_programmes

from ..base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Section

PROGRAMMES = ReturnTemplate(
    id="internal.programmes",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Ryhmien tilastot"),
    description=_(
        "Työmuodon ryhmien kokoontumiset, käynnit, poissaolot ja osallistujat valitulta "
        "aikaväliltä yhteensä ja ryhmittäin. Läsnäoloaste on käynnit jaettuna käyntien ja "
        "poissaolojen summalla. Sisäinen raportti: lukuja ei salata."
    ),
    applies=can_run_programmes,
    period=Period.RANGE,
    outgoing=False,
    visible="statistics.form.view",
    sections=(
        Section(
            _("Yhteensä"),
            (
                Line("programmes.sessions", 1, ("programme_type",)),
                Line("programmes.cancelled_sessions", 1),
                Line("programmes.attendances", 1, ("month",)),
                Line("programmes.absences", 1, ("absence",)),
                Line("programmes.members_present", 1),
                Line("programmes.participants", 1, ("adult_child", "gender")),
                Line("programmes.anonymous", 1, ("adult_child",)),
            ),
        ),
        Section(
            _("Ryhmittäin"),
            (
                Line("programmes.sessions", 1, ("programme",)),
                Line("programmes.cancelled_sessions", 1, ("programme",)),
                Line("programmes.attendances", 1, ("programme",)),
                Line("programmes.absences", 1, ("programme", "absence")),
                Line("programmes.members_present", 1, ("programme",)),
                # A person in two programmes is in both rows: the sum is no distinct count.
                Line("programmes.persons", 1, ("programme",)),
                Line("programmes.anonymous", 1, ("programme", "adult_child")),
            ),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(PROGRAMMES)
