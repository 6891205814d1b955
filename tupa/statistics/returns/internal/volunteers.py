"""A service form's volunteer statistics (*Vapaaehtoistoiminta*; VOL-10, REP-05, REP-06).

Over any date range (the year by default): the form's volunteers by status, gender and role,
the new and the ended, the realised activity (occasions, hours, the volunteers taking part),
the courses held and completed, and Mieskaveri matching (processes, their ends and success,
male friends, referred families) — in total, by month and by year. Read by the form's volunteer
coordinators, its leads and the executive director (policy action
``volunteers.statistics.view``); the figures drill down to the volunteers behind them only for
a viewer who may read those volunteers in the register, and never to the client families.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.volunteers.models import Assignment

from ..base import Line, Period, Recipient, ReturnRegistry, ReturnTemplate, Section

#: Who sees a form's volunteer statistics (decided on the form; see ``tupa.access.policy``).
VISIBLE = "volunteers.statistics.view"


def forms_with_volunteers(organisation_id: int) -> Collection[int]:
    """The organisation's forms where a volunteer has ever had a task (one query)."""
    with scopes_disabled():
        return set(
            Assignment.objects.filter(organisation_id=organisation_id)
            .values_list("service_form_id", flat=True)
            .distinct()
        )


def _by(by: str) -> tuple[Line, ...]:
    """The figures that happen on a date, broken down by ``by`` (``year`` or ``month``)."""
    return (
        Line("volunteers.new", 1, (by,)),
        Line("volunteers.ended", 1, (by,)),
        Line("volunteers.occasions", 1, (by,)),
        Line("volunteers.hours", 1, (by,)),
        Line("volunteers.courses", 1, (by,)),
        Line("volunteers.completions", 1, (by,)),
        Line("volunteers.matches_started", 1, (by,)),
        Line("volunteers.matches_ended", 1, (by, "success")),
        Line("volunteers.referred_families", 1, (by,)),
    )


VOLUNTEERS = ReturnTemplate(
    id="internal.volunteers",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Vapaaehtoistoiminta"),
    description=_(
        "Työmuodon vapaaehtoiset tiloittain ja tehtävittäin, uudet ja lopettaneet, "
        "toimintakerrat ja -tunnit, koulutukset ja niiden suoritukset sekä kaveritoiminnan "
        "prosessit ja niiden onnistuminen valitulta aikaväliltä yhteensä, kuukausittain ja "
        "vuosittain. Sisäinen raportti: lukuja ei salata."
    ),
    period=Period.RANGE,
    outgoing=False,
    visible=VISIBLE,
    available_in=forms_with_volunteers,
    sections=(
        Section(
            _("Vapaaehtoiset"),
            (
                Line("volunteers.volunteers", 1, ("status",)),
                Line("volunteers.volunteers", 1, ("volunteer_gender",)),
                # A volunteer in two roles is in both rows: the sum is no distinct count.
                Line("volunteers.tasks", 1, ("role",)),
                Line("volunteers.new", 1, ("role",)),
                Line("volunteers.ended", 1, ("role",)),
            ),
        ),
        Section(
            _("Toiminta"),
            (
                Line("volunteers.participants", 1),
                Line("volunteers.occasions", 1, ("activity_kind",)),
                Line("volunteers.hours", 1, ("activity_kind",)),
            ),
        ),
        Section(
            _("Koulutus"),
            (
                Line("volunteers.courses", 1, ("course_kind",)),
                Line("volunteers.completions", 1, ("course_kind",)),
            ),
        ),
        Section(
            _("Kaveritoiminta"),
            (
                Line("volunteers.matches_started", 1),
                Line("volunteers.matches_ended", 1, ("success",)),
                Line("volunteers.male_friends", 1),
                Line("volunteers.referred_families", 1),
            ),
            _("Mieskaveritoiminnan luvut (REP-05); muissa työmuodoissa nollia."),
        ),
        Section(_("Kuukausittain"), _by("month")),
        Section(_("Vuosittain"), _by("year")),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(VOLUNTEERS)
