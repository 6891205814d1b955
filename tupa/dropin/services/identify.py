"""ANO-05: an anonymous visitor who wants to become a named client of a service form."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.dropin import may_identify_into
from tupa.episodes.models import ReferralSource
from tupa.episodes.services import NewPerson, episode_open, person_for_intake
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_processing_allowed

from ..models import (
    IdentificationConsent,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import _require_member, _scoped

CONSENT_TEXT = (
    "Kävijä suostuu siihen, että hänet kirjataan nimellä yhdistyksen asiakkaaksi "
    "valittuun työmuotoon. Aiemmat nimettömät käynnit eivät liity häneen."
)


@transaction.atomic
def visitor_identify(
    *,
    actor: User,
    service_form: ServiceForm,
    target_service_form: ServiceForm,
    first_names: str,
    last_name: str,
    consent: bool,
    birth_date: dt.date | None = None,
    hetu: str = "",
) -> IdentificationConsent:
    """ANO-05: with the visitor's consent, make them an identified client of a service form.

    Creates (or finds, by identity code and name) the person and opens an episode in
    ``target_service_form`` — a form where the actor does client work. Without a recorded
    consent nothing is created. The anonymous counts are not touched.
    """
    _require_member(actor, service_form)
    errors: dict[str, str] = {}
    if consent is not True:
        errors["consent"] = _(
            "Kävijää voi kirjata asiakkaaksi vain hänen suostumuksellaan. "
            "Merkitse suostumus, kun kävijä on antanut sen."
        )
    if not may_identify_into(actor, service_form, target_service_form):
        errors["target_service_form"] = _("Valitse työmuoto, jossa teet asiakastyötä.")
    elif not target_service_form.active:
        errors["target_service_form"] = _("Työmuoto ei ole enää toiminnassa.")
    if not first_names.strip():
        errors["first_names"] = _("Anna etunimet.")
    if not last_name.strip():
        errors["last_name"] = _("Anna sukunimi.")
    if errors:
        raise ValidationError(errors)
    person = person_for_intake(
        actor=actor,
        service_form=target_service_form,
        new=NewPerson(
            first_names=first_names.strip(),
            last_name=last_name.strip(),
            hetu=hetu.strip() or None,
            birth_date=birth_date,
        ),
    )
    # GDPR art. 18: a returning visitor whose processing is restricted is not recorded.
    ensure_processing_allowed(person)
    episode = episode_open(
        actor=actor,
        service_form=target_service_form,
        person=person,
        referral_source=ReferralSource.SELF
        if target_service_form.pk == service_form.pk
        else ReferralSource.OTHER_SERVICE_FORM,
    )
    with _scoped(service_form.organisation_id):
        record = IdentificationConsent(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            person=person,
            episode=episode,
            consent_given=True,
            consent_text=CONSENT_TEXT,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        record.full_clean()
        record.save()
    return record
