"""Consents recorded in an episode (CON-01, CON-09): sharing with a service form, follow-up."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.people.models import Consent

from ..models import Episode, Participant
from ._common import _require_editor

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.people.models import Person


@transaction.atomic
def consent_record(
    *,
    actor: User,
    episode: Episode,
    person: Person,
    purpose: str,
    given_on: dt.date,
    recipient_service_form: ServiceForm | None = None,
    scope_text: str = "",
    valid_until: dt.date | None = None,
) -> Consent:
    """Record a client's consent given in this episode (CON-01, CON-09).

    A *sharing* consent names the service form that may then read this episode (access basis
    ``consent``); the wall still applies — perpetrator work never reads victim work by consent.
    A *follow-up* consent is the contact permission for later feedback.
    """
    _require_editor(actor, episode)
    if not Participant.objects.filter(episode=episode, person=person).exists():
        raise ValidationError({"person": _("Valitse henkilö tämän asiakkuuden osallistujista.")})
    if purpose == Consent.Purpose.SHARING:
        if recipient_service_form is None:
            raise ValidationError(
                {"recipient_service_form": _("Valitse työmuoto, jonka kanssa tietoja saa jakaa.")}
            )
        if recipient_service_form.pk == episode.service_form_id:
            raise ValidationError(
                {"recipient_service_form": _("Oman työmuodon työntekijät näkevät asiakkuuden jo.")}
            )
        if recipient_service_form.organisation_id != episode.organisation_id:
            raise ValidationError(
                {"recipient_service_form": _("Valittu työmuoto ei kuulu organisaatioon.")}
            )
        if (
            recipient_service_form.violence_work == "perpetrator"
            and episode.service_form.violence_work == "victim"
        ):
            raise ValidationError(
                {
                    "recipient_service_form": _(
                        "Väkivaltaa kokeneiden työn tietoja ei jaeta väkivaltaa käyttäneiden työhön."
                    )
                }
            )
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Suostumuksen päivä ei voi olla tulevaisuudessa.")})
    if valid_until is not None and valid_until < given_on:
        raise ValidationError(
            {"valid_until": _("Voimassaolo ei voi päättyä ennen suostumuksen antamista.")}
        )
    consent = Consent(
        person=person,
        purpose=purpose,
        recipient_service_form=recipient_service_form
        if purpose == Consent.Purpose.SHARING
        else None,
        episode=episode,
        scope=scope_text,
        given_on=given_on,
        valid_until=valid_until,
        recorded_by=actor,
    )
    with scope(organisation=episode.organisation_id):
        save_validated(consent, actor=actor)
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, withdrawn_on: dt.date | None = None
) -> Consent:
    """The client withdraws a consent: sharing stops from that day; the record stays."""
    episode = consent.episode
    if episode is None:
        raise ValidationError(_("Suostumusta ei ole kirjattu asiakkuuteen."))
    _require_editor(actor, episode)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Suostumus on jo peruttu."))
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    with scope(organisation=episode.organisation_id):
        save_validated(consent, actor=actor)
    return consent
