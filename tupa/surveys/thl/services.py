"""Writes of the shelter's THL feedback (FBK-06, CON-06).

- :func:`thl_form_given_record` — that THL's feedback form link was given to one participant
  (adult or child) of a shelter episode; once per person and episode.
- :func:`thl_summary_upload` — THL's periodic summary of the shelter's national feedback, as a
  PDF/XLSX/DOCX document.
- :func:`refuse_shelter` — the guard every other feedback write calls: no Tupa questionnaire is
  answered for a shelter episode or form, so no individual shelter answer ever enters Tupa.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import clients
from tupa.access import surveys as access
from tupa.core.dates import check_dates
from tupa.episodes.models import Participant
from tupa.surveys.models import ThlFormGiven, ThlSummary
from tupa.surveys.thl.files import validate_document

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from tupa.accounts.models import User
    from tupa.episodes.models import Episode
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Person


def refuse_shelter(service_form: ServiceForm) -> None:
    """Raise when ``service_form`` is a shelter: its clients answer THL's form, never Tupa's."""
    if access.is_thl_feedback_form(service_form):
        raise ValidationError(
            _(
                "Turvakodin asiakkaat antavat palautteen THL:n valtakunnallisella lomakkeella. "
                "Tupaan kirjataan vain, että lomakkeen linkki on annettu; vastauksia ei "
                "tallenneta Tupaan."
            ),
            code="shelter",
        )


@transaction.atomic
def thl_form_given_record(
    *, actor: User, episode: Episode, person: Person, given_on: dt.date | None = None
) -> ThlFormGiven:
    """Record that the THL form's link was given to ``person`` of the shelter ``episode``."""
    service_form = episode.service_form
    if not access.is_thl_feedback_form(service_form):
        raise ValidationError(_("THL:n asiakaspalautelomake koskee vain turvakotia."))
    if not access.may(actor, access.INVITE, service_form) or (
        clients.episode_basis(user=actor, episode=episode) is None
    ):
        raise PermissionDenied
    day = given_on or timezone.localdate()
    check_dates(given_on=day)
    if day > timezone.localdate():
        raise ValidationError({"given_on": _("Päivä ei voi olla tulevaisuudessa.")})
    if not Participant.objects.filter(episode=episode, person=person).exists():
        raise ValidationError(_("Henkilö ei ole tämän asiakkuuden osallinen."))
    with scope(organisation=episode.organisation_id):
        existing = ThlFormGiven.objects.filter(episode=episode, person=person).first()
        if existing is not None:
            raise ValidationError(
                _("Linkki on jo kirjattu annetuksi %(day)s.")
                % {
                    "day": f"{existing.given_on.day}.{existing.given_on.month}.{existing.given_on.year}"
                }
            )
        return ThlFormGiven.objects.create(
            organisation_id=episode.organisation_id,
            episode=episode,
            person=person,
            given_on=day,
            recorded_by=actor,
        )


@transaction.atomic
def thl_summary_upload(
    *,
    actor: User,
    service_form: ServiceForm,
    period_start: dt.date,
    period_end: dt.date,
    uploaded: UploadedFile,
    note: str = "",
) -> ThlSummary:
    """Store THL's summary of a period as a document (served only through a checked view)."""
    if not access.is_thl_feedback_form(service_form):
        raise ValidationError(_("THL:n palauteyhteenvedot koskevat vain turvakotia."))
    if not access.may(actor, access.MANAGE, service_form):
        raise PermissionDenied
    check_dates(period_start=period_start, period_end=period_end)
    if period_end < period_start:
        raise ValidationError({"period_end": _("Jakso ei voi päättyä ennen alkamistaan.")})
    try:
        document = validate_document(uploaded)
    except ValidationError as error:
        raise ValidationError({"document": error.messages}) from error
    summary = ThlSummary(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        period_start=period_start,
        period_end=period_end,
        note=note.strip(),
        uploaded_by=actor,
    )
    summary.document.save(
        f"{uuid.uuid4().hex}{document.extension}", ContentFile(document.data), save=False
    )
    stored = summary.document.name

    def _discard() -> None:
        with contextlib.suppress(OSError):
            summary.document.storage.delete(stored)

    try:
        with scope(organisation=service_form.organisation_id):
            summary.save()
    except BaseException:
        _discard()
        raise
    return summary
