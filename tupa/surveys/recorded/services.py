"""Writes of staff-recorded feedback (FBK-02).

:func:`feedback_record` is the one service for a paper form transcribed, oral feedback written
down, or a questionnaire filled in with the worker (an outcome measure at a measurement point
included). It checks who may record (``surveys.invite`` on the form, and the episode visible for a
linked answer), refuses the shelter (THL's form only, FBK-06), then stores the answers through
:func:`tupa.surveys.recording.response_record` with ``recorded_by`` set — so the channel marks the
answer as staff-recorded everywhere it is shown.

A paper or oral answer may leave required questions empty (the transcriber records what is on
the paper); one filled in with the worker may not. The submission key is derived from the
recorder and the form's one-time key, so a double submit stores one answer set and a key cannot
reach another user's response.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access import clients
from tupa.access import surveys as access
from tupa.core.dates import check_dates
from tupa.episodes.models import Participant
from tupa.surveys.models import (
    Channel,
    MeasurementPoint,
    QuestionnaireVersion,
    Response,
)
from tupa.surveys.recording import clean_answers, items_of, response_record
from tupa.surveys.thl.services import refuse_shelter

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.episodes.models import Episode
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Person

#: The channels a staff member records through these pages.
RECORDED_CHANNELS = (Channel.PAPER, Channel.ORAL, Channel.IN_PERSON)


class AnswersInvalid(Exception):
    """Some answers are not acceptable; ``errors`` maps item code → Finnish message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("answers invalid")
        self.errors = dict(errors)


def submission_key(actor: User, form_key: str) -> str:
    """The stored key of a recorded answer set: the recorder and the form's one-time key."""
    return hashlib.sha256(f"recorded:{actor.pk}:{form_key}".encode()).hexdigest()


def versions_for(
    service_form: ServiceForm, *, outcome_only: bool = False, linked: bool = True
) -> list[QuestionnaireVersion]:
    """The latest published version of each questionnaire usable in ``service_form``: its own
    and the organisation-wide ones, not archived; without an episode (``linked=False``) no
    outcome measure (its answers belong to a client's process). Empty for the shelter."""
    if access.is_thl_feedback_form(service_form):
        return []
    rows = (
        QuestionnaireVersion.objects.filter(
            questionnaire__organisation_id=service_form.organisation_id,
            questionnaire__archived=False,
            status=QuestionnaireVersion.Status.PUBLISHED,
        )
        .filter(Q(questionnaire__service_form=service_form) | Q(questionnaire__service_form=None))
        .select_related("questionnaire")
        .order_by("questionnaire__name", "questionnaire_id", "-number")
    )
    if outcome_only:
        rows = rows.filter(questionnaire__is_outcome_measure=True)
    elif not linked:
        rows = rows.filter(questionnaire__is_outcome_measure=False)
    latest: dict[int, QuestionnaireVersion] = {}
    for version in rows:
        latest.setdefault(version.questionnaire_id, version)
    return list(latest.values())


def _check_link(
    *,
    actor: User,
    service_form: ServiceForm,
    episode: Episode | None,
    person: Person | None,
    anonymous: bool,
) -> None:
    if anonymous:
        if episode is not None or person is not None:
            raise ValidationError(
                _("Nimettömään vastaukseen ei liitetä asiakkuutta eikä henkilöä.")
            )
        return
    if episode is None or person is None:
        raise ValidationError(
            {"respondent": _("Valitse, kenen vastaus on, tai kirjaa vastaus nimettömänä.")}
        )
    if episode.service_form_id != service_form.pk:
        raise PermissionDenied
    if clients.episode_basis(user=actor, episode=episode) is None:
        raise PermissionDenied
    if not Participant.objects.filter(episode=episode, person=person).exists():
        raise ValidationError({"respondent": _("Henkilö ei ole tämän asiakkuuden osallinen.")})


@transaction.atomic
def feedback_record(
    *,
    actor: User,
    version: QuestionnaireVersion,
    service_form: ServiceForm,
    channel: str,
    raw: Mapping[str, Any],
    form_key: str,
    submitted_on: dt.date,
    anonymous: bool,
    episode: Episode | None = None,
    person: Person | None = None,
    measurement_point: str = "",
) -> Response:
    """Store one staff-recorded answer set; the same ``form_key`` again returns the first one.

    Raises :class:`AnswersInvalid` (per item) or ``ValidationError`` (the recording's facts) in
    Finnish, ``PermissionDenied`` for a user who may not record it.
    """
    if actor.organisation_id != service_form.organisation_id or not access.may(
        actor, access.INVITE, service_form
    ):
        raise PermissionDenied
    refuse_shelter(service_form)
    if episode is not None:
        refuse_shelter(episode.service_form)
    questionnaire = version.questionnaire
    if questionnaire.organisation_id != service_form.organisation_id or (
        questionnaire.service_form_id not in (None, service_form.pk)
    ):
        raise PermissionDenied
    if version.status != QuestionnaireVersion.Status.PUBLISHED or questionnaire.archived:
        raise ValidationError(
            {"version": _("Kyselyä ei voi enää käyttää; valitse julkaistu kysely.")}
        )
    if channel not in RECORDED_CHANNELS:
        raise ValidationError({"channel": _("Valitse, miten palaute saatiin.")})
    errors: dict[str, str] = {}
    if questionnaire.is_outcome_measure:
        if anonymous:
            errors["respondent"] = _(
                "Vaikuttavuusmittarin vastaus liitetään asiakkuuteen; nimetön ei käy."
            )
        if measurement_point not in MeasurementPoint.values:
            errors["measurement_point"] = _("Valitse mittauspiste.")
    elif measurement_point:
        errors["measurement_point"] = _("Mittauspiste kirjataan vain vaikuttavuusmittarille.")
    check_dates(submitted_on=submitted_on)
    if submitted_on > timezone.localdate():
        errors["submitted_on"] = _("Vastauspäivä ei voi olla tulevaisuudessa.")
    if errors:
        raise ValidationError(errors)
    _check_link(
        actor=actor,
        service_form=service_form,
        episode=episode,
        person=person,
        anonymous=anonymous,
    )
    cleaned, answer_errors = clean_answers(
        version,
        raw,
        items=items_of(version),
        enforce_required=channel == Channel.IN_PERSON,
    )
    if answer_errors:
        raise AnswersInvalid(answer_errors)
    if not any(a.answered for a in cleaned.values()):
        raise AnswersInvalid({"": _("Kirjaa vähintään yksi vastaus.")})
    response, _created = response_record(
        version=version,
        service_form=service_form,
        channel=channel,
        answers=cleaned,
        submission_key=submission_key(actor, form_key),
        anonymous=anonymous,
        submitted_on=submitted_on,
        episode=None if anonymous else episode,
        person=None if anonymous else person,
        measurement_point=measurement_point,
        recorded_by=actor,
    )
    return response
