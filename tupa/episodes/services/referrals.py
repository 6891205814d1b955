"""Referrals between the association's service forms (CLI-08), with the client's consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.episodes import may_decide_referral
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_processing_allowed

from ..models import Episode, Participant, Referral, ReferralSource
from ._common import Status, _copy_back, _require_editor, _require_membership
from .intake import episode_open

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.people.models import Person


CONSENT_REQUIRED_MESSAGE = _(
    "Ohjausta ei voi tehdä ilman asiakkaan suostumusta. Kysy asiakkaalta lupa siihen, että "
    "hänen nimensä ja ohjauksen syy välitetään toiseen työmuotoon, ja merkitse suostumus."
)


@transaction.atomic
def referral_create(
    *,
    actor: User,
    from_episode: Episode,
    to_service_form: ServiceForm,
    person: Person,
    reason: str,
    consent_given: bool,
) -> Referral:
    """Refer a participant of a visible episode to another service form of the association.

    The client's consent is required. The receiving form sees the person's name, the reason,
    the sending form and the date — not the sending episode (no consent to share it is implied).
    """
    _require_editor(actor, from_episode)
    errors: dict[str, str] = {}
    if not consent_given:
        errors["consent_given"] = str(CONSENT_REQUIRED_MESSAGE)
    if not reason.strip():
        errors["reason"] = _("Kirjoita ohjauksen syy.")
    if to_service_form.organisation_id != from_episode.organisation_id:
        errors["to_service_form"] = _("Valitse oman yhdistyksen työmuoto.")
    elif to_service_form.pk == from_episode.service_form_id:
        errors["to_service_form"] = _("Valitse jokin toinen työmuoto kuin asiakkuuden oma.")
    elif not to_service_form.active:
        errors["to_service_form"] = _("Työmuoto ei ole enää toiminnassa.")
    with scope(organisation=from_episode.organisation_id):
        if not Participant.objects.filter(episode=from_episode, person=person).exists():
            errors["person"] = _("Valitse asiakkuuden tunnistettu osallistuja.")
        elif (
            "to_service_form" not in errors
            and Referral.objects.filter(
                person=person, to_service_form=to_service_form, status=Referral.Status.PROPOSED
            ).exists()
        ):
            errors["to_service_form"] = _(
                "Henkilölle on jo käsittelemätön ohjaus tähän työmuotoon."
            )
        if errors:
            raise ValidationError(errors)
        referral = Referral(
            organisation_id=from_episode.organisation_id,
            from_episode=from_episode,
            to_service_form=to_service_form,
            person=person,
            reason=reason.strip(),
            consent_given=True,
            created_by=actor,
        )
        save_validated(referral, actor=actor)
    return referral


def _require_receiver(actor: User, referral: Referral) -> None:
    _require_membership(may_decide_referral(actor, referral))
    if referral.status != Referral.Status.PROPOSED:
        raise ValidationError(_("Ohjaus on jo käsitelty."))


@transaction.atomic
def referral_accept(
    *, actor: User, referral: Referral, status: str = Status.WAITING, note: str = ""
) -> Episode:
    """Accept a referral: open an episode for the person in the receiving form and link it."""
    _require_receiver(actor, referral)
    ensure_processing_allowed(referral.person_id)
    if status not in {Status.ENQUIRY, Status.WAITING, Status.ACTIVE}:
        raise ValidationError({"status": _("Valitse uuden asiakkuuden tila.")})
    with scope(organisation=referral.organisation_id):
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != Referral.Status.PROPOSED:
            raise ValidationError(_("Ohjaus on jo käsitelty."))
        episode = episode_open(
            actor=actor,
            service_form=referral.to_service_form,
            person=referral.person,
            referral_source=ReferralSource.OTHER_SERVICE_FORM,
            status=status,
        )
        locked.status = Referral.Status.ACCEPTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.to_episode = episode
        save_validated(locked, actor=actor)
    _copy_back(locked, referral)
    return episode


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    """Decline a referral with a reason the sending worker will see."""
    _require_receiver(actor, referral)
    ensure_processing_allowed(referral.person_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Kirjoita peruste, miksi ohjausta ei vastaanoteta.")})
    with scope(organisation=referral.organisation_id):
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != Referral.Status.PROPOSED:
            raise ValidationError(_("Ohjaus on jo käsitelty."))
        locked.status = Referral.Status.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = reason.strip()
        save_validated(locked, actor=actor)
    _copy_back(locked, referral)
    return referral
