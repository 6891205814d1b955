"""Indicators of feedback and outcomes (issue 13; :mod:`tupa.surveys`).

* ``surveys.responses`` — answer sets given in the period, by service form, respondent group,
  channel and questionnaire. An anonymous one keeps only its month (dated its first day), so
  it counts in the period that holds the first day of its month (exact for every return's
  period; a period from mid-month counts the months that begin in it). The groups' own indicators (clients, partners, volunteers, staff) feed STEA's
  perspectives V, VI, IV and III.
* ``surveys.invitations`` — invitations made in the period (not cancelled), answered or not:
  the response rate is answered ÷ all, read from the two figures. Kiosk, paper, oral and
  imported answers have no invitations.
* ``surveys.outcome_change`` — clients whose last outcome measurement (Vaikuttavuus esiin) is
  in the period, by the direction of their change from the first measurement
  (:func:`tupa.surveys.results.outcome.client_changes`: the score change over the questions
  answered both times; higher is better).

No drill-down lists records behind these figures (``records=False``): most answers are
anonymous, and a linked answer's text is read on the results page under its own rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, Final

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.shapes import Shape
from tupa.surveys.models import Channel, Invitation, Questionnaire, Response, Target
from tupa.surveys.results import outcome

from .base import Choices, Dimension, Indicator, IndicatorRegistry, Params, Unit
from .dimensions import SERVICE_FORM
from .reads import in_period, period_rows, shared_read

ANSWERED_YES, ANSWERED_NO = "yes", "no"

CLIENT_TARGETS = (Target.ADULT, Target.CHILD, Target.PARENT)


_QUESTIONNAIRES: Final = Shape(
    lambda s: Questionnaire.objects.filter(organisation_id=s.organisation).order_by("name", "pk"),
    name="the organisation's questionnaires",
)


@shared_read  # the questionnaire dimension's choices and the outcome measures
def _organisation_questionnaires(organisation_id: int) -> tuple[Questionnaire, ...]:
    return tuple(_QUESTIONNAIRES.instances(organisation=organisation_id))


def _questionnaires(params: Params) -> Choices:
    return tuple((str(q.pk), q.name) for q in _organisation_questionnaires(params.organisation_id))


QUESTIONNAIRE = Dimension("questionnaire", _("kysely"), _questionnaires)


def _questionnaires_of(targets: tuple[str, ...]) -> Callable[[Params], Choices]:
    """The questionnaire breakdown of a respondent group's figure, version 2: the
    questionnaires that group answers for the figure's service forms — the forms' own and the
    whole organisation's, not archived — and any other that such an answer in the period came
    from. Version 1 listed every questionnaire of the organisation, so a form's STEA report had
    a row for each, most of them 0. No extra query: the answers are the figure's own read."""

    def choices(params: Params) -> Choices:
        answered = {q for _f, t, _c, q in _response_rows(params) if t in targets}
        forms = set(params.service_form_ids)
        return tuple(
            (str(q.pk), q.name)
            for q in _organisation_questionnaires(params.organisation_id)
            if q.pk in answered
            or (
                q.target in targets
                and not q.archived
                and (q.service_form_id is None or q.service_form_id in forms)
            )
        )

    return choices


TARGET = Dimension("target", _("vastaajat"), tuple(Target.choices))
CHANNEL = Dimension("channel", _("kanava"), tuple(Channel.choices))
ANSWERED = Dimension(
    "answered", _("vastattu"), ((ANSWERED_YES, _("vastattu")), (ANSWERED_NO, _("ei vastattu")))
)
DIRECTION = Dimension(
    "direction",
    _("muutoksen suunta"),
    (
        (outcome.IMPROVED, _("parani")),
        (outcome.UNCHANGED, _("ennallaan")),
        (outcome.WORSENED, _("heikkeni")),
    ),
)


_RESPONSES: Final = Shape(
    lambda s: (
        Response.objects.filter(
            submitted_on__gte=s.start,
            submitted_on__lte=s.end,
            organisation_id=s.organisation,
            service_form_id__in=s.forms,
        )
        .order_by("service_form_id", "pk")
        .values_list(
            "service_form_id",
            "version__questionnaire__target",
            "channel",
            "version__questionnaire_id",
        )
    )
)


@shared_read  # every response group's line reads the same answers and keeps its targets
def _response_rows(params: Params) -> list[tuple[Any, ...]]:
    return period_rows(_RESPONSES, params)


def _responses(params: Params, targets: tuple[str, ...] | None) -> Iterator[Unit]:
    for form_id, target, channel, questionnaire_id in _response_rows(params):
        if targets is None or target in targets:
            yield Unit(values=(str(form_id), target, channel, str(questionnaire_id)))


def _responses_of(targets: tuple[str, ...] | None) -> Callable[[Params], Iterator[Unit]]:
    return lambda params: _responses(params, targets)


_INVITATIONS: Final = Shape(
    lambda s: (
        Invitation.objects.filter(
            in_period(s, "created_at"),
            organisation_id=s.organisation,
            service_form_id__in=s.forms,
        )
        .exclude(status=Invitation.Status.CANCELLED)
        .order_by("service_form_id", "pk")
        .values_list("service_form_id", "version__questionnaire_id", "status")
    )
)


def invitation_units(params: Params) -> Iterator[Unit]:
    rows = period_rows(_INVITATIONS, params)
    for form_id, questionnaire_id, status in rows:
        answered = ANSWERED_YES if status == Invitation.Status.ANSWERED else ANSWERED_NO
        yield Unit(values=(str(form_id), str(questionnaire_id), answered))


def change_units(params: Params) -> Iterator[Unit]:
    measures = [
        q for q in _organisation_questionnaires(params.organisation_id) if q.is_outcome_measure
    ]
    with scopes_disabled():
        changes = [
            change
            for questionnaire in measures
            for change in outcome.client_changes(
                questionnaire,
                start=params.start,
                end=params.end,
                service_form_ids=params.service_form_ids,
            )
        ]
    for c in changes:
        yield Unit(
            values=(str(c.service_form_id), outcome.direction(c.change)),
            episode_id=c.episode_id,
            person_id=c.person_id,
        )


_RESPONSE_DIMENSIONS = (SERVICE_FORM, TARGET, CHANNEL, QUESTIONNAIRE)
_RESPONSE_RULE = _(
    "Palautekyselyihin tallennetut vastaukset, joiden vastauskuukausi on kaudella (nimettömistä "
    "vastauksista säilytetään vain kuukausi), kanavasta riippumatta (linkki, kioski, "
    "paperilomake, suullinen palaute, tiedostosta tuotu)."
)

RESPONSES = Indicator(
    id="surveys.responses",
    version=1,
    title=_("Palautekyselyjen vastaukset"),
    rule=_RESPONSE_RULE,
    unit_label=_("vastausta"),
    dimensions=_RESPONSE_DIMENSIONS,
    units=_responses_of(None),
    records=False,
)


_OWN_QUESTIONNAIRES = _(
    "Kyselyittäin näytetään vain kyselyt, joihin tämä vastaajaryhmä vastaa työmuodossa: "
    "työmuodon omat ja koko organisaation kyselyt sekä muut, joista kaudella on vastauksia."
)


def _group(key: str, title: object, targets: tuple[str, ...], note: object) -> Indicator:
    return Indicator(
        id=f"surveys.{key}",
        version=1,
        title=title,  # type: ignore[arg-type]
        rule=format_lazy("{} {}", _RESPONSE_RULE, note),
        unit_label=_("vastausta"),
        dimensions=_RESPONSE_DIMENSIONS,
        units=_responses_of(targets),
        records=False,
    )


def _group_2(group: Indicator, targets: tuple[str, ...]) -> Indicator:
    """Version 2 of a respondent group's figure: the same count, broken down only by the
    questionnaires the group answers in the forms (:func:`_questionnaires_of`)."""
    dimension = Dimension("questionnaire", _("kysely"), _questionnaires_of(targets))
    return replace(
        group,
        version=2,
        rule=format_lazy("{} {}", group.rule, _OWN_QUESTIONNAIRES),
        dimensions=(SERVICE_FORM, TARGET, CHANNEL, dimension),
    )


CLIENT_FEEDBACK = _group(
    "client_feedback",
    _("Asiakaspalautteen vastaukset"),
    CLIENT_TARGETS,
    _("Vain kyselyt, joihin vastaavat asiakkaat: aikuiset, lapset ja vanhemmat."),
)
PARTNER_FEEDBACK = _group(
    "partner_feedback",
    _("Yhteistyökumppanien palautteen vastaukset"),
    (Target.REFERRER,),
    _("Vain lähettäjille ja yhteistyökumppaneille tarkoitetut kyselyt."),
)
VOLUNTEER_FEEDBACK = _group(
    "volunteer_feedback",
    _("Vapaaehtoisten palautteen vastaukset"),
    (Target.VOLUNTEER,),
    _("Vain vapaaehtoisille tarkoitetut kyselyt."),
)
STAFF_FEEDBACK = _group(
    "staff_feedback",
    _("Työntekijöiden itsearvioinnin vastaukset"),
    (Target.STAFF,),
    _("Vain työntekijöiden itsearviointikyselyt."),
)

CLIENT_FEEDBACK_2 = _group_2(CLIENT_FEEDBACK, CLIENT_TARGETS)
PARTNER_FEEDBACK_2 = _group_2(PARTNER_FEEDBACK, (Target.REFERRER,))
VOLUNTEER_FEEDBACK_2 = _group_2(VOLUNTEER_FEEDBACK, (Target.VOLUNTEER,))
STAFF_FEEDBACK_2 = _group_2(STAFF_FEEDBACK, (Target.STAFF,))

INVITATIONS = Indicator(
    id="surveys.invitations",
    version=1,
    title=_("Palautekutsut ja niihin vastaaminen"),
    rule=_(
        "Kaudella (Suomen aikaa) tehdyt palautekutsut, joita ei ole peruttu, sen mukaan onko "
        "kutsuun vastattu. Vastausprosentti on vastattujen osuus kaikista. Kioskilla, "
        "paperilomakkeella ja suullisesti annetuilla tai tiedostosta tuoduilla vastauksilla ei "
        "ole kutsua."
    ),
    unit_label=_("kutsua"),
    dimensions=(SERVICE_FORM, QUESTIONNAIRE, ANSWERED),
    units=invitation_units,
    records=False,
)

OUTCOME_CHANGE = Indicator(
    id="surveys.outcome_change",
    version=1,
    title=_("Vaikuttavuusmittarin muutos"),
    rule=_(
        "Asiakkaat (asiakkuus ja henkilö), joiden viimeinen vaikuttavuusmittaus (esim. "
        "Vaikuttavuus esiin) on kaudella ja joilla on sitä ennen vähintään yksi mittaus. Muutos "
        "on viimeisen ja ensimmäisen mittauksen pisteiden erotus niissä kysymyksissä, joihin "
        "vastattiin kummallakin kerralla: parani (yli 0), ennallaan (0), heikkeni (alle 0)."
    ),
    unit_label=_("asiakasta"),
    dimensions=(SERVICE_FORM, DIRECTION),
    units=change_units,
    records=False,
)

ALL = (
    RESPONSES,
    CLIENT_FEEDBACK,
    PARTNER_FEEDBACK,
    VOLUNTEER_FEEDBACK,
    STAFF_FEEDBACK,
    CLIENT_FEEDBACK_2,
    PARTNER_FEEDBACK_2,
    VOLUNTEER_FEEDBACK_2,
    STAFF_FEEDBACK_2,
    INVITATIONS,
    OUTCOME_CHANGE,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(*ALL)
