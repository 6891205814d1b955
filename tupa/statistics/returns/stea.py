"""STEA's yearly results report (*tuloksellisuusraportti*) per grant-funded service form.

A form has the report for a year when the grants register holds a STEA grant, granted in full
or in part, that funds the form that year; the report's page names the grant targets, and
marking it sent marks their results-report deadline of that year done.

One template per kind of funded activity — the open meeting place, outpatient work, group
work, volunteer work and prevention work (TPPH: its activities, the people they reached and the
materials handed out, from :mod:`tupa.prevention`) — the six perspectives of the old TVS template
as sections (finnish-requirements §2). Every figure carries its provenance; all the figures here
are counted from the records. In version 1 of the first four, the perspectives whose data Tupa
did not hold yet (staff, volunteer, participant and partner surveys) say so instead of showing a
number; their version 2 and the prevention template count them from the feedback surveys.
A STEA grant with no form (the association's general grant, Ay) has no report here.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from tupa.finance.models.grants import STEA_KINDS
from tupa.organisations.models import ServiceForm

from .base import Label, Line, Recipient, ReturnRegistry, ReturnTemplate, Section

_NOT_YET = _(
    "Tämän näkökulman tiedot tulevat palautekyselyistä ja vapaaehtoistyön kirjauksista, "
    "kun ne otetaan Tupassa käyttöön; siihen asti ne raportoidaan STEA:lle muualta."
)
# The goals come from the annual plan (the form's goals of the year, with their follow-up);
# the figures of the sections below are their evidence.
_GOALS = Section(
    _("I Tavoitteiden toteutuminen"),
    (),
    _(
        "Työmuodon vuoden tavoitteet ja niiden seuranta vuosisuunnitelmasta (Suunnitelma); "
        "alla olevat luvut ovat niiden näyttöä."
    ),
    plan_goals=True,
)
_VIEWS = (
    Section(_("III Henkilöstön näkökulma"), (), _NOT_YET),
    Section(_("IV Vapaaehtoisten näkökulma"), (), _NOT_YET),
    Section(_("V Osallistujien ja kohderyhmän näkökulma"), (), _NOT_YET),
    Section(_("VI Yhteistyökumppanien näkökulma"), (), _NOT_YET),
)
_DESCRIPTION = _(
    "STEA:n tuloksellisuusraportti avustuskohteesta, jätetään STEA:n asiointipalvelussa "
    "maaliskuussa. Luvut lasketaan Tupan seurantatiedoista; jokaisen luvun kohdalla kerrotaan, "
    "onko se laskettu, otos vai arvio. Ihmisiä koskevat alle viiden luvut salataan."
)


def _stea(
    id: str,
    kind: str,
    title: Label,
    sections: tuple[Section, ...],
    visible: str = "statistics.form.view",
) -> ReturnTemplate:
    """Version 1 of STEA's report for the STEA-funded forms of one ``kind``: what the five
    reports share (recipient, description, the grants, visibility) said once. The deadline is
    the grants register's results-report deadline of the form's grant and year; 31 March only
    when the register has none (:meth:`~.base.GrantsRegister.deadline`)."""
    return ReturnTemplate(
        id=id,
        version=1,
        recipient=Recipient.STEA,
        title=title,
        description=_DESCRIPTION,
        applies=lambda form: form.kind == kind,
        deadline=(3, 31),  # unless the grants register says otherwise
        visible=visible,
        granted_by=STEA_KINDS,
        sections=sections,
    )


def _volume(*lines: Line) -> Section:
    """Perspective II, the volume and reach of the activity."""
    return Section(_("II Toiminnan määrä ja tavoittavuus"), lines)


STEA_DROP_IN = _stea(
    "stea.drop_in",
    ServiceForm.Kind.DROP_IN,
    _("STEA: tuloksellisuusraportti (avoin kohtaamispaikka)"),
    (
        _GOALS,
        _volume(
            Line("dropin.visits", 1, ("month",), label=_("Käynnit kuukausittain")),
            Line("dropin.visits", 1, ("visitor",), label=_("Käynnit kävijäryhmittäin")),
            Line("dropin.first_time_families", 1),
            Line("dropin.opening_days", 1),
            Line("dropin.childcare_children", 1),
            Line("programmes.participants", 1),
        ),
        *_VIEWS,
    ),
)

STEA_OUTPATIENT = _stea(
    "stea.outpatient",
    ServiceForm.Kind.OUTPATIENT,
    _("STEA: tuloksellisuusraportti (avopalvelu)"),
    (
        _GOALS,
        _volume(
            Line("outpatient.clients", 1, ("adult_child", "gender")),
            Line("outpatient.clients", 1, ("new_or_continuing",), label=_("Uudet asiakkaat")),
            Line("outpatient.clients", 1, ("referral_source",), label=_("Ohjaajat")),
            Line("outpatient.visits", 1, ("month",)),
            Line("outpatient.visits", 1, ("type",), label=_("Käynnit lajeittain")),
            Line("outpatient.visits", 1, ("place_kind",), label=_("Käynnit paikoittain")),
            Line("outpatient.no_shows", 1),
            Line("outpatient.contacts", 1, ("type",)),
            Line("programmes.participants", 1),
        ),
        *_VIEWS,
    ),
)

STEA_GROUP = _stea(
    "stea.group",
    ServiceForm.Kind.GROUP,
    _("STEA: tuloksellisuusraportti (ryhmätoiminta)"),
    (
        _GOALS,
        _volume(
            Line("programmes.participants", 1),
            Line("programmes.sessions", 1),
            Line("programmes.attendances", 1),
        ),
        *_VIEWS,
    ),
)


STEA_VOLUNTEER = _stea(
    "stea.volunteer",
    ServiceForm.Kind.VOLUNTEER,
    _("STEA: tuloksellisuusraportti (vapaaehtoistoiminta)"),
    visible="volunteers.statistics.view",
    sections=(
        _GOALS,
        _volume(
            # Mieskaveritoiminta's own measures (REP-05): processes and their success,
            # male friends, referred families.
            Line("volunteers.matches_started", 1),
            Line("volunteers.matches_ended", 1, ("success",)),
            Line("volunteers.male_friends", 1),
            Line("volunteers.referred_families", 1),
            Line("volunteers.occasions", 1, ("activity_kind",)),
        ),
        _VIEWS[0],
        Section(
            _("IV Vapaaehtoisten näkökulma"),
            (
                Line("volunteers.volunteers", 1, ("status",)),
                Line("volunteers.new", 1),
                Line("volunteers.ended", 1),
                Line("volunteers.participants", 1),
                Line("volunteers.hours", 1, ("activity_kind",)),
                Line("volunteers.courses", 1, ("course_kind",)),
                Line("volunteers.completions", 1, ("course_kind",)),
            ),
            _(
                "Vapaaehtoisten määrä, toiminta ja koulutus lasketaan vapaaehtoisrekisteristä; "
                "vapaaehtoisten kokemukset tulevat palautekyselyistä, kun ne otetaan käyttöön."
            ),
        ),
        *_VIEWS[2:],
    ),
)


# Version 2 (issue 13): perspectives III–VI from the feedback surveys and the outcome measure
# (``tupa.statistics.indicators.surveys``). Version 1 stays registered for returns sent with it.
_FEEDBACK_NOTE = _(
    "Luvut lasketaan Tupan palautekyselyistä. Vastausten jakaumat, keskiarvot ja vapaat "
    "tekstit ovat kyselyn tulossivulla (Palaute → kysely → Tulokset); alle viiden vastaajan "
    "luvut salataan."
)
_VIEWS_2 = (
    Section(
        _("III Henkilöstön näkökulma"),
        (Line("surveys.staff_feedback", 1, ("questionnaire",)),),
        _FEEDBACK_NOTE,
    ),
    Section(
        _("IV Vapaaehtoisten näkökulma"),
        (Line("surveys.volunteer_feedback", 1, ("questionnaire",)),),
        _FEEDBACK_NOTE,
    ),
    Section(
        _("V Osallistujien ja kohderyhmän näkökulma"),
        (
            Line("surveys.client_feedback", 1, ("questionnaire",)),
            Line("surveys.client_feedback", 1, ("channel",), label=_("Asiakaspalaute kanavittain")),
            Line("surveys.invitations", 1, ("answered",)),
            Line("surveys.outcome_change", 1, ("direction",)),
        ),
        _FEEDBACK_NOTE,
    ),
    Section(
        _("VI Yhteistyökumppanien näkökulma"),
        (Line("surveys.partner_feedback", 1, ("questionnaire",)),),
        _FEEDBACK_NOTE,
    ),
)


def _with_feedback(template: ReturnTemplate) -> ReturnTemplate:
    """The next version of ``template`` with perspectives III–VI counted from the surveys."""
    by_title = {str(v.title): v for v in _VIEWS_2}
    sections = []
    for section in template.sections:
        feedback = by_title.get(str(section.title))
        if feedback is None:
            sections.append(section)
        elif section.lines:  # the volunteer register's figures stay; the surveys' join them
            sections.append(Section(section.title, section.lines + feedback.lines, _FEEDBACK_NOTE))
        else:
            sections.append(feedback)
    return replace(template, version=template.version + 1, sections=tuple(sections))


# Prevention work (TPPH, ``tupa.prevention``): counted from its activity register, no clients.
# A later template than the other four, so version 1 already has perspectives III–VI from the
# feedback surveys (the same sections as their version 2).
STEA_PREVENTION = _stea(
    "stea.prevention",
    ServiceForm.Kind.PREVENTION,
    _("STEA: tuloksellisuusraportti (ehkäisevä työ)"),
    (
        _GOALS,
        _volume(
            Line("prevention.activities", 1, ("kind",), label=_("Tilaisuudet lajeittain")),
            Line("prevention.activities", 1, ("month",), label=_("Tilaisuudet kuukausittain")),
            Line(
                "prevention.activities",
                1,
                ("role",),
                label=_("Tilaisuudet työmuodon osuuden mukaan"),
            ),
            Line("prevention.reached", 1, ("audience",), label=_("Tavoitetut kohderyhmittäin")),
            # The trainings' reach: how many professionals a training or a lecture reached.
            Line(
                "prevention.reached",
                1,
                ("kind", "audience"),
                label=_("Tavoitetut tilaisuuden lajin ja kohderyhmän mukaan"),
            ),
            Line(
                "prevention.materials",
                1,
                ("material",),
                label=_("Jaetut materiaalit materiaaleittain"),
            ),
            Line(
                "prevention.materials",
                1,
                ("recipient_kind",),
                label=_("Jaetut materiaalit vastaanottajittain"),
            ),
        ),
        *_VIEWS_2,
    ),
)

STEA_DROP_IN_2 = _with_feedback(STEA_DROP_IN)
STEA_OUTPATIENT_2 = _with_feedback(STEA_OUTPATIENT)
STEA_GROUP_2 = _with_feedback(STEA_GROUP)
STEA_VOLUNTEER_2 = _with_feedback(STEA_VOLUNTEER)

# The next version of each (the prevention template's second, the others' third): the feedback
# by questionnaire lists only the questionnaires the form's respondents answer (the feedback
# indicators' version 2), not every questionnaire of the association with most rows 0.
_OWN_QUESTIONNAIRES = frozenset(
    {
        "surveys.client_feedback",
        "surveys.partner_feedback",
        "surveys.volunteer_feedback",
        "surveys.staff_feedback",
    }
)


def _own_questionnaires(template: ReturnTemplate) -> ReturnTemplate:
    """The next version of ``template`` with its feedback lines on version 2."""

    def line(spec: Line) -> Line:
        return replace(spec, version=2) if spec.indicator in _OWN_QUESTIONNAIRES else spec

    sections = tuple(
        replace(section, lines=tuple(line(spec) for spec in section.lines))
        for section in template.sections
    )
    return replace(template, version=template.version + 1, sections=sections)


STEA_DROP_IN_3 = _own_questionnaires(STEA_DROP_IN_2)
STEA_OUTPATIENT_3 = _own_questionnaires(STEA_OUTPATIENT_2)
STEA_GROUP_3 = _own_questionnaires(STEA_GROUP_2)
STEA_VOLUNTEER_3 = _own_questionnaires(STEA_VOLUNTEER_2)
STEA_PREVENTION_2 = _own_questionnaires(STEA_PREVENTION)


def register(registry: ReturnRegistry) -> None:
    registry.register(STEA_DROP_IN, STEA_OUTPATIENT, STEA_GROUP, STEA_VOLUNTEER)
    registry.register(STEA_DROP_IN_2, STEA_OUTPATIENT_2, STEA_GROUP_2, STEA_VOLUNTEER_2)
    registry.register(STEA_PREVENTION)
    registry.register(
        STEA_DROP_IN_3, STEA_OUTPATIENT_3, STEA_GROUP_3, STEA_VOLUNTEER_3, STEA_PREVENTION_2
    )
