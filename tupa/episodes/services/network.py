"""Work with the network: network client meetings (CLI-15) and referrals to outside services (CLI-09)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated

from ..models import Episode, ExternalReferral, NetworkMeeting
from ._common import _check_same_organisation, _require_editor, _today

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner


@transaction.atomic
def network_meeting_add(
    *,
    actor: User,
    episode: Episode,
    held_on: dt.date,
    external_participants: str = "",
    partners: Iterable[Partner] = (),
    notes: str = "",
    child_participated: bool = False,
) -> NetworkMeeting:
    """A network client meeting (CLI-15) with its external participants."""
    _require_editor(actor, episode)
    partner_list = list(partners)
    for partner in partner_list:
        _check_same_organisation(episode.organisation_id, partners=partner)
    meeting = NetworkMeeting(
        episode=episode,
        held_on=held_on,
        external_participants=external_participants.strip(),
        notes=notes.strip(),
        child_participated=child_participated,
        created_by=actor,
    )
    with scope(organisation=episode.organisation_id):
        save_validated(meeting, actor=actor)
        if partner_list:
            meeting.partners.set(partner_list)
    return meeting


@transaction.atomic
def external_referral_add(
    *,
    actor: User,
    episode: Episode,
    service_name: str,
    referred_on: dt.date | None = None,
    partner: Partner | None = None,
    note: str = "",
) -> ExternalReferral:
    """An outbound referral to an external service, recorded as an event (CLI-09)."""
    _require_editor(actor, episode)
    _check_same_organisation(episode.organisation_id, partner=partner)
    if not service_name.strip():
        raise ValidationError({"service_name": _("Kirjoita palvelu, johon asiakas ohjattiin.")})
    day = referred_on or _today()
    if day > _today():
        raise ValidationError({"referred_on": _("Päivä ei voi olla tulevaisuudessa.")})
    referral = ExternalReferral(
        episode=episode,
        partner=partner,
        service_name=service_name.strip(),
        referred_on=day,
        note=note.strip(),
        created_by=actor,
    )
    with scope(organisation=episode.organisation_id):
        save_validated(referral, actor=actor)
    return referral
